#pragma once
// Qt 6.4's raster fills (QImage::fill, opaque fillRect and drawRects, which
// QCustomPlot does at the start of every replot) may return with the upper
// halves of the AVX registers still in use. Every SSE instruction after that
// (all of this program's floating point: it is built for baseline x86-64,
// and so are QCustomPlot's coordinate maths and Qt's stroker) then pays for
// merging them, until something runs vzeroupper. Measured on the 2-core AMD
// EPYC CI machine: the model queries of a 64-lane timeline frame took 3.3 ms
// instead of 0.9 ms. Charts clear that state before their own heavy work.

#include <qcustomplot.h>

namespace spindle {

// vzeroupper where the CPU has AVX; nothing elsewhere.
void clearUpperVectorState();

// Draws nothing: put first on a layer, it clears the state left by the fills
// drawn on the layers before it.
class VectorStateReset : public QCPLayerable {
public:
    VectorStateReset(QCustomPlot* plot, const QString& layer);

protected:
    void applyDefaultAntialiasingHint(QCPPainter*) const override { }
    void draw(QCPPainter*) override { clearUpperVectorState(); }
};

} // namespace spindle

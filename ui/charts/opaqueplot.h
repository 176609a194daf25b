#pragma once
// A QCustomPlot drawn through one opaque paint buffer. QCustomPlot clears its
// buffers to transparent on every replot (the overlay layer has one of its
// own), and its paintEvent fills the widget with the background and blends
// each buffer over it: two clears, a fill and two blends of the whole chart a
// frame, each taller than 96 rows and so handed to Qt's GUI thread pool,
// which is a wait for a core when both are busy. Here every layer shares one
// buffer, cleared to the chart's (solid) background, and painting it on the
// widget is a plain copy. A background that is not one opaque colour, or a
// change of device pixel ratio, falls back to QCustomPlot's own way.
// Exports (toPixmap, savePdf, ...) do not use the buffers and are unchanged.

#include <qcustomplot.h>

namespace spindle {

class OpaquePlot : public QCustomPlot {
    Q_OBJECT
public:
    explicit OpaquePlot(QWidget* parent = nullptr);

    // The colour the buffer is cleared to; invalid when the background is not
    // a single opaque colour.
    QColor opaqueBackground() const;

protected:
    void paintEvent(QPaintEvent* event) override;
};

} // namespace spindle

#include "charts/opaqueplot.h"

namespace spindle {

namespace {

class OpaquePaintBuffer : public QCPPaintBufferPixmap {
public:
    OpaquePaintBuffer(const QSize& size, double devicePixelRatio, const OpaquePlot* plot)
        : QCPPaintBufferPixmap(size, devicePixelRatio), m_plot(plot)
    {
    }

    // Filled with an opaque colour the raster pixmap keeps its format without
    // alpha, so drawing it is a copy, not a blend.
    void clear(const QColor& color) override
    {
        const QColor background = m_plot->opaqueBackground();
        mBuffer.fill(background.isValid() ? background : color);
    }

private:
    const OpaquePlot* m_plot;
};

} // namespace

OpaquePlot::OpaquePlot(QWidget* parent) : QCustomPlot(parent)
{
    // Nothing here draws on the overlay (QCustomPlot puts its selection rect
    // there, which these charts do not use): it shares the one buffer.
    layer(QStringLiteral("overlay"))->setMode(QCPLayer::lmLogical);
    // setupPaintBuffers() keeps a first buffer it finds and only resizes it.
    mPaintBuffers.clear();
    mPaintBuffers.append(QSharedPointer<QCPAbstractPaintBuffer>(
        new OpaquePaintBuffer(viewport().size(), mBufferDevicePixelRatio, this)));
}

QColor OpaquePlot::opaqueBackground() const
{
    if (mBackgroundBrush.style() != Qt::SolidPattern || mBackgroundBrush.color().alpha() != 255
        || !mBackgroundPixmap.isNull())
        return {};
    return mBackgroundBrush.color();
}

void OpaquePlot::paintEvent(QPaintEvent* event)
{
    const bool opaque = opaqueBackground().isValid() && mPaintBuffers.size() == 1
        && dynamic_cast<const OpaquePaintBuffer*>(mPaintBuffers.first().data()) != nullptr
        && qFuzzyCompare(mBufferDevicePixelRatio, devicePixelRatioF())
        // Resized but not replotted yet: the buffer would not cover the widget.
        && mPaintBuffers.first()->size() == viewport().size() && viewport() == rect();
    if (!opaque) {
        QCustomPlot::paintEvent(event);
        return;
    }
    // The buffer covers the viewport in the background colour: no fill under it.
    QCPPainter painter(this);
    if (painter.isActive())
        mPaintBuffers.first()->draw(&painter);
}

} // namespace spindle

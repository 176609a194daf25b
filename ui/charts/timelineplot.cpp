#include "charts/timelineplot.h"

#include "charts/statepalette.h"
#include "charts/vectorstate.h"

#include <array>
#include <cmath>

namespace spindle {

TimelinePlot::TimelinePlot(QCPAxis* keyAxis, QCPAxis* valueAxis) : QCPAbstractPlottable(keyAxis, valueAxis)
{
    setSelectable(QCP::stNone);
    setAntialiasedFill(false);
}

void TimelinePlot::setModel(std::shared_ptr<const TimelineModel> model)
{
    m_model = std::move(model);
}

double TimelinePlot::toSeconds(std::int64_t ns) const
{
    return m_model ? static_cast<double>(ns - m_model->originNs()) / 1e9 : 0.0;
}

std::int64_t TimelinePlot::toNs(double seconds) const
{
    return (m_model ? m_model->originNs() : 0) + static_cast<std::int64_t>(std::llround(seconds * 1e9));
}

double TimelinePlot::barHeight(double laneHeight)
{
    return std::clamp(laneHeight * 0.72, 2.0, 44.0);
}

double TimelinePlot::selectTest(const QPointF&, bool, QVariant*) const
{
    return -1; // hover is handled by the chart; nothing here is selectable
}

QCPRange TimelinePlot::getKeyRange(bool& foundRange, QCP::SignDomain) const
{
    foundRange = m_model != nullptr;
    if (!m_model)
        return {};
    return QCPRange(0, std::max(0.001, toSeconds(m_model->nowNs())));
}

QCPRange TimelinePlot::getValueRange(bool& foundRange, QCP::SignDomain, const QCPRange&) const
{
    foundRange = m_model != nullptr && m_model->laneCount() > 0;
    return QCPRange(-0.5, (m_model ? m_model->laneCount() : 1) - 0.5);
}

void TimelinePlot::draw(QCPPainter* painter)
{
    m_lastItems = 0;
    QCPAxis* keyAxis = mKeyAxis.data();
    QCPAxis* valueAxis = mValueAxis.data();
    if (keyAxis == nullptr || valueAxis == nullptr)
        return;
    const QRect area = clipRect();
    if (!m_model || m_model->laneCount() == 0) {
        // An empty chart says what will fill it rather than showing a blank box.
        painter->setPen(m_theme.mutedText);
        painter->drawText(area, Qt::AlignCenter,
            m_model ? tr("Waiting for the first events…")
                    : tr("Pick a scenario and press Run (F5): one lane per worker appears here."));
        return;
    }
    const TimelineModel& model = *m_model;
    const double widthPx = std::max(1, area.width());
    const std::int64_t t0 = toNs(keyAxis->range().lower);
    const std::int64_t t1 = toNs(keyAxis->range().upper);
    if (t1 <= t0)
        return;
    const std::int64_t pixelNs = std::max<std::int64_t>(1, static_cast<std::int64_t>((t1 - t0) / widthPx));
    const int firstLane = std::max(0, static_cast<int>(std::floor(valueAxis->range().lower + 0.5)));
    const int lastLane
        = std::min(model.laneCount() - 1, static_cast<int>(std::ceil(valueAxis->range().upper - 0.5)));
    const double laneHeight = std::abs(valueAxis->coordToPixel(1) - valueAxis->coordToPixel(0));
    const double bar = barHeight(laneHeight);
    // The key axis is linear: one multiply per edge instead of an axis call.
    const double x0 = keyAxis->coordToPixel(toSeconds(t0));
    const double pxPerNs = (keyAxis->coordToPixel(toSeconds(t1)) - x0) / static_cast<double>(t1 - t0);
    const auto x = [&](std::int64_t t) { return x0 + static_cast<double>(t - t0) * pxPerNs; };

    // Zebra stripes first: long rows stay readable across a wide window.
    painter->setAntialiasing(false);
    painter->setPen(Qt::NoPen);
    painter->setBrush(m_theme.laneBackground);
    for (int lane = firstLane; lane <= lastLane; ++lane) {
        if (lane % 2 == 1) {
            const double y = valueAxis->coordToPixel(lane);
            painter->drawRect(QRectF(area.left(), y - laneHeight / 2, area.width(), laneHeight));
        }
    }

    // The stripes were a fill (see vectorstate.h); what follows is arithmetic.
    clearUpperVectorState();

    // One batch of rectangles per colour: a frame is a handful of drawRects calls.
    // Whole pixels, because the raster engine fills integer rectangles directly
    // but sends every QRectF through its path filler; and neighbours of one
    // colour become one rectangle, since zoomed out most pixel columns of a
    // lane repeat the one before.
    std::array<QVector<QRect>, kWorkerStateCount> rects;
    // Clamped before rounding: an item may start minutes left of a
    // microsecond-wide view, far outside what an int holds in pixels.
    const double clipLeft = area.left() - 1;
    const double clipRight = area.right() + 2;
    for (int lane = firstLane; lane <= lastLane; ++lane) {
        const int top = qRound(valueAxis->coordToPixel(lane) - bar / 2);
        const int height = std::max(1, qRound(valueAxis->coordToPixel(lane) + bar / 2) - top);
        QRect* previous = nullptr;
        int previousState = -1;
        for (const TimelineItem& item : model.segments(lane, t0, t1, pixelNs)) {
            if (!StatePalette::isDrawn(item.state))
                continue;
            ++m_lastItems;
            const int left = qRound(std::clamp(x(item.beginNs), clipLeft, clipRight));
            const int right = std::max(left + 1, qRound(std::clamp(x(item.endNs), clipLeft, clipRight)));
            const int state = static_cast<int>(item.state);
            if (previous != nullptr && state == previousState && left <= previous->right() + 1) {
                previous->setRight(std::max(previous->right(), right - 1));
                continue;
            }
            auto& list = rects[static_cast<std::size_t>(state)];
            list.append(QRect(left, top, right - left, height));
            previous = &list.last();
            previousState = state;
        }
    }
    for (int s = 0; s < kWorkerStateCount; ++s) {
        if (rects[static_cast<std::size_t>(s)].isEmpty())
            continue;
        painter->setBrush(StatePalette::colour(static_cast<WorkerState>(s)));
        if (static_cast<WorkerState>(s) == WorkerState::Crashed && m_theme.dark)
            painter->setPen(QPen(QColor(255, 255, 255, 160), 1));
        else
            painter->setPen(Qt::NoPen);
        painter->drawRects(rects[static_cast<std::size_t>(s)]);
    }

    // Spinner frames: a tick per frame on the bar, so a freeze is a visible hole.
    painter->setPen(QPen(QColor(255, 255, 255, 230), std::max(1.0, m_theme.lineWidth - 0.5)));
    const std::size_t maxTicks = static_cast<std::size_t>(widthPx / 3);
    for (int lane = firstLane; lane <= lastLane; ++lane) {
        if (model.laneInfo(lane).role != WorkerRole::Spinner)
            continue;
        const double y = valueAxis->coordToPixel(lane);
        QVector<QLineF> ticks;
        for (std::int64_t f : model.frames(lane, t0, t1, maxTicks))
            ticks.append(QLineF(x(f), y - bar / 2 + 1, x(f), y + bar / 2 - 1));
        painter->drawLines(ticks);
    }

    // Task markers: ▼ where a task began, ▲ where it ended. On screen they are
    // stamped from two pre-drawn images: an antialiased outlined polygon costs
    // the raster engine two path fills, and zoomed out there are thousands.
    // Exports to PDF and SVG keep them as polygons.
    clearUpperVectorState(); // after the bars' fills
    painter->setAntialiasing(true);
    const double m = std::clamp(bar * 0.22, 3.0, 7.0);
    // Begins above the bar, ends below: one of each per task shown. Each
    // row keeps its triangles (2m wide) three widths apart, so that a dense
    // lane shows a readable sample rather than a band of overlapping ones.
    const std::size_t maxMarkers = static_cast<std::size_t>(widthPx / (3 * m));
    const bool raster
        = painter->paintEngine() != nullptr && painter->paintEngine()->type() == QPaintEngine::Raster;
    const MarkerStamps* stamps = raster ? &markerStamps(m, painter->device()->devicePixelRatioF()) : nullptr;
    painter->setPen(QPen(m_theme.dark ? QColor(0x10, 0x10, 0x10) : QColor(0xff, 0xff, 0xff), 1));
    painter->setBrush(m_theme.dark ? QColor(0xf0, 0xf0, 0xf0) : QColor(0x20, 0x24, 0x28));
    for (int lane = firstLane; lane <= lastLane; ++lane) {
        const double y = valueAxis->coordToPixel(lane);
        for (const TimelineMarker& marker : model.markers(lane, t0, t1, maxMarkers)) {
            const QPointF anchor(x(marker.tNs), marker.begin ? y - bar / 2 : y + bar / 2);
            if (stamps != nullptr) {
                // On whole pixels: the raster engine blits those, and resamples the rest.
                const QPointF& offset = marker.begin ? stamps->beginOffset : stamps->endOffset;
                painter->drawPixmap((anchor - offset).toPoint(), marker.begin ? stamps->begin : stamps->end);
            } else {
                painter->drawPolygon(markerShape(anchor, marker.begin, m));
            }
        }
    }

    // Process groups: a rule between them (the labels carry the pid).
    if (model.groupCount() > 1) {
        painter->setPen(QPen(m_theme.axis, 1, Qt::SolidLine));
        for (int lane = std::max(1, firstLane); lane <= lastLane; ++lane) {
            if (!model.startsGroup(lane))
                continue;
            const double top = valueAxis->coordToPixel(lane) - laneHeight / 2;
            painter->drawLine(QPointF(area.left(), top), QPointF(area.right(), top));
        }
    }

    // Now, while the run goes on.
    if (!model.finished() && model.laneCount() > 0) {
        const double nx = x(model.nowNs());
        painter->setPen(QPen(m_theme.accent, 1.5, Qt::DashLine));
        painter->drawLine(QPointF(nx, area.top()), QPointF(nx, area.bottom()));
    }
}

QPolygonF TimelinePlot::markerShape(QPointF anchor, bool begin, double size)
{
    const double ax = anchor.x();
    const double ay = anchor.y();
    QPolygonF tri;
    if (begin)
        tri << QPointF(ax - size, ay - size) << QPointF(ax + size, ay - size) << QPointF(ax, ay + 1);
    else
        tri << QPointF(ax - size, ay + size) << QPointF(ax + size, ay + size) << QPointF(ax, ay - 1);
    return tri;
}

const TimelinePlot::MarkerStamps& TimelinePlot::markerStamps(double size, double pixelRatio)
{
    if (m_stamps.size == size && m_stamps.pixelRatio == pixelRatio && m_stamps.dark == m_theme.dark)
        return m_stamps;
    m_stamps.size = size;
    m_stamps.pixelRatio = pixelRatio;
    m_stamps.dark = m_theme.dark;
    // The triangles as they were drawn in place, around an anchor at the bar's
    // edge, then cropped to their pixels: a stamp costs what it covers.
    const double margin = std::ceil(size) + 2;
    const QSize pixels(static_cast<int>(std::ceil((2 * margin + 1) * pixelRatio)),
        static_cast<int>(std::ceil((margin + 4) * pixelRatio)));
    const auto render = [&](bool begin, QPixmap* stamp, QPointF* offset) {
        const QPointF anchor(margin, begin ? margin : 3);
        QImage image(pixels, QImage::Format_ARGB32_Premultiplied);
        image.setDevicePixelRatio(pixelRatio);
        image.fill(Qt::transparent);
        {
            QPainter p(&image);
            p.setRenderHint(QPainter::Antialiasing);
            p.setPen(QPen(m_theme.dark ? QColor(0x10, 0x10, 0x10) : QColor(0xff, 0xff, 0xff), 1));
            p.setBrush(m_theme.dark ? QColor(0xf0, 0xf0, 0xf0) : QColor(0x20, 0x24, 0x28));
            p.drawPolygon(markerShape(anchor, begin, size));
        }
        QRect used;
        for (int y = 0; y < image.height(); ++y) {
            for (int x = 0; x < image.width(); ++x) {
                if (qAlpha(image.pixel(x, y)) != 0)
                    used |= QRect(x, y, 1, 1);
            }
        }
        if (used.isEmpty())
            used = QRect(0, 0, 1, 1);
        QImage cropped = image.copy(used);
        cropped.setDevicePixelRatio(pixelRatio);
        *stamp = QPixmap::fromImage(cropped);
        *offset = anchor - QPointF(used.topLeft()) / pixelRatio;
    };
    render(true, &m_stamps.begin, &m_stamps.beginOffset);
    render(false, &m_stamps.end, &m_stamps.endOffset);
    return m_stamps;
}

void TimelinePlot::drawLegendIcon(QCPPainter* painter, const QRectF& rect) const
{
    painter->setPen(Qt::NoPen);
    painter->setBrush(StatePalette::colour(WorkerState::Running));
    painter->drawRect(rect);
}

} // namespace spindle

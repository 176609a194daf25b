#include "charts/timelineplot.h"

#include "charts/statepalette.h"

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
    const auto x = [&](std::int64_t t) { return keyAxis->coordToPixel(toSeconds(t)); };

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

    // One batch of rectangles per colour: a frame is a handful of drawRects calls.
    std::array<QVector<QRectF>, kWorkerStateCount> rects;
    for (int lane = firstLane; lane <= lastLane; ++lane) {
        const double y = valueAxis->coordToPixel(lane) - bar / 2;
        for (const TimelineItem& item : model.segments(lane, t0, t1, pixelNs)) {
            if (!StatePalette::isDrawn(item.state))
                continue;
            const double left = std::max<double>(area.left() - 1, x(item.beginNs));
            const double right = std::min<double>(area.right() + 1, x(item.endNs));
            rects[static_cast<std::size_t>(item.state)].append(
                QRectF(left, y, std::max(1.0, right - left), bar));
            ++m_lastItems;
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

    // Task markers: ▼ where a task began, ▲ where it ended.
    painter->setAntialiasing(true);
    const double m = std::clamp(bar * 0.22, 3.0, 7.0);
    const std::size_t maxMarkers = static_cast<std::size_t>(widthPx / 6);
    painter->setPen(QPen(m_theme.dark ? QColor(0x10, 0x10, 0x10) : QColor(0xff, 0xff, 0xff), 1));
    painter->setBrush(m_theme.dark ? QColor(0xf0, 0xf0, 0xf0) : QColor(0x20, 0x24, 0x28));
    for (int lane = firstLane; lane <= lastLane; ++lane) {
        const double y = valueAxis->coordToPixel(lane);
        for (const TimelineMarker& marker : model.markers(lane, t0, t1, maxMarkers)) {
            const double mx = x(marker.tNs);
            QPolygonF tri;
            if (marker.begin) {
                const double top = y - bar / 2;
                tri << QPointF(mx - m, top - m) << QPointF(mx + m, top - m) << QPointF(mx, top + 1);
            } else {
                const double bottom = y + bar / 2;
                tri << QPointF(mx - m, bottom + m) << QPointF(mx + m, bottom + m) << QPointF(mx, bottom - 1);
            }
            painter->drawPolygon(tri);
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

void TimelinePlot::drawLegendIcon(QCPPainter* painter, const QRectF& rect) const
{
    painter->setPen(Qt::NoPen);
    painter->setBrush(StatePalette::colour(WorkerState::Running));
    painter->drawRect(rect);
}

} // namespace spindle

#include "charts/timelinechart.h"

#include "charts/axisstyle.h"
#include "charts/timelineplot.h"
#include "charts/vectorstate.h"
#include "format.h"

#include <QPainter>
#include <QScrollBar>
#include <QToolTip>

#include <cmath>
#include <tuple>

namespace spindle {

namespace {
constexpr double kMinSpanS = 1.0; // a short run still gets a one-second view
constexpr double kGrowLimitS = 30.0; // past this, following scrolls instead of squeezing
constexpr double kMinWidthS = 1e-6; // zooming stops at a microsecond across the view
// Tick labels an axis keeps as ready-made images: every lane name that fits a
// tall window, and some to spare.
constexpr int kLabelCacheSize = 256;

// QCustomPlot caches only 16 tick labels per axis, fewer than the lane names
// a window shows, so every replot laid out and rendered each name again (a
// little under half a millisecond a frame at 34 lanes). Its axis painter is a
// protected member; pointers to members named through a derived class reach
// it without a cast.
struct AxisPainterAccess : QCPAxis {
    static constexpr auto painter = &AxisPainterAccess::mAxisPainter;
};
struct LabelCacheAccess : QCPAxisPainterPrivate {
    static constexpr auto cache = &LabelCacheAccess::mLabelCache;
};

void growLabelCache(QCPAxis* axis)
{
    QCPAxisPainterPrivate* painter = axis->*AxisPainterAccess::painter;
    (painter->*LabelCacheAccess::cache).setMaxCost(kLabelCacheSize);
}

// The lane scroll bar sits on the chart, so every replot repaints it too, and
// its groove is drawn as fills the height of the chart. Qt's raster engine
// hands every fill or copy of 96 rows or more to its GUI thread pool and waits
// for it (QT_THREAD_PARALLEL_FILLS); with both cores busy that wait is a wait
// for a core: 4 ms of a 6 ms frame, measured with 64 lanes at 1280x800. So
// the bar keeps an image of itself, made again after something of its own
// changed, and the chart's repaints copy that image in bands of fewer rows.
class LaneScrollBar : public QScrollBar {
public:
    using QScrollBar::QScrollBar;

protected:
    bool event(QEvent* event) override
    {
        // Hover, presses, the arrows' repeat timer, palette, style, size:
        // whatever changes the look comes as an event; the chart's repaints
        // come as paint events only.
        if (event->type() != QEvent::Paint)
            m_stale = true;
        return QScrollBar::event(event);
    }

    void paintEvent(QPaintEvent* event) override
    {
        if (m_rendering || m_stale || m_image.isNull() || key() != m_key) {
            // A widget cannot render itself while it paints: this time as
            // usual, and the image right after.
            QScrollBar::paintEvent(event);
            if (!m_rendering && !m_queued) {
                m_queued = true;
                QMetaObject::invokeMethod(
                    this, [this] { remake(); }, Qt::QueuedConnection);
            }
            return;
        }
        constexpr int kBandRows = 40; // below 96 device rows up to a pixel ratio of 2
        const qreal ratio = m_image.devicePixelRatio();
        QPainter painter(this);
        for (int y = 0; y < height(); y += kBandRows) {
            const int rows = std::min(kBandRows, height() - y);
            painter.drawPixmap(
                QRectF(0, y, width(), rows), m_image, QRectF(0, y * ratio, width() * ratio, rows * ratio));
        }
    }

private:
    // Value and range change through update(), which sends no event here.
    using Key = std::tuple<QSize, int, int, int, int, qreal>;
    Key key() const { return {size(), value(), minimum(), maximum(), pageStep(), devicePixelRatioF()}; }

    void remake()
    {
        m_queued = false;
        m_stale = false;
        m_key = key();
        const qreal ratio = devicePixelRatioF();
        m_image = QPixmap((QSizeF(size()) * ratio).toSize());
        m_image.setDevicePixelRatio(ratio);
        m_image.fill(Qt::transparent);
        m_rendering = true;
        render(&m_image, QPoint(), QRegion(), QWidget::RenderFlags());
        m_rendering = false;
    }

    QPixmap m_image;
    Key m_key;
    bool m_stale = true;
    bool m_queued = false;
    bool m_rendering = false;
};
} // namespace

TimelineChart::TimelineChart(QWidget* parent) : OpaquePlot(parent), m_laneTicker(new QCPAxisTickerText)
{
    // Before the grid and the axes, after the backgrounds' fills (vectorstate.h).
    new VectorStateReset(this, QStringLiteral("grid"));
    m_plot = new TimelinePlot(xAxis, yAxis);
    yAxis->setRangeReversed(true);
    yAxis->setTicker(m_laneTicker);
    yAxis->grid()->setVisible(false);
    yAxis->setTickLength(0, 0);
    yAxis->setSubTickLength(0, 0);
    yAxis->setRange(-0.5, 0.5);
    growLabelCache(yAxis);
    xAxis->setLabel(tr("time since run start (s)"));
    xAxis->setRange(0, kMinSpanS);
    axisRect()->setRangeDrag(Qt::Horizontal);
    axisRect()->setRangeZoom(Qt::Horizontal);
    axisRect()->setRangeZoomFactor(0.8, 1.0);
    setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    setNoAntialiasingOnDrag(true);
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(true);
    setMinimumSize(200, 140);

    m_laneScroll = new LaneScrollBar(Qt::Vertical, this);
    m_laneScroll->setVisible(false);
    m_laneScroll->setToolTip(tr("More lanes: scroll with Shift+wheel, ↑ ↓, PgUp / PgDn"));
    connect(this, &QCustomPlot::afterLayout, this, &TimelineChart::placeScrollBar);
    connect(m_laneScroll, &QScrollBar::valueChanged, this, [this](int first) {
        if (first != m_firstLane)
            showLanes(first);
    });
    connect(xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this, [this](const QCPRange& range) {
        if (!m_settingRange && range.size() < kMinWidthS) {
            setTimeRange(range.center() - kMinWidthS / 2, range.center() + kMinWidthS / 2);
            return;
        }
        emit timeRangeChanged(range.lower, range.upper);
    });
}

void TimelineChart::setModel(std::shared_ptr<const TimelineModel> model)
{
    m_model = std::move(model);
    m_plot->setModel(m_model);
    m_layoutVersion = ~std::uint64_t {0};
    m_firstLane = 0;
    m_followWidth = 0;
    m_sawFinished = m_model && m_model->finished();
    setFollow(!m_sawFinished);
    if (m_sawFinished) {
        updateLanes(true);
        fitAll();
    } else {
        setTimeRange(0, kMinSpanS);
        refresh();
    }
}

const TimelineModel* TimelineChart::model() const
{
    return m_model.get();
}

void TimelineChart::applyTheme(const Theme& theme)
{
    m_theme = theme;
    m_plot->setTheme(theme);
    setBackground(theme.plotBackground);
    axisRect()->setBackground(theme.plotBackground);
    const QFont base = font();
    for (QCPAxis* axis : {xAxis, yAxis}) {
        styleAxis(axis, theme, base, base);
        axis->grid()->setSubGridVisible(false);
    }
    yAxis->setTickLabelFont(Theme::font(base, 1.0, true));
    yAxis->grid()->setVisible(false);
    m_layoutVersion = ~std::uint64_t {0};
    updateLanes(true);
    replot(rpQueuedReplot);
}

double TimelineChart::nowSeconds() const
{
    return m_model ? m_plot->toSeconds(m_model->nowNs()) : 0.0;
}

void TimelineChart::setTimeRange(double lower, double upper)
{
    m_settingRange = true;
    xAxis->setRange(lower, std::max(upper, lower + kMinWidthS));
    m_settingRange = false;
}

void TimelineChart::refresh()
{
    if (m_model) {
        updateLanes(false);
        const double now = nowSeconds();
        if (m_model->finished()) {
            if (!m_sawFinished) {
                m_sawFinished = true;
                if (m_follow)
                    fitAll();
            }
        } else if (m_follow) {
            if (m_followWidth <= 0) {
                const double w = std::max(kMinSpanS, now * 1.08);
                if (w <= kGrowLimitS)
                    setTimeRange(0, w);
                else
                    m_followWidth = kGrowLimitS;
            }
            if (m_followWidth > 0)
                setTimeRange(now - 0.92 * m_followWidth, now + 0.08 * m_followWidth);
        }
    }
    replot(rpQueuedReplot);
}

void TimelineChart::zoomIn()
{
    const double w = std::max(kMinWidthS, xAxis->range().size() / 2);
    if (m_follow && m_model && !m_model->finished()) {
        m_followWidth = w;
        const double now = nowSeconds();
        setTimeRange(now - 0.92 * w, now + 0.08 * w);
    } else {
        const double c = xAxis->range().center();
        setTimeRange(c - w / 2, c + w / 2);
    }
    replot(rpQueuedReplot);
}

void TimelineChart::zoomOut()
{
    const double w = xAxis->range().size() * 2;
    const double span = std::max(kMinSpanS, nowSeconds());
    if (m_follow && m_model && !m_model->finished()) {
        m_followWidth = w >= span ? 0 : w;
        refresh();
        return;
    }
    if (w >= span * 1.02) {
        fitAll();
        return;
    }
    const double c = xAxis->range().center();
    setTimeRange(std::max(0.0, c - w / 2), std::max(0.0, c - w / 2) + w);
    replot(rpQueuedReplot);
}

void TimelineChart::fitAll()
{
    const double now = std::max(0.001, nowSeconds());
    if (m_model && !m_model->finished()) {
        m_followWidth = 0;
        setFollow(true);
        setTimeRange(0, std::max(kMinSpanS, now * 1.08));
    } else {
        setFollow(false);
        setTimeRange(0, now * 1.02);
    }
    replot(rpQueuedReplot);
}

void TimelineChart::panBy(double fraction)
{
    setFollow(false);
    const QCPRange r = xAxis->range();
    setTimeRange(r.lower + fraction * r.size(), r.upper + fraction * r.size());
    replot(rpQueuedReplot);
}

void TimelineChart::setFollow(bool follow)
{
    if (follow == m_follow)
        return;
    m_follow = follow;
    emit followChanged(follow);
    if (follow)
        refresh();
}

int TimelineChart::lanesThatFit() const
{
    // The x axis and its label take about four text lines.
    const int lineHeight = QFontMetrics(yAxis->tickLabelFont()).height();
    const int usable = height() - 4 * lineHeight;
    return std::max(1, usable / std::max(12, lineHeight + 4));
}

void TimelineChart::updateLanes(bool force)
{
    const int count = m_model ? m_model->laneCount() : 0;
    if (m_model && (force || m_model->layoutVersion() != m_layoutVersion)) {
        m_layoutVersion = m_model->layoutVersion();
        m_laneTicker->clear();
        const bool pids = m_model->groupCount() > 1;
        for (int i = 0; i < count; ++i) {
            const WorkerInfo& info = m_model->laneInfo(i);
            m_laneTicker->addTick(
                i, pids ? QStringLiteral("%1 (pid %2)").arg(info.name).arg(info.pid) : info.name);
        }
        force = true;
    }
    const int shown = std::max(1, std::min(count, lanesThatFit()));
    if (!force && shown == m_shownLanes)
        return;
    m_shownLanes = shown;
    showLanes(m_firstLane);
}

void TimelineChart::showLanes(int first)
{
    const int count = m_model ? m_model->laneCount() : 0;
    m_firstLane = std::clamp(first, 0, std::max(0, count - m_shownLanes));
    yAxis->setRange(m_firstLane - 0.5, m_firstLane + m_shownLanes - 0.5);
    {
        const QSignalBlocker block(m_laneScroll);
        m_laneScroll->setRange(0, std::max(0, count - m_shownLanes));
        m_laneScroll->setPageStep(m_shownLanes);
        m_laneScroll->setValue(m_firstLane);
    }
    m_laneScroll->setVisible(count > m_shownLanes);
    placeScrollBar();
    replot(rpQueuedReplot);
}

void TimelineChart::placeScrollBar()
{
    // Along the right edge of the lanes, clear of the time axis.
    const QRect lanes = axisRect()->rect();
    const int w = m_laneScroll->sizeHint().width();
    const int bottom = lanes.height() > 0 ? lanes.bottom() : height() - 40;
    m_laneScroll->setGeometry(
        width() - w - 1, std::max(0, lanes.top()), w, std::max(20, bottom - lanes.top()));
}

void TimelineChart::scrollLanes(int delta)
{
    showLanes(m_firstLane + delta);
}

QString TimelineChart::tooltipAt(const QPoint& pos) const
{
    if (!m_model || !axisRect()->rect().contains(pos))
        return {};
    const int lane = static_cast<int>(std::lround(yAxis->pixelToCoord(pos.y())));
    if (lane < 0 || lane >= m_model->laneCount())
        return {};
    const double laneHeight = std::abs(yAxis->coordToPixel(1) - yAxis->coordToPixel(0));
    if (std::abs(pos.y() - yAxis->coordToPixel(lane)) > TimelinePlot::barHeight(laneHeight) / 2 + 8)
        return {};
    const std::int64_t t = m_plot->toNs(xAxis->pixelToCoord(pos.x()));
    const auto segment = m_model->segmentAt(lane, t);
    if (!segment)
        return {};
    const WorkerInfo& info = m_model->laneInfo(lane);
    QStringList lines;
    QString who = QStringLiteral("<b>%1</b> — %2")
                      .arg(info.name.toHtmlEscaped(), QString::fromLatin1(toString(info.kind)));
    if (info.pid != 0)
        who += QStringLiteral(", pid %1").arg(info.pid);
    if (info.tid != 0)
        who += QStringLiteral(", tid %1").arg(info.tid);
    lines << who;
    lines << QStringLiteral("state: <b>%1</b>%2")
                 .arg(QString::fromLatin1(toString(segment->state)),
                     segment->mixed ? tr(" (mostly; older detail merged)") : QString());
    lines << tr("for %1, from %2 s to %3 s")
                 .arg(Format::duration(segment->endNs - segment->beginNs))
                 .arg(m_plot->toSeconds(segment->beginNs), 0, 'f', 3)
                 .arg(m_plot->toSeconds(segment->endNs), 0, 'f', 3);
    if (const auto task = m_model->taskAt(lane, t))
        lines << tr("task: %1").arg(Format::task(*task).toHtmlEscaped());
    if (info.role == WorkerRole::Spinner)
        lines << tr("frames: %1, longest gap %2")
                     .arg(m_model->frameCount(lane))
                     .arg(Format::milliseconds(m_model->longestFrameGapNs(lane)));
    return QStringLiteral("<p style='white-space:pre'>%1</p>").arg(lines.join(QStringLiteral("<br>")));
}

void TimelineChart::keyPressEvent(QKeyEvent* event)
{
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomIn();
        break;
    case Qt::Key_Minus:
        zoomOut();
        break;
    case Qt::Key_Left:
        panBy(-0.2);
        break;
    case Qt::Key_Right:
        panBy(0.2);
        break;
    case Qt::Key_Home:
        fitAll();
        break;
    case Qt::Key_End:
        if (m_model && !m_model->finished()) {
            setFollow(true);
        } else {
            const double w = xAxis->range().size();
            const double now = nowSeconds();
            setTimeRange(now - 0.95 * w, now + 0.05 * w);
            replot(rpQueuedReplot);
        }
        break;
    case Qt::Key_Up:
        scrollLanes(-1);
        break;
    case Qt::Key_Down:
        scrollLanes(1);
        break;
    case Qt::Key_PageUp:
        scrollLanes(-m_shownLanes);
        break;
    case Qt::Key_PageDown:
        scrollLanes(m_shownLanes);
        break;
    default:
        QCustomPlot::keyPressEvent(event);
        return;
    }
    event->accept();
}

void TimelineChart::mousePressEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton)
        setFollow(false); // a drag means "let me look here"
    QCustomPlot::mousePressEvent(event);
}

void TimelineChart::mouseMoveEvent(QMouseEvent* event)
{
    QCustomPlot::mouseMoveEvent(event);
    if (event->buttons() != Qt::NoButton)
        return;
    const QString text = tooltipAt(event->pos());
    if (text.isEmpty())
        QToolTip::hideText();
    else
        QToolTip::showText(event->globalPosition().toPoint(), text, this);
}

void TimelineChart::wheelEvent(QWheelEvent* event)
{
    if (event->modifiers() & Qt::ShiftModifier) {
        scrollLanes(event->angleDelta().y() > 0 ? -1 : 1);
        event->accept();
        return;
    }
    QCustomPlot::wheelEvent(event);
    // Zooming keeps following, at the new width.
    if (m_follow && m_model && !m_model->finished()) {
        m_followWidth = xAxis->range().size();
        refresh();
    }
}

void TimelineChart::resizeEvent(QResizeEvent* event)
{
    QCustomPlot::resizeEvent(event);
    updateLanes(false);
    placeScrollBar();
}

void TimelineChart::leaveEvent(QEvent* event)
{
    QToolTip::hideText();
    QCustomPlot::leaveEvent(event);
}

} // namespace spindle

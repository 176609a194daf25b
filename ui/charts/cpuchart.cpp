#include "charts/cpuchart.h"

#include "charts/axisstyle.h"
#include "charts/vectorstate.h"
#include "session/cpuline.h"

#include <algorithm>
#include <cmath>

namespace spindle {

namespace {

// Min and max of each bucket (cpuline.h): a query of one bucket per pixel
// column hands QCustomPlot at most two points a column, spikes included.
QVector<QCPGraphData> toGraph(const std::vector<CpuPoint>& buckets, std::int64_t origin, double scale = 1.0)
{
    const std::vector<CpuLinePoint> line = cpuMinMaxLine(buckets, scale);
    QVector<QCPGraphData> out;
    out.reserve(static_cast<qsizetype>(line.size()));
    for (const CpuLinePoint& p : line)
        out.append(QCPGraphData(static_cast<double>(p.tNs - origin) / 1e9, p.pct));
    return out;
}

// Columns of a rect, for the queries; a rect not laid out yet gets a guess.
std::size_t columnsOf(const QCPAxisRect* rect, int fallback)
{
    const int w = rect->width() > 0 ? rect->width() : fallback;
    return static_cast<std::size_t>(std::clamp(w, 50, 4000));
}

} // namespace

CpuChart::CpuChart(QWidget* parent) : OpaquePlot(parent)
{
    m_workersRect = axisRect();
    m_coresRect = new QCPAxisRect(this);
    plotLayout()->insertRow(0);
    m_workersTitle = new QCPTextElement(this, tr("CPU %"));
    m_coresTitle = new QCPTextElement(this, tr("per core %"));
    // The legend sits beside the title, off the lines it explains.
    auto* header = new QCPLayoutGrid;
    plotLayout()->addElement(0, 0, header);
    header->addElement(0, 0, m_workersTitle);
    m_workersRect->insetLayout()->take(legend);
    header->addElement(0, 1, legend);
    header->setColumnSpacing(16);
    header->setColumnStretchFactors({1.0, 0.001});
    m_workersTitle->setTextFlags(Qt::AlignLeft | Qt::AlignVCenter);
    plotLayout()->addElement(0, 1, m_coresTitle);
    plotLayout()->addElement(1, 1, m_coresRect);
    plotLayout()->setColumnStretchFactors({3.0, 1.0});
    plotLayout()->setRowStretchFactors({0.001, 1.0}); // the header row takes only what it needs
    plotLayout()->setColumnSpacing(12);

    for (QCPAxisRect* rect : {m_workersRect, m_coresRect}) {
        rect->setRangeDrag(Qt::Orientations());
        rect->setRangeZoom(Qt::Orientations());
        rect->axis(QCPAxis::atBottom)->setLabel(tr("s"));
    }
    m_coresRect->axis(QCPAxis::atLeft)->setRange(0, 105);
    for (QCPAxisRect* rect : {m_workersRect, m_coresRect})
        rect->axis(QCPAxis::atBottom)->setRange(m_lower, m_upper);
    m_workersRect->axis(QCPAxis::atLeft)->setRange(0, 125);

    QCPAxis* wx = m_workersRect->axis(QCPAxis::atBottom);
    QCPAxis* wy = m_workersRect->axis(QCPAxis::atLeft);
    QCPAxis* cx = m_coresRect->axis(QCPAxis::atBottom);
    QCPAxis* cy = m_coresRect->axis(QCPAxis::atLeft);

    m_oneCore = new QCPItemStraightLine(this);
    m_oneCore->setClipAxisRect(m_workersRect);
    m_oneCore->point1->setAxes(wx, wy);
    m_oneCore->point2->setAxes(wx, wy);
    m_oneCore->point1->setCoords(0, 100);
    m_oneCore->point2->setCoords(1, 100);
    m_oneCoreLabel = new QCPItemText(this);
    m_oneCoreLabel->setClipAxisRect(m_workersRect);
    m_oneCoreLabel->position->setAxisRect(m_workersRect);
    m_oneCoreLabel->position->setAxes(wx, wy);
    m_oneCoreLabel->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
    m_oneCoreLabel->position->setTypeY(QCPItemPosition::ptPlotCoords);
    m_oneCoreLabel->position->setCoords(0.005, 100);
    m_oneCoreLabel->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
    m_oneCoreLabel->setText(tr("1 core = 100 %"));

    // The backgrounds were fills; grids and graphs are arithmetic (vectorstate.h).
    new VectorStateReset(this, QStringLiteral("grid"));
    // Lines of a pixel or two stroked with antialiasing went through the
    // raster engine's path filler: most of a replot. Without it, and with
    // solid lines drawn segment by segment, they cost a fraction of that.
    setPlottingHint(QCP::phFastPolylines, true);

    m_runGraph = addGraph(wx, wy);
    m_runGraph->setName(tr("whole run"));
    m_runGraph->setAntialiased(false);
    m_machineGraph = addGraph(cx, cy);
    m_machineGraph->setAntialiased(false);
    m_machineGraph->setName(tr("machine avg"));
    m_machineGraph->removeFromLegend();

    legend->setVisible(true);
    legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    legend->setWrap(100); // one row; fitLegend() keeps it short
    legend->setRowSpacing(0);
    legend->setColumnSpacing(8);
    // Round steps of 50 % or more (fitTicks() picks one for the height and range).
    for (QCPAxisRect* rect : {m_workersRect, m_coresRect}) {
        QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
        ticker->setTickStep(50);
        ticker->setScaleStrategy(QCPAxisTickerFixed::ssNone); // fitTicks() picks the step
        rect->axis(QCPAxis::atLeft)->setTicker(ticker);
    }
    m_coresRect->axis(QCPAxis::atBottom)->ticker()->setTickCount(3); // a narrow panel
    // Titles and legend must not widen the window: they get what the layout gives.
    setMinimumSize(200, 140);
}

void CpuChart::setModel(std::shared_ptr<const TimelineModel> model)
{
    m_model = std::move(model);
    for (QCPGraph* g : m_workerGraphs)
        g->data()->clear();
    for (QCPGraph* g : m_coreGraphs)
        g->data()->clear();
    m_runGraph->data()->clear();
    m_machineGraph->data()->clear();
    m_runPeak = 0;
    refresh();
}

QColor CpuChart::workerColour(int index) const
{
    // Tableau-like hues, kept apart from the thick whole-run line.
    static const QColor colours[] = {
        QColor(0x1f, 0x77, 0xb4),
        QColor(0xff, 0x7f, 0x0e),
        QColor(0x2c, 0xa0, 0x2c),
        QColor(0xd6, 0x27, 0x28),
        QColor(0x94, 0x67, 0xbd),
        QColor(0x8c, 0x56, 0x4b),
        QColor(0xe3, 0x77, 0xc2),
        QColor(0x17, 0xbe, 0xcf),
        QColor(0xbc, 0xbd, 0x22),
        QColor(0x7f, 0x7f, 0x7f),
    };
    return colours[index % 10];
}

void CpuChart::applyTheme(const Theme& theme)
{
    m_theme = theme;
    setBackground(theme.plotBackground);
    styleAxisRect(m_workersRect, theme, font());
    styleAxisRect(m_coresRect, theme, font());
    fitTicks();
    const QFont titleFont = Theme::font(font(), 1.0, true);
    for (QCPTextElement* title : {m_workersTitle, m_coresTitle}) {
        title->setFont(titleFont);
        title->setTextColor(theme.text);
    }
    m_oneCore->setPen(QPen(theme.mutedText, theme.lineWidth, Qt::DashLine));
    m_oneCoreLabel->setColor(theme.mutedText);
    // Readable where a line runs right along the one-core mark (the GIL's lesson).
    QColor labelBackground = theme.plotBackground;
    labelBackground.setAlpha(200);
    m_oneCoreLabel->setBrush(labelBackground);
    m_oneCoreLabel->setPadding(QMargins(2, 0, 2, 0));
    m_oneCoreLabel->setFont(Theme::font(font(), 0.9));
    m_runGraph->setPen(QPen(theme.text, theme.lineWidth + 1.5));
    m_machineGraph->setPen(QPen(theme.mutedText, theme.lineWidth, Qt::DashLine));
    for (int i = 0; i < m_workerGraphs.size(); ++i)
        m_workerGraphs[i]->setPen(QPen(workerColour(i), theme.lineWidth));
    legend->setBrush(Qt::NoBrush);
    legend->setBorderPen(Qt::NoPen);
    legend->setTextColor(theme.text);
    legend->setFont(Theme::font(font(), 0.9));
    replot(rpQueuedReplot);
}

void CpuChart::setTimeRange(double lower, double upper)
{
    m_lower = lower;
    m_upper = std::max(upper, lower + 1e-6);
    refresh();
}

QCPGraph* CpuChart::workerGraph(int index)
{
    while (m_workerGraphs.size() <= index) {
        QCPGraph* g = addGraph(m_workersRect->axis(QCPAxis::atBottom), m_workersRect->axis(QCPAxis::atLeft));
        g->setPen(QPen(workerColour(static_cast<int>(m_workerGraphs.size())), m_theme.lineWidth));
        g->setAntialiased(false);
        m_workerGraphs << g;
    }
    return m_workerGraphs[index];
}

QCPGraph* CpuChart::coreGraph(int index)
{
    while (m_coreGraphs.size() <= index) {
        QCPGraph* g = addGraph(m_coresRect->axis(QCPAxis::atBottom), m_coresRect->axis(QCPAxis::atLeft));
        QColor c = QColor::fromHsv(static_cast<int>((m_coreGraphs.size() * 47) % 360), 150, 200);
        g->setPen(QPen(c, std::max(1.0, m_theme.lineWidth - 0.5)));
        g->setName(QStringLiteral("cpu%1").arg(m_coreGraphs.size()));
        g->setAntialiased(false);
        g->removeFromLegend();
        m_coreGraphs << g;
    }
    return m_coreGraphs[index];
}

void CpuChart::fitLegend(int drawn, int withData)
{
    // One row beside the title: as many names as fit, the rest summed up in
    // the last one. A legend that wrapped would squeeze the chart itself.
    const QFontMetrics fm(legend->font());
    const int rectWidth = m_workersRect->width() > 0 ? m_workersRect->width() : width() * 3 / 4;
    const int available
        = rectWidth - QFontMetrics(m_workersTitle->font()).horizontalAdvance(m_workersTitle->text()) - 40;
    const auto itemWidth = [&](const QString& name) {
        return fm.horizontalAdvance(name) + legend->iconSize().width() + legend->iconTextPadding() + 14;
    };
    int used = itemWidth(m_runGraph->name());
    const int suffixWidth = fm.horizontalAdvance(QStringLiteral(" (+000 more)"));
    int listed = 0;
    for (int i = 0; i < drawn; ++i) {
        const bool last = i == drawn - 1 && drawn == withData;
        const int w = itemWidth(m_workerGraphs[i]->name()) + (last ? 0 : suffixWidth);
        if (used + w > available)
            break;
        used += itemWidth(m_workerGraphs[i]->name());
        ++listed;
    }
    for (int i = 0; i < m_workerGraphs.size(); ++i) {
        if (i < listed)
            m_workerGraphs[i]->addToLegend();
        else
            m_workerGraphs[i]->removeFromLegend();
    }
    const int unlisted = withData - listed;
    if (unlisted > 0 && listed > 0) {
        QCPGraph* tail = m_workerGraphs[listed - 1];
        tail->setName(tr("%1 (+%2 more)").arg(tail->name()).arg(unlisted));
    } else if (unlisted > 0) {
        m_runGraph->setName(tr("whole run (+%1 workers)").arg(unlisted));
        return;
    }
    m_runGraph->setName(tr("whole run"));
}

int CpuChart::workerLineCount() const
{
    int n = 0;
    for (const QCPGraph* g : m_workerGraphs)
        n += g->visible() && !g->data()->isEmpty() ? 1 : 0;
    return n;
}

void CpuChart::resizeEvent(QResizeEvent* event)
{
    OpaquePlot::resizeEvent(event);
    fitTicks();
}

void CpuChart::fitTicks()
{
    // The plots' height from the last layout; before the first, about what
    // the titles and the time axis leave.
    const int plotHeight = m_workersRect->height() > 0 ? m_workersRect->height() : height() - 80;
    const int lineHeight = QFontMetrics(m_workersRect->axis(QCPAxis::atLeft)->tickLabelFont()).height();
    // Labels a line and a half apart at least, and never fewer than two.
    const double fit = std::max(2.0, plotHeight / (1.5 * std::max(1, lineHeight)));
    for (QCPAxisRect* rect : {m_workersRect, m_coresRect}) {
        QCPAxis* axis = rect->axis(QCPAxis::atLeft);
        // The finest of these round steps whose labels fit: 0 / 100 / 200
        // rather than 0 / 150, which no one reads at a glance.
        double step = 50;
        for (const double candidate : {50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0}) {
            step = candidate;
            if (std::floor(axis->range().upper / candidate) + 1 <= fit)
                break;
        }
        if (auto fixed = axis->ticker().dynamicCast<QCPAxisTickerFixed>())
            fixed->setTickStep(step);
    }
}

void CpuChart::refresh()
{
    for (QCPAxisRect* rect : {m_workersRect, m_coresRect})
        rect->axis(QCPAxis::atBottom)->setRange(m_lower, m_upper);
    if (!m_model) {
        replot(rpQueuedReplot);
        return;
    }
    const std::int64_t origin = m_model->originNs();
    const auto ns = [origin](double s) { return origin + static_cast<std::int64_t>(std::llround(s * 1e9)); };
    const std::int64_t t0 = ns(m_lower);
    const std::int64_t t1 = ns(m_upper);
    const std::size_t points = columnsOf(m_workersRect, width() * 3 / 4);
    const std::size_t corePoints = columnsOf(m_coresRect, width() / 4);

    // Lines for the first workers that have something to show; the others
    // are counted, not drawn, so a run of a thousand threads stays legible.
    double peak = 0;
    int drawn = 0;
    int withData = 0;
    for (int lane : m_model->cpuLanes()) {
        if (m_model->storedCpuPoints(lane) == 0)
            continue;
        ++withData;
        if (drawn >= kMaxWorkerLines)
            continue;
        const auto series = toGraph(m_model->workerCpu(lane, t0, t1, points), origin);
        QCPGraph* g = workerGraph(drawn++);
        g->data()->set(series, true);
        g->setName(m_model->laneInfo(lane).name);
        g->setVisible(true);
        for (const QCPGraphData& d : series)
            peak = std::max(peak, d.value);
    }
    for (int i = drawn; i < m_workerGraphs.size(); ++i)
        m_workerGraphs[i]->setVisible(false);
    fitLegend(drawn, withData);

    const auto run = toGraph(m_model->runCpu(t0, t1, points), origin);
    m_runGraph->data()->set(run, true);
    m_runPeak = 0;
    for (const QCPGraphData& d : run)
        m_runPeak = std::max(m_runPeak, d.value);
    peak = std::max(peak, m_runPeak);
    // Whole multiples of 25 %, never so low that the one-core line leaves the chart.
    const double top = std::max(125.0, std::ceil(peak * 1.12 / 25.0) * 25.0);
    m_workersRect->axis(QCPAxis::atLeft)->setRange(0, top);
    fitTicks(); // for this range, at the height the last layout gave

    const int cores = m_model->coreCount();
    for (int c = 0; c < cores; ++c) {
        QCPGraph* g = coreGraph(c);
        g->data()->set(toGraph(m_model->coreCpu(c, t0, t1, corePoints), origin), true);
    }
    if (cores > 0)
        m_machineGraph->data()->set(
            toGraph(m_model->coreCpu(-1, t0, t1, corePoints), origin, 1.0 / cores), true);
    m_coresTitle->setText(cores > 0 ? tr("per core % (- - mean)") : tr("per core %"));
    replot(rpQueuedReplot);
}

} // namespace spindle

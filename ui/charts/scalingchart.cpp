#include "charts/scalingchart.h"

#include "charts/axisstyle.h"
#include "format.h"

#include <cmath>

namespace spindle {

namespace {

constexpr double kHeadRoom = 1.22; // above the highest value: the best label fits

QCPAxis* bottom(QCPAxisRect* rect)
{
    return rect->axis(QCPAxis::atBottom);
}

QCPAxis* left(QCPAxisRect* rect)
{
    return rect->axis(QCPAxis::atLeft);
}

QString seriesName(const ScalingSeries& s)
{
    return QStringLiteral("%1 · %2").arg(Format::model(s.model), Format::flavour(s.flavour));
}

} // namespace

ScalingChart::ScalingChart(QWidget* parent) : QCustomPlot(parent)
{
    setAccessibleName(tr("Scaling sweep"));
    // A title across the top, the two panels side by side under it.
    m_timeRect = axisRect();
    plotLayout()->take(m_timeRect);
    plotLayout()->simplify();
    m_speedupRect = new QCPAxisRect(this);
    auto* body = new QCPLayoutGrid;
    body->addElement(0, 0, m_timeRect);
    body->addElement(0, 1, m_speedupRect);
    body->setColumnSpacing(16);
    m_title = new QCPTextElement(this);
    m_title->setTextFlags(Qt::AlignLeft | Qt::AlignVCenter);
    m_title->setMargins(QMargins(8, 4, 8, 0));
    plotLayout()->addElement(0, 0, m_title);
    // The legend on a row of its own under the title, off the lines it explains,
    // packed to the left (the empty element beside it takes the rest).
    m_timeRect->insetLayout()->take(legend);
    auto* legendRow = new QCPLayoutGrid;
    legendRow->addElement(0, 0, legend);
    legendRow->addElement(0, 1, new QCPLayoutElement(this));
    legendRow->setColumnStretchFactors({0.001, 1.0});
    plotLayout()->addElement(1, 0, legendRow);
    legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    legend->setWrap(8);
    legend->setColumnSpacing(14);
    legend->setMargins(QMargins(8, 0, 8, 2));
    legend->setLayer(QStringLiteral("legend"));
    plotLayout()->addElement(2, 0, body);
    plotLayout()->setRowStretchFactors({0.001, 0.001, 1.0});

    for (QCPAxisRect* rect : {m_timeRect, m_speedupRect}) {
        rect->setRangeDrag(Qt::Orientations());
        rect->setRangeZoom(Qt::Orientations());
        bottom(rect)->setLabel(tr("workers K"));
        // Whole worker counts; multiples of a step once there are many.
        QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
        ticker->setTickStep(1);
        ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
        bottom(rect)->setTicker(ticker);
        bottom(rect)->setSubTicks(false);
    }
    left(m_timeRect)->setLabel(tr("wall time (s)"));
    left(m_speedupRect)->setLabel(tr("speed-up (×)"));

    // Where the lines bend: one worker per core.
    for (QCPAxisRect* rect : {m_timeRect, m_speedupRect}) {
        auto* line = new QCPItemStraightLine(this);
        line->setClipAxisRect(rect);
        line->point1->setAxes(bottom(rect), left(rect));
        line->point2->setAxes(bottom(rect), left(rect));
        line->setLayer(QStringLiteral("grid"));
        m_coreLines << line;
    }
    m_coreLabel = new QCPItemText(this);
    m_coreLabel->setClipAxisRect(m_timeRect);
    m_coreLabel->position->setAxisRect(m_timeRect);
    m_coreLabel->position->setAxes(bottom(m_timeRect), left(m_timeRect));
    m_coreLabel->position->setTypeX(QCPItemPosition::ptPlotCoords);
    m_coreLabel->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
    // At the foot of the line, where the data (times above zero) leaves room.
    m_coreLabel->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
    m_coreLabel->setPadding(QMargins(4, 2, 4, 2));

    m_ideal = new QCPGraph(bottom(m_speedupRect), left(m_speedupRect));
    m_ideal->setName(tr("ideal: min(K, cores)"));

    m_empty = new QCPItemText(this);
    m_empty->setClipToAxisRect(false);
    m_empty->position->setAxisRect(m_timeRect);
    m_empty->position->setType(QCPItemPosition::ptAxisRectRatio);
    m_empty->position->setCoords(0.5, 0.5);
    m_empty->setText(tr("Each worker count's time appears here\nas soon as its runs have finished."));

    // The star's legend entry: in the text colour, as it stands for every series' best.
    m_bestSample = new QCPGraph(bottom(m_timeRect), left(m_timeRect));
    m_bestSample->setLineStyle(QCPGraph::lsNone);
    m_bestSample->setName(tr("best K: lowest median"));
    legend->setVisible(true);
    setMinimumSize(320, 180);
    rebuild();
}

QColor ScalingChart::seriesColour(int index) const
{
    // The CPU chart's hues, in its order: the first model swept is blue there and here.
    static const QColor colours[] = {
        QColor(0x1f, 0x77, 0xb4),
        QColor(0xff, 0x7f, 0x0e),
        QColor(0x94, 0x67, 0xbd),
        QColor(0xd6, 0x27, 0x28),
        QColor(0x8c, 0x56, 0x4b),
        QColor(0x17, 0xbe, 0xcf),
    };
    return colours[index % 6];
}

void ScalingChart::setSweep(const ScalingSweep& sweep)
{
    m_sweep = sweep;
    rebuild();
}

void ScalingChart::setPlannedWorkers(int workers)
{
    m_planned = std::max(0, workers);
    rebuild();
}

void ScalingChart::applyTheme(const Theme& theme)
{
    m_theme = theme;
    setBackground(theme.plotBackground);
    styleAxisRect(m_timeRect, theme, font());
    styleAxisRect(m_speedupRect, theme, font());
    m_title->setFont(Theme::font(font(), 1.0, true));
    m_title->setTextColor(theme.text);
    for (QCPItemStraightLine* line : m_coreLines)
        line->setPen(QPen(theme.mutedText, 1, Qt::DotLine));
    m_coreLabel->setColor(theme.mutedText);
    m_coreLabel->setFont(Theme::font(font(), 0.9));
    m_empty->setColor(theme.mutedText);
    m_empty->setFont(font());
    legend->setBrush(Qt::NoBrush);
    legend->setBorderPen(Qt::NoPen);
    legend->setTextColor(theme.text);
    legend->setFont(Theme::font(font(), 0.9));
    rebuild();
}

void ScalingChart::clearSeries()
{
    for (const SeriesGraphs& s : m_series) {
        for (QCPGraph* g : {s.median, s.repeats, s.speedup, s.best, s.bestSpeedup})
            removeGraph(g);
        removeItem(s.label);
        removeItem(s.anchor);
    }
    m_series.clear();
}

void ScalingChart::rebuild()
{
    clearSeries();
    const int cores = m_sweep.cores();
    const int maxK = std::max({1, m_planned, m_sweep.maxWorkers()});
    const int scatter = static_cast<int>(std::lround(7 * m_theme.fontScale));
    double topTime = 0;
    double topSpeedup = m_sweep.idealSpeedup(maxK);
    int repeats = 0;
    const auto& all = m_sweep.series();
    for (int i = 0; i < static_cast<int>(all.size()); ++i) {
        const ScalingSeries& s = all[static_cast<std::size_t>(i)];
        const QColor colour = seriesColour(i);
        SeriesGraphs g;
        g.repeats = addGraph(bottom(m_timeRect), left(m_timeRect));
        g.median = addGraph(bottom(m_timeRect), left(m_timeRect));
        g.speedup = addGraph(bottom(m_speedupRect), left(m_speedupRect));
        g.best = addGraph(bottom(m_timeRect), left(m_timeRect));

        QColor dot = colour;
        dot.setAlpha(140);
        g.repeats->setLineStyle(QCPGraph::lsNone);
        g.repeats->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, dot, dot, scatter * 0.9));
        g.median->setPen(QPen(colour, m_theme.lineWidth + 0.5));
        g.median->setScatterStyle(QCPScatterStyle(
            QCPScatterStyle::ssCircle, QPen(colour, m_theme.lineWidth), m_theme.plotBackground, scatter));
        g.median->setName(seriesName(s));
        g.speedup->setPen(QPen(colour, m_theme.lineWidth + 0.5));
        g.speedup->setScatterStyle(QCPScatterStyle(
            QCPScatterStyle::ssCircle, QPen(colour, m_theme.lineWidth), m_theme.plotBackground, scatter));
        g.speedup->setName(seriesName(s));

        for (const ScalingPoint& p : s.points) {
            for (double wall : p.wallsS) {
                g.repeats->addData(p.workers, wall);
                topTime = std::max(topTime, wall);
            }
            repeats = std::max(repeats, static_cast<int>(p.wallsS.size()));
            g.median->addData(p.workers, p.medianS);
            if (p.speedup) {
                g.speedup->addData(p.workers, *p.speedup);
                topSpeedup = std::max(topSpeedup, *p.speedup);
            }
        }

        // The best count: a star on its median, in the series' colour, and its figures beside it.
        const ScalingPoint& b = s.best();
        g.best->setLineStyle(QCPGraph::lsNone);
        g.best->setScatterStyle(QCPScatterStyle(
            QCPScatterStyle::ssStar, QPen(colour, m_theme.lineWidth + 1.5), Qt::NoBrush, scatter * 3.2));
        g.best->addData(b.workers, b.medianS);
        g.bestSpeedup = addGraph(bottom(m_speedupRect), left(m_speedupRect));
        g.bestSpeedup->setLineStyle(QCPGraph::lsNone);
        g.bestSpeedup->setScatterStyle(QCPScatterStyle(
            QCPScatterStyle::ssStar, QPen(colour, m_theme.lineWidth + 1), Qt::NoBrush, scatter * 2.4));
        if (b.speedup)
            g.bestSpeedup->addData(b.workers, *b.speedup);
        // The label hangs off an invisible anchor on the star, a star's radius away from it.
        g.anchor = new QCPItemTracer(this);
        g.anchor->setStyle(QCPItemTracer::tsNone);
        g.anchor->setClipAxisRect(m_timeRect);
        g.anchor->position->setAxes(bottom(m_timeRect), left(m_timeRect));
        g.anchor->position->setCoords(b.workers, b.medianS);
        g.label = new QCPItemText(this);
        g.label->setClipAxisRect(m_timeRect);
        g.label->position->setParentAnchor(g.anchor->position);
        // Above its star, unless another series' best is higher at the same K:
        // then the higher label goes above, this one below.
        bool below = false;
        for (const ScalingSeries& other : all) {
            const ScalingPoint& ob = other.best();
            below = below || (&other != &s && ob.workers == b.workers && ob.medianS > b.medianS);
        }
        const double radius = scatter * 1.7;
        g.label->position->setCoords(0, below ? radius : -radius);
        // Leaning away from the nearer edge.
        const Qt::Alignment side = b.workers == 1 ? Qt::AlignLeft
            : b.workers == maxK                   ? Qt::AlignRight
                                                  : Qt::AlignHCenter;
        g.label->setPositionAlignment(side | (below ? Qt::AlignTop : Qt::AlignBottom));
        g.label->setPadding(QMargins(4, 2, 4, 2));
        // Short, so that two series' labels fit beside each other in large print;
        // the speed-up is the other panel's, where the same K is starred.
        g.label->setText(tr("K = %1: %2 s").arg(b.workers).arg(b.medianS, 0, 'f', 2));
        QFont f = Theme::font(font(), 0.95, true);
        g.label->setFont(f);
        g.label->setColor(m_theme.dark ? colour.lighter(130) : colour.darker(115));
        QColor labelBackground = m_theme.plotBackground;
        labelBackground.setAlpha(190);
        g.label->setBrush(labelBackground);
        m_series << g;
    }
    // The series once each (their colour is the same in both panels), the
    // ideal line, the star.
    legend->clearItems();
    for (const SeriesGraphs& g : m_series)
        g.median->addToLegend();
    m_ideal->addToLegend();
    m_bestSample->setScatterStyle(QCPScatterStyle(
        QCPScatterStyle::ssStar, QPen(m_theme.text, m_theme.lineWidth + 0.5), Qt::NoBrush, scatter * 1.8));
    if (!m_series.isEmpty())
        m_bestSample->addToLegend();

    m_ideal->data()->clear();
    for (int k = 1; k <= maxK; ++k)
        m_ideal->addData(k, m_sweep.idealSpeedup(k));
    m_ideal->setPen(QPen(m_theme.mutedText, m_theme.lineWidth, Qt::DashLine));
    m_ideal->setVisible(true);

    for (int r = 0; r < 2; ++r) {
        QCPItemStraightLine* line = m_coreLines[r];
        line->point1->setCoords(cores, 0);
        line->point2->setCoords(cores, 1);
        line->setVisible(cores < maxK);
    }
    m_coreLabel->position->setCoords(cores, 1.0);
    m_coreLabel->setText(cores == 1 ? tr("1 core") : tr("%1 cores").arg(cores));
    m_coreLabel->setVisible(cores < maxK);

    for (QCPAxisRect* rect : {m_timeRect, m_speedupRect})
        bottom(rect)->setRange(0.5, maxK + 0.5);
    left(m_timeRect)->setRange(0, topTime > 0 ? topTime * kHeadRoom : 1.0);
    left(m_speedupRect)->setRange(0, topSpeedup * 1.12);
    m_empty->setVisible(m_series.isEmpty());

    m_title->setText(repeats > 1
            ? tr("Scaling sweep: a dot per run, the line through the median of %1").arg(repeats)
            : tr("Scaling sweep: time and speed-up per worker count"));
    fitTicks();
    replot(rpQueuedReplot);
}

void ScalingChart::fitTicks()
{
    // As many value ticks as fit without their labels touching, also in large print.
    const int lineHeight = QFontMetrics(left(m_timeRect)->tickLabelFont()).height();
    const int plotHeight = m_timeRect->height() > 0 ? m_timeRect->height() : height() - 80;
    const int count = std::clamp(plotHeight / (2 * lineHeight), 2, 6);
    for (QCPAxisRect* rect : {m_timeRect, m_speedupRect})
        left(rect)->ticker()->setTickCount(count);
}

void ScalingChart::resizeEvent(QResizeEvent* event)
{
    QCustomPlot::resizeEvent(event);
    fitTicks();
}

int ScalingChart::starredWorkers(int series) const
{
    if (series < 0 || series >= m_series.size() || m_series[series].best->data()->isEmpty())
        return 0;
    return static_cast<int>(std::lround(m_series[series].best->data()->begin()->key));
}

QString ScalingChart::bestLabel(int series) const
{
    return series >= 0 && series < m_series.size() ? m_series[series].label->text() : QString();
}

} // namespace spindle

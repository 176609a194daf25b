#pragma once
// The scaling sweep as Fluent Python's fig. 19-2 draws it, plus what the
// figure leaves to the reader: on the left the wall time per worker count K -
// a dot for each repeat, a line through the medians, the best count starred
// and labelled - and on the right the speed-up of each median over K = 1
// against the ideal one, min(K, cores), the best count starred again, with
// the core count marked on both.
// One colour per model and flavour swept. All the figures come from a
// ScalingSweep (core/); this only draws them.

#include "model/scalingsweep.h"
#include "theme.h"

#include <qcustomplot.h>

namespace spindle {

class ScalingChart : public QCustomPlot {
    Q_OBJECT
public:
    explicit ScalingChart(QWidget* parent = nullptr);

    // The figures so far; called again as each run of the sweep finishes.
    void setSweep(const ScalingSweep& sweep);
    const ScalingSweep& sweep() const { return m_sweep; }
    // The largest K the sweep will reach, so the x axis does not grow under
    // the audience's eyes as results come in (0 = what the data reaches).
    void setPlannedWorkers(int workers);
    void applyTheme(const Theme& theme);

    // What is drawn, for tests: per series, one median point per K, one dot
    // per repeat, one speed-up point per K (where K = 1 ran); the ideal line.
    int seriesCount() const { return static_cast<int>(m_series.size()); }
    const QCPGraph* medianGraph(int series) const { return m_series.at(series).median; }
    const QCPGraph* repeatsGraph(int series) const { return m_series.at(series).repeats; }
    const QCPGraph* speedupGraph(int series) const { return m_series.at(series).speedup; }
    const QCPGraph* idealGraph() const { return m_ideal; }
    // The K starred as the best of a series (its key on the time axis); 0 when none.
    int starredWorkers(int series) const;
    QString bestLabel(int series) const;

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    struct SeriesGraphs {
        QCPGraph* median = nullptr;
        QCPGraph* repeats = nullptr;
        QCPGraph* speedup = nullptr;
        QCPGraph* best = nullptr;
        QCPGraph* bestSpeedup = nullptr;
        QCPItemText* label = nullptr;
        QCPItemTracer* anchor = nullptr;
    };

    void rebuild();
    void clearSeries();
    QColor seriesColour(int index) const;
    void fitTicks();

    ScalingSweep m_sweep;
    int m_planned = 0;
    Theme m_theme = Theme::make(false, false);
    QCPAxisRect* m_timeRect = nullptr;
    QCPAxisRect* m_speedupRect = nullptr;
    QCPTextElement* m_title = nullptr;
    QCPGraph* m_ideal = nullptr;
    QCPGraph* m_bestSample = nullptr; // no data: the star's legend entry
    QList<SeriesGraphs> m_series;
    QList<QCPItemStraightLine*> m_coreLines;
    QCPItemText* m_coreLabel = nullptr;
    QCPItemText* m_empty = nullptr;
};

} // namespace spindle

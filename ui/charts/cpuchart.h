#pragma once
// Measured CPU use of the current run, on the timeline's time axis: per
// worker thread and for the whole run (100 % = one core, marked by a dashed
// line), and beside it each core of the machine. Every series comes decimated
// from the TimelineModel to min and max per pixel column (session/cpuline.h),
// so a line costs at most two points a column, drawn without antialiasing.

#include "charts/opaqueplot.h"
#include "session/timelinemodel.h"
#include "theme.h"

#include <qcustomplot.h>

#include <memory>

namespace spindle {

class CpuChart : public OpaquePlot {
    Q_OBJECT
public:
    // Worker lines beyond this are left out (the legend says how many).
    static constexpr int kMaxWorkerLines = 10;

    explicit CpuChart(QWidget* parent = nullptr);

    void setModel(std::shared_ptr<const TimelineModel> model);
    void applyTheme(const Theme& theme);
    // The visible time range, seconds since the run's start (the timeline's).
    void setTimeRange(double lower, double upper);
    // Re-reads the visible part of every series and queues a replot.
    void refresh();

    int workerLineCount() const;
    int coreLineCount() const { return static_cast<int>(m_coreGraphs.size()); }
    // The highest whole-run CPU % in view (tests, and the y range).
    double runPeakPct() const { return m_runPeak; }

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    // Round percentage steps, as fine as fit without their labels touching,
    // also in presentation mode's large print.
    void fitTicks();
    QCPGraph* workerGraph(int index);
    QCPGraph* coreGraph(int index);
    QColor workerColour(int index) const;
    void fitLegend(int drawn, int withData);

    std::shared_ptr<const TimelineModel> m_model;
    Theme m_theme = Theme::make(false, false);
    QCPAxisRect* m_workersRect = nullptr;
    QCPAxisRect* m_coresRect = nullptr;
    QCPTextElement* m_workersTitle = nullptr;
    QCPTextElement* m_coresTitle = nullptr;
    QCPGraph* m_runGraph = nullptr;
    QCPGraph* m_machineGraph = nullptr;
    QList<QCPGraph*> m_workerGraphs;
    QList<QCPGraph*> m_coreGraphs;
    QCPItemStraightLine* m_oneCore = nullptr;
    QCPItemText* m_oneCoreLabel = nullptr;
    double m_lower = 0;
    double m_upper = 1;
    double m_runPeak = 0;
};

} // namespace spindle

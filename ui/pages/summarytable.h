#pragma once
// Every run done on the page, one row each, with the figures of RunSummary:
// wall and CPU time, CPU %, speed-up against the matching sequential run,
// GIL wait share, longest spinner gap and tasks completed. Selecting a row
// asks for that run's timeline to be shown again.

#include "model/runresult.h"
#include "theme.h"

#include <QTableWidget>

namespace spindle {

class SummaryTable : public QTableWidget {
    Q_OBJECT
public:
    enum Column {
        Index,
        ModelCol,
        FlavourCol,
        Workers,
        Wall,
        Cpu,
        CpuPct,
        Speedup,
        GilWait,
        SpinnerGap,
        Tasks,
        ColumnCount
    };

    explicit SummaryTable(QWidget* parent = nullptr);

    void setResults(const QList<RunResultPtr>& results);
    void applyTheme(const Theme& theme);
    // The sequential run `result` compares against: same flavour, same tasks.
    static const RunResult* baselineFor(const RunResult& result, const QList<RunResultPtr>& results);

signals:
    void runSelected(int index);

private:
    Theme m_theme = Theme::make(false, false);
    QList<RunResultPtr> m_results;
};

} // namespace spindle

#pragma once
// The compare page's summary: one row per run with wall time, CPU time,
// CPU %, speed-up against the sequential run, efficiency (speed-up per
// worker), GIL wait share and longest spinner gap. The best value of each
// column (Comparison, core/) is bold, green and starred.

#include "model/comparison.h"
#include "theme.h"

#include <QTableWidget>

namespace spindle {

class ComparisonTable : public QTableWidget {
    Q_OBJECT
public:
    enum Column { Index, RunCol, Workers, FirstFigure, ColumnCount = FirstFigure + kCompareColumnCount };

    explicit ComparisonTable(QWidget* parent = nullptr);

    void setComparison(const Comparison& comparison);
    void applyTheme(const Theme& theme);
    static int columnOf(CompareColumn column) { return FirstFigure + static_cast<int>(column); }
    // Whether the cell is drawn as its column's best.
    bool isMarkedBest(int row, CompareColumn column) const;
    // The colour of a best value, readable on the theme's background.
    static QColor bestColour(const Theme& theme);

signals:
    void runSelected(int row);

private:
    Theme m_theme = Theme::make(false, false);
    Comparison m_comparison;
};

} // namespace spindle

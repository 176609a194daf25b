#pragma once
// The compare table as a bar chart: one bar per run for one figure (wall
// time by default), the best bar green and labelled, each bar's value on
// top, the runs named under the axis. Which figure, and whether lower or
// higher is better, comes from Comparison (core/).

#include "model/comparison.h"
#include "theme.h"

#include <qcustomplot.h>

namespace spindle {

class ComparisonBars : public QCustomPlot {
    Q_OBJECT
public:
    explicit ComparisonBars(QWidget* parent = nullptr);

    void setComparison(const Comparison& comparison);
    void setColumn(CompareColumn column);
    CompareColumn column() const { return m_column; }
    void applyTheme(const Theme& theme);
    // Name of a figure with its unit, e.g. "wall time (s)".
    static QString columnName(CompareColumn column);

    int barCount() const { return static_cast<int>(m_bars.size()); }
    // The bar drawn as best, or -1.
    int bestBar() const { return m_bestBar; }

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void rebuild();
    void fitTickLabels();

    Comparison m_comparison;
    CompareColumn m_column = CompareColumn::Wall;
    Theme m_theme = Theme::make(false, false);
    QList<QCPBars*> m_bars;
    QList<QCPItemText*> m_labels;
    QSharedPointer<QCPAxisTickerText> m_ticker;
    QCPTextElement* m_title = nullptr;
    int m_bestBar = -1;
};

} // namespace spindle

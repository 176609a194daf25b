#include "charts/comparisonbars.h"

#include "charts/axisstyle.h"
#include "format.h"
#include "pages/comparisontable.h"

namespace spindle {

ComparisonBars::ComparisonBars(QWidget* parent) : QCustomPlot(parent), m_ticker(new QCPAxisTickerText)
{
    xAxis->setTicker(m_ticker);
    xAxis->grid()->setVisible(false);
    xAxis->setTickLength(0, 0);
    xAxis->setSubTickLength(0, 0);
    yAxis->setPadding(4);
    plotLayout()->insertRow(0);
    m_title = new QCPTextElement(this);
    m_title->setMargins(QMargins(6, 2, 6, 0));
    plotLayout()->addElement(0, 0, m_title);
    setAccessibleName(tr("Comparison bar chart"));
    setMinimumSize(220, 160);
    rebuild();
}

QString ComparisonBars::columnName(CompareColumn column)
{
    switch (column) {
    case CompareColumn::Wall:
        return tr("wall time (s)");
    case CompareColumn::Cpu:
        return tr("CPU time (s)");
    case CompareColumn::CpuPct:
        return tr("CPU % (100 = one core)");
    case CompareColumn::Speedup:
        return tr("speed-up vs sequential (×)");
    case CompareColumn::Efficiency:
        return tr("efficiency (%)");
    case CompareColumn::GilWait:
        return tr("GIL wait (%)");
    case CompareColumn::SpinnerGap:
        return tr("longest spinner gap (ms)");
    }
    return {};
}

void ComparisonBars::setComparison(const Comparison& comparison)
{
    m_comparison = comparison;
    rebuild();
}

void ComparisonBars::setColumn(CompareColumn column)
{
    m_column = column;
    rebuild();
}

void ComparisonBars::applyTheme(const Theme& theme)
{
    m_theme = theme;
    setBackground(theme.plotBackground);
    axisRect()->setBackground(theme.plotBackground);
    for (QCPAxis* axis : {xAxis, yAxis})
        styleAxis(axis, theme, Theme::font(font(), 0.92), font());
    xAxis->grid()->setVisible(false);
    m_title->setTextColor(theme.text);
    m_title->setFont(Theme::font(font(), 1.0, true));
    rebuild();
}

void ComparisonBars::rebuild()
{
    for (QCPBars* bars : m_bars)
        removePlottable(bars);
    for (QCPItemText* label : m_labels)
        removeItem(label);
    m_bars.clear();
    m_labels.clear();
    m_ticker->clear();
    m_bestBar = -1;

    const bool higher = Comparison::higherIsBetter(m_column);
    // Two short lines rather than one long one: the chart is often narrow.
    m_title->setText(tr("%1\n%2 is better").arg(columnName(m_column), higher ? tr("higher") : tr("lower")));
    const double factor = m_column == CompareColumn::Efficiency ? 100.0 : 1.0;
    const auto best = m_comparison.best(m_column);
    double top = 0;
    int shown = 0;
    const QFont labelFont = Theme::font(font(), 0.95);
    for (int row = 0; row < m_comparison.rowCount(); ++row) {
        const RunResult& r = *m_comparison.rows()[static_cast<std::size_t>(row)].run;
        const double key = row + 1;
        m_ticker->addTick(
            key, QStringLiteral("%1\n%2").arg(Format::model(r.spec.model), Format::flavour(r.spec.flavour)));
        const auto v = m_comparison.value(row, m_column);
        if (!v)
            continue;
        const double value = *v * factor;
        const bool isBest = best && m_comparison.isBest(row, m_column);
        if (isBest && m_bestBar < 0)
            m_bestBar = row;
        auto* bars = new QCPBars(xAxis, yAxis);
        bars->setWidth(0.62);
        const QColor colour = isBest ? ComparisonTable::bestColour(m_theme) : m_theme.accent;
        bars->setPen(QPen(colour.darker(115), 1));
        QColor fill = colour;
        fill.setAlpha(isBest ? 235 : 170);
        bars->setBrush(fill);
        bars->addData(key, value);
        m_bars << bars;

        auto* label = new QCPItemText(this);
        label->position->setType(QCPItemPosition::ptPlotCoords);
        label->position->setCoords(key, value);
        label->setPositionAlignment(Qt::AlignHCenter | Qt::AlignBottom);
        label->setPadding(QMargins(2, 0, 2, 3));
        const int decimals = m_column == CompareColumn::Wall || m_column == CompareColumn::Cpu ? 2
            : m_column == CompareColumn::Speedup                                               ? 2
                                                                                               : 0;
        QString text = QString::number(value, 'f', decimals);
        if (isBest)
            text = QStringLiteral("★ ") + text;
        label->setText(text);
        QFont f = labelFont;
        f.setBold(isBest);
        label->setFont(f);
        label->setColor(isBest ? ComparisonTable::bestColour(m_theme) : m_theme.text);
        label->setClipToAxisRect(false);
        m_labels << label;
        top = std::max(top, value);
        ++shown;
    }
    if (m_comparison.rowCount() == 0) {
        // An empty chart says what will fill it rather than showing a blank box.
        auto* hint = new QCPItemText(this);
        hint->position->setType(QCPItemPosition::ptAxisRectRatio);
        hint->position->setCoords(0.5, 0.5);
        hint->setText(tr("Each run's figure appears here as a bar."));
        hint->setColor(m_theme.mutedText);
        hint->setFont(labelFont);
        m_labels << hint;
    }
    xAxis->setRange(0.4, std::max(1, m_comparison.rowCount()) + 0.6);
    // Head room for the value labels above the highest bar.
    yAxis->setRange(0, top > 0 ? top * 1.22 : 1.0);
    yAxis->setLabel(shown == 0 && m_comparison.rowCount() > 0 ? tr("no value for these runs") : QString());
    fitTickLabels();
    replot(rpQueuedReplot);
}

void ComparisonBars::fitTickLabels()
{
    // The run names stay level under their bars (slanted ones would eat the
    // bars' height); when they would collide their font shrinks, down to 70 %.
    const QFont base = Theme::font(font(), 0.92);
    const QFontMetrics fm(base);
    int widest = 1;
    for (const QString& label : m_ticker->ticks()) {
        for (const QString& line : label.split(QLatin1Char('\n')))
            widest = std::max(widest, fm.horizontalAdvance(line));
    }
    const int plotWidth = axisRect()->width() > 0 ? axisRect()->width() : width() - 60;
    const double perBar = static_cast<double>(std::max(1, plotWidth)) / std::max(1, m_comparison.rowCount());
    const double shrink = std::clamp((perBar - 6) / widest, 0.7, 1.0);
    QFont f = base;
    f.setPointSizeF(base.pointSizeF() * shrink);
    if (f != xAxis->tickLabelFont())
        xAxis->setTickLabelFont(f);
    // As many value ticks as fit without their labels touching.
    const int plotHeight = axisRect()->height() > 0 ? axisRect()->height() : height() - 80;
    const int lineHeight = QFontMetrics(yAxis->tickLabelFont()).height();
    yAxis->ticker()->setTickCount(std::clamp(plotHeight / (2 * lineHeight), 2, 6));
}

void ComparisonBars::resizeEvent(QResizeEvent* event)
{
    QCustomPlot::resizeEvent(event);
    fitTickLabels();
}

} // namespace spindle

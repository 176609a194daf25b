#include "pages/comparisontable.h"

#include "format.h"

#include <QHeaderView>

namespace spindle {

namespace {

constexpr int kBestRole = Qt::UserRole + 1;

QString cellText(CompareColumn column, const std::optional<double>& v)
{
    if (!v)
        return QStringLiteral("—");
    switch (column) {
    case CompareColumn::Wall:
    case CompareColumn::Cpu:
        return QString::number(*v, 'f', 3);
    case CompareColumn::CpuPct:
        return QString::number(*v, 'f', 0);
    case CompareColumn::Speedup:
        return QString::number(*v, 'f', 2) + QStringLiteral("×");
    case CompareColumn::Efficiency:
        return QString::number(*v * 100.0, 'f', 0) + QStringLiteral(" %");
    case CompareColumn::GilWait:
        return QString::number(*v, 'f', 1);
    case CompareColumn::SpinnerGap:
        return QString::number(*v, 'f', 0);
    }
    return {};
}

} // namespace

ComparisonTable::ComparisonTable(QWidget* parent) : QTableWidget(parent)
{
    setColumnCount(ColumnCount);
    const QStringList headers = {tr("#"), tr("run"), tr("work-\ners"), tr("wall\ns"), tr("CPU\ns"),
        tr("CPU\n%"), tr("speed-\nup"), tr("effi-\nciency"), tr("GIL\nwait %"), tr("spinner\ngap ms")};
    const QStringList tips = {
        tr("Order of the runs"),
        tr("Model and flavour"),
        tr("Workers the run used"),
        tr("Wall-clock time (best: lowest)"),
        tr("CPU time of every worker thread (best: lowest — the least work for the same answers)"),
        tr("CPU time / wall time; 100 % = one core (best: highest — the most cores kept busy)"),
        tr("Wall time of the sequential run with the same tasks and flavour / this wall time (best: "
           "highest)"),
        tr("Speed-up / workers: 100 % = every worker fully useful (best: highest)"),
        tr("Time workers spent waiting for the GIL / their lifetime (best: lowest)"),
        tr("Longest time the spinner went without a frame while the work ran (best: lowest)"),
    };
    setHorizontalHeaderLabels(headers);
    for (int c = 0; c < ColumnCount; ++c)
        horizontalHeaderItem(c)->setToolTip(tips[c]);
    horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    horizontalHeader()->setStretchLastSection(true);
    verticalHeader()->setVisible(false);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setAlternatingRowColors(true);
    setWordWrap(false);
    connect(this, &QTableWidget::cellClicked, this, [this](int row, int) { emit runSelected(row); });
}

QColor ComparisonTable::bestColour(const Theme& theme)
{
    return theme.dark ? QColor(0x7c, 0xd9, 0x8a) : QColor(0x1b, 0x7f, 0x3b);
}

void ComparisonTable::setComparison(const Comparison& comparison)
{
    m_comparison = comparison;
    setRowCount(comparison.rowCount());
    QColor tint = bestColour(m_theme);
    tint.setAlpha(m_theme.dark ? 50 : 34);
    for (int row = 0; row < comparison.rowCount(); ++row) {
        const RunResult& r = *comparison.rows()[static_cast<std::size_t>(row)].run;
        QString status;
        if (r.cancelled)
            status = tr(" (stopped)");
        else if (r.timedOut)
            status = tr(" (timed out)");
        else if (!r.error.isEmpty())
            status = tr(" (failed)");
        QStringList cells = {QString::number(row + 1),
            QStringLiteral("%1 · %2%3")
                .arg(Format::model(r.spec.model), Format::flavour(r.spec.flavour), status),
            QString::number(r.workerCount)};
        for (int c = 0; c < kCompareColumnCount; ++c)
            cells << cellText(
                static_cast<CompareColumn>(c), comparison.value(row, static_cast<CompareColumn>(c)));
        for (int c = 0; c < ColumnCount; ++c) {
            const bool best
                = c >= FirstFigure && comparison.isBest(row, static_cast<CompareColumn>(c - FirstFigure));
            auto* item = new QTableWidgetItem(best ? QStringLiteral("★ ") + cells[c] : cells[c]);
            item->setTextAlignment(
                c <= RunCol ? Qt::AlignLeft | Qt::AlignVCenter : Qt::AlignRight | Qt::AlignVCenter);
            item->setData(kBestRole, best);
            if (best) {
                QFont f = font();
                f.setBold(true);
                item->setFont(f);
                item->setForeground(bestColour(m_theme));
                item->setBackground(tint);
                item->setToolTip(tr("Best in this column"));
            } else if (!r.error.isEmpty()) {
                item->setToolTip(r.error);
            }
            setItem(row, c, item);
        }
    }
}

bool ComparisonTable::isMarkedBest(int row, CompareColumn column) const
{
    const QTableWidgetItem* cell = item(row, columnOf(column));
    return cell != nullptr && cell->data(kBestRole).toBool() && cell->font().bold();
}

void ComparisonTable::applyTheme(const Theme& theme)
{
    m_theme = theme;
    setComparison(m_comparison);
}

} // namespace spindle

#include "pages/summarytable.h"

#include "format.h"
#include "model/runsummary.h"

#include <QHeaderView>

namespace spindle {

SummaryTable::SummaryTable(QWidget* parent) : QTableWidget(parent)
{
    setColumnCount(ColumnCount);
    // Two-line headers keep every column in view at the default window size.
    const QStringList headers
        = {tr("#"), tr("model"), tr("flavour"), tr("workers"), tr("wall\ns"), tr("CPU\ns"), tr("CPU\n%"),
            tr("speed-\nup"), tr("GIL\nwait %"), tr("spinner\ngap ms"), tr("tasks\nok")};
    const QStringList tips = {
        tr("Run number on this page"),
        tr("Concurrency model"),
        tr("python: emulated GIL; native: none"),
        tr("Workers the run used"),
        tr("Wall-clock time of the run"),
        tr("CPU time of every worker thread"),
        tr("CPU time / wall time; 100 % = one core"),
        tr("Wall time of the sequential run with the same tasks and flavour / this wall time"),
        tr("Time workers spent waiting for the GIL / their lifetime"),
        tr("Longest time the spinner went without a frame while the work ran"),
        tr("Tasks completed / tasks given"),
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

const RunResult* SummaryTable::baselineFor(const RunResult& result, const QList<RunResultPtr>& results)
{
    const auto sameTasks = [](const RunSpec& a, const RunSpec& b) {
        if (a.tasks.size() != b.tasks.size() || a.flavour != b.flavour)
            return false;
        for (std::size_t i = 0; i < a.tasks.size(); ++i) {
            if (a.tasks[i].kind != b.tasks[i].kind || a.tasks[i].arg != b.tasks[i].arg)
                return false;
        }
        return true;
    };
    const RunResult* baseline = nullptr;
    for (const RunResultPtr& r : results) {
        if (r->spec.model == Model::Sequential && r->succeeded() && sameTasks(r->spec, result.spec))
            baseline = r.get(); // the latest one
    }
    return baseline;
}

void SummaryTable::setResults(const QList<RunResultPtr>& results)
{
    m_results = results;
    setRowCount(static_cast<int>(results.size()));
    const auto number = [](double v, int decimals) { return QString::number(v, 'f', decimals); };
    for (int row = 0; row < results.size(); ++row) {
        const RunResult& r = *results[row];
        const RunSummary s = summarize(r, baselineFor(r, results));
        QString status;
        if (r.cancelled)
            status = tr(" (stopped)");
        else if (r.timedOut)
            status = tr(" (timed out)");
        else if (!r.error.isEmpty())
            status = tr(" (failed)");
        const QStringList cells = {
            QString::number(row + 1),
            Format::model(r.spec.model) + status,
            Format::flavour(r.spec.flavour),
            QString::number(r.workerCount),
            number(s.wallS, 3),
            number(s.cpuS, 3),
            number(s.cpuPct, 0),
            s.speedup ? number(*s.speedup, 2) + QStringLiteral("×") : QStringLiteral("—"),
            s.gilWaitPct ? number(*s.gilWaitPct, 1) : QStringLiteral("—"),
            s.maxSpinnerGapMs ? number(*s.maxSpinnerGapMs, 0) : QStringLiteral("—"),
            QStringLiteral("%1 / %2").arg(s.tasksDone).arg(s.tasksTotal),
        };
        for (int c = 0; c < ColumnCount; ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            item->setTextAlignment(
                c <= FlavourCol ? Qt::AlignLeft | Qt::AlignVCenter : Qt::AlignRight | Qt::AlignVCenter);
            if (!r.error.isEmpty())
                item->setToolTip(r.error);
            if (c == SpinnerGap && s.maxSpinnerGapMs
                && *s.maxSpinnerGapMs > 2.0 * static_cast<double>(r.spec.spinnerIntervalMs))
                item->setForeground(m_theme.alarm);
            setItem(row, c, item);
        }
    }
    scrollToBottom();
}

void SummaryTable::applyTheme(const Theme& theme)
{
    m_theme = theme;
    setResults(m_results);
}

} // namespace spindle

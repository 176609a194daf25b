#include "model/comparison.h"

namespace spindle {

namespace {

bool sameTasks(const RunSpec& a, const RunSpec& b)
{
    if (a.tasks.size() != b.tasks.size() || a.flavour != b.flavour)
        return false;
    for (std::size_t i = 0; i < a.tasks.size(); ++i) {
        if (a.tasks[i].kind != b.tasks[i].kind || a.tasks[i].arg != b.tasks[i].arg)
            return false;
    }
    return true;
}

} // namespace

Comparison::Comparison(const QList<RunResultPtr>& runs)
{
    for (const RunResultPtr& run : runs) {
        if (run)
            m_rows.push_back(ComparisonRow {run, summarize(*run, baselineFor(*run, runs))});
    }
    for (int c = 0; c < kCompareColumnCount; ++c) {
        const auto column = static_cast<CompareColumn>(c);
        std::optional<int> best;
        int candidates = 0;
        for (int row = 0; row < rowCount(); ++row) {
            // A stopped or failed run's figures describe less work: never the best.
            const auto v
                = m_rows[static_cast<std::size_t>(row)].run->succeeded() ? value(row, column) : std::nullopt;
            if (!v)
                continue;
            ++candidates;
            const auto current = best ? value(*best, column) : std::nullopt;
            if (!current || (higherIsBetter(column) ? *v > *current : *v < *current))
                best = row;
        }
        if (candidates >= 2)
            m_best[static_cast<std::size_t>(c)] = best;
    }
}

std::optional<double> Comparison::valueOf(const RunSummary& s, CompareColumn column)
{
    switch (column) {
    case CompareColumn::Wall:
        return s.wallS;
    case CompareColumn::Cpu:
        return s.cpuS;
    case CompareColumn::CpuPct:
        return s.cpuPct;
    case CompareColumn::Speedup:
        return s.speedup;
    case CompareColumn::Efficiency:
        return s.efficiency;
    case CompareColumn::GilWait:
        return s.gilWaitPct;
    case CompareColumn::SpinnerGap:
        return s.maxSpinnerGapMs;
    }
    return std::nullopt;
}

std::optional<double> Comparison::value(int row, CompareColumn column) const
{
    if (row < 0 || row >= rowCount())
        return std::nullopt;
    return valueOf(m_rows[static_cast<std::size_t>(row)].summary, column);
}

std::optional<int> Comparison::best(CompareColumn column) const
{
    return m_best[static_cast<std::size_t>(column)];
}

bool Comparison::isBest(int row, CompareColumn column) const
{
    const auto b = best(column);
    if (!b || row < 0 || row >= rowCount() || !m_rows[static_cast<std::size_t>(row)].run->succeeded())
        return false;
    const auto v = value(row, column);
    return v && *v == *value(*b, column);
}

bool Comparison::higherIsBetter(CompareColumn column)
{
    switch (column) {
    case CompareColumn::CpuPct:
    case CompareColumn::Speedup:
    case CompareColumn::Efficiency:
        return true;
    case CompareColumn::Wall:
    case CompareColumn::Cpu:
    case CompareColumn::GilWait:
    case CompareColumn::SpinnerGap:
        return false;
    }
    return false;
}

const RunResult* Comparison::baselineFor(const RunResult& result, const QList<RunResultPtr>& runs)
{
    const RunResult* baseline = nullptr;
    for (const RunResultPtr& r : runs) {
        if (r && r->spec.model == Model::Sequential && r->succeeded() && sameTasks(r->spec, result.spec))
            baseline = r.get(); // the latest one
    }
    return baseline;
}

} // namespace spindle

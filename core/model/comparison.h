#pragma once
// The figures of a comparison as values: one row per run with its RunSummary
// (speed-up against the sequential run of the same flavour and tasks), and,
// for every column, which row holds the best value. The compare page's table
// and bar chart and the CSV summary all read it, so "best" means the same
// everywhere and is tested once.

#include "model/runresult.h"
#include "model/runsummary.h"

#include <QList>

#include <array>
#include <optional>
#include <vector>

namespace spindle {

enum class CompareColumn : std::uint8_t {
    Wall, // s, lower is better
    Cpu, // CPU s, lower is better: less work for the same result
    CpuPct, // higher is better: more cores kept busy
    Speedup, // higher is better
    Efficiency, // speed-up / workers, higher is better
    GilWait, // %, lower is better
    SpinnerGap, // ms, lower is better
};
constexpr int kCompareColumnCount = static_cast<int>(CompareColumn::SpinnerGap) + 1;

struct ComparisonRow {
    RunResultPtr run;
    RunSummary summary;
};

class Comparison {
public:
    Comparison() = default;
    explicit Comparison(const QList<RunResultPtr>& runs);

    const std::vector<ComparisonRow>& rows() const { return m_rows; }
    int rowCount() const { return static_cast<int>(m_rows.size()); }
    // The value of a cell; nullopt when the run has none (no baseline, no GIL, no spinner).
    std::optional<double> value(int row, CompareColumn column) const;
    // The row with the best value of a column among the runs that succeeded;
    // nullopt unless at least two runs have a value to compare.
    std::optional<int> best(CompareColumn column) const;
    // Every row whose value equals the best one (ties are all marked).
    bool isBest(int row, CompareColumn column) const;

    static bool higherIsBetter(CompareColumn column);
    static std::optional<double> valueOf(const RunSummary& summary, CompareColumn column);
    // The sequential run `result` is measured against: same flavour, same
    // tasks, succeeded; the latest such run. Null when there is none.
    static const RunResult* baselineFor(const RunResult& result, const QList<RunResultPtr>& runs);

private:
    std::vector<ComparisonRow> m_rows;
    std::array<std::optional<int>, kCompareColumnCount> m_best {};
};

} // namespace spindle

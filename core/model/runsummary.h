#pragma once
// The figures every view of a run shows - report, summary table, compare
// page - computed in one place: wall, CPU, CPU %, speed-up against a
// sequential baseline, efficiency, GIL wait share, longest spinner gap.

#include "model/runresult.h"

#include <optional>

namespace spindle {

struct RunSummary {
    double wallS = 0;
    double cpuS = 0;
    double cpuPct = 0;                  // 100 = one core
    std::optional<double> speedup;      // baseline wall / this wall
    std::optional<double> efficiency;   // speed-up / workers
    std::optional<double> gilWaitPct;   // python flavour: share of worker time in waiting-gil
    std::optional<double> maxSpinnerGapMs;
    std::uint64_t spinnerFrames = 0;
    std::size_t tasksDone = 0;
    std::size_t tasksTotal = 0;
};

// baseline: the sequential run to compare against (may be null or `result` itself).
RunSummary summarize(const RunResult& result, const RunResult* baseline);

} // namespace spindle

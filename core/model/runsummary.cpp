#include "model/runsummary.h"

namespace spindle {

RunSummary summarize(const RunResult& result, const RunResult* baseline)
{
    RunSummary s;
    s.wallS = result.wallS();
    s.cpuS = result.cpuS();
    s.cpuPct = result.cpuPct();
    if (baseline != nullptr && baseline->succeeded() && result.succeeded() && s.wallS > 0) {
        s.speedup = baseline->wallS() / s.wallS;
        s.efficiency = *s.speedup / std::max(1, result.workerCount);
    }
    if (result.spec.flavour == Flavour::Python) {
        std::int64_t waited = 0;
        std::int64_t lived = 0;
        for (const WorkerResult& w : result.workers) {
            if (w.info.kind == WorkerKind::Coroutine)
                continue; // coroutines share their loop thread's GIL time
            waited += w.gil.waitNs;
            lived += std::max<std::int64_t>(0, w.endNs - w.startNs);
        }
        s.gilWaitPct = lived > 0 ? 100.0 * static_cast<double>(waited) / static_cast<double>(lived) : 0.0;
    }
    if (result.spinner) {
        s.maxSpinnerGapMs = static_cast<double>(result.spinner->maxGapNs) / 1e6;
        s.spinnerFrames = result.spinner->frames;
    }
    s.tasksTotal = result.spec.tasks.size();
    for (const TaskResult& t : result.tasks)
        s.tasksDone += t.cancelled ? 0 : 1;
    return s;
}

} // namespace spindle

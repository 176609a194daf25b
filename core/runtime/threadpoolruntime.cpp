#include "runtime/threadpoolruntime.h"

#include "runtime/periodicthread.h"
#include "runtime/runcontext.h"
#include "runtime/spinnerthread.h"
#include "runtime/threadpoolexecutor.h"

#include <optional>
#include <stdexcept>
#include <string>

namespace spindle {

void ThreadPoolRuntime::execute(RunContext& run)
{
    const RunSpec& spec = run.spec();
    ThreadPoolExecutor pool(run, spec.effectiveWorkers(), QStringLiteral("pool thread"));
    pool.setBacklogLimit(static_cast<std::size_t>(spec.backlog));
    std::optional<SpinnerThread> spinner;
    if (spec.spinner)
        spinner.emplace(run);
    std::optional<PeriodicThread> periodic;
    if (spec.periodicMs > 0)
        periodic.emplace(run, spec.periodicMs * 1'000'000);
    for (std::size_t i = 0; i < spec.tasks.size(); ++i) {
        // A producer at a fixed pace: the backlog fills when it outpaces the pool.
        if (i > 0 && spec.submitIntervalMs > 0 && !run.cancel().sleepFor(spec.submitIntervalMs * 1'000'000))
            break;
        if (run.cancelled())
            break;
        const bool fails = spec.failEvery > 0 && (static_cast<std::int64_t>(i) + 1) % spec.failEvery == 0;
        const auto future = pool.submit([&run, i, fails](
                                            WorkerContext& ctx, WorkerResult& worker) -> std::int64_t {
            // The work is done and recorded, then the call raises - as a
            // callable that fails on its result would.
            if (run.runTask(i, ctx, worker) && fails)
                throw std::runtime_error("task " + std::to_string(i + 1) + " fails on purpose (fail-every)");
            return 0;
        });
        if (!future)
            run.recordRejectedTask(static_cast<std::uint32_t>(i));
    }
    pool.shutdown(false);
    if (periodic)
        periodic->stop();
    if (spinner)
        spinner->stop();
    ExecutorStats stats = pool.stats();
    if (periodic) {
        stats.periodicRuns = periodic->runs();
        stats.periodicMaxLateNs = periodic->maxLateNs();
    }
    run.setExecutorStats(stats);
}

} // namespace spindle

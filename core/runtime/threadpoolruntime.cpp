#include "runtime/threadpoolruntime.h"

#include "runtime/runcontext.h"
#include "runtime/spinnerthread.h"
#include "runtime/threadpoolexecutor.h"

#include <optional>

namespace spindle {

void ThreadPoolRuntime::execute(RunContext& run)
{
    ThreadPoolExecutor pool(run, run.spec().effectiveWorkers(), QStringLiteral("pool thread"));
    std::optional<SpinnerThread> spinner;
    if (run.spec().spinner)
        spinner.emplace(run);
    for (std::size_t i = 0; i < run.spec().tasks.size(); ++i) {
        pool.submit([&run, i](WorkerContext& ctx, WorkerResult& worker) -> std::int64_t {
            run.runTask(i, ctx, worker);
            return 0;
        });
    }
    pool.shutdown(false);
    if (spinner)
        spinner->stop();
}

} // namespace spindle

#include "runtime/processpoolruntime.h"

#include "runtime/processpoolexecutor.h"
#include "runtime/runcontext.h"
#include "runtime/spinnerthread.h"

#include <optional>

namespace spindle {

void ProcessPoolRuntime::execute(RunContext& run)
{
    ProcessPoolExecutor::Options options;
    options.workers = run.spec().effectiveWorkers();
    options.namePrefix = QStringLiteral("pool process");
    ProcessPoolExecutor pool(run, options);
    std::optional<SpinnerThread> spinner;
    if (run.spec().spinner)
        spinner.emplace(run);
    // The results come back through the run's task results, not the futures.
    for (std::size_t i = 0; i < run.spec().tasks.size(); ++i)
        pool.submit(i);
    pool.shutdown(false);
    if (spinner)
        spinner->stop();
    run.setExecutorStats(pool.stats());
}

} // namespace spindle

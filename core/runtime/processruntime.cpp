#include "runtime/processruntime.h"

#include "runtime/processpoolexecutor.h"
#include "runtime/runcontext.h"

namespace spindle {

void ProcessRuntime::execute(RunContext& run)
{
    ProcessPoolExecutor::Options options;
    options.workers = run.spec().effectiveWorkers();
    options.namePrefix = QStringLiteral("process");
    options.spinnerChild = run.spec().spinner;
    ProcessPoolExecutor children(run, options);
    // Every job is queued before the first child asks, and the poison pills
    // follow them: shutdown() is "put one pill per worker, then join".
    for (std::size_t i = 0; i < run.spec().tasks.size(); ++i)
        children.submit(i);
    children.shutdown(false);
}

} // namespace spindle

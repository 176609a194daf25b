#include "model/runspec.h"
#include "runtime/coroutineruntime.h"
#include "runtime/executorruntime.h"
#include "runtime/preforkruntime.h"
#include "runtime/processpoolruntime.h"
#include "runtime/processruntime.h"
#include "runtime/runtime.h"
#include "runtime/supervisedruntime.h"
#include "runtime/threadpoolruntime.h"
#include "runtime/threadsruntime.h"

namespace spindle {

std::unique_ptr<Runtime> makeRuntime(const RunSpec& spec)
{
    if (spec.model == Model::Processes && spec.pattern == ProcessPattern::Supervised)
        return std::make_unique<SupervisedRuntime>();
    if (spec.model == Model::Processes && spec.pattern == ProcessPattern::Prefork)
        return std::make_unique<PreforkRuntime>();
    switch (spec.model) {
    case Model::Sequential: return std::make_unique<ThreadsRuntime>(true);
    case Model::Threads: return std::make_unique<ThreadsRuntime>(false);
    case Model::ThreadPool: return std::make_unique<ThreadPoolRuntime>();
    case Model::Coroutines: return std::make_unique<CoroutineRuntime>();
    case Model::Processes: return std::make_unique<ProcessRuntime>();
    case Model::ProcessPool: return std::make_unique<ProcessPoolRuntime>();
    case Model::CoroutinesExecutor: return std::make_unique<ExecutorRuntime>();
    }
    return nullptr;
}

LiveControls liveControlsFor(const RunSpec& spec)
{
    // Only the supervisor (SupervisedRuntime) restarts what dies and resizes its pool.
    const bool supervised = spec.model == Model::Processes && spec.pattern == ProcessPattern::Supervised;
    return LiveControls {supervised, supervised};
}

} // namespace spindle

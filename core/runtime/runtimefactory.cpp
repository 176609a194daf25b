#include "model/runspec.h"
#include "runtime/coroutineruntime.h"
#include "runtime/runtime.h"
#include "runtime/threadpoolruntime.h"
#include "runtime/threadsruntime.h"

namespace spindle {

std::unique_ptr<Runtime> makeRuntime(Model model)
{
    switch (model) {
    case Model::Sequential: return std::make_unique<ThreadsRuntime>(true);
    case Model::Threads: return std::make_unique<ThreadsRuntime>(false);
    case Model::ThreadPool: return std::make_unique<ThreadPoolRuntime>();
    case Model::Coroutines: return std::make_unique<CoroutineRuntime>();
    case Model::Processes:
    case Model::ProcessPool:
    case Model::CoroutinesExecutor: return nullptr;
    }
    return nullptr;
}

} // namespace spindle

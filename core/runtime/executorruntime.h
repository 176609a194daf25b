#pragma once
// The coroutines+executor model: the asyncio loop of the coroutines model,
// whose tasks hand every blocking or CPU-bound job to an executor and await
// it (loop.run_in_executor) - a pool of threads or of processes, per
// RunSpec::executor. The loop stays free, so a spinner on it keeps turning.
// Only `sleep` is awaited on the loop itself. With the python flavour the loop
// thread holds the GIL only while it runs a task, as CPython's loop does, so
// a thread executor's workers can have it while the loop waits.

#include "runtime/runtime.h"

namespace spindle {

class ExecutorRuntime : public Runtime {
public:
    void execute(RunContext& run) override;
};

} // namespace spindle

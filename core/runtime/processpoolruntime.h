#pragma once
// The process-pool model: every task submitted as a future to a pool of N
// worker processes (concurrent.futures.ProcessPoolExecutor), then
// shutdown(wait=True). The spinner, if any, is a thread of this process, as
// it would be beside an executor in a Python program.

#include "runtime/runtime.h"

namespace spindle {

class ProcessPoolRuntime : public Runtime {
public:
    void execute(RunContext& run) override;
};

} // namespace spindle

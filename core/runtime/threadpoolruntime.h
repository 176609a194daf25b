#pragma once
// The thread-pool model: every task submitted as a future to a fixed pool of
// N threads (concurrent.futures.ThreadPoolExecutor), then shutdown(wait=True).

#include "runtime/runtime.h"

namespace spindle {

class ThreadPoolRuntime : public Runtime {
public:
    void execute(RunContext& run) override;
};

} // namespace spindle

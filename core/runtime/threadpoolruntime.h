#pragma once
// The thread-pool model: every task submitted as a future to a fixed pool of
// N threads (concurrent.futures.ThreadPoolExecutor), then shutdown(wait=True).
// With the pools scenario's fields it becomes a futurist executor: a bounded
// backlog that rejects, a producer at a fixed pace, calls that fail on
// purpose, and a periodic task beside the pool.

#include "runtime/runtime.h"

namespace spindle {

class ThreadPoolRuntime : public Runtime {
public:
    void execute(RunContext& run) override;
};

} // namespace spindle

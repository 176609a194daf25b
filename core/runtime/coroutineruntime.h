#pragma once
// The coroutines model: one thread runs an asyncio-like EventLoop; N coroutine
// workers, one lane each, take jobs from a shared list. A CPU-bound or
// blocking task really blocks the loop and every other coroutine on it; a
// `sleep` task awaits the loop's timer and lets the others run.

#include "runtime/runtime.h"

namespace spindle {

class CoroutineRuntime : public Runtime {
public:
    void execute(RunContext& run) override;
};

} // namespace spindle

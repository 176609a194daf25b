#pragma once
// The sequential and threads models (Fluent Python sequential.py / threads.py):
// sequential checks the numbers one after another on one thread; threads
// starts N workers that take jobs from a queue until a poison pill.

#include "runtime/runtime.h"

namespace spindle {

class ThreadsRuntime : public Runtime {
public:
    explicit ThreadsRuntime(bool sequential) : m_sequential(sequential) {}
    void execute(RunContext& run) override;

private:
    bool m_sequential;
};

} // namespace spindle

#pragma once
// The spinner of Fluent Python's spinner_thread.py as a worker thread: a frame,
// then done.wait(interval), until done. Each frame is an event; with the
// python flavour the thread must hold the GIL to draw it.

#include "runtime/canceltoken.h"

#include <memory>
#include <thread>

namespace spindle {

class RunContext;

class SpinnerThread {
public:
    explicit SpinnerThread(RunContext& run);
    ~SpinnerThread();
    SpinnerThread(const SpinnerThread&) = delete;
    SpinnerThread& operator=(const SpinnerThread&) = delete;

    // done.set() and join.
    void stop();

private:
    // Shared with the run's cancel callback, which may fire after we are gone.
    std::shared_ptr<CancelToken> m_done = std::make_shared<CancelToken>();
    std::thread m_thread;
};

} // namespace spindle

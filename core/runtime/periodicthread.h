#pragma once
// futurist's PeriodicWorker with one callable, as a worker thread of its own:
// a tick at a fixed rate (a grid from its start, not a delay after each tick)
// until stopped. With the python flavour a tick must take the GIL, so a pool
// of CPU-bound threads makes it late; the lateness is measured.

#include "runtime/canceltoken.h"

#include <cstdint>
#include <memory>
#include <thread>

namespace spindle {

class RunContext;

class PeriodicThread {
public:
    PeriodicThread(RunContext& run, std::int64_t periodNs);
    ~PeriodicThread();
    PeriodicThread(const PeriodicThread&) = delete;
    PeriodicThread& operator=(const PeriodicThread&) = delete;

    // Stops the ticks and joins.
    void stop();
    // After stop(): how many ticks ran, and the latest one against its slot.
    std::uint64_t runs() const { return m_counts->runs; }
    std::int64_t maxLateNs() const { return m_counts->maxLateNs; }

private:
    struct Counts {
        std::uint64_t runs = 0;
        std::int64_t maxLateNs = 0;
    };
    // Shared with the run's cancel callback, which may fire after we are gone.
    std::shared_ptr<CancelToken> m_done = std::make_shared<CancelToken>();
    std::shared_ptr<Counts> m_counts = std::make_shared<Counts>();
    std::thread m_thread;
};

} // namespace spindle

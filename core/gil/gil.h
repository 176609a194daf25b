#pragma once
// The emulated Global Interpreter Lock of the python flavour, after CPython >= 3.2
// (Python/ceval_gil.h): a mutex + condition variable; a thread that has waited
// longer than the switch interval sets a drop request; the holder notices it at
// its next checkpoint ("bytecode boundary"), releases, and waits until another
// thread has taken the lock (FORCE_SWITCHING) before it competes again.
// Sleep and I/O release it. One Gil per (emulated) interpreter process.

#include "stream/eventwriter.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace spindle {

struct GilCounters {
    std::uint64_t acquisitions = 0; // times this worker took the GIL
    std::uint64_t switches = 0; // times it took the GIL from another holder
    std::uint64_t dropRequests = 0; // drop requests this worker set
    std::int64_t waitNs = 0; // total time spent in waiting-gil

    bool operator==(const GilCounters&) const = default;
};

class Gil {
public:
    static constexpr std::int64_t kDefaultSwitchIntervalNs = 5'000'000;
    explicit Gil(std::int64_t switchIntervalNs = kDefaultSwitchIntervalNs);

    std::int64_t switchIntervalNs() const { return m_intervalNs; }

    // Blocks until the caller holds the GIL. Emits WaitingGil when it has to
    // wait, SwitchRequest when it sets a drop request, GilSwitch when it takes
    // the lock over from another worker, and Running once it holds the lock.
    void acquire(const EventWriter& ev, GilCounters& c);
    // Gives the GIL up. Emits nothing: the caller records what it does next.
    void release(const EventWriter& ev, GilCounters& c);
    // Called by the holder every few hundred iterations of its workload. A
    // relaxed load when nobody waits; otherwise hands the lock over.
    void checkpoint(const EventWriter& ev, GilCounters& c)
    {
        if (m_dropRequest.load(std::memory_order_relaxed)) [[unlikely]]
            yieldToWaiter(ev, c);
    }

    // Worker id of the holder, or kNobody.
    static constexpr std::uint32_t kNobody = 0xffffffffu;
    std::uint32_t holder() const { return m_holder.load(std::memory_order_relaxed); }

private:
    void yieldToWaiter(const EventWriter& ev, GilCounters& c);
    // take_gil. waitingSinceNs >= 0 means the caller already recorded
    // WaitingGil at that time (a forced switch), so it is not recorded twice.
    void take(const EventWriter& ev, GilCounters& c, std::int64_t waitingSinceNs);

    const std::int64_t m_intervalNs;
    std::mutex m_mutex;
    std::condition_variable m_cond; // signalled when the GIL is released
    std::condition_variable m_switchCond; // signalled when a forced switch completed
    bool m_locked = false;
    std::uint64_t m_switchNumber = 0; // incremented on every acquisition
    std::uint32_t m_lastHolder = kNobody;
    int m_waiters = 0; // threads blocked in take(); a drop request implies one
    std::atomic<bool> m_dropRequest {false};
    std::atomic<std::uint32_t> m_holder {kNobody};
};

} // namespace spindle

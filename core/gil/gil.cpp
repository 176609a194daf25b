#include "gil/gil.h"

#include "model/clock.h"

#include <chrono>

namespace spindle {

namespace {
// CPython refuses intervals below 1 µs too: a zero timeout would turn every
// waiter into a busy loop of drop requests.
constexpr std::int64_t kMinIntervalNs = 1'000;
} // namespace

Gil::Gil(std::int64_t switchIntervalNs)
    : m_intervalNs(switchIntervalNs < kMinIntervalNs ? kMinIntervalNs : switchIntervalNs)
{
}

void Gil::acquire(const EventWriter& ev, GilCounters& c)
{
    take(ev, c, -1);
}

void Gil::take(const EventWriter& ev, GilCounters& c, std::int64_t waitingSinceNs)
{
    std::unique_lock lock(m_mutex);
    if (m_locked) {
        if (waitingSinceNs < 0) {
            // Stamped under the mutex, pushed outside it: a full ring may make
            // push() wait for the collector, which must not stall other threads.
            waitingSinceNs = monotonicNs();
            lock.unlock();
            ev.stateAt(waitingSinceNs, WorkerState::WaitingGil);
            lock.lock();
        }
        ++m_waiters;
        const auto interval = std::chrono::nanoseconds(m_intervalNs);
        while (m_locked) {
            const std::uint64_t saved = m_switchNumber;
            const bool timedOut = m_cond.wait_for(lock, interval) == std::cv_status::timeout;
            // Only a full interval without any hand-over justifies asking the
            // holder to drop: if someone else got the lock meanwhile, the
            // current holder has not had its interval yet.
            if (timedOut && m_locked && m_switchNumber == saved
                && !m_dropRequest.load(std::memory_order_relaxed)) {
                m_dropRequest.store(true, std::memory_order_relaxed);
                ++c.dropRequests;
                const std::uint32_t target = m_holder.load(std::memory_order_relaxed);
                lock.unlock();
                ev.record(EventKind::SwitchRequest, target);
                lock.lock();
            }
        }
        --m_waiters;
    }

    // Stamped while the lock changes hands, so that a preemption right after
    // cannot make two lanes look like they ran at once.
    const std::int64_t now = monotonicNs();
    m_locked = true;
    ++m_switchNumber;
    const std::uint32_t previous = m_lastHolder;
    m_lastHolder = ev.worker();
    m_holder.store(ev.worker(), std::memory_order_relaxed);
    // Any pending request was addressed to the previous holder.
    m_dropRequest.store(false, std::memory_order_relaxed);
    lock.unlock();
    // A forced yielder is waiting for exactly this switch number to change.
    m_switchCond.notify_all();

    ++c.acquisitions;
    if (waitingSinceNs >= 0)
        c.waitNs += now - waitingSinceNs;
    if (previous != kNobody && previous != ev.worker()) {
        ++c.switches;
        ev.recordAt(now, EventKind::GilSwitch, previous);
    }
    ev.stateAt(now, WorkerState::Running);
}

void Gil::release(const EventWriter& /*ev*/, GilCounters& /*c*/)
{
    std::unique_lock lock(m_mutex);
    const std::uint64_t mine = m_switchNumber;
    m_locked = false;
    m_holder.store(kNobody, std::memory_order_relaxed);
    const bool forced = m_dropRequest.load(std::memory_order_relaxed) && m_waiters > 0;
    lock.unlock();
    m_cond.notify_one();
    if (forced) {
        // CPython's drop_gil forces the switch on every release, sleep and
        // I/O included (PyEval_SaveThread): a time.sleep(0) that dropped the
        // GIL with a request pending must not win it straight back.
        lock.lock();
        m_switchCond.wait(lock, [&] { return m_switchNumber != mine || m_waiters == 0; });
    }
}

void Gil::yieldToWaiter(const EventWriter& ev, GilCounters& c)
{
    std::unique_lock lock(m_mutex);
    const std::uint64_t mine = m_switchNumber;
    // Stamped before anyone can take the lock over (see take()).
    const std::int64_t waitingSince = monotonicNs();
    m_locked = false;
    m_holder.store(kNobody, std::memory_order_relaxed);
    // A drop request implies a waiter that has not taken the lock yet (taking
    // clears the request). Checking anyway means a stale request can never
    // leave this thread waiting for a switch nobody will make.
    const bool forced = m_dropRequest.load(std::memory_order_relaxed) && m_waiters > 0;
    lock.unlock();
    m_cond.notify_one();

    ev.stateAt(waitingSince, WorkerState::WaitingGil);
    if (forced) {
        // FORCE_SWITCHING: without this wait the releasing thread, already on
        // a CPU, would usually win the lock back before the woken waiter runs.
        lock.lock();
        m_switchCond.wait(lock, [&] { return m_switchNumber != mine || m_waiters == 0; });
        lock.unlock();
    }
    take(ev, c, waitingSince);
}

} // namespace spindle

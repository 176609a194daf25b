#pragma once
// The one way into the loop from other threads: a queue of callbacks plus an
// eventfd that the loop polls, so that a post wakes a loop blocked in ppoll at
// once. Shared (not owned by the loop alone) so that a Completion finished by
// an executor thread after the loop died finds a closed channel instead of a
// dangling pointer.

#include <atomic>
#include <functional>
#include <mutex>
#include <vector>

namespace spindle {

class WakeupChannel {
public:
    WakeupChannel();
    ~WakeupChannel();
    WakeupChannel(const WakeupChannel&) = delete;
    WakeupChannel& operator=(const WakeupChannel&) = delete;

    int fd() const { return m_fd; }

    // Any thread. Returns false (and drops fn) once the channel is closed.
    bool post(std::function<void()> fn);
    // Any thread: makes the loop return from its poll without queueing work.
    void wake();

    // Loop thread: clears the fd's readiness after the poll reported it.
    void acknowledge();
    // Loop thread. Without the lock while nothing is pending; `woken` (the
    // poll has just reported the fd) takes it whatever the flag says, so
    // that an acknowledged wake-up never rests on the flag's store being
    // seen in time.
    std::vector<std::function<void()>> takeAll(bool woken = false);
    // Any thread, without the lock: a post that has not returned yet may be
    // missed. The loop asks again on its next turn, and a loop about to wait
    // has its poll woken by that post's wake().
    bool hasPending() const { return m_pending.load(std::memory_order_acquire); }
    // Refuses later posts and returns what was still queued, so that the caller
    // destroys those callbacks outside the lock (their captures may post).
    std::vector<std::function<void()>> close();

private:
    int m_fd = -1;
    mutable std::mutex m_mutex;
    std::vector<std::function<void()>> m_queue;
    // !m_queue.empty(), readable without the lock: the loop asks on every
    // iteration, and nothing is queued on almost all of them.
    std::atomic<bool> m_pending {false};
    bool m_closed = false;
};

} // namespace spindle

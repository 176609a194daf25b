#pragma once
// Resumes coroutines iteratively. Symmetric transfer only keeps the stack flat
// if the compiler turns the transfer into a tail call, which GCC does not do at
// -O0 or under ASan: a chain of 100000 finished sub-tasks would then nest
// 100000 resume() calls. So the loop resumes through run(), and Task's
// awaiters hand the next coroutine to it instead of resuming it themselves.

#include <coroutine>
#include <utility>

namespace spindle {

class Trampoline {
public:
    // Resumes `handle`, then every coroutine handed over by transfer(), until
    // one suspends without naming a successor.
    static void run(std::coroutine_handle<> handle)
    {
        const bool wasActive = std::exchange(s_active, true);
        std::coroutine_handle<> saved = std::exchange(s_next, nullptr);
        while (handle) {
            handle.resume();
            handle = std::exchange(s_next, nullptr);
        }
        s_next = saved;
        s_active = wasActive;
    }

    // For await_suspend: the coroutine to return. Under run() the successor is
    // queued and control goes back to run(); elsewhere this is plain symmetric
    // transfer.
    static std::coroutine_handle<> transfer(std::coroutine_handle<> next) noexcept
    {
        if (!s_active)
            return next ? next : std::noop_coroutine();
        s_next = next;
        return std::noop_coroutine();
    }

private:
    static inline thread_local bool s_active = false;
    static inline thread_local std::coroutine_handle<> s_next;
};

} // namespace spindle

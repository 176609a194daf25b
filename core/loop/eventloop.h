#pragma once
// The single-threaded coroutine event loop of the `coroutines` models, built
// like asyncio's: a ready queue, a timer heap and one wake-up fd. Every task
// runs on the thread that calls run(), so a task that blocks (instead of
// awaiting) stalls all the others - exactly what Spindle has to show. The
// Observer lets the engine turn each top-level task's suspensions into a
// timeline, and every timer's lateness is measured as the loop's lag.

#include "loop/task.h"
#include "loop/wakeupchannel.h"
#include "model/event.h"

#include <atomic>
#include <coroutine>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <thread>
#include <type_traits>
#include <variant>
#include <vector>

namespace spindle {

class EventLoop {
public:
    // Called on the loop thread only. States reported per top-level task tag:
    // Ready (spawned, timer fired, yielded, completion delivered), Running
    // (resumed by the loop), Sleeping (sleepFor), WaitingQueue (awaiting a
    // Completion) and Exited (the top-level task finished, normally or not).
    struct Observer {
        virtual ~Observer() = default;
        virtual void taskStateChanged(std::uint32_t tag, WorkerState state, std::int64_t tNs) = 0;
        virtual void timerLag(std::uint32_t tag, std::int64_t lagNs, std::int64_t tNs) = 0;
        // The loop thread itself: it blocks waiting for a timer or a wake-up
        // (waiting = true) with nothing ready, and resumes (false).
        virtual void loopWaiting(bool /*waiting*/, std::int64_t /*tNs*/) { }
    };

    struct LagStats {
        std::uint64_t count = 0;
        std::int64_t maxNs = 0;
        std::int64_t totalNs = 0;
    };

    // A top-level task; opaque outside the loop.
    struct Root;
    // A coroutine suspended outside the timer heap and ready queue (see
    // park()), together with the top-level task it belongs to.
    struct Parked {
        std::coroutine_handle<> handle;
        Root* root = nullptr;
    };

    class SleepAwaiter {
    public:
        SleepAwaiter(EventLoop& loop, std::int64_t ns) noexcept : m_loop(loop), m_ns(ns) { }
        bool await_ready() const noexcept { return false; }
        void await_suspend(std::coroutine_handle<> handle) { m_loop.addTimer(handle, m_ns); }
        void await_resume() const noexcept { }

    private:
        EventLoop& m_loop;
        std::int64_t m_ns;
    };

    class YieldAwaiter {
    public:
        explicit YieldAwaiter(EventLoop& loop) noexcept : m_loop(loop) { }
        bool await_ready() const noexcept { return false; }
        void await_suspend(std::coroutine_handle<> handle) { m_loop.requeue(handle); }
        void await_resume() const noexcept { }

    private:
        EventLoop& m_loop;
    };

    EventLoop();
    ~EventLoop();
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    // Set before run(); the observer must outlive the loop's use of it.
    void setObserver(Observer* observer) { m_observer = observer; }
    // Receives exceptions that escape a top-level task or a posted callback;
    // without one they are printed to stderr, like asyncio's "exception was
    // never retrieved".
    void setErrorHandler(std::function<void(std::uint32_t tag, std::exception_ptr)> handler);

    // Loop thread (or any thread while the loop is not running). The loop owns
    // the task; the tag identifies it to the observer.
    void spawn(Task<void> task, std::uint32_t tag);

    // Runs until every spawned task finished or stop() was called. Unfinished
    // tasks stay suspended: run() again continues them, clear() drops them.
    void run();
    // Runs until this one task finished (other tasks keep their progress) and
    // returns its result or rethrows its exception. If stop() comes first the
    // task is destroyed and std::runtime_error is thrown.
    template <typename T>
    T runUntilComplete(Task<T> task, std::uint32_t tag = 0);
    // Any thread. A stop() before run() makes the next run() return at once.
    void stop();
    // Destroys every unfinished task and pending timer. Not from inside a task.
    void clear();

    // The loop thread is the one that last called run(), the constructing one before that.
    bool isLoopThread() const
    {
        return m_loopThread.load(std::memory_order_relaxed) == std::this_thread::get_id();
    }
    // Tag of the top-level task being resumed, 0 outside tasks.
    std::uint32_t currentTag() const;
    std::size_t pendingTasks() const { return m_roots.size(); }
    LagStats lagStats() const { return m_lag; }

    // asyncio.sleep(ns / 1e9). Every sleep goes through the timer heap, even
    // sleepFor(0), so its lag is measured too.
    SleepAwaiter sleepFor(std::int64_t ns) { return SleepAwaiter(*this, ns); }
    // asyncio.sleep(0): to the back of the ready queue.
    YieldAwaiter yieldNow() { return YieldAwaiter(*this); }

    // Any thread; fn runs on the loop thread soon. Dropped if the loop is gone.
    void callSoonThreadSafe(std::function<void()> fn);
    // For awaitables completed from elsewhere (Completion, executors).
    const std::shared_ptr<WakeupChannel>& channel() const { return m_channel; }

    // Building blocks for custom awaitables, loop thread only. park() records
    // the suspension of the current task in `state`; wake() makes it Ready
    // again. Whoever holds a Parked must forget it if the coroutine's frame is
    // destroyed first (Completion does this in its awaiter's destructor).
    Parked park(std::coroutine_handle<> handle, WorkerState state);
    void wake(const Parked& parked);

private:
    static constexpr std::int64_t kNoDeadline = INT64_MIN;

    struct ReadyEntry {
        std::coroutine_handle<> handle;
        Root* root = nullptr;
        std::int64_t deadline = kNoDeadline; // set when a timer made it ready
    };
    struct TimerEntry {
        std::int64_t deadline = 0;
        std::uint64_t seq = 0; // FIFO among equal deadlines
        std::coroutine_handle<> handle;
        Root* root = nullptr;
    };

    template <typename T>
    using Stored = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

    template <typename T>
    static Task<void> captureResult(
        Task<T> task, std::optional<Stored<T>>* value, std::exception_ptr* error, bool* finished);

    Root* spawnRoot(Task<void> task, std::uint32_t tag);
    void runWhile(const bool* finished);
    void runUntil(Root* root, const bool* finished);
    void runOnce();
    void resume(const ReadyEntry& entry);
    void finishRoot(Root* root);
    void cancelRoot(Root* root);
    void addTimer(std::coroutine_handle<> handle, std::int64_t ns);
    void requeue(std::coroutine_handle<> handle);
    void reportError(std::uint32_t tag, std::exception_ptr error);
    void report(std::uint32_t tag, WorkerState state, std::int64_t tNs);

    std::shared_ptr<WakeupChannel> m_channel;
    std::list<Root> m_roots;
    std::deque<ReadyEntry> m_ready;
    std::vector<TimerEntry> m_timers; // binary min-heap
    std::uint64_t m_timerSeq = 0;
    Root* m_current = nullptr;
    Observer* m_observer = nullptr;
    std::function<void(std::uint32_t, std::exception_ptr)> m_errorHandler;
    LagStats m_lag;
    std::atomic<bool> m_stopRequested {false};
    std::atomic<bool> m_running {false};
    std::atomic<std::thread::id> m_loopThread;
};

template <typename T>
Task<void> EventLoop::captureResult(
    Task<T> task, std::optional<Stored<T>>* value, std::exception_ptr* error, bool* finished)
{
    try {
        if constexpr (std::is_void_v<T>) {
            co_await task;
            value->emplace();
        } else {
            value->emplace(co_await task);
        }
    } catch (...) {
        *error = std::current_exception();
    }
    *finished = true;
}

template <typename T>
T EventLoop::runUntilComplete(Task<T> task, std::uint32_t tag)
{
    std::optional<Stored<T>> value;
    std::exception_ptr error;
    bool finished = false;
    Root* root = spawnRoot(captureResult<T>(std::move(task), &value, &error, &finished), tag);
    runUntil(root, &finished);
    if (error)
        std::rethrow_exception(error);
    if constexpr (!std::is_void_v<T>)
        return std::move(*value);
}

} // namespace spindle

#include "loop/eventloop.h"

#include "model/clock.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <ctime>
#include <iterator>
#include <poll.h>
#include <stdexcept>
#include <system_error>
#include <utility>

namespace spindle {

struct EventLoop::Root {
    Task<void> task;
    std::uint32_t tag = 0;
    std::list<Root>::iterator self;
};

namespace {

// Makes the heap's top the earliest deadline (std heaps are max-heaps).
bool firesLater(const auto& a, const auto& b)
{
    if (a.deadline != b.deadline)
        return a.deadline > b.deadline;
    return a.seq > b.seq;
}

} // namespace

EventLoop::EventLoop()
    : m_channel(std::make_shared<WakeupChannel>()), m_loopThread(std::this_thread::get_id())
{
}

EventLoop::~EventLoop()
{
    clear();
    // Destroyed outside the channel's lock: the callbacks' captures may post.
    auto dropped = m_channel->close();
}

void EventLoop::setErrorHandler(std::function<void(std::uint32_t, std::exception_ptr)> handler)
{
    m_errorHandler = std::move(handler);
}

void EventLoop::spawn(Task<void> task, std::uint32_t tag)
{
    spawnRoot(std::move(task), tag);
}

EventLoop::Root* EventLoop::spawnRoot(Task<void> task, std::uint32_t tag)
{
    if (!task.valid())
        throw std::invalid_argument("EventLoop::spawn: empty Task");
    if (m_running.load(std::memory_order_relaxed) && !isLoopThread())
        throw std::logic_error("EventLoop::spawn from a foreign thread; use callSoonThreadSafe");
    Root& root = m_roots.emplace_back();
    root.task = std::move(task);
    root.tag = tag;
    root.self = std::prev(m_roots.end());
    m_ready.push_back({root.task.m_handle, &root, kNoDeadline});
    report(tag, WorkerState::Ready, monotonicNs());
    return &root;
}

void EventLoop::run()
{
    runWhile(nullptr);
}

void EventLoop::runUntil(Root* root, const bool* finished)
{
    runWhile(finished);
    if (!*finished) {
        cancelRoot(root);
        throw std::runtime_error("EventLoop stopped before the task finished");
    }
}

void EventLoop::runWhile(const bool* finished)
{
    if (m_running.exchange(true))
        throw std::logic_error("EventLoop::run is not reentrant");
    m_loopThread.store(std::this_thread::get_id(), std::memory_order_relaxed);
    struct Reset {
        EventLoop* loop;
        ~Reset()
        {
            // A stop() is consumed by the run() it ended (or the next one).
            loop->m_stopRequested.store(false, std::memory_order_relaxed);
            loop->m_running.store(false);
        }
    } reset {this};

    while (!m_stopRequested.load(std::memory_order_acquire)) {
        if (finished ? *finished : m_roots.empty() && !m_channel->hasPending())
            break;
        runOnce();
    }
}

void EventLoop::stop()
{
    m_stopRequested.store(true, std::memory_order_release);
    m_channel->wake();
}

void EventLoop::runOnce()
{
    // Wait only when nothing is runnable: a blocking poll with ready tasks would
    // add latency, a busy poll without them would burn the CPU Spindle measures.
    timespec timeout {};
    timespec* timeoutPtr = &timeout;
    if (m_ready.empty()) {
        if (m_timers.empty()) {
            timeoutPtr = nullptr;
        } else {
            const std::int64_t waitNs = std::max<std::int64_t>(0, m_timers.front().deadline - monotonicNs());
            timeout.tv_sec = static_cast<time_t>(waitNs / 1'000'000'000);
            timeout.tv_nsec = static_cast<long>(waitNs % 1'000'000'000);
        }
    }
    // A wait that can block is the loop idling, like asyncio's selector.
    const bool blocking = timeoutPtr == nullptr || timeout.tv_sec > 0 || timeout.tv_nsec > 0;
    if (blocking && m_observer)
        m_observer->loopWaiting(true, monotonicNs());
    // With tasks ready the poll could only report the wake-up fd, and what a
    // post queues is taken below whether or not it was seen: no syscall
    // then. asyncio polls with a zero timeout here, but it has other fds to
    // ask about; a task's every yield and a coroutine's start would pay it.
    pollfd pfd {m_channel->fd(), POLLIN, 0};
    const int polled = blocking || m_channel->hasPending() ? ppoll(&pfd, 1, timeoutPtr, nullptr) : 0;
    if (blocking && m_observer)
        m_observer->loopWaiting(false, monotonicNs());
    if (polled < 0 && errno != EINTR)
        throw std::system_error(errno, std::generic_category(), "ppoll");
    const bool woken = polled > 0 && (pfd.revents & POLLIN);
    if (woken)
        m_channel->acknowledge();

    for (auto& fn : m_channel->takeAll(woken)) {
        try {
            fn();
        } catch (...) {
            reportError(0, std::current_exception());
        }
    }

    const std::int64_t now = monotonicNs();
    while (!m_timers.empty() && m_timers.front().deadline <= now) {
        std::pop_heap(m_timers.begin(), m_timers.end(), firesLater<TimerEntry, TimerEntry>);
        const TimerEntry timer = m_timers.back();
        m_timers.pop_back();
        m_ready.push_back({timer.handle, timer.root, timer.deadline});
        report(timer.root->tag, WorkerState::Ready, now);
    }

    // Only what is ready now: a task that yields goes behind the timers and
    // callbacks of the next iteration, as in asyncio.
    for (std::size_t n = m_ready.size(); n > 0; --n) {
        if (m_stopRequested.load(std::memory_order_acquire))
            break;
        const ReadyEntry entry = m_ready.front();
        m_ready.pop_front();
        resume(entry);
    }
}

void EventLoop::resume(const ReadyEntry& entry)
{
    const std::int64_t now = monotonicNs();
    const std::uint32_t tag = entry.root->tag;
    if (entry.deadline != kNoDeadline) {
        const std::int64_t lag = now - entry.deadline;
        ++m_lag.count;
        m_lag.totalNs += lag;
        m_lag.maxNs = std::max(m_lag.maxNs, lag);
        if (m_observer)
            m_observer->timerLag(tag, lag, now);
    }
    report(tag, WorkerState::Running, now);
    m_current = entry.root;
    Trampoline::run(entry.handle);
    m_current = nullptr;
    if (entry.root->task.done())
        finishRoot(entry.root);
}

void EventLoop::finishRoot(Root* root)
{
    const std::uint32_t tag = root->tag;
    report(tag, WorkerState::Exited, monotonicNs());
    std::exception_ptr error;
    try {
        root->task.m_handle.promise().take();
    } catch (...) {
        error = std::current_exception();
    }
    m_roots.erase(root->self);
    if (error)
        reportError(tag, error);
}

void EventLoop::cancelRoot(Root* root)
{
    std::erase_if(m_ready, [root](const ReadyEntry& e) { return e.root == root; });
    if (std::erase_if(m_timers, [root](const TimerEntry& e) { return e.root == root; }) > 0)
        std::make_heap(m_timers.begin(), m_timers.end(), firesLater<TimerEntry, TimerEntry>);
    // Moved out first so that the frame's destructors never see a half-erased list.
    std::list<Root> doomed;
    doomed.splice(doomed.end(), m_roots, root->self);
}

void EventLoop::clear()
{
    if (m_running.load())
        throw std::logic_error("EventLoop::clear while running");
    m_ready.clear();
    m_timers.clear();
    std::list<Root> doomed = std::move(m_roots);
    m_roots.clear();
    doomed.clear();
}

std::uint32_t EventLoop::currentTag() const
{
    return m_current ? m_current->tag : 0;
}

void EventLoop::callSoonThreadSafe(std::function<void()> fn)
{
    m_channel->post(std::move(fn));
}

EventLoop::Parked EventLoop::park(std::coroutine_handle<> handle, WorkerState state)
{
    if (!m_current)
        throw std::logic_error("EventLoop awaitable used outside a task of this loop");
    report(m_current->tag, state, monotonicNs());
    return {handle, m_current};
}

void EventLoop::wake(const Parked& parked)
{
    m_ready.push_back({parked.handle, parked.root, kNoDeadline});
    report(parked.root->tag, WorkerState::Ready, monotonicNs());
}

void EventLoop::addTimer(std::coroutine_handle<> handle, std::int64_t ns)
{
    const Parked parked = park(handle, WorkerState::Sleeping);
    const std::int64_t now = monotonicNs();
    // Saturated so that "sleep forever" (INT64_MAX) cannot wrap into the past.
    const std::int64_t deadline = ns > INT64_MAX - now ? INT64_MAX : now + ns;
    m_timers.push_back({deadline, m_timerSeq++, parked.handle, parked.root});
    std::push_heap(m_timers.begin(), m_timers.end(), firesLater<TimerEntry, TimerEntry>);
}

void EventLoop::requeue(std::coroutine_handle<> handle)
{
    const Parked parked = park(handle, WorkerState::Ready);
    m_ready.push_back({parked.handle, parked.root, kNoDeadline});
}

void EventLoop::reportError(std::uint32_t tag, std::exception_ptr error)
{
    if (m_errorHandler) {
        m_errorHandler(tag, std::move(error));
        return;
    }
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "spindle: coroutine task %u failed: %s\n", tag, e.what());
    } catch (...) {
        std::fprintf(stderr, "spindle: coroutine task %u failed with a non-standard exception\n", tag);
    }
}

void EventLoop::report(std::uint32_t tag, WorkerState state, std::int64_t tNs)
{
    if (m_observer)
        m_observer->taskStateChanged(tag, state, tNs);
}

} // namespace spindle

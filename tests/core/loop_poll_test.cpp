// Tests of when the coroutine event loop asks the kernel for its wake-up fd:
// only when it has nothing ready to run, so that a task's yield and a
// coroutine's start cost no syscall, and a post from another thread is run
// all the same.
#include "loop/eventloop.h"
#include "loop/task.h"

#include <gtest/gtest.h>

#include <atomic>
#include <dlfcn.h>
#include <poll.h>
#include <thread>

using namespace spindle;

namespace {

// ppoll calls made by the calling thread: the loop's polls, counted where
// they enter the C library.
thread_local int t_ppollCalls = 0;

} // namespace

// Interposed for the whole test program; the real one is next in lookup order.
extern "C" int ppoll(pollfd* fds, nfds_t n, const timespec* timeout, const sigset_t* mask)
{
    using Real = int (*)(pollfd*, nfds_t, const timespec*, const sigset_t*);
    static const auto real = reinterpret_cast<Real>(::dlsym(RTLD_NEXT, "ppoll"));
    ++t_ppollCalls;
    return real(fds, n, timeout, mask);
}

namespace {

Task<void> yieldTimes(EventLoop& loop, int times, int& done)
{
    for (int i = 0; i < times; ++i)
        co_await loop.yieldNow();
    ++done;
}

// Yields until `seen` is set (by a post), at most `limit` times.
Task<void> yieldUntil(EventLoop& loop, std::atomic<bool>& started, const bool& seen, long limit, long& rounds)
{
    started = true;
    started.notify_all();
    while (!seen && rounds < limit) {
        ++rounds;
        co_await loop.yieldNow();
    }
}

// Marks itself started, then sleeps far longer than any test runs.
Task<void> sleepLong(EventLoop& loop, std::atomic<bool>& started)
{
    started = true;
    started.notify_all();
    co_await loop.sleepFor(3'600'000'000'000);
}

} // namespace

TEST(EventLoopPoll, TasksThatOnlyYieldNeverAskTheKernel)
{
    EventLoop loop;
    int done = 0;
    loop.spawn(yieldTimes(loop, 1000, done), 1);
    loop.spawn(yieldTimes(loop, 1000, done), 2);
    const int before = t_ppollCalls;
    loop.run();
    EXPECT_EQ(done, 2);
    // Two thousand yields and two starts, each a turn of the loop with a task ready.
    EXPECT_EQ(t_ppollCalls - before, 0);
}

TEST(EventLoopPoll, APostIsRunWhileTheLoopsTasksKeepYielding)
{
    EventLoop loop;
    std::atomic<bool> started {false};
    bool seen = false;
    bool onLoopThread = false;
    long rounds = 0;
    // Only a bound for a post that is never run: tens of millions of turns
    // take seconds here, and far longer under TSan.
    constexpr long kLimit = 50'000'000;
    loop.spawn(yieldUntil(loop, started, seen, kLimit, rounds), 1);
    std::thread poster([&] {
        started.wait(false);
        loop.callSoonThreadSafe([&] {
            onLoopThread = loop.isLoopThread();
            seen = true;
        });
    });
    const int before = t_ppollCalls;
    loop.run();
    poster.join();
    EXPECT_TRUE(seen) << "the post was not run in " << rounds << " turns of the loop";
    EXPECT_LT(rounds, kLimit);
    EXPECT_TRUE(onLoopThread);
    // Asked at most once: on the turn that found the post queued.
    EXPECT_LE(t_ppollCalls - before, 1);
}

TEST(EventLoopPoll, ALoopWithNothingReadyWaitsInThePollAndRunsTheNextPost)
{
    EventLoop loop;
    std::atomic<bool> started {false};
    bool ran = false;
    loop.spawn(sleepLong(loop, started), 1);
    std::thread poster([&] {
        started.wait(false);
        loop.callSoonThreadSafe([&] {
            ran = true;
            loop.stop();
        });
    });
    const int before = t_ppollCalls;
    // Whether the post comes before the loop waits or while it does, the
    // loop has nothing ready once the task sleeps, so it must ask the kernel.
    loop.run();
    poster.join();
    EXPECT_TRUE(ran);
    EXPECT_GE(t_ppollCalls - before, 1);
}

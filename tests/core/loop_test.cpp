// Tests of the coroutine event loop: Task semantics, timers and their lag, the
// cross-thread Completion, stop/teardown and what the observer reports.
#include "loop/completion.h"
#include "loop/eventloop.h"
#include "loop/task.h"
#include "model/clock.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace spindle;

namespace {

constexpr std::int64_t kMs = 1'000'000;

struct Transition {
    std::uint32_t tag;
    WorkerState state;
    std::int64_t tNs;
};

struct Lag {
    std::uint32_t tag;
    std::int64_t lagNs;
};

class Recorder : public EventLoop::Observer {
public:
    void taskStateChanged(std::uint32_t tag, WorkerState state, std::int64_t tNs) override
    {
        transitions.push_back({tag, state, tNs});
    }
    void timerLag(std::uint32_t tag, std::int64_t lagNs, std::int64_t) override
    {
        lags.push_back({tag, lagNs});
    }
    void loopWaiting(bool waiting, std::int64_t tNs) override { waits.push_back({waiting, tNs}); }
    std::vector<std::pair<bool, std::int64_t>> waits;

    std::vector<WorkerState> statesOf(std::uint32_t tag) const
    {
        std::vector<WorkerState> out;
        for (const auto& t : transitions)
            if (t.tag == tag)
                out.push_back(t.state);
        return out;
    }
    std::int64_t maxLagOf(std::uint32_t tag) const
    {
        std::int64_t max = -1;
        for (const auto& l : lags)
            if (l.tag == tag)
                max = std::max(max, l.lagNs);
        return max;
    }

    std::vector<Transition> transitions;
    std::vector<Lag> lags;
};

// Counts live instances so that a test can see every frame's locals destroyed.
class LiveCounter {
public:
    explicit LiveCounter(std::atomic<int>& live) : m_live(live) { ++m_live; }
    LiveCounter(const LiveCounter&) = delete;
    LiveCounter& operator=(const LiveCounter&) = delete;
    ~LiveCounter() { --m_live; }

private:
    std::atomic<int>& m_live;
};

Task<int> answer()
{
    co_return 21;
}

Task<int> doubled()
{
    const int a = co_await answer();
    co_return a * 2;
}

Task<int> throwing()
{
    throw std::runtime_error("boom");
    co_return 0;
}

Task<int> catching()
{
    try {
        co_await throwing();
    } catch (const std::runtime_error& e) {
        co_return std::string(e.what()) == "boom" ? 1 : 2;
    }
    co_return 3;
}

Task<std::unique_ptr<int>> moveOnly()
{
    co_return std::make_unique<int>(5);
}

Task<> setFlag(bool& flag)
{
    flag = true;
    co_return;
}

Task<> sleepThenRecord(EventLoop& loop, std::int64_t ms, std::vector<std::int64_t>& order)
{
    co_await loop.sleepFor(ms * kMs);
    order.push_back(ms);
}

Task<> recordAfterZeroSleep(EventLoop& loop, std::int64_t id, std::vector<std::int64_t>& order)
{
    co_await loop.sleepFor(0);
    order.push_back(id);
}

Task<> yielder(EventLoop& loop, char name, std::vector<std::string>& order)
{
    for (int i = 1; i <= 3; ++i) {
        order.push_back(std::string(1, name) + std::to_string(i));
        co_await loop.yieldNow();
    }
}

Task<> blockThread(std::int64_t ms)
{
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    co_return;
}

Task<> sleepCooperatively(EventLoop& loop, std::int64_t ms)
{
    co_await loop.sleepFor(ms * kMs);
}

Task<int> awaitCompletion(Completion<int> completion)
{
    co_return co_await completion;
}

Task<> awaitInto(Completion<int> completion, int& out)
{
    out = co_await completion;
}

Task<> completeFromThread(Completion<int> completion, int value, std::thread& thread)
{
    thread = std::thread([completion, value]() mutable { completion.complete(value); });
    co_return;
}

Task<int> chain(int depth)
{
    if (depth == 0)
        co_return 0;
    co_return 1 + co_await chain(depth - 1);
}

Task<> sleepForever(EventLoop& loop, std::atomic<int>& live)
{
    LiveCounter counter(live);
    co_await loop.sleepFor(10'000 * kMs);
}

Task<> nestedSleeper(EventLoop& loop, std::atomic<int>& live)
{
    LiveCounter counter(live);
    co_await sleepForever(loop, live);
}

Task<> waitForever(Completion<int> completion, std::atomic<int>& live)
{
    LiveCounter counter(live);
    co_await completion;
}

Task<> announceThenSleep(EventLoop& loop, std::promise<void>& started, std::atomic<int>& live)
{
    LiveCounter counter(live);
    started.set_value();
    co_await loop.sleepFor(10'000 * kMs);
}

Task<> sleepThenYield(EventLoop& loop)
{
    co_await loop.sleepFor(1 * kMs);
    co_await loop.yieldNow();
}

Task<> childSleeps(EventLoop& loop, std::uint32_t& tagSeen)
{
    co_await loop.sleepFor(2 * kMs);
    tagSeen = loop.currentTag();
}

Task<> parentOfSleeper(EventLoop& loop, std::uint32_t& tagSeen)
{
    co_await childSleeps(loop, tagSeen);
}

Task<> failAtTop()
{
    throw std::logic_error("top");
    co_return;
}

} // namespace

TEST(TaskTest, ReturnsValueThroughNestedAwaits)
{
    EventLoop loop;
    EXPECT_EQ(loop.runUntilComplete(doubled()), 42);
}

TEST(TaskTest, PropagatesExceptions)
{
    EventLoop loop;
    EXPECT_EQ(loop.runUntilComplete(catching()), 1);
    EXPECT_THROW(loop.runUntilComplete(throwing()), std::runtime_error);
}

TEST(TaskTest, MoveOnlyResult)
{
    EventLoop loop;
    std::unique_ptr<int> value = loop.runUntilComplete(moveOnly());
    ASSERT_TRUE(value);
    EXPECT_EQ(*value, 5);
}

TEST(TaskTest, IsLazyAndDestroysUnstartedFrame)
{
    bool flag = false;
    {
        Task<> task = setFlag(flag);
        EXPECT_TRUE(task.valid());
        EXPECT_FALSE(task.done());
    }
    EXPECT_FALSE(flag);

    EventLoop loop;
    loop.runUntilComplete(setFlag(flag));
    EXPECT_TRUE(flag);
}

TEST(TaskTest, DeepChainUsesSymmetricTransfer)
{
    EventLoop loop;
    EXPECT_EQ(loop.runUntilComplete(chain(100'000)), 100'000);
}

TEST(EventLoopTest, SleepsFinishInDeadlineOrderConcurrently)
{
    EventLoop loop;
    std::vector<std::int64_t> order;
    loop.spawn(sleepThenRecord(loop, 30, order), 1);
    loop.spawn(sleepThenRecord(loop, 10, order), 2);
    loop.spawn(sleepThenRecord(loop, 20, order), 3);
    const std::int64_t start = monotonicNs();
    loop.run();
    const std::int64_t elapsed = monotonicNs() - start;
    EXPECT_EQ(order, (std::vector<std::int64_t> {10, 20, 30}));
    EXPECT_GE(elapsed, 30 * kMs);
    EXPECT_LT(elapsed, 55 * kMs);
    EXPECT_EQ(loop.pendingTasks(), 0u);
    EXPECT_EQ(loop.lagStats().count, 3u);
}

TEST(EventLoopTest, ZeroSleepsFireInSpawnOrder)
{
    EventLoop loop;
    std::vector<std::int64_t> order;
    for (int i = 0; i < 5; ++i)
        loop.spawn(recordAfterZeroSleep(loop, i, order), static_cast<std::uint32_t>(i));
    loop.run();
    EXPECT_EQ(order, (std::vector<std::int64_t> {0, 1, 2, 3, 4}));
}

TEST(EventLoopTest, YieldNowInterleavesTasks)
{
    EventLoop loop;
    std::vector<std::string> order;
    loop.spawn(yielder(loop, 'a', order), 1);
    loop.spawn(yielder(loop, 'b', order), 2);
    loop.run();
    EXPECT_EQ(order, (std::vector<std::string> {"a1", "b1", "a2", "b2", "a3", "b3"}));
}

TEST(EventLoopTest, BlockingCallDelaysOtherTimers)
{
    EventLoop loop;
    Recorder recorder;
    loop.setObserver(&recorder);
    std::vector<std::int64_t> order;
    loop.spawn(sleepThenRecord(loop, 10, order), 1);
    loop.spawn(blockThread(200), 2);
    loop.run();
    EXPECT_EQ(order, (std::vector<std::int64_t> {10}));
    EXPECT_GE(loop.lagStats().maxNs, 150 * kMs);
    EXPECT_GE(recorder.maxLagOf(1), 150 * kMs);
}

TEST(EventLoopTest, CooperativeSleepKeepsLagLow)
{
    EventLoop loop;
    Recorder recorder;
    loop.setObserver(&recorder);
    std::vector<std::int64_t> order;
    loop.spawn(sleepThenRecord(loop, 10, order), 1);
    loop.spawn(sleepCooperatively(loop, 200), 2);
    loop.run();
    EXPECT_EQ(order, (std::vector<std::int64_t> {10}));
    EXPECT_GE(recorder.maxLagOf(1), 0);
    EXPECT_LT(recorder.maxLagOf(1), 50 * kMs);
    EXPECT_EQ(loop.lagStats().count, 2u);
    EXPECT_LT(loop.lagStats().maxNs, 50 * kMs);
    EXPECT_LE(loop.lagStats().maxNs, loop.lagStats().totalNs);
}

TEST(CompletionTest, CompletedFromThreadResumesAwaiter)
{
    EventLoop loop;
    Recorder recorder;
    loop.setObserver(&recorder);
    Completion<int> completion(loop);
    int result = 0;
    std::thread thread;
    // The awaiter is spawned first, so it is parked before the thread exists.
    loop.spawn(awaitInto(completion, result), 1);
    loop.spawn(completeFromThread(completion, 17, thread), 2);
    loop.run();
    thread.join();
    EXPECT_EQ(result, 17);
    EXPECT_EQ(recorder.statesOf(1),
        (std::vector<WorkerState> {WorkerState::Ready, WorkerState::Running, WorkerState::WaitingQueue,
            WorkerState::Ready, WorkerState::Running, WorkerState::Exited}));
}

TEST(CompletionTest, CompletedBeforeAwaited)
{
    EventLoop loop;
    Completion<int> completion(loop);
    std::thread([completion]() mutable { completion.complete(9); }).join();
    EXPECT_TRUE(completion.isDone());
    EXPECT_FALSE(completion.complete(10));
    EXPECT_EQ(loop.runUntilComplete(awaitCompletion(completion)), 9);
}

TEST(CompletionTest, FailureRethrowsInAwaiter)
{
    EventLoop loop;
    Completion<int> completion(loop);
    std::thread thread(
        [completion]() mutable { completion.fail(std::make_exception_ptr(std::runtime_error("remote"))); });
    EXPECT_THROW(loop.runUntilComplete(awaitCompletion(completion)), std::runtime_error);
    thread.join();
}

namespace {

Task<> sumCompletions(std::vector<Completion<int>> completions, long& sum)
{
    for (auto& completion : completions)
        sum += co_await completion;
}

} // namespace

TEST(CompletionTest, ManyCompletionsFromManyThreads)
{
    EventLoop loop;
    constexpr int kThreads = 4;
    constexpr int kPerThread = 250;
    std::vector<Completion<int>> completions;
    for (int i = 0; i < kThreads * kPerThread; ++i)
        completions.emplace_back(loop);
    std::vector<std::vector<Completion<int>>> perTask(kThreads);
    for (int i = 0; i < kThreads * kPerThread; ++i)
        perTask[static_cast<std::size_t>(i % kThreads)].push_back(completions[static_cast<std::size_t>(i)]);
    std::vector<long> sums(kThreads, 0);
    for (int t = 0; t < kThreads; ++t)
        loop.spawn(sumCompletions(perTask[static_cast<std::size_t>(t)], sums[static_cast<std::size_t>(t)]),
            static_cast<std::uint32_t>(t));
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&completions, t] {
            for (int i = t; i < kThreads * kPerThread; i += kThreads)
                completions[static_cast<std::size_t>(i)].complete(i);
        });
    loop.run();
    for (auto& thread : threads)
        thread.join();
    long total = 0;
    for (long s : sums)
        total += s;
    const long n = kThreads * kPerThread;
    EXPECT_EQ(total, n * (n - 1) / 2);
}

TEST(EventLoopTest, CallSoonThreadSafeRunsOnLoopThread)
{
    EventLoop loop;
    Completion<int> completion(loop);
    std::atomic<bool> ranOnLoop {false};
    std::thread thread([&] {
        loop.callSoonThreadSafe([&] {
            ranOnLoop = loop.isLoopThread();
            completion.complete(3);
        });
    });
    EXPECT_EQ(loop.runUntilComplete(awaitCompletion(completion)), 3);
    thread.join();
    EXPECT_TRUE(ranOnLoop);
    EXPECT_TRUE(loop.isLoopThread());
}

TEST(EventLoopTest, StopFromThreadReturnsPromptlyAndTeardownIsClean)
{
    std::atomic<int> live {0};
    auto loop = std::make_unique<EventLoop>();
    Completion<int> never(*loop);
    std::promise<void> started;
    std::future<void> startedFuture = started.get_future();
    loop->spawn(announceThenSleep(*loop, started, live), 1);
    loop->spawn(nestedSleeper(*loop, live), 2);
    loop->spawn(waitForever(never, live), 3);
    loop->spawn(sleepForever(*loop, live), 4);

    std::atomic<std::int64_t> stopAt {0};
    std::thread stopper([&] {
        startedFuture.wait();
        stopAt = monotonicNs();
        loop->stop();
    });
    const std::int64_t start = monotonicNs();
    loop->run();
    const std::int64_t returnedAt = monotonicNs();
    stopper.join();

    EXPECT_LT(returnedAt - stopAt.load(), 100 * kMs);
    EXPECT_LT(returnedAt - start, 1000 * kMs);
    EXPECT_EQ(loop->pendingTasks(), 4u);
    EXPECT_GT(live.load(), 0);

    loop.reset();
    EXPECT_EQ(live.load(), 0);
    // The loop is gone; completing now must be a harmless no-op delivery.
    std::thread([never]() mutable { EXPECT_TRUE(never.complete(1)); }).join();
}

TEST(EventLoopTest, StopBeforeRunAndResume)
{
    EventLoop loop;
    std::vector<std::int64_t> order;
    loop.spawn(sleepThenRecord(loop, 1, order), 1);
    loop.stop();
    loop.run();
    EXPECT_TRUE(order.empty());
    EXPECT_EQ(loop.pendingTasks(), 1u);
    loop.run();
    EXPECT_EQ(order, (std::vector<std::int64_t> {1}));
}

TEST(EventLoopTest, ClearDestroysSuspendedTasks)
{
    std::atomic<int> live {0};
    EventLoop loop;
    Completion<int> never(loop);
    loop.spawn(nestedSleeper(loop, live), 1);
    loop.spawn(waitForever(never, live), 2);
    std::promise<void> started;
    std::future<void> startedFuture = started.get_future();
    loop.spawn(announceThenSleep(loop, started, live), 3);
    std::thread stopper([&] {
        startedFuture.wait();
        loop.stop();
    });
    loop.run();
    stopper.join();
    EXPECT_GT(live.load(), 0);
    loop.clear();
    EXPECT_EQ(live.load(), 0);
    EXPECT_EQ(loop.pendingTasks(), 0u);
    // Completing after clear delivers to nobody; the loop stays usable.
    EXPECT_TRUE(never.complete(1));
    std::vector<std::int64_t> order;
    loop.spawn(sleepThenRecord(loop, 1, order), 4);
    loop.run();
    EXPECT_EQ(order, (std::vector<std::int64_t> {1}));
}

TEST(EventLoopTest, ObserverSeesTransitionsUnderTopLevelTags)
{
    EventLoop loop;
    Recorder recorder;
    loop.setObserver(&recorder);
    std::uint32_t tagSeen = 0;
    loop.spawn(sleepThenYield(loop), 1);
    loop.spawn(parentOfSleeper(loop, tagSeen), 2);
    loop.run();

    using S = WorkerState;
    EXPECT_EQ(recorder.statesOf(1),
        (std::vector<S> {
            S::Ready, S::Running, S::Sleeping, S::Ready, S::Running, S::Ready, S::Running, S::Exited}));
    // The inner coroutine slept, but the timeline belongs to its top-level task.
    EXPECT_EQ(recorder.statesOf(2),
        (std::vector<S> {S::Ready, S::Running, S::Sleeping, S::Ready, S::Running, S::Exited}));
    EXPECT_EQ(tagSeen, 2u);
    for (std::size_t i = 1; i < recorder.transitions.size(); ++i)
        EXPECT_GE(recorder.transitions[i].tNs, recorder.transitions[i - 1].tNs);
    ASSERT_EQ(recorder.lags.size(), 2u);
    EXPECT_GE(recorder.maxLagOf(1), 0);
    EXPECT_GE(recorder.maxLagOf(2), 0);
}

TEST(EventLoopTest, TopLevelExceptionGoesToErrorHandler)
{
    EventLoop loop;
    std::uint32_t failedTag = 0;
    std::string message;
    loop.setErrorHandler([&](std::uint32_t tag, std::exception_ptr error) {
        failedTag = tag;
        try {
            std::rethrow_exception(error);
        } catch (const std::logic_error& e) {
            message = e.what();
        }
    });
    loop.spawn(failAtTop(), 7);
    loop.run();
    EXPECT_EQ(failedTag, 7u);
    EXPECT_EQ(message, "top");
}

TEST(EventLoopTest, IsLoopThreadOnlyOnRunningThread)
{
    EventLoop loop;
    std::atomic<bool> fromOther {true};
    std::thread([&] { fromOther = loop.isLoopThread(); }).join();
    EXPECT_FALSE(fromOther);
    EXPECT_TRUE(loop.isLoopThread());
}

namespace {
Task<void> sleepMs(EventLoop& loop, std::int64_t ms)
{
    co_await loop.sleepFor(ms * 1'000'000);
}
Task<void> spinWithYields(EventLoop& loop, int rounds)
{
    for (int i = 0; i < rounds; ++i)
        co_await loop.yieldNow();
}
} // namespace

TEST(EventLoopTest, ObserverSeesTheLoopIdleWhileItWaitsForATimer)
{
    EventLoop loop;
    Recorder recorder;
    loop.setObserver(&recorder);
    loop.spawn(sleepMs(loop, 100), 1);
    loop.run();
    // Waiting and resuming alternate, and the waits add up to nearly the sleep.
    ASSERT_GE(recorder.waits.size(), 2u);
    std::int64_t idleNs = 0;
    for (std::size_t i = 0; i + 1 < recorder.waits.size(); i += 2) {
        ASSERT_TRUE(recorder.waits[i].first);
        ASSERT_FALSE(recorder.waits[i + 1].first);
        idleNs += recorder.waits[i + 1].second - recorder.waits[i].second;
    }
    EXPECT_GE(idleNs, 90'000'000);

    // A task that only yields never leaves the loop idle.
    recorder.waits.clear();
    loop.spawn(spinWithYields(loop, 1000), 2);
    loop.run();
    EXPECT_TRUE(recorder.waits.empty());
}

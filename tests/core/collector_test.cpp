// The collector: every event from every ring reaches the store and the
// batches, in per-worker order, in batches no more often than asked.

#include "model/clock.h"
#include "stream/collector.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

using namespace spindle;

TEST(Collector, DeliversEveryEventOfEveryRingInPerWorkerOrder)
{
    auto store = std::make_shared<EventStore>();
    std::mutex mutex;
    std::vector<EventBatchPtr> batches;
    Collector collector(9, store, [&](EventBatchPtr b) {
        std::lock_guard lock(mutex);
        batches.push_back(std::move(b));
    });
    constexpr int kWorkers = 4;
    constexpr int kEach = 100'000;
    std::vector<std::shared_ptr<EventRing>> rings;
    for (int w = 0; w < kWorkers; ++w) {
        rings.push_back(std::make_shared<EventRing>(1024));
        collector.addRing(rings.back());
        collector.addWorker(WorkerInfo {static_cast<std::uint32_t>(w), WorkerKind::Thread, WorkerRole::Worker,
            QStringLiteral("w%1").arg(w), 0, 0});
    }
    collector.start();
    std::vector<std::thread> producers;
    for (int w = 0; w < kWorkers; ++w) {
        producers.emplace_back([&, w] {
            for (int i = 0; i < kEach; ++i) {
                Event e;
                e.worker = static_cast<std::uint32_t>(w);
                e.tNs = i;
                rings[w]->push(e, INT64_MAX);
            }
        });
    }
    for (auto& p : producers)
        p.join();
    collector.stop();

    EXPECT_EQ(collector.eventsCollected(), static_cast<std::uint64_t>(kWorkers * kEach));
    EXPECT_EQ(store->eventCount(), static_cast<std::uint64_t>(kWorkers * kEach));
    std::vector<std::int64_t> next(kWorkers, 0);
    std::size_t workersSeen = 0;
    for (const auto& b : batches) {
        EXPECT_EQ(b->runId, 9u);
        workersSeen += b->newWorkers.size();
        for (const Event& e : b->events)
            ASSERT_EQ(e.tNs, next[e.worker]++) << "worker " << e.worker;
    }
    EXPECT_EQ(workersSeen, static_cast<std::size_t>(kWorkers));
    for (int w = 0; w < kWorkers; ++w)
        EXPECT_EQ(next[w], kEach);
    ASSERT_FALSE(batches.empty());
    EXPECT_TRUE(batches.back()->last);
    for (int w = 0; w < kWorkers; ++w) {
        const auto lane = store->laneEvents(static_cast<std::uint32_t>(w), 100, 200);
        ASSERT_EQ(lane.size(), 100u);
        EXPECT_EQ(lane.front().tNs, 100);
    }
}

TEST(Collector, EventsNamingAnImpossibleWorkerAreDroppedAndCounted)
{
    auto store = std::make_shared<EventStore>();
    std::uint64_t delivered = 0;
    Collector collector(1, store, [&](EventBatchPtr b) { delivered += b->events.size(); });
    auto ring = std::make_shared<EventRing>(64);
    collector.addRing(ring);
    for (std::uint32_t worker : {0u, 0xffffffffu, 3u, Collector::kMaxWorkerId}) {
        Event e;
        e.worker = worker;
        ring->push(e);
    }
    collector.start();
    collector.stop();
    EXPECT_EQ(collector.eventsRejected(), 2u);
    EXPECT_EQ(delivered, 2u);
    EXPECT_EQ(store->eventCount(), 2u);
    EXPECT_TRUE(store->laneEvents(0xffffffffu).empty());
}

TEST(Collector, EventsOfAnUnknownKindOrStateAreDroppedAndCounted)
{
    // A child's ring is shared memory: a corrupt child may write any byte.
    auto store = std::make_shared<EventStore>();
    Collector collector(1, store, [](EventBatchPtr) {});
    auto ring = std::make_shared<EventRing>(64);
    collector.addRing(ring);
    Event good;
    good.kind = EventKind::State;
    good.state = static_cast<std::uint8_t>(WorkerState::Stopped);
    Event badKind = good;
    badKind.kind = static_cast<EventKind>(0xff);
    Event badState = good;
    badState.state = static_cast<std::uint8_t>(kWorkerStateCount);
    for (const Event& e : {good, badKind, badState})
        ring->push(e);
    collector.start();
    collector.stop();
    EXPECT_EQ(collector.eventsRejected(), 2u);
    ASSERT_EQ(store->laneEvents(0).size(), 1u);
    EXPECT_EQ(store->laneEvents(0)[0], good);
}

TEST(Collector, BatchesAreSpacedByTheBatchInterval)
{
    auto store = std::make_shared<EventStore>();
    std::vector<std::int64_t> times;
    std::mutex mutex;
    Collector::Options options;
    options.batchIntervalNs = 40'000'000;
    Collector collector(
        1, store,
        [&](EventBatchPtr b) {
            std::lock_guard lock(mutex);
            times.push_back(b->tNs);
        },
        options);
    auto ring = std::make_shared<EventRing>(4096);
    collector.addRing(ring);
    collector.start();
    const std::int64_t end = monotonicNs() + 400'000'000;
    for (std::int64_t i = 0; monotonicNs() < end; ++i) {
        Event e;
        e.tNs = i;
        ring->push(e, INT64_MAX);
        std::this_thread::sleep_for(std::chrono::microseconds(50)); // the workload: a steady trickle
    }
    collector.stop();
    ASSERT_GE(times.size(), 3u);
    for (std::size_t i = 1; i + 1 < times.size(); ++i) // the final batch may come early
        EXPECT_GE(times[i] - times[i - 1], 40'000'000);
}

TEST(EventStore, SegmentsCoverTheAskedRangeWithTheStateInForce)
{
    EventStore store;
    std::vector<Event> events;
    auto state = [&](std::int64_t t, WorkerState s) {
        Event e;
        e.tNs = t;
        e.kind = EventKind::State;
        e.state = static_cast<std::uint8_t>(s);
        events.push_back(e);
    };
    state(0, WorkerState::Starting);
    state(10, WorkerState::Running);
    state(50, WorkerState::WaitingGil);
    state(60, WorkerState::Running);
    state(100, WorkerState::Exited);
    store.append(events);
    const auto segs = store.segments(0, 20, 55, 1000);
    ASSERT_EQ(segs.size(), 2u);
    EXPECT_EQ(segs[0].state, WorkerState::Running);
    EXPECT_EQ(segs[0].beginNs, 10);
    EXPECT_EQ(segs[0].endNs, 50);
    EXPECT_EQ(segs[1].state, WorkerState::WaitingGil);
    EXPECT_EQ(segs[1].endNs, 60);
    const auto open = store.segments(0, 90, 200, 150);
    ASSERT_EQ(open.size(), 2u);
    EXPECT_EQ(open.back().state, WorkerState::Exited);
    EXPECT_EQ(open.back().endNs, 150);
    const auto span = store.timeSpan();
    ASSERT_TRUE(span);
    EXPECT_EQ(span->first, 0);
    EXPECT_EQ(span->second, 100);
}

TEST(Collector, PollIntervalBacksOffWhileRingsAreQuietAndSnapsBackWhenOneFills)
{
    Collector::Options o;
    o.pollIntervalNs = 1'000'000;
    o.maxPollIntervalNs = 16'000'000;
    std::int64_t poll = o.pollIntervalNs;
    std::vector<std::int64_t> quiet;
    for (int pass = 0; pass < 6; ++pass)
        quiet.push_back(poll = Collector::nextPollNs(poll, 0.01, o));
    EXPECT_EQ(quiet,
        (std::vector<std::int64_t> {2'000'000, 4'000'000, 8'000'000, 16'000'000, 16'000'000, 16'000'000}));
    // Between an eighth and a quarter: hold the pace.
    EXPECT_EQ(Collector::nextPollNs(8'000'000, 0.2, o), 8'000'000);
    // A ring a quarter full or more: straight back to the shortest poll.
    EXPECT_EQ(Collector::nextPollNs(16'000'000, 0.25, o), o.pollIntervalNs);
    EXPECT_EQ(Collector::nextPollNs(16'000'000, 1.0, o), o.pollIntervalNs);
    // A longest poll set below the shortest is the shortest.
    o.maxPollIntervalNs = 0;
    EXPECT_EQ(Collector::nextPollNs(o.pollIntervalNs, 0, o), o.pollIntervalNs);
}

TEST(Collector, AQuietRunWakesTheCollectorAboutOncePerBatchInterval)
{
    auto store = std::make_shared<EventStore>();
    std::atomic<std::uint64_t> delivered {0};
    Collector collector(1, store, [&](EventBatchPtr b) { delivered += b->events.size(); });
    auto ring = std::make_shared<EventRing>(4096);
    collector.addRing(ring);
    collector.start();
    // A spinner's pace: 10 events a second, far below what needs fast polls.
    constexpr int kEvents = 4;
    const std::int64_t start = monotonicNs();
    for (int i = 0; i < kEvents; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        Event e;
        e.tNs = monotonicNs();
        e.kind = EventKind::Frame;
        ring->push(e);
    }
    collector.stop();
    const double elapsedMs = static_cast<double>(monotonicNs() - start) / 1e6;
    EXPECT_EQ(delivered.load(), static_cast<std::uint64_t>(kEvents));
    // Polling every millisecond would make ~400 passes; backing off to the
    // 16 ms batch interval makes ~25 (a few more while it backs off).
    EXPECT_LE(static_cast<double>(collector.drainPasses()), elapsedMs / 16.0 + 12) << elapsedMs << " ms";
    EXPECT_GE(collector.drainPasses(), 5u);
}

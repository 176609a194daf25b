// The timeline model from synthetic batches: segments, lanes, merging at
// coarse zoom, the open segment, tasks, frames, CPU % and the memory budget.

#include "session/timelinemodel.h"

#include <gtest/gtest.h>

#include <map>

using namespace spindle;

namespace {

constexpr std::int64_t kMs = 1'000'000;
constexpr std::int64_t kUs = 1'000;
constexpr std::int64_t kT0 = 1'000'000 * kMs; // an arbitrary CLOCK_MONOTONIC origin

WorkerInfo worker(std::uint32_t id, pid_t pid = 100, WorkerRole role = WorkerRole::Worker)
{
    WorkerInfo w;
    w.id = id;
    w.pid = pid;
    w.role = role;
    w.name = QStringLiteral("thread %1").arg(id);
    return w;
}

Event state(std::uint32_t w, std::int64_t t, WorkerState s)
{
    Event e;
    e.worker = w;
    e.tNs = kT0 + t;
    e.kind = EventKind::State;
    e.state = static_cast<std::uint8_t>(s);
    return e;
}

Event event(std::uint32_t w, std::int64_t t, EventKind kind, std::int64_t arg = 0, std::uint16_t aux = 0)
{
    Event e;
    e.worker = w;
    e.tNs = kT0 + t;
    e.kind = kind;
    e.arg = arg;
    e.aux = aux;
    return e;
}

EventBatch batch(std::int64_t closeT, std::vector<Event> events, std::vector<WorkerInfo> workers = {})
{
    EventBatch b;
    b.runId = 7;
    b.tNs = kT0 + closeT;
    b.events = std::move(events);
    b.newWorkers = std::move(workers);
    return b;
}

} // namespace

TEST(TimelineModel, BuildsStateSegmentsFromBatches)
{
    TimelineModel model;
    model.ingest(batch(20 * kMs,
        {state(0, 0, WorkerState::Starting), state(0, 1 * kMs, WorkerState::Running),
            state(0, 10 * kMs, WorkerState::Sleeping)},
        {worker(0)}));
    model.ingest(batch(
        40 * kMs, {state(0, 30 * kMs, WorkerState::Running), state(0, 35 * kMs, WorkerState::Running)}));
    ASSERT_EQ(model.laneCount(), 1);
    EXPECT_EQ(model.runId(), 7u);
    EXPECT_EQ(model.laneInfo(0).name, QStringLiteral("thread 0"));
    EXPECT_EQ(model.originNs(), kT0);
    EXPECT_EQ(model.nowNs(), kT0 + 40 * kMs);

    const auto items = model.segments(0, kT0, kT0 + 100 * kMs, 1);
    ASSERT_EQ(items.size(), 4u);
    const std::vector<std::tuple<std::int64_t, std::int64_t, WorkerState>> expected = {
        {0, 1 * kMs, WorkerState::Starting}, {1 * kMs, 10 * kMs, WorkerState::Running},
        {10 * kMs, 30 * kMs, WorkerState::Sleeping},
        {30 * kMs, 40 * kMs, WorkerState::Running}, // the repeated Running does not split it
    };
    for (std::size_t i = 0; i < items.size(); ++i) {
        SCOPED_TRACE(i);
        EXPECT_EQ(items[i].beginNs, kT0 + std::get<0>(expected[i]));
        EXPECT_EQ(items[i].endNs, kT0 + std::get<1>(expected[i]));
        EXPECT_EQ(items[i].state, std::get<2>(expected[i]));
        EXPECT_FALSE(items[i].mixed);
    }
    // A range query returns what overlaps it, nothing more.
    const auto middle = model.segments(0, kT0 + 12 * kMs, kT0 + 20 * kMs, 1);
    ASSERT_EQ(middle.size(), 1u);
    EXPECT_EQ(middle[0].state, WorkerState::Sleeping);

    const auto at = model.segmentAt(0, kT0 + 5 * kMs);
    ASSERT_TRUE(at.has_value());
    EXPECT_EQ(at->state, WorkerState::Running);
    EXPECT_EQ(at->endNs - at->beginNs, 9 * kMs);
}

TEST(TimelineModel, OpenSegmentExtendsToNow)
{
    TimelineModel model;
    model.ingest(batch(5 * kMs, {state(0, 0, WorkerState::Running)}, {worker(0)}));
    auto items = model.segments(0, kT0, kT0 + kMs * 1000, kMs);
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(items[0].endNs, kT0 + 5 * kMs);

    // A batch with only CPU samples still moves "now" on.
    EventBatch later = batch(80 * kMs, {});
    later.coreCpu.push_back(CoreCpuSample {kT0 + 70 * kMs, 0, 50.0f});
    model.ingest(later);
    items = model.segments(0, kT0, kT0 + kMs * 1000, kMs);
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(items[0].endNs, kT0 + 80 * kMs);
    EXPECT_EQ(model.segmentAt(0, kT0 + 79 * kMs)->state, WorkerState::Running);
    EXPECT_FALSE(model.segmentAt(0, kT0 + 81 * kMs).has_value());

    model.ingest(batch(100 * kMs, {state(0, 90 * kMs, WorkerState::Exited)}));
    EXPECT_EQ(model.laneEndNs(0), kT0 + 90 * kMs);
}

TEST(TimelineModel, LanesAreGroupedByProcessAndOrderedById)
{
    TimelineModel model;
    // Events may come before the side-table entry of their worker.
    model.ingest(batch(1 * kMs, {state(3, 0, WorkerState::Starting)}));
    ASSERT_EQ(model.laneCount(), 1);
    EXPECT_EQ(model.laneInfo(0).name, QStringLiteral("worker 3"));
    const auto before = model.layoutVersion();
    model.ingest(batch(2 * kMs, {}, {worker(3, 20), worker(1, 20), worker(2, 10), worker(0, 10)}));
    EXPECT_NE(model.layoutVersion(), before);
    ASSERT_EQ(model.laneCount(), 4);
    EXPECT_EQ(model.laneInfo(0).id, 0u);
    EXPECT_EQ(model.laneInfo(1).id, 2u);
    EXPECT_EQ(model.laneInfo(2).id, 1u);
    EXPECT_EQ(model.laneInfo(3).id, 3u);
    EXPECT_EQ(model.laneInfo(3).name, QStringLiteral("thread 3"));
    EXPECT_TRUE(model.startsGroup(0));
    EXPECT_FALSE(model.startsGroup(1));
    EXPECT_TRUE(model.startsGroup(2));
    EXPECT_FALSE(model.startsGroup(3));
    EXPECT_EQ(model.groupCount(), 2);
    EXPECT_EQ(model.laneOf(1), 2);
    EXPECT_EQ(model.laneOf(99), -1);
    // The placeholder lane kept its event.
    EXPECT_EQ(model.segments(model.laneOf(3), kT0, kT0 + kMs, 1).size(), 1u);
}

namespace {

// Alternates two states with the given durations for `total`, in batches.
void alternate(TimelineModel& model, std::uint32_t w, std::int64_t from, std::int64_t total, WorkerState a,
    std::int64_t aNs, WorkerState b, std::int64_t bNs)
{
    std::vector<Event> events;
    for (std::int64_t t = from; t < from + total; t += aNs + bNs) {
        events.push_back(state(w, t, a));
        events.push_back(state(w, t + aNs, b));
        if (events.size() >= 4096) {
            model.ingest(batch(t, std::move(events)));
            events.clear();
        }
    }
    events.push_back(state(w, from + total, WorkerState::Exited));
    model.ingest(batch(from + total, std::move(events)));
}

// Checks the "at most 2 items per pixel" promise: in total, and per pixel
// column (no column has more than 2 items starting in it); items are in order
// and never overlap.
void expectAtMostTwoPerPixel(
    const std::vector<TimelineItem>& items, std::int64_t t0, std::int64_t t1, std::int64_t px)
{
    const std::int64_t columns = (t1 - t0 + px - 1) / px;
    EXPECT_LE(static_cast<std::int64_t>(items.size()), 2 * columns + 2);
    std::map<std::int64_t, int> starts;
    for (std::size_t i = 0; i < items.size(); ++i) {
        ++starts[items[i].beginNs / px];
        EXPECT_LT(items[i].beginNs, items[i].endNs);
        if (i > 0) {
            EXPECT_LE(items[i - 1].endNs, items[i].beginNs);
        }
    }
    for (const auto& [column, n] : starts)
        EXPECT_LE(n, 2) << "pixel column " << column;
}

} // namespace

TEST(TimelineModel, MergesSubPixelSegmentsWithTheDominantState)
{
    TimelineModel model;
    model.ingest(batch(0, {}, {worker(0), worker(1)}));
    // Lane 0: 9 µs running, 1 µs waiting-gil, for 100 ms (20,000 segments).
    alternate(model, 0, 0, 100 * kMs, WorkerState::Running, 9 * kUs, WorkerState::WaitingGil, 1 * kUs);
    // Lane 1: 3 µs running, 7 µs waiting-gil.
    alternate(model, 1, 0, 100 * kMs, WorkerState::Running, 3 * kUs, WorkerState::WaitingGil, 7 * kUs);

    const std::int64_t px = 100 * kUs; // 1000 pixels across the run
    const std::int64_t t0 = kT0;
    const std::int64_t t1 = kT0 + 100 * kMs;
    const auto fine = model.segments(0, t0, t1, 1);
    EXPECT_EQ(fine.size(), 20'000u); // every segment, none merged

    const auto lane0 = model.segments(0, t0, t1, px);
    expectAtMostTwoPerPixel(lane0, t0, t1, px);
    ASSERT_GE(lane0.size(), 900u);
    for (const TimelineItem& item : lane0) {
        if (item.endNs <= t1) {
            EXPECT_EQ(item.state, WorkerState::Running);
            EXPECT_TRUE(item.mixed);
        }
    }
    const auto lane1 = model.segments(1, t0, t1, px);
    expectAtMostTwoPerPixel(lane1, t0, t1, px);
    for (const TimelineItem& item : lane1) {
        if (item.endNs <= t1) {
            EXPECT_EQ(item.state, WorkerState::WaitingGil);
        }
    }
    // Merged items still tile the lane without gaps.
    for (std::size_t i = 1; i < lane0.size(); ++i)
        EXPECT_EQ(lane0[i - 1].endNs, lane0[i].beginNs);
}

TEST(TimelineModel, LongSegmentsStayWholeBetweenMergedRuns)
{
    TimelineModel model;
    std::vector<Event> events;
    std::int64_t t = 0;
    // Bursts of 50 tiny segments between 2 ms sleeps: the sleeps must come
    // back exactly, the bursts as one mixed item per pixel column.
    for (int burst = 0; burst < 50; ++burst) {
        events.push_back(state(0, t, WorkerState::Sleeping));
        t += 2 * kMs;
        for (int i = 0; i < 25; ++i) {
            events.push_back(state(0, t, WorkerState::Running));
            t += 6 * kUs;
            events.push_back(state(0, t, WorkerState::WaitingLock));
            t += 2 * kUs;
        }
    }
    model.ingest(batch(t, std::move(events), {worker(0)}));
    const std::int64_t px = 250 * kUs;
    const auto items = model.segments(0, kT0, kT0 + t, px);
    expectAtMostTwoPerPixel(items, kT0, kT0 + t, px);
    int sleeps = 0;
    for (const TimelineItem& item : items) {
        if (item.state == WorkerState::Sleeping && !item.mixed) {
            ++sleeps;
            EXPECT_EQ(item.endNs - item.beginNs, 2 * kMs);
        } else {
            EXPECT_EQ(item.state, WorkerState::Running);
            EXPECT_TRUE(item.mixed);
        }
    }
    EXPECT_EQ(sleeps, 50);
}

TEST(TimelineModel, TasksGiveMarkersAndTooltips)
{
    TimelineModel model;
    model.ingest(batch(30 * kMs,
        {state(0, 0, WorkerState::Running),
            event(0, 10 * kMs, EventKind::TaskBegin, 17, static_cast<std::uint16_t>(WorkloadKind::IsPrime)),
            event(0, 20 * kMs, EventKind::TaskEnd, 1), event(0, 22 * kMs, EventKind::TaskBegin, 18),
            event(0, 25 * kMs, EventKind::TaskEnd, 0, 1)},
        {worker(0)}));
    const auto markers = model.markers(0, kT0, kT0 + 100 * kMs);
    ASSERT_EQ(markers.size(), 4u);
    EXPECT_TRUE(markers[0].begin);
    EXPECT_EQ(markers[0].value, 17);
    EXPECT_FALSE(markers[1].begin);
    EXPECT_EQ(markers[1].value, 1);
    const auto task = model.taskAt(0, kT0 + 15 * kMs);
    ASSERT_TRUE(task.has_value());
    EXPECT_EQ(task->arg, 17);
    EXPECT_EQ(task->result, 1);
    EXPECT_EQ(task->kind, WorkloadKind::IsPrime);
    EXPECT_FALSE(model.taskAt(0, kT0 + 21 * kMs).has_value());
    EXPECT_TRUE(model.taskAt(0, kT0 + 23 * kMs)->cancelled);
    EXPECT_EQ(model.tasksDone(), 1u); // the cancelled one does not count
    // Only the end of a task that began before the range.
    EXPECT_EQ(model.markers(0, kT0 + 15 * kMs, kT0 + 21 * kMs).size(), 1u);

    // Many tasks: markers are thinned to the cap asked for.
    std::vector<Event> many;
    for (int i = 0; i < 5000; ++i) {
        many.push_back(event(0, 100 * kMs + i * 10 * kUs, EventKind::TaskBegin, i));
        many.push_back(event(0, 100 * kMs + i * 10 * kUs + 5 * kUs, EventKind::TaskEnd, i));
    }
    model.ingest(batch(200 * kMs, std::move(many)));
    EXPECT_LE(model.markers(0, kT0, kT0 + 200 * kMs, 100).size(), 100u);
    EXPECT_EQ(model.tasksDone(), 5001u);
}

TEST(TimelineModel, SpinnerFramesAndTheLongestGap)
{
    TimelineModel model;
    model.ingest(
        batch(10 * kMs, {state(0, 0, WorkerState::Starting)}, {worker(0, 100, WorkerRole::Spinner)}));
    ASSERT_EQ(model.spinnerLanes(), std::vector<int> {0});
    EXPECT_EQ(model.frameCount(0), 0u);
    EXPECT_FALSE(model.lastFrameNs(0).has_value());
    // No frame yet: the gap grows with "now" from the lane's start.
    model.ingest(batch(250 * kMs, {}));
    EXPECT_EQ(model.longestFrameGapNs(0), 250 * kMs);

    model.ingest(batch(520 * kMs,
        {event(0, 300 * kMs, EventKind::Frame, 0), event(0, 400 * kMs, EventKind::Frame, 1),
            event(0, 500 * kMs, EventKind::Frame, 2)}));
    EXPECT_EQ(model.frameCount(0), 3u);
    EXPECT_EQ(model.lastFrameNs(0), kT0 + 500 * kMs);
    EXPECT_EQ(model.longestFrameGapNs(0), 300 * kMs);
    EXPECT_EQ(model.frames(0, kT0, kT0 + 450 * kMs).size(), 2u);
    // Frozen: now moves, no frame comes.
    model.ingest(batch(1000 * kMs, {}));
    EXPECT_EQ(model.longestFrameGapNs(0), 500 * kMs);
    // Once the lane has exited, its gap stops growing.
    model.ingest(batch(1100 * kMs, {state(0, 1050 * kMs, WorkerState::Exited)}));
    model.ingest(batch(3000 * kMs, {}));
    EXPECT_EQ(model.longestFrameGapNs(0), 550 * kMs);
}

TEST(TimelineModel, CpuPercentFromCumulativeSamples)
{
    TimelineModel model;
    model.ingest(batch(0, {}, {worker(0), worker(1)}));
    for (int i = 0; i <= 10; ++i) {
        const std::int64_t t = i * 50 * kMs;
        EventBatch b = batch(t + kMs, {});
        // Worker 0 burns half a core, worker 1 a whole one.
        b.threadCpu.push_back(ThreadCpuSample {kT0 + t, 0, 7 * kMs + i * 25 * kMs, 0});
        b.threadCpu.push_back(ThreadCpuSample {kT0 + t, 1, 3 * kMs + i * 50 * kMs, 0});
        b.coreCpu.push_back(CoreCpuSample {kT0 + t, 0, 75.0f});
        b.coreCpu.push_back(CoreCpuSample {kT0 + t, 1, 80.0f});
        b.coreCpu.push_back(CoreCpuSample {kT0 + t, -1, 155.0f});
        b.last = i == 10;
        model.ingest(b);
    }
    const std::int64_t t1 = kT0 + 600 * kMs;
    const auto w0 = model.workerCpu(0, kT0, t1);
    const auto w1 = model.workerCpu(1, kT0, t1);
    ASSERT_EQ(w0.size(), 10u); // the first sample is the baseline
    ASSERT_EQ(w1.size(), 10u);
    for (const CpuPoint& p : w0)
        EXPECT_NEAR(p.pct, 50.0, 1e-9);
    for (const CpuPoint& p : w1)
        EXPECT_NEAR(p.pct, 100.0, 1e-9);
    const auto run = model.runCpu(kT0, t1);
    ASSERT_EQ(run.size(), 10u); // one per 50 ms bin
    for (const CpuPoint& p : run)
        EXPECT_NEAR(p.pct, 150.0, 1e-9);
    EXPECT_EQ(model.cpuLanes(), (std::vector<int> {0, 1}));
    EXPECT_EQ(model.coreCount(), 2);
    ASSERT_EQ(model.coreCpu(1, kT0, t1).size(), 11u);
    EXPECT_NEAR(model.coreCpu(1, kT0, t1)[3].pct, 80.0, 1e-6);
    EXPECT_NEAR(model.coreCpu(-1, kT0, t1)[3].pct, 155.0, 1e-6);
}

TEST(TimelineModel, FirstCpuIntervalStartsWithTheThread)
{
    TimelineModel model;
    // The thread started at 10 ms (its first event); the sampler first saw it
    // at 60 ms with 25 ms of CPU already used: 50 % over its first interval.
    model.ingest(batch(20 * kMs, {state(0, 10 * kMs, WorkerState::Starting)}, {worker(0)}));
    EventBatch b = batch(70 * kMs, {});
    b.threadCpu.push_back(ThreadCpuSample {kT0 + 60 * kMs, 0, 25 * kMs, 0});
    b.last = true;
    model.ingest(b);
    const auto points = model.workerCpu(0, kT0, kT0 + 100 * kMs);
    ASSERT_EQ(points.size(), 1u);
    EXPECT_NEAR(points[0].pct, 50.0, 1e-9);
    const auto run = model.runCpu(kT0, kT0 + 100 * kMs);
    ASSERT_EQ(run.size(), 2u); // bins [0, 50) and [50, 100) ms
    EXPECT_NEAR(run[0].pct, 50.0, 1e-9);
    EXPECT_NEAR(run[1].pct, 50.0, 1e-9);
}

TEST(TimelineModel, RunCpuAddsUpThreadsSampledAtDifferentMoments)
{
    TimelineModel model;
    model.ingest(batch(0, {}, {worker(0), worker(1)}));
    // Two threads, each a whole core, sampled 25 ms apart; the second one's
    // samples reach the model a batch late. The sum must stay at 200 %.
    for (int i = 0; i <= 40; ++i) {
        const std::int64_t t = i * 50 * kMs;
        EventBatch b = batch(t + kMs, {});
        b.threadCpu.push_back(ThreadCpuSample {kT0 + t, 0, t, 0});
        if (i > 0)
            b.threadCpu.push_back(ThreadCpuSample {kT0 + t - 25 * kMs, 1, t - 25 * kMs, 0});
        b.last = i == 40;
        model.ingest(b);
    }
    const auto run = model.runCpu(kT0, kT0 + 3000 * kMs);
    ASSERT_GE(run.size(), 35u);
    // The first bins are only half covered by the second thread; from then on, two cores.
    for (std::size_t i = 2; i + 1 < run.size(); ++i)
        EXPECT_NEAR(run[i].pct, 200.0, 1e-6) << "bin " << i;
}

TEST(TimelineModel, RunCpuLeavesOutAGapInTheSamples)
{
    // One thread at a whole core, then unsampled for a day (a damaged file, a
    // stopped sampler), then at a whole core again: the day is not drawn as
    // CPU use, and costs no bin per 50 ms of it.
    constexpr std::int64_t kDay = 24LL * 3600 * 1000 * kMs;
    TimelineModel model;
    model.ingest(batch(0, {}, {worker(0)}));
    const auto sample = [&](std::int64_t t, std::int64_t cpu, bool last = false) {
        EventBatch b = batch(t + kMs, {});
        b.threadCpu.push_back(ThreadCpuSample {kT0 + t, 0, cpu, 0});
        b.last = last;
        model.ingest(b);
    };
    for (std::int64_t t = 0; t <= 200 * kMs; t += 50 * kMs)
        sample(t, t);
    for (std::int64_t t = kDay; t <= kDay + 200 * kMs; t += 50 * kMs)
        sample(t, t - kDay + 200 * kMs, t == kDay + 200 * kMs);
    const auto run = model.runCpu(kT0, kT0 + kDay + 300 * kMs, 100'000);
    ASSERT_EQ(run.size(), 8u); // four 50 ms bins before the gap, four after it
    for (const CpuPoint& p : run) {
        EXPECT_NEAR(p.pct, 100.0, 1e-6);
        EXPECT_TRUE(p.tNs < kT0 + 200 * kMs || p.tNs > kT0 + kDay) << p.tNs;
    }
}

TEST(TimelineModel, CpuSeriesAreDecimatedWithMinAndMax)
{
    TimelineModel model;
    model.ingest(batch(0, {}, {worker(0)}));
    std::int64_t cpu = 0;
    for (int i = 0; i <= 5000; ++i) {
        const std::int64_t t = i * 20 * kMs;
        cpu += i == 2500 ? 20 * kMs : 10 * kMs; // 50 %, one 100 % spike
        EventBatch b = batch(t, {});
        b.threadCpu.push_back(ThreadCpuSample {kT0 + t, 0, cpu, 0});
        model.ingest(b);
    }
    const auto points = model.workerCpu(0, kT0, kT0 + 100'000 * kMs, 300);
    EXPECT_LE(points.size(), 300u);
    EXPECT_GE(points.size(), 250u);
    double highest = 0;
    for (const CpuPoint& p : points) {
        EXPECT_LE(p.minPct, p.pct + 1e-9);
        EXPECT_GE(p.maxPct, p.pct - 1e-9);
        highest = std::max(highest, p.maxPct);
    }
    EXPECT_NEAR(highest, 100.0, 1e-9); // the spike survives as a bucket maximum
}

TEST(TimelineModel, MemoryStaysWithinTheBudget)
{
    TimelineModel::Budget budget;
    budget.segmentsPerLane = 1000;
    budget.tasksPerLane = 200;
    budget.framesPerLane = 100;
    budget.pointsPerSeries = 64;
    TimelineModel model(budget);
    model.ingest(batch(0, {}, {worker(0)}));
    // 200,000 segments, 5,000 tasks, 5,000 frames, 1,000 CPU samples.
    const std::int64_t total = 1000 * kMs;
    alternate(model, 0, 0, total, WorkerState::Running, 3 * kUs, WorkerState::WaitingGil, 2 * kUs);
    std::vector<Event> extra;
    for (int i = 0; i < 5000; ++i) {
        extra.push_back(event(0, total + i * kMs, EventKind::TaskBegin, i));
        extra.push_back(event(0, total + i * kMs + kUs, EventKind::TaskEnd, i));
        extra.push_back(event(0, total + i * kMs + 2 * kUs, EventKind::Frame, i));
    }
    model.ingest(batch(total + 5000 * kMs, std::move(extra)));
    for (int i = 0; i < 1000; ++i) {
        EventBatch b = batch(total + 5000 * kMs, {});
        b.threadCpu.push_back(ThreadCpuSample {kT0 + i * 20 * kMs, 0, i * 10 * kMs, 0});
        model.ingest(b);
    }
    EXPECT_LE(model.storedSegments(0), budget.segmentsPerLane);
    EXPECT_GE(model.storedSegments(0), budget.segmentsPerLane / 2);
    EXPECT_LE(model.storedTasks(0), budget.tasksPerLane);
    EXPECT_LE(model.frames(0, kT0, kT0 + 2 * total + 5000 * kMs, 1'000'000).size(), budget.framesPerLane);
    EXPECT_LE(model.storedCpuPoints(0), budget.pointsPerSeries);
    EXPECT_EQ(model.frameCount(0), 5000u); // counters are exact whatever was coarsened
    EXPECT_EQ(model.tasksDone(), 5000u);

    // Coarsened segments still tile the whole lifetime, dominant state first.
    const auto items = model.segments(0, kT0, kT0 + total, total / 500);
    ASSERT_FALSE(items.empty());
    EXPECT_EQ(items.front().beginNs, kT0);
    EXPECT_EQ(items.back().endNs, kT0 + total);
    for (std::size_t i = 1; i < items.size(); ++i)
        EXPECT_EQ(items[i - 1].endNs, items[i].beginNs);
    for (const TimelineItem& item : items)
        EXPECT_EQ(item.state, WorkerState::Running);
    // The recent past keeps full detail.
    const auto recent = model.segmentAt(0, kT0 + total - 4 * kUs);
    ASSERT_TRUE(recent.has_value());
    EXPECT_FALSE(recent->mixed);
    EXPECT_EQ(recent->endNs - recent->beginNs, 3 * kUs);
}

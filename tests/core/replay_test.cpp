// Replaying a recorded run: the recording cut into batches as the collector
// sent them, and a model that shows the run up to a cursor - equal to the
// live model at the end, partial in between, the same whichever way the
// cursor got there, and never paying for the whole recording on a seek.

#include "session/replay.h"

#include <gtest/gtest.h>

using namespace spindle;

namespace {

constexpr std::int64_t kMs = 1'000'000;
constexpr std::int64_t kT0 = 5'000'000 * kMs;

Event state(std::uint32_t w, std::int64_t t, WorkerState s)
{
    Event e;
    e.worker = w;
    e.tNs = kT0 + t;
    e.kind = EventKind::State;
    e.state = static_cast<std::uint8_t>(s);
    return e;
}

Event task(std::uint32_t w, std::int64_t t, EventKind kind, std::int64_t arg)
{
    Event e;
    e.worker = w;
    e.tNs = kT0 + t;
    e.kind = kind;
    e.arg = arg;
    return e;
}

WorkerInfo info(std::uint32_t id, WorkerRole role = WorkerRole::Worker)
{
    WorkerInfo w;
    w.id = id;
    w.role = role;
    w.pid = 42;
    w.name = role == WorkerRole::Spinner ? QStringLiteral("spinner") : QStringLiteral("thread %1").arg(id);
    return w;
}

// Two workers each run `tasks` tasks of 20 ms (alternating running and
// waiting-gil), a spinner ticks every 10 ms, CPU samples every 50 ms; the
// second worker starts 100 ms late.
RunResultPtr recordedRun(int tasks = 10)
{
    auto store = std::make_shared<EventStore>();
    store->addWorkers({info(0), info(1), info(2, WorkerRole::Spinner)});
    std::vector<Event> events;
    std::int64_t end = 0;
    for (std::uint32_t w = 0; w < 2; ++w) {
        std::int64_t t = static_cast<std::int64_t>(w) * 100 * kMs;
        events.push_back(state(w, t, WorkerState::Starting));
        for (int i = 0; i < tasks; ++i) {
            events.push_back(task(w, t, EventKind::TaskBegin, 1000 + i));
            events.push_back(state(w, t, WorkerState::Running));
            events.push_back(state(w, t + 10 * kMs, WorkerState::WaitingGil));
            events.push_back(state(w, t + 15 * kMs, WorkerState::Running));
            events.push_back(task(w, t + 20 * kMs, EventKind::TaskEnd, 1));
            t += 20 * kMs;
        }
        events.push_back(state(w, t, WorkerState::Exited));
        end = std::max(end, t);
    }
    for (std::int64_t t = 0; t <= end; t += 10 * kMs) {
        Event f = task(2, t, EventKind::Frame, t / (10 * kMs));
        events.push_back(f);
    }
    // The store keeps events per lane in time order, whatever the order here.
    std::stable_sort(
        events.begin(), events.end(), [](const Event& a, const Event& b) { return a.tNs < b.tNs; });
    store->append(events);
    std::vector<ThreadCpuSample> cpu;
    for (std::int64_t t = 0; t <= end; t += 50 * kMs) {
        cpu.push_back(ThreadCpuSample {kT0 + t, 0, t / 2, 0});
        if (t >= 100 * kMs) // sampled once it runs
            cpu.push_back(ThreadCpuSample {kT0 + t, 1, t / 4, 0});
    }
    store->appendCpu(cpu, {CoreCpuSample {kT0 + 50 * kMs, 0, 80.0f}});

    auto run = std::make_shared<RunResult>();
    run->runId = 77;
    run->startNs = kT0;
    run->endNs = kT0 + end + 5 * kMs;
    run->recording = store;
    return run;
}

// What a model showed after the given batches.
TimelineModel ingestAll(const std::vector<EventBatch>& batches, std::int64_t origin)
{
    TimelineModel m;
    m.setOriginNs(origin);
    for (const EventBatch& b : batches)
        m.ingest(b);
    return m;
}

void expectSameModel(const TimelineModel& a, const TimelineModel& b)
{
    ASSERT_EQ(a.laneCount(), b.laneCount());
    EXPECT_EQ(a.nowNs(), b.nowNs());
    EXPECT_EQ(a.finished(), b.finished());
    EXPECT_EQ(a.eventCount(), b.eventCount());
    EXPECT_EQ(a.tasksDone(), b.tasksDone());
    for (int lane = 0; lane < a.laneCount(); ++lane) {
        EXPECT_EQ(a.laneInfo(lane), b.laneInfo(lane));
        EXPECT_EQ(a.storedSegments(lane), b.storedSegments(lane));
        EXPECT_EQ(a.frameCount(lane), b.frameCount(lane));
        const auto sa = a.segments(lane, a.originNs(), a.nowNs() + 1, 1);
        const auto sb = b.segments(lane, b.originNs(), b.nowNs() + 1, 1);
        ASSERT_EQ(sa.size(), sb.size());
        for (std::size_t i = 0; i < sa.size(); ++i) {
            EXPECT_EQ(sa[i].beginNs, sb[i].beginNs);
            EXPECT_EQ(sa[i].endNs, sb[i].endNs);
            EXPECT_EQ(sa[i].state, sb[i].state);
        }
    }
}

} // namespace

TEST(Replay, BatchesHoldEveryEventOnceInTimeOrder)
{
    const RunResultPtr run = recordedRun();
    const std::vector<EventBatch> batches = Replay::toBatches(*run);
    ASSERT_FALSE(batches.empty());
    std::size_t events = 0;
    std::size_t samples = 0;
    std::size_t workers = 0;
    std::int64_t lastClose = 0;
    std::int64_t lastEvent = 0;
    for (std::size_t i = 0; i < batches.size(); ++i) {
        const EventBatch& b = batches[i];
        EXPECT_EQ(b.runId, 77u);
        EXPECT_EQ(b.sequence, i);
        EXPECT_EQ(b.last, i + 1 == batches.size());
        EXPECT_GT(b.tNs, lastClose);
        if (!b.last) {
            EXPECT_EQ((b.tNs - kT0) % Replay::kBatchNs, 0) << "batches close on a 16 ms grid";
        }
        for (const Event& e : b.events) {
            EXPECT_GE(e.tNs, lastEvent);
            EXPECT_LE(e.tNs, b.tNs) << "a batch holds nothing after its close";
            lastEvent = e.tNs;
        }
        lastClose = b.tNs;
        events += b.events.size();
        samples += b.threadCpu.size() + b.coreCpu.size();
        workers += b.newWorkers.size();
    }
    EXPECT_EQ(events, run->recording->eventCount());
    EXPECT_EQ(samples, run->recording->threadCpu().size() + run->recording->coreCpu().size());
    EXPECT_EQ(workers, 3u);
    EXPECT_EQ(batches.back().tNs, run->endNs) << "the last batch closes at the run's end";
    // The late worker's entry comes with its first event, not before.
    for (const EventBatch& b : batches) {
        for (const WorkerInfo& w : b.newWorkers) {
            if (w.id == 1) {
                EXPECT_GE(b.tNs, kT0 + 100 * kMs);
            }
        }
    }
}

TEST(Replay, AtTheEndItShowsWhatTheLiveModelShowed)
{
    const RunResultPtr run = recordedRun();
    const Replay replay(*run);
    EXPECT_EQ(replay.originNs(), kT0);
    EXPECT_EQ(replay.durationNs(), run->endNs - kT0);
    EXPECT_TRUE(replay.atEnd());
    const TimelineModel& m = *replay.model();
    EXPECT_TRUE(m.finished());
    EXPECT_EQ(m.laneCount(), 3);
    EXPECT_EQ(m.tasksDone(), 20u);
    EXPECT_EQ(m.eventCount(), run->recording->eventCount());
    EXPECT_EQ(m.originNs(), kT0);
    expectSameModel(m, ingestAll(Replay::toBatches(*run), kT0));
}

TEST(Replay, TheCursorRevealsTheRecordingUpToItsTime)
{
    const RunResultPtr run = recordedRun();
    Replay replay(*run);
    replay.seek(50 * kMs);
    const TimelineModel& m = *replay.model();
    EXPECT_EQ(replay.cursorNs(), 50 * kMs);
    EXPECT_FALSE(replay.atEnd());
    EXPECT_FALSE(m.finished());
    EXPECT_EQ(m.nowNs(), kT0 + 50 * kMs) << "now is the cursor";
    EXPECT_EQ(m.laneCount(), 2) << "the late worker has not appeared yet";
    EXPECT_GE(m.tasksDone(), 1u);
    EXPECT_LE(m.tasksDone(), 2u);
    for (int lane = 0; lane < m.laneCount(); ++lane) {
        for (const TimelineItem& s : m.segments(lane, kT0, kT0 + 10'000 * kMs, 1))
            EXPECT_LE(s.endNs, kT0 + 50 * kMs);
    }
    replay.seek(-5);
    EXPECT_EQ(replay.cursorNs(), 0);
    EXPECT_EQ(replay.model()->tasksDone(), 0u);
    replay.seek(replay.durationNs() * 10);
    EXPECT_TRUE(replay.atEnd());
    EXPECT_TRUE(replay.model()->finished());
    EXPECT_EQ(replay.model()->tasksDone(), 20u);
}

TEST(Replay, TheSameCursorGivesTheSameModelWhicheverWayItCame)
{
    const RunResultPtr run = recordedRun(40);
    Replay forward(*run);
    forward.seek(0);
    for (std::int64_t t = 0; t <= 333 * kMs; t += 7 * kMs)
        forward.seek(t); // played forward in small steps
    forward.seek(333 * kMs);
    Replay back(*run); // from the end straight back
    back.seek(333 * kMs);
    Replay jumpy(*run);
    jumpy.seek(700 * kMs);
    jumpy.seek(20 * kMs);
    jumpy.seek(333 * kMs);
    expectSameModel(*forward.model(), *back.model());
    expectSameModel(*forward.model(), *jumpy.model());
    EXPECT_EQ(forward.model(), forward.model()) << "the charts keep one model object";
}

TEST(Replay, ASeekNeverReplaysTheWholeRecording)
{
    const RunResultPtr run = recordedRun(200);
    Replay replay(*run, 16);
    const std::uint64_t total = run->recording->eventCount();
    EXPECT_GE(replay.checkpointCount(), 10u);
    const std::shared_ptr<const TimelineModel> model = replay.model();
    // Every seek here goes back: each restarts from a copy near its target.
    for (std::int64_t t :
        {replay.durationNs() - kMs, replay.durationNs() / 2, replay.durationNs() / 3, 2 * kMs}) {
        replay.seek(t);
        EXPECT_LE(replay.lastSeekEvents(), total / 8) << "seek to " << t;
    }
    // Playing forward costs only what the cursor passes.
    replay.seek(50 * kMs);
    EXPECT_LE(replay.lastSeekEvents(), 60u);
    EXPECT_EQ(replay.model(), model);
}

TEST(Replay, ARunWithoutRecordingReplaysAsNothing)
{
    RunResult run;
    run.startNs = kT0;
    run.endNs = kT0 + 10 * kMs;
    EXPECT_TRUE(Replay::toBatches(run).empty());
    Replay replay(run);
    EXPECT_EQ(replay.durationNs(), 0);
    replay.seek(5 * kMs);
    EXPECT_EQ(replay.model()->laneCount(), 0);
    EXPECT_TRUE(replay.atEnd());
}

TEST(Replay, ALongQuietStretchCostsNoEmptyBatches)
{
    // A pause of a year between two events (a damaged file can claim more):
    // batches for the quiet stretch would number two billion.
    constexpr std::int64_t kYear = 365LL * 24 * 3600 * 1000 * kMs;
    auto store = std::make_shared<EventStore>();
    store->addWorkers({info(0)});
    store->append({state(0, 0, WorkerState::Running), state(0, 5 * kMs, WorkerState::Sleeping),
        state(0, kYear + 3 * kMs, WorkerState::Exited)});
    RunResult run;
    run.startNs = kT0;
    run.endNs = kT0 + kYear + 40 * kMs;
    run.recording = store;
    const std::vector<EventBatch> batches = Replay::toBatches(run);
    ASSERT_EQ(batches.size(), 3u);
    EXPECT_EQ(batches[0].tNs, kT0 + Replay::kBatchNs);
    EXPECT_EQ(batches[0].events.size(), 2u);
    // The batch holding the late event closes on the same 16 ms grid as live.
    EXPECT_EQ((batches[1].tNs - kT0) % Replay::kBatchNs, 0);
    EXPECT_GE(batches[1].tNs, kT0 + kYear + 3 * kMs);
    EXPECT_LT(batches[1].tNs, kT0 + kYear + 3 * kMs + Replay::kBatchNs);
    EXPECT_EQ(batches[1].events.size(), 1u);
    EXPECT_TRUE(batches[2].last);
    EXPECT_EQ(batches[2].tNs, run.endNs);
    Replay replay(run);
    EXPECT_EQ(replay.durationNs(), kYear + 40 * kMs);
    replay.seek(kYear / 2);
    EXPECT_EQ(replay.model()->laneCount(), 1);
}

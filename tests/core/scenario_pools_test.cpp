// pools' lesson on the engine's real output: a bounded backlog rejects exactly
// what does not fit, the executor's statistics add up, failures are counted,
// and the periodic task keeps its rate (Danjou 2.3-2.4, futurist).

#include "engine.h"
#include "scenarios/runplan.h"
#include "scenarios/scenariocatalogue.h"
#include "session/report.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTimer>

#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <numeric>
#include <optional>

using namespace spindle;
using spindle::test::runToEnd;

namespace {

RunSpec poolsSpec(const QStringList& params, int workers)
{
    return spindle::test::scenarioSpec(QStringLiteral("pools"), params, workers);
}

// The periodic task's lane: when its thread started running (its schedule's
// origin) and its ticks, each a Running slice between two sleeps (after the
// GIL, with the python flavour). The last Running, after the stop, leads to
// Exited and is no tick.
struct PeriodicLane {
    std::int64_t startNs = 0;
    std::vector<std::int64_t> ticks;
};

PeriodicLane periodicLane(const RunResult& r)
{
    PeriodicLane out;
    const auto lane = std::find_if(r.workers.begin(), r.workers.end(),
        [](const WorkerResult& w) { return w.info.name == QLatin1String("periodic"); });
    if (lane == r.workers.end() || !r.recording)
        return out;
    std::optional<WorkerState> settled; // the state before, waiting for the GIL aside
    std::int64_t running = 0; // a Running after a sleep, not yet followed by one (0 = none)
    for (const Event& e : r.recording->laneEvents(lane->info.id)) {
        if (e.kind != EventKind::State || e.workerState() == WorkerState::WaitingGil)
            continue;
        const WorkerState state = e.workerState();
        if (state == WorkerState::Running && out.startNs == 0)
            out.startNs = e.tNs;
        if (state == WorkerState::Sleeping && running != 0)
            out.ticks.push_back(running);
        running = 0;
        if (state == WorkerState::Running && settled == WorkerState::Sleeping)
            running = e.tNs;
        settled = state;
    }
    return out;
}

} // namespace

TEST(PoolsScenario, TheOverflowIsRejectedExactlyAndTheStatisticsAddUp)
{
    // Twelve submissions at once to 2 workers with room for 3 waiting: the
    // first 5 are accepted, the other 7 rejected. Tasks 2 and 4 fail.
    const int workers = 2;
    const int backlog = 3;
    const int tasks = 12;
    const RunSpec spec
        = poolsSpec({QStringLiteral("backlog=%1").arg(backlog), QStringLiteral("tasks=%1").arg(tasks),
                        QStringLiteral("task-ms=300"), QStringLiteral("arrival-ms=0"),
                        QStringLiteral("fail-every=2"), QStringLiteral("period-ms=50")},
            workers);
    EXPECT_EQ(spec.model, Model::ThreadPool);
    Engine engine;
    const RunResultPtr r = runToEnd(engine, spec);
    ASSERT_TRUE(r);
    ASSERT_TRUE(r->succeeded()) << r->error.toStdString();
    ASSERT_TRUE(r->executor);
    const ExecutorStats& e = *r->executor;
    const std::uint64_t accepted = workers + backlog;
    EXPECT_EQ(e.submitted, static_cast<std::uint64_t>(tasks));
    EXPECT_EQ(e.rejected, tasks - accepted);
    EXPECT_EQ(e.executed, accepted);
    EXPECT_EQ(e.cancelled, 0u);
    EXPECT_EQ(e.executed + e.rejected + e.cancelled, e.submitted);
    EXPECT_EQ(e.failures, 2u); // tasks 2 and 4 of the accepted 1 ... 5
    std::vector<std::uint32_t> overflow(tasks - accepted);
    std::iota(overflow.begin(), overflow.end(), static_cast<std::uint32_t>(accepted));
    EXPECT_EQ(r->rejectedTasks, overflow);
    EXPECT_EQ(r->tasks.size(), accepted);
    EXPECT_GE(e.runtimeNs, static_cast<std::int64_t>(accepted) * 290'000'000);

    // Three rounds of 300 ms (2 + 2 + 1 tasks) at a 50 ms period: ~18 ticks.
    const double expected = r->wallS() / 0.050;
    EXPECT_GE(static_cast<double>(e.periodicRuns), 0.5 * expected - 1) << "wall " << r->wallS() << " s";
    EXPECT_LE(static_cast<double>(e.periodicRuns), expected + 1) << "wall " << r->wallS() << " s";

    // At a fixed rate: tick k is due k periods after the start (futurist's
    // periodic, not a pause after each tick), so the ticks keep to that grid
    // instead of drifting, and the lateness is bounded.
    const std::int64_t periodNs = 50'000'000;
    const PeriodicLane lane = periodicLane(*r);
    ASSERT_EQ(lane.ticks.size(), e.periodicRuns) << "the lane and the statistics disagree";
    ASSERT_GE(lane.ticks.size(), 5u);
    ASSERT_GT(lane.startNs, 0);
    std::vector<std::int64_t> intervals;
    std::vector<std::int64_t> late; // behind the slot the tick fell in
    std::int64_t lastSlot = 0;
    for (std::size_t k = 0; k < lane.ticks.size(); ++k) {
        if (k > 0)
            intervals.push_back(lane.ticks[k] - lane.ticks[k - 1]);
        const std::int64_t since = lane.ticks[k] - lane.startNs;
        const std::int64_t slot = std::max<std::int64_t>(1, since / periodNs);
        EXPECT_GT(slot, lastSlot) << "two ticks in one slot";
        lastSlot = slot;
        late.push_back(since - slot * periodNs);
    }
    const auto median = [](std::vector<std::int64_t> v) {
        std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
        return static_cast<double>(v[v.size() / 2]);
    };
    std::cout << "[ INFO ] periodic: " << lane.ticks.size() << " ticks, median interval "
              << median(intervals) / 1e6 << " ms, median lateness " << median(late) / 1e6 << " ms, latest "
              << static_cast<double>(e.periodicMaxLateNs) / 1e6 << " ms\n";
    EXPECT_NEAR(median(intervals), static_cast<double>(periodNs), 0.1 * static_cast<double>(periodNs));
    EXPECT_LE(median(late), 0.2 * static_cast<double>(periodNs))
        << "the ticks drift off their fixed-rate grid";
    // Generous for a busy 2-core machine: no tick three periods late.
    EXPECT_GE(e.periodicMaxLateNs, 0);
    EXPECT_LT(e.periodicMaxLateNs, 3 * periodNs);

    // The report carries the statistics.
    const QJsonObject run
        = makeReport(QStringLiteral("pools"), {r})[QLatin1String("runs")].toArray()[0].toObject();
    const QJsonObject stats = run[QLatin1String("executor")].toObject();
    EXPECT_EQ(stats[QLatin1String("rejected")].toInt(), tasks - backlog - workers);
    EXPECT_EQ(stats[QLatin1String("failures")].toInt(), 2);
    EXPECT_EQ(stats[QLatin1String("backlog")].toInt(), backlog);
    EXPECT_EQ(stats[QLatin1String("rejected_tasks")].toArray().size(), tasks - backlog - workers);
    EXPECT_EQ(stats[QLatin1String("periodic")][QLatin1String("runs")].toInteger(),
        static_cast<qint64>(e.periodicRuns));
}

TEST(PoolsScenario, AnUnboundedBacklogRejectsNothing)
{
    const RunSpec spec
        = poolsSpec({QStringLiteral("backlog=0"), QStringLiteral("tasks=10"), QStringLiteral("task-ms=20"),
                        QStringLiteral("arrival-ms=0"), QStringLiteral("fail-every=0")},
            2);
    Engine engine;
    const RunResultPtr r = runToEnd(engine, spec);
    ASSERT_TRUE(r && r->succeeded() && r->executor);
    EXPECT_EQ(r->executor->rejected, 0u);
    EXPECT_EQ(r->executor->executed, 10u);
    EXPECT_EQ(r->executor->failures, 0u);
    EXPECT_TRUE(r->rejectedTasks.empty());
}

TEST(PoolsScenario, ACancelledRunCountsTheQueuedCallsAsCancelled)
{
    // A producer four times faster than the pool: the backlog is full when
    // the run is cancelled, and what waited there is cancelled, not lost.
    const RunSpec spec = poolsSpec({QStringLiteral("backlog=4"), QStringLiteral("tasks=200"),
                                       QStringLiteral("task-ms=200"), QStringLiteral("arrival-ms=25")},
        2);
    Engine engine;
    QSignalSpy finished(&engine, &Engine::runFinished);
    ASSERT_TRUE(engine.start(spec).isEmpty());
    QTimer::singleShot(600, &engine, [&engine] { engine.cancel(); });
    ASSERT_TRUE(finished.wait(30'000));
    const RunResultPtr r = finished.takeFirst().at(0).value<RunResultPtr>();
    ASSERT_TRUE(r->cancelled);
    ASSERT_TRUE(r->executor);
    const ExecutorStats& e = *r->executor;
    EXPECT_LT(e.submitted, 200u) << "the producer went on after the cancel";
    EXPECT_GE(e.cancelled, 1u);
    EXPECT_GE(e.rejected, 1u);
    EXPECT_EQ(e.executed + e.rejected + e.cancelled, e.submitted);
    EXPECT_EQ(r->rejectedTasks.size(), e.rejected);
}

TEST(PoolsScenario, PoolFieldsAreRefusedOutsideTheThreadPool)
{
    RunPlanInput input;
    input.scenario = QStringLiteral("pools");
    input.models = QStringLiteral("threads");
    RunPlan plan;
    const auto refused = makeRunPlan(input, ScenarioCatalogue::builtin(), &plan);
    ASSERT_TRUE(refused);
    EXPECT_TRUE(refused->contains(QLatin1String("thread-pool"))) << refused->toStdString();

    RunSpec spec;
    spec.model = Model::Threads;
    spec.tasks = {{WorkloadKind::Sleep, 1}};
    spec.backlog = 3;
    const auto error = validate(spec);
    ASSERT_TRUE(error);
    EXPECT_TRUE(error->contains(QLatin1String("backlog")) && error->contains(QLatin1String("thread-pool")))
        << error->toStdString();
    spec.model = Model::ThreadPool;
    EXPECT_FALSE(validate(spec));
    spec.periodicMs = 5;
    const auto tooFast = validate(spec);
    ASSERT_TRUE(tooFast);
    EXPECT_TRUE(tooFast->contains(QLatin1String("periodic-ms"))) << tooFast->toStdString();
}

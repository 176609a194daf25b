// daemons' lesson on the engine's real output (Danjou 2.5, Cotyledon): a
// consumer killed with SIGKILL shows as crashed and is restarted on a lane of
// its own while the items keep being consumed, each exactly once, and so is a
// killed producer; no child outlives the run. Driving a run while it goes on
// is in scenario_daemons_control_test.cpp.

#include "daemonsrun.h"
#include "engine.h"
#include "session/report.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QSignalSpy>

#include <gtest/gtest.h>

#include <cerrno>
#include <csignal>

using namespace spindle;
using namespace spindle::test;

TEST(DaemonsScenario, AKilledConsumerCrashesIsRestartedAndTheItemsGoOn)
{
    const int items = 16;
    Engine engine;
    SignalledRun run;
    ASSERT_NO_FATAL_FAILURE(runAndSignalAConsumer(engine, items, SIGKILL, &run));
    const RunResultPtr& r = run.result;
    const std::optional<WorkerInfo> victim = run.victim;
    const std::int64_t killNs = run.signalNs;
    const SupervisorStats& s = *r->supervisor;

    // The crash is on record: the lane ends crashed, with the signal.
    const WorkerResult* dead = workerById(*r, victim->id);
    ASSERT_NE(dead, nullptr);
    EXPECT_TRUE(dead->crashed);
    EXPECT_EQ(dead->termSignal, SIGKILL);
    const auto lane = engine.store()->laneEvents(victim->id);
    ASSERT_FALSE(lane.empty());
    EXPECT_EQ(lane.back().kind, EventKind::State);
    EXPECT_EQ(lane.back().workerState(), WorkerState::Crashed);
    const bool crashEvent = std::any_of(lane.begin(), lane.end(),
        [](const Event& e) { return e.kind == EventKind::Crash && e.arg == SIGKILL && e.aux == 1; });
    EXPECT_TRUE(crashEvent);
    EXPECT_EQ(s.crashed, 1u);
    EXPECT_EQ(s.killed, 0u) << "the test killed it, not the run";

    // The item it held, if it still held one, was handed out again.
    const auto leftOpen = std::count_if(
        lane.begin(), lane.end(), [](const Event& e) { return e.kind == EventKind::TaskEnd && e.aux == 1; });
    EXPECT_EQ(s.redelivered, static_cast<std::uint64_t>(leftOpen));

    // A new consumer took its place, on a lane of its own, and worked.
    const auto restarted = std::find_if(r->workers.begin(), r->workers.end(),
        [](const WorkerResult& w) { return w.info.name.contains(QLatin1String("(restart 1)")); });
    ASSERT_NE(restarted, r->workers.end());
    EXPECT_TRUE(isConsumer(restarted->info));
    EXPECT_NE(restarted->info.pid, victim->pid);
    EXPECT_GT(restarted->info.id, victim->id);
    EXPECT_GE(restarted->startNs, killNs);
    EXPECT_GE(restarted->tasksDone, 1u);
    EXPECT_FALSE(restarted->crashed);
    EXPECT_EQ(s.restarts, 1u);

    // The items went on: some were consumed after the kill, and each exactly once.
    const auto after = std::count_if(
        r->tasks.begin(), r->tasks.end(), [&](const TaskResult& t) { return t.beginNs > killNs; });
    EXPECT_GE(after, 1);
    expectEachItemOnce(*r);
    expectLanesClosed(*engine.store(), *r);
    EXPECT_EQ(s.produced, static_cast<std::uint64_t>(items));
    EXPECT_EQ(s.consumed, static_cast<std::uint64_t>(items));
    expectNoChildLeft(*r);
}

TEST(DaemonsScenario, AConsumerSigtermedFromOutsideEndsCrashedAndIsReplaced)
{
    // kill -TERM from a shell: CPython's default handler ends the process,
    // so the supervisor must see a dead consumer, not one that eats every
    // item it is given as "cancelled".
    const int items = 12;
    Engine engine;
    SignalledRun run;
    ASSERT_NO_FATAL_FAILURE(runAndSignalAConsumer(engine, items, SIGTERM, &run));
    const RunResultPtr& r = run.result;
    const std::optional<WorkerInfo> victim = run.victim;
    const std::int64_t killNs = run.signalNs;
    const SupervisorStats& s = *r->supervisor;

    const WorkerResult* dead = workerById(*r, victim->id);
    ASSERT_NE(dead, nullptr);
    EXPECT_TRUE(dead->crashed);
    EXPECT_TRUE(dead->exitReason.contains(QLatin1String("SIGTERM"))) << dead->exitReason.toStdString();
    const auto lane = engine.store()->laneEvents(victim->id);
    ASSERT_FALSE(lane.empty());
    EXPECT_EQ(lane.back().workerState(), WorkerState::Crashed);
    EXPECT_LE(dead->tasksDone, 1u) << "it kept consuming after the SIGTERM";

    const auto restarted = std::find_if(r->workers.begin(), r->workers.end(),
        [](const WorkerResult& w) { return w.info.name.contains(QLatin1String("(restart 1)")); });
    ASSERT_NE(restarted, r->workers.end());
    EXPECT_GE(restarted->startNs, killNs);
    EXPECT_FALSE(restarted->crashed);
    EXPECT_EQ(s.crashed, 1u);
    EXPECT_EQ(s.restarts, 1u);
    expectEachItemOnce(*r);
    expectLanesClosed(*engine.store(), *r);
    EXPECT_EQ(s.consumed, static_cast<std::uint64_t>(items));
    expectNoChildLeft(*r);
}

TEST(DaemonsScenario, KillEveryCrashesAndRestartsInAHeadlessRunAndTheReportSaysSo)
{
    // 12 items, a kill after the 4th and the 8th, three consumers from the 6th on.
    const RunSpec spec = daemonsSpec(
        {QStringLiteral("items=12"), QStringLiteral("item-ms=40"), QStringLiteral("produce-ms=2"),
            QStringLiteral("kill-every=4"), QStringLiteral("resize-to=3")},
        2);
    Engine engine;
    const RunResultPtr r = runToEnd(engine, spec);
    ASSERT_TRUE(r);
    ASSERT_TRUE(r->succeeded()) << r->error.toStdString();
    ASSERT_TRUE(r->supervisor);
    const SupervisorStats& s = *r->supervisor;
    EXPECT_EQ(s.killed, 2u);
    EXPECT_EQ(s.crashed, 2u);
    EXPECT_EQ(s.restarts, 2u);
    EXPECT_EQ(s.reconfigures, 1u);
    EXPECT_EQ(s.consumersAtEnd, 3);
    EXPECT_LE(s.redelivered, 2u);
    int crashedLanes = 0;
    for (const WorkerResult& w : r->workers) {
        if (w.crashed) {
            ++crashedLanes;
            EXPECT_TRUE(w.exitReason.contains(QLatin1String("kill-every"))) << w.exitReason.toStdString();
        }
    }
    EXPECT_EQ(crashedLanes, 2);
    expectEachItemOnce(*r);
    expectLanesClosed(*engine.store(), *r);
    expectNoChildLeft(*r);

    const QJsonObject report = makeReport(QStringLiteral("daemons"), {r});
    const QJsonObject run = report[QLatin1String("runs")].toArray()[0].toObject();
    const QJsonObject supervisor = run[QLatin1String("supervisor")].toObject();
    EXPECT_EQ(supervisor[QLatin1String("restarts")].toInt(), 2);
    EXPECT_EQ(supervisor[QLatin1String("crashed")].toInt(), 2);
    EXPECT_EQ(supervisor[QLatin1String("consumed")].toInt(), 12);
    EXPECT_EQ(supervisor[QLatin1String("consumers_at_start")].toInt(), 2);
    int reportedCrashes = 0;
    for (const QJsonValue& w : run[QLatin1String("workers_info")].toArray())
        reportedCrashes += w[QLatin1String("crashed")].toBool() ? 1 : 0;
    EXPECT_EQ(reportedCrashes, 2);
    const QJsonObject analysis
        = report[QLatin1String("analysis")][QLatin1String("runs")].toArray()[0].toObject();
    EXPECT_TRUE(analysis[QLatin1String("every_item_consumed_once")].toBool());
    EXPECT_EQ(analysis[QLatin1String("crashed_lanes")].toInt(), 2);
    const QString headline = report[QLatin1String("analysis")][QLatin1String("headline")].toString();
    EXPECT_TRUE(headline.contains(QLatin1String("12 of 12 items consumed, each exactly once")))
        << headline.toStdString();
    EXPECT_TRUE(headline.contains(QLatin1String("2 crashed, 2 restarted"))) << headline.toStdString();
}

TEST(DaemonsScenario, ChildrenForkedByTheForkServerAreSupervisedToo)
{
    RunSpec spec = daemonsSpec(
        {QStringLiteral("items=9"), QStringLiteral("item-ms=30"), QStringLiteral("produce-ms=1"),
            QStringLiteral("kill-every=4"), QStringLiteral("resize-to=0")},
        2);
    spec.startMethod = StartMethod::ForkServer;
    Engine engine;
    const RunResultPtr r = runToEnd(engine, spec);
    ASSERT_TRUE(r);
    ASSERT_TRUE(r->succeeded()) << r->error.toStdString();
    EXPECT_EQ(r->supervisor->killed, 2u);
    EXPECT_EQ(r->supervisor->restarts, 2u);
    expectEachItemOnce(*r);
    expectLanesClosed(*engine.store(), *r);
    expectNoChildLeft(*r);
}

TEST(DaemonsScenario, AKilledProducerIsRestartedAndTheItemsStillArriveOnce)
{
    const int items = 20;
    const RunSpec spec = daemonsSpec(
        {QStringLiteral("items=%1").arg(items), QStringLiteral("item-ms=20"), QStringLiteral("produce-ms=60"),
            QStringLiteral("kill-every=0"), QStringLiteral("resize-to=0")},
        2);
    Engine engine;
    QSignalSpy batches(&engine, &Engine::batchReady);
    QSignalSpy finished(&engine, &Engine::runFinished);
    ASSERT_TRUE(engine.start(spec).isEmpty());
    ASSERT_TRUE(waitUntil(engine, batches, [](const EventStore& store) { return itemsDone(store) >= 3; }));
    std::optional<WorkerInfo> producer;
    for (const WorkerInfo& w : engine.store()->workers()) {
        if (w.kind == WorkerKind::Process && w.role == WorkerRole::Main)
            producer = w;
    }
    ASSERT_TRUE(producer);
    EXPECT_EQ(engine.killWorker(producer->id, SIGKILL), QString());
    ASSERT_TRUE(finished.wait(60'000));
    const auto r = finished.takeFirst().at(0).value<RunResultPtr>();
    ASSERT_TRUE(r->succeeded()) << r->error.toStdString();
    const WorkerResult* dead = workerById(*r, producer->id);
    ASSERT_NE(dead, nullptr);
    EXPECT_TRUE(dead->crashed);
    EXPECT_TRUE(dead->exitReason.contains(QLatin1String("killed on request")))
        << dead->exitReason.toStdString();
    const bool restarted = std::any_of(r->workers.begin(), r->workers.end(),
        [](const WorkerResult& w) { return w.info.name == QLatin1String("producer (restart 1)"); });
    EXPECT_TRUE(restarted);
    EXPECT_EQ(r->supervisor->produced, static_cast<std::uint64_t>(items));
    expectEachItemOnce(*r);
    expectLanesClosed(*engine.store(), *r);
    expectNoChildLeft(*r);
}

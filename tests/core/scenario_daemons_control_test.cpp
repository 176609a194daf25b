// The daemons scenario driven while it runs (Danjou 2.5, Cotyledon): a live
// worker-count change adds and retires lanes, a kill or a stop on request
// reaches the consumer it names and is told back, and what cannot apply is
// refused with a message; no child outlives the run.

#include "daemonsrun.h"
#include "engine.h"
#include "scenarios/runplan.h"
#include "scenarios/scenariocatalogue.h"
#include "testsupport.h"

#include <QSignalSpy>

#include <gtest/gtest.h>

#include <cerrno>
#include <csignal>

using namespace spindle;
using namespace spindle::test;

TEST(DaemonsScenario, ChangingTheWorkerCountLiveAddsAndRetiresLanes)
{
    const int items = 30;
    const RunSpec spec = daemonsSpec(
        {QStringLiteral("items=%1").arg(items), QStringLiteral("item-ms=100"), QStringLiteral("produce-ms=5"),
            QStringLiteral("kill-every=0"), QStringLiteral("resize-to=0")},
        1);
    Engine engine;
    QSignalSpy batches(&engine, &Engine::batchReady);
    QSignalSpy finished(&engine, &Engine::runFinished);
    ASSERT_TRUE(engine.start(spec).isEmpty());
    ASSERT_TRUE(waitUntil(engine, batches, [](const EventStore& store) { return itemsDone(store) >= 2; }));
    const auto consumerLanes = [](const EventStore& store) {
        const std::vector<WorkerInfo> workers = store.workers();
        return std::count_if(
            workers.begin(), workers.end(), [](const WorkerInfo& w) { return isConsumer(w); });
    };
    EXPECT_EQ(consumerLanes(*engine.store()), 1);

    // Up to three: two lanes appear while it runs.
    EXPECT_EQ(engine.setWorkerCount(3), QString());
    ASSERT_TRUE(
        waitUntil(engine, batches, [&](const EventStore& store) { return consumerLanes(store) == 3; }));
    ASSERT_TRUE(waitUntil(engine, batches, [&](const EventStore& store) { return itemsDone(store) >= 12; }));
    // Down to one: the two extra consumers finish their item and leave.
    EXPECT_EQ(engine.setWorkerCount(1), QString());
    ASSERT_TRUE(finished.wait(60'000));
    const auto r = finished.takeFirst().at(0).value<RunResultPtr>();
    ASSERT_TRUE(r->succeeded()) << r->error.toStdString();
    ASSERT_TRUE(r->supervisor);
    EXPECT_EQ(r->supervisor->reconfigures, 2u);
    EXPECT_EQ(r->supervisor->consumersPeak, 3);
    EXPECT_EQ(r->supervisor->consumersAtEnd, 1);
    EXPECT_EQ(r->supervisor->crashed, 0u);
    EXPECT_EQ(r->supervisor->restarts, 0u);

    std::vector<const WorkerResult*> consumers;
    for (const WorkerResult& w : r->workers) {
        if (isConsumer(w.info))
            consumers.push_back(&w);
    }
    ASSERT_EQ(consumers.size(), 3u) << "one at start, two added";
    const WorkerResult* first = consumers.front();
    std::int64_t retiredBy = 0;
    for (const WorkerResult* w : {consumers[1], consumers[2]}) {
        SCOPED_TRACE(w->info.name.toStdString());
        EXPECT_FALSE(w->crashed) << w->exitReason.toStdString();
        EXPECT_GE(w->tasksDone, 1u) << "an added consumer took items";
        const auto lane = engine.store()->laneEvents(w->info.id);
        ASSERT_FALSE(lane.empty());
        EXPECT_EQ(lane.back().kind, EventKind::Exit) << "retired cleanly";
        retiredBy = std::max(retiredBy, w->endNs);
    }
    // Once they had left, the one consumer still wanted did the rest alone.
    int afterRetire = 0;
    for (const TaskResult& t : r->tasks) {
        if (t.beginNs > retiredBy) {
            EXPECT_EQ(t.worker, first->info.id);
            ++afterRetire;
        }
    }
    EXPECT_GE(afterRetire, 1) << "the retirement came too late to be seen";
    expectEachItemOnce(*r);
    expectLanesClosed(*engine.store(), *r);
    expectNoChildLeft(*r);
}

TEST(DaemonsScenario, TheLiveWorkerCountIsRefusedWhereItCannotApply)
{
    Engine engine;
    EXPECT_TRUE(engine.setWorkerCount(2).contains(QLatin1String("no run"))) << "nothing runs yet";

    RunSpec threads;
    threads.model = Model::Threads;
    threads.workers = 1;
    threads.tasks = {{WorkloadKind::Sleep, 300}};
    QSignalSpy finished(&engine, &Engine::runFinished);
    ASSERT_TRUE(engine.start(threads).isEmpty());
    const QString refused = engine.setWorkerCount(2);
    EXPECT_TRUE(refused.contains(QLatin1String("supervised"))) << refused.toStdString();
    ASSERT_TRUE(finished.wait(30'000));

    const RunSpec daemons = daemonsSpec({QStringLiteral("items=4"), QStringLiteral("item-ms=50"),
                                            QStringLiteral("kill-every=0"), QStringLiteral("resize-to=2")},
        1);
    ASSERT_TRUE(engine.start(daemons).isEmpty());
    const QString outOfRange = engine.setWorkerCount(RunLimits::kMaxProcesses + 1);
    EXPECT_TRUE(outOfRange.contains(QLatin1String("out of range"))) << outOfRange.toStdString();
    ASSERT_TRUE(finished.wait(30'000));
    const auto r = finished.takeLast().at(0).value<RunResultPtr>();
    EXPECT_TRUE(r->succeeded()) << r->error.toStdString();
    EXPECT_EQ(r->supervisor->reconfigures, 1u) << "resize-to applies, the refused count does not";

    // Models other than processes are refused by the scenario, naming the model.
    RunPlanInput input;
    input.scenario = QStringLiteral("daemons");
    input.models = QStringLiteral("threads");
    RunPlan plan;
    const auto error = makeRunPlan(input, ScenarioCatalogue::builtin(), &plan);
    ASSERT_TRUE(error);
    EXPECT_TRUE(error->contains(QLatin1String("processes"))) << error->toStdString();
}

TEST(DaemonsScenario, KillWorkerOnRequestCrashesThatConsumerAndARestartTakesItsPlace)
{
    const int items = 16;
    const RunSpec spec = daemonsSpec(
        {QStringLiteral("items=%1").arg(items), QStringLiteral("item-ms=200"),
            QStringLiteral("produce-ms=10"), QStringLiteral("kill-every=0"), QStringLiteral("resize-to=0")},
        2);
    Engine engine;
    EXPECT_FALSE(engine.liveControls().any()) << "nothing runs yet";
    QSignalSpy batches(&engine, &Engine::batchReady);
    QSignalSpy finished(&engine, &Engine::runFinished);
    QSignalSpy counts(&engine, &Engine::workerCountChanged);
    ASSERT_TRUE(engine.start(spec).isEmpty());
    EXPECT_TRUE(engine.liveControls().kill);
    EXPECT_TRUE(engine.liveControls().workerCount);
    std::optional<WorkerInfo> victim;
    ASSERT_TRUE(waitUntil(engine, batches, [&](const EventStore& store) {
        victim = consumerInItem(store);
        return victim.has_value();
    })) << "no consumer began an item";
    const std::int64_t killNs = monotonicNs();
    EXPECT_EQ(engine.killWorker(victim->id, SIGKILL), QString());
    ASSERT_TRUE(finished.wait(60'000));
    const auto r = finished.takeFirst().at(0).value<RunResultPtr>();
    ASSERT_TRUE(r->succeeded()) << r->error.toStdString();
    const SupervisorStats& s = *r->supervisor;

    const WorkerResult* dead = workerById(*r, victim->id);
    ASSERT_NE(dead, nullptr);
    EXPECT_TRUE(dead->crashed);
    EXPECT_EQ(dead->termSignal, SIGKILL);
    EXPECT_TRUE(dead->exitReason.contains(QLatin1String("killed on request")))
        << dead->exitReason.toStdString();
    EXPECT_EQ(s.crashed, 1u);
    EXPECT_EQ(s.killed, 0u) << "kill-every did not do it";
    EXPECT_EQ(s.restarts, 1u);
    const auto restarted = std::find_if(r->workers.begin(), r->workers.end(),
        [](const WorkerResult& w) { return w.info.name.contains(QLatin1String("(restart 1)")); });
    ASSERT_NE(restarted, r->workers.end());
    EXPECT_TRUE(isConsumer(restarted->info));
    EXPECT_GE(restarted->startNs, killNs);
    expectEachItemOnce(*r);
    expectLanesClosed(*engine.store(), *r);
    expectNoChildLeft(*r);

    // The count it kept, told once at the start.
    ASSERT_EQ(counts.size(), 1);
    EXPECT_EQ(counts.front().at(0).value<quint64>(), r->runId);
    EXPECT_EQ(counts.front().at(1).toInt(), 2);
    // Once it has ended, nothing is live to kill.
    EXPECT_FALSE(engine.liveControls().any());
    EXPECT_TRUE(engine.killWorker(victim->id, SIGKILL).contains(QLatin1String("no run")));
}

TEST(DaemonsScenario, KillBusyWorkerAndLiveResizeAreToldBackAsTheyApply)
{
    const RunSpec spec = daemonsSpec(
        {QStringLiteral("items=24"), QStringLiteral("item-ms=150"), QStringLiteral("produce-ms=5"),
            QStringLiteral("kill-every=0"), QStringLiteral("resize-to=0")},
        1);
    Engine engine;
    QSignalSpy batches(&engine, &Engine::batchReady);
    QSignalSpy finished(&engine, &Engine::runFinished);
    QSignalSpy counts(&engine, &Engine::workerCountChanged);
    ASSERT_TRUE(engine.start(spec).isEmpty());
    ASSERT_TRUE(waitUntil(engine, batches, [](const EventStore& store) { return itemsDone(store) >= 1; }));
    ASSERT_TRUE(waitUntil(engine, batches, [](const EventStore& store) { return consumerInItem(store); }));
    EXPECT_EQ(engine.killBusyWorker(SIGKILL), QString());
    EXPECT_EQ(engine.setWorkerCount(3), QString());
    ASSERT_TRUE(finished.wait(60'000));
    const auto r = finished.takeFirst().at(0).value<RunResultPtr>();
    ASSERT_TRUE(r->succeeded()) << r->error.toStdString();
    EXPECT_EQ(r->supervisor->crashed, 1u);
    EXPECT_EQ(r->supervisor->restarts, 1u);
    EXPECT_EQ(r->supervisor->consumersAtEnd, 3);
    int crashedLanes = 0;
    for (const WorkerResult& w : r->workers) {
        if (w.crashed) {
            ++crashedLanes;
            EXPECT_TRUE(isConsumer(w.info));
            EXPECT_TRUE(w.exitReason.contains(QLatin1String("killed on request")))
                << w.exitReason.toStdString();
        }
    }
    EXPECT_EQ(crashedLanes, 1);
    expectEachItemOnce(*r);
    expectNoChildLeft(*r);
    // 1 at the start, 3 after the resize (in between, deliveries may coalesce).
    ASSERT_GE(counts.size(), 1);
    EXPECT_EQ(counts.last().at(1).toInt(), 3);
    EXPECT_EQ(counts.first().at(1).toInt(), counts.size() == 1 ? 3 : 1);
}

TEST(DaemonsScenario, AKillOnRequestIsRefusedUnlessItNamesALiveChildOfASupervisedRun)
{
    Engine engine;
    EXPECT_TRUE(engine.killWorker(1, SIGKILL).contains(QLatin1String("no run")));
    EXPECT_TRUE(engine.killBusyWorker(SIGKILL).contains(QLatin1String("no run")));

    RunSpec threads;
    threads.model = Model::Threads;
    threads.workers = 1;
    threads.tasks = {{WorkloadKind::Sleep, 300}};
    QSignalSpy finished(&engine, &Engine::runFinished);
    ASSERT_TRUE(engine.start(threads).isEmpty());
    EXPECT_FALSE(engine.liveControls().any());
    const QString refused = engine.killWorker(0, SIGKILL);
    EXPECT_TRUE(refused.contains(QLatin1String("supervised"))) << refused.toStdString();
    ASSERT_TRUE(finished.wait(30'000));

    const RunSpec daemons = daemonsSpec({QStringLiteral("items=12"), QStringLiteral("item-ms=100"),
                                            QStringLiteral("kill-every=0"), QStringLiteral("resize-to=0")},
        1);
    QSignalSpy batches(&engine, &Engine::batchReady);
    ASSERT_TRUE(engine.start(daemons).isEmpty());
    std::optional<WorkerInfo> consumer;
    ASSERT_TRUE(waitUntil(engine, batches, [&](const EventStore& store) {
        consumer = consumerInItem(store);
        return consumer.has_value();
    }));
    const QString badSignal = engine.killWorker(consumer->id, SIGTERM);
    EXPECT_TRUE(badSignal.contains(QLatin1String("not allowed"))) << badSignal.toStdString();
    const QString unknown = engine.killWorker(consumer->id + 1000, SIGKILL);
    EXPECT_TRUE(unknown.contains(QLatin1String("not a live child"))) << unknown.toStdString();
    ASSERT_TRUE(finished.wait(30'000));
    const auto r = finished.takeLast().at(0).value<RunResultPtr>();
    EXPECT_TRUE(r->succeeded()) << r->error.toStdString();
    EXPECT_EQ(r->supervisor->crashed, 0u) << "no refused request reached a child";
}

TEST(DaemonsScenario, SigstopOnRequestPausesAConsumerAndSigcontGoesOn)
{
    const RunSpec spec = daemonsSpec(
        {QStringLiteral("items=16"), QStringLiteral("item-ms=150"), QStringLiteral("produce-ms=5"),
            QStringLiteral("kill-every=0"), QStringLiteral("resize-to=0")},
        2);
    Engine engine;
    QSignalSpy batches(&engine, &Engine::batchReady);
    QSignalSpy finished(&engine, &Engine::runFinished);
    ASSERT_TRUE(engine.start(spec).isEmpty());
    std::optional<WorkerInfo> paused;
    ASSERT_TRUE(waitUntil(engine, batches, [&](const EventStore& store) {
        paused = consumerInItem(store);
        return paused.has_value();
    }));
    const auto lastState = [&](const EventStore& store) {
        const auto lane = store.laneEvents(paused->id);
        const auto it = std::find_if(
            lane.rbegin(), lane.rend(), [](const Event& e) { return e.kind == EventKind::State; });
        return it == lane.rend() ? WorkerState::Idle : it->workerState();
    };
    EXPECT_EQ(engine.killWorker(paused->id, SIGSTOP), QString());
    ASSERT_TRUE(waitUntil(engine, batches, [&](const EventStore& store) {
        return lastState(store) == WorkerState::Stopped;
    })) << "its lane shows it stopped";
    // The other consumer goes on meanwhile.
    const std::size_t atStop = itemsDone(*engine.store());
    ASSERT_TRUE(
        waitUntil(engine, batches, [&](const EventStore& store) { return itemsDone(store) >= atStop + 2; }));
    EXPECT_EQ(lastState(*engine.store()), WorkerState::Stopped) << "still paused";
    EXPECT_EQ(engine.killWorker(paused->id, SIGCONT), QString());
    ASSERT_TRUE(waitUntil(
        engine, batches, [&](const EventStore& store) { return lastState(store) != WorkerState::Stopped; }));
    ASSERT_TRUE(finished.wait(60'000));
    const auto r = finished.takeFirst().at(0).value<RunResultPtr>();
    ASSERT_TRUE(r->succeeded()) << r->error.toStdString();
    const WorkerResult* w = workerById(*r, paused->id);
    ASSERT_NE(w, nullptr);
    EXPECT_FALSE(w->crashed) << w->exitReason.toStdString();
    EXPECT_GE(w->tasksDone, 1u) << "it finished the item it was paused in";
    EXPECT_EQ(r->supervisor->crashed, 0u);
    EXPECT_EQ(r->supervisor->restarts, 0u);
    expectEachItemOnce(*r);
    expectLanesClosed(*engine.store(), *r);
    expectNoChildLeft(*r);
}

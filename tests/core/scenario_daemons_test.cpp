// daemons' lesson on the engine's real output (Danjou 2.5, Cotyledon): a
// consumer killed with SIGKILL shows as crashed and is restarted on a lane of
// its own while the items keep being consumed, each exactly once; a live
// worker-count change adds and retires lanes; no child outlives the run.

#include "engine.h"
#include "scenarios/runplan.h"
#include "scenarios/scenariocatalogue.h"
#include "session/report.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QSignalSpy>

#include <gtest/gtest.h>

#include <cerrno>
#include <csignal>
#include <set>
#include <sys/wait.h>

using namespace spindle;
using spindle::test::runToEnd;

namespace {

RunSpec daemonsSpec(const QStringList& params, int workers)
{
    RunPlanInput input;
    input.scenario = QStringLiteral("daemons");
    input.workers = QString::number(workers);
    input.params = params;
    RunPlan plan;
    const auto error = makeRunPlan(input, ScenarioCatalogue::builtin(), &plan);
    EXPECT_FALSE(error) << error->toStdString();
    EXPECT_EQ(plan.runs.size(), 1);
    return plan.runs.value(0);
}

bool isConsumer(const WorkerInfo& info)
{
    return info.kind == WorkerKind::Process && info.role == WorkerRole::Worker;
}

// Waits (processing events) until `ready` holds for the recording; false on timeout.
template <typename Pred>
bool waitUntil(Engine& engine, QSignalSpy& batches, Pred ready, int timeoutMs = 20'000)
{
    const std::int64_t deadline = monotonicNs() + std::int64_t {timeoutMs} * 1'000'000;
    while (monotonicNs() < deadline) {
        if (ready(*engine.store()))
            return true;
        batches.wait(100);
    }
    return false;
}

// A consumer lane that is inside an item right now: its latest task event is a TaskBegin.
std::optional<WorkerInfo> consumerInItem(const EventStore& store)
{
    for (const WorkerInfo& info : store.workers()) {
        if (!isConsumer(info))
            continue;
        const auto lane = store.laneEvents(info.id);
        const auto last = std::find_if(lane.rbegin(), lane.rend(),
            [](const Event& e) { return e.kind == EventKind::TaskBegin || e.kind == EventKind::TaskEnd; });
        if (last != lane.rend() && last->kind == EventKind::TaskBegin)
            return info;
    }
    return std::nullopt;
}

std::size_t itemsDone(const EventStore& store)
{
    std::size_t done = 0;
    for (const WorkerInfo& info : store.workers()) {
        for (const Event& e : store.laneEvents(info.id))
            done += e.kind == EventKind::TaskEnd && e.aux == 0 ? 1 : 0;
    }
    return done;
}

// Every item once, none twice.
void expectEachItemOnce(const RunResult& r)
{
    std::set<std::uint32_t> items;
    for (const TaskResult& t : r.tasks) {
        EXPECT_FALSE(t.cancelled);
        EXPECT_TRUE(items.insert(t.index).second) << "item " << t.index << " consumed twice";
    }
    EXPECT_EQ(items.size(), r.spec.tasks.size());
}

// Every lane is in time order and closed: exited, or crashed for a child that crashed.
void expectLanesClosed(const EventStore& store, const RunResult& r)
{
    for (const WorkerResult& w : r.workers) {
        SCOPED_TRACE(w.info.name.toStdString());
        const auto lane = store.laneEvents(w.info.id);
        ASSERT_FALSE(lane.empty());
        EXPECT_TRUE(std::is_sorted(
            lane.begin(), lane.end(), [](const Event& a, const Event& b) { return a.tNs < b.tNs; }));
        const auto last = std::find_if(
            lane.rbegin(), lane.rend(), [](const Event& e) { return e.kind == EventKind::State; });
        ASSERT_NE(last, lane.rend());
        EXPECT_EQ(last->workerState(), w.crashed ? WorkerState::Crashed : WorkerState::Exited);
    }
}

// Nothing the run started is alive, or a zombie of ours.
void expectNoChildLeft(const RunResult& r)
{
    for (const WorkerResult& w : r.workers) {
        if (w.info.kind != WorkerKind::Process)
            continue;
        SCOPED_TRACE(w.info.name.toStdString());
        EXPECT_EQ(::kill(w.info.pid, 0), -1);
        EXPECT_EQ(errno, ESRCH);
        EXPECT_EQ(::waitpid(w.info.pid, nullptr, WNOHANG), -1);
        EXPECT_EQ(errno, ECHILD);
    }
}

const WorkerResult* workerById(const RunResult& r, std::uint32_t id)
{
    for (const WorkerResult& w : r.workers) {
        if (w.info.id == id)
            return &w;
    }
    return nullptr;
}

// A run of `items` items of 200 ms on two consumers, one of which gets
// `signal` from outside the engine while inside an item.
struct SignalledRun {
    RunResultPtr result;
    WorkerInfo victim;
    std::int64_t signalNs = 0;
};

void runAndSignalAConsumer(Engine& engine, int items, int signal, SignalledRun* out)
{
    const RunSpec spec = daemonsSpec(
        {QStringLiteral("items=%1").arg(items), QStringLiteral("item-ms=200"),
            QStringLiteral("produce-ms=10"), QStringLiteral("kill-every=0"), QStringLiteral("resize-to=0")},
        2);
    EXPECT_EQ(spec.pattern, ProcessPattern::Supervised);
    QSignalSpy batches(&engine, &Engine::batchReady);
    QSignalSpy finished(&engine, &Engine::runFinished);
    ASSERT_TRUE(engine.start(spec).isEmpty());
    std::optional<WorkerInfo> victim;
    ASSERT_TRUE(waitUntil(engine, batches, [&](const EventStore& store) {
        victim = consumerInItem(store);
        return victim.has_value();
    })) << "no consumer began an item";
    out->victim = *victim;
    out->signalNs = monotonicNs();
    ASSERT_EQ(::kill(victim->pid, signal), 0);
    ASSERT_TRUE(finished.wait(60'000));
    out->result = finished.takeFirst().at(0).value<RunResultPtr>();
    ASSERT_TRUE(out->result->succeeded()) << out->result->error.toStdString();
    ASSERT_TRUE(out->result->supervisor);
}

} // namespace

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

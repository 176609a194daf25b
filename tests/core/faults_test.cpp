// Faults in the process models, against real children: a worker killed or
// stopped mid-run, one that exits early or breaks the protocol, the fork
// server killed, a worker binary that is missing. Each must end the run with
// the truth on the lanes and in the result, and leave no child behind.

#include "engine.h"
#include "processtestsupport.h"
#include "scenarios/runplan.h"
#include "scenarios/scenariocatalogue.h"
#include "testsupport.h"

#include <QSignalSpy>

#include <gtest/gtest.h>

#include <csignal>
#include <set>
#include <unistd.h>

using namespace spindle;
using namespace spindle::test;

namespace {

std::uint32_t laneOf(Engine& engine, pid_t pid)
{
    for (const WorkerInfo& info : engine.store()->workers()) {
        if (info.pid == pid)
            return info.id;
    }
    ADD_FAILURE() << "no lane for pid " << pid;
    return 0;
}

std::optional<Event> lastState(const std::vector<Event>& lane)
{
    for (auto it = lane.rbegin(); it != lane.rend(); ++it) {
        if (it->kind == EventKind::State)
            return *it;
    }
    return std::nullopt;
}

// Processes batches until the lane's latest state is `state`.
bool waitForLaneState(Engine& engine, QSignalSpy& batches, std::uint32_t lane, WorkerState state)
{
    const std::int64_t deadline = monotonicNs() + 10'000'000'000;
    while (monotonicNs() < deadline) {
        const auto last = lastState(engine.store()->laneEvents(lane));
        if (last && last->workerState() == state)
            return true;
        batches.wait(100);
    }
    return false;
}

// The state letter of /proc/<pid>/stat ('T' = stopped by a signal).
char processState(pid_t pid)
{
    for (const Proc& p : childrenOf(::getpid())) {
        if (p.pid == pid)
            return p.state;
    }
    return '?';
}

} // namespace

class ProcessFaults : public ::testing::TestWithParam<StartMethod> { };

TEST_P(ProcessFaults, AWorkerKilledMidRunIsReportedCrashedAndItsJobLost)
{
    std::vector<TaskSpec> tasks(8, {WorkloadKind::IsPrime, kSlowPrime});
    RunSpec s = spec(Model::Processes, GetParam(), 2, tasks);
    Engine engine;
    QSignalSpy batches(&engine, &Engine::batchReady);
    QSignalSpy finished(&engine, &Engine::runFinished);
    ASSERT_TRUE(engine.start(s).isEmpty());
    const pid_t victim = waitForProcessInTask(engine, batches);
    ASSERT_GT(victim, 0) << "no worker process started a task";
    ASSERT_EQ(::kill(victim, SIGKILL), 0);
    ASSERT_TRUE(finished.wait(60'000));
    const auto result = finished.takeFirst().at(0).value<RunResultPtr>();
    EXPECT_TRUE(result->error.isEmpty()) << result->error.toStdString();
    EXPECT_FALSE(result->cancelled);
    ASSERT_EQ(result->lostTasks.size(), 1u);
    EXPECT_EQ(result->tasks.size() + result->lostTasks.size(), tasks.size());
    const WorkerResult* dead = workerByPid(*result, victim);
    ASSERT_NE(dead, nullptr);
    EXPECT_TRUE(dead->crashed);
    EXPECT_EQ(dead->termSignal, SIGKILL);
    EXPECT_TRUE(dead->exitReason.contains(QLatin1String("signal 9"))) << dead->exitReason.toStdString();
    const auto lane = engine.store()->laneEvents(dead->info.id);
    expectValidLane(lane, dead->info, WorkerState::Crashed);
    const auto crash = firstOf(lane, EventKind::Crash);
    ASSERT_TRUE(crash);
    EXPECT_EQ(crash->arg, SIGKILL);
    EXPECT_EQ(crash->aux, 1);
    for (const WorkerResult& w : result->workers) {
        if (w.info.pid != victim) {
            EXPECT_FALSE(w.crashed);
            EXPECT_GE(w.tasksDone, 1u);
            expectValidLane(engine.store()->laneEvents(w.info.id), w.info);
        }
    }
    EXPECT_TRUE(childrenOf(::getpid()).empty()) << describe(childrenOf(::getpid()));
}

TEST_P(ProcessFaults, CancelMidRunReturnsPromptlyAndLeavesNoChild)
{
    const int threadsBefore = spindle::test::threadCount();
    for (Model model : {Model::Processes, Model::ProcessPool, Model::CoroutinesExecutor}) {
        SCOPED_TRACE(std::string(toString(model)));
        RunSpec s = spec(model, GetParam(), 2,
            {{WorkloadKind::IsPrime, kEndlessPrime}, {WorkloadKind::BlockingSleep, 20'000},
                {WorkloadKind::SumRandom, 90'000'000}});
        s.executor = ExecutorKind::Process;
        s.spinner = true;
        Engine engine;
        QSignalSpy batches(&engine, &Engine::batchReady);
        QSignalSpy finished(&engine, &Engine::runFinished);
        ASSERT_TRUE(engine.start(s).isEmpty());
        ASSERT_GT(waitForProcessInTask(engine, batches), 0);
        const std::int64_t cancelAt = monotonicNs();
        engine.cancel();
        ASSERT_TRUE(finished.wait(10'000));
        const double cancelMs = static_cast<double>(monotonicNs() - cancelAt) / 1e6;
        EXPECT_LT(cancelMs, 1500.0);
        const auto result = finished.takeFirst().at(0).value<RunResultPtr>();
        EXPECT_TRUE(result->cancelled);
        EXPECT_TRUE(result->lostTasks.empty());
        EXPECT_TRUE(childrenOf(::getpid()).empty()) << describe(childrenOf(::getpid()));
        for (const WorkerResult& w : result->workers) {
            EXPECT_FALSE(w.crashed) << w.info.name.toStdString() << ": " << w.exitReason.toStdString();
            expectValidLane(engine.store()->laneEvents(w.info.id), w.info);
        }
    }
    EXPECT_EQ(spindle::test::threadCountSettledTo(threadsBefore), threadsBefore);
}

TEST_P(ProcessFaults, AStoppedWorkerShowsStoppedOnItsLaneAndCancelStillEndsIt)
{
    RunSpec s = spec(Model::Processes, GetParam(), 2,
        {{WorkloadKind::IsPrime, kEndlessPrime}, {WorkloadKind::IsPrime, kEndlessPrime}});
    Engine engine;
    QSignalSpy batches(&engine, &Engine::batchReady);
    QSignalSpy finished(&engine, &Engine::runFinished);
    ASSERT_TRUE(engine.start(s).isEmpty());
    const pid_t stopped = waitForProcessInTask(engine, batches);
    ASSERT_GT(stopped, 0);
    const std::uint32_t lane = laneOf(engine, stopped);
    const auto before = lastState(engine.store()->laneEvents(lane));
    ASSERT_TRUE(before);

    ASSERT_EQ(::kill(stopped, SIGSTOP), 0);
    ASSERT_TRUE(waitForLaneState(engine, batches, lane, WorkerState::Stopped))
        << "the lane never showed the stop";
    EXPECT_EQ(processState(stopped), 'T');
    const auto stop = lastState(engine.store()->laneEvents(lane));
    EXPECT_EQ(stop->arg, SIGSTOP) << "the stop records the signal that stopped it";

    // Continued, it is back in the state it was stopped in.
    ASSERT_EQ(::kill(stopped, SIGCONT), 0);
    ASSERT_TRUE(waitForLaneState(engine, batches, lane, before->workerState()))
        << "the lane stayed " << toString(lastState(engine.store()->laneEvents(lane))->workerState());

    // Stopped again, a cancel still ends it: SIGTERM stays pending, the SIGKILL after the grace period works.
    ASSERT_EQ(::kill(stopped, SIGSTOP), 0);
    ASSERT_TRUE(waitForLaneState(engine, batches, lane, WorkerState::Stopped));
    const std::int64_t cancelAt = monotonicNs();
    engine.cancel();
    ASSERT_TRUE(finished.wait(10'000));
    EXPECT_LT(static_cast<double>(monotonicNs() - cancelAt) / 1e6, 2000.0);
    const auto result = finished.takeFirst().at(0).value<RunResultPtr>();
    EXPECT_TRUE(result->cancelled);
    const WorkerResult* killed = workerByPid(*result, stopped);
    ASSERT_NE(killed, nullptr);
    EXPECT_EQ(killed->termSignal, SIGKILL);
    EXPECT_FALSE(killed->crashed) << "stopped by the engine, not crashed";
    const auto events = engine.store()->laneEvents(lane);
    expectValidLane(events, killed->info);
    std::vector<WorkerState> states;
    for (const Event& e : events) {
        if (e.kind == EventKind::State && e.workerState() != WorkerState::Starting)
            states.push_back(e.workerState());
    }
    const std::vector<WorkerState> expected = {before->workerState(), WorkerState::Stopped,
        before->workerState(), WorkerState::Stopped, WorkerState::Exited};
    ASSERT_GE(states.size(), expected.size());
    EXPECT_TRUE(std::equal(
        expected.begin(), expected.end(), states.end() - static_cast<std::ptrdiff_t>(expected.size())))
        << "the lane's last states are not running, stopped, running, stopped, exited";
    // Nobody else was stopped.
    for (const WorkerResult& w : result->workers) {
        if (w.info.pid == stopped)
            continue;
        for (const Event& e : engine.store()->laneEvents(w.info.id))
            EXPECT_NE(e.workerState(), WorkerState::Stopped) << w.info.name.toStdString();
    }
    EXPECT_TRUE(childrenOf(::getpid()).empty()) << describe(childrenOf(::getpid()));
}

TEST(SupervisedFaults, AStoppedConsumerShowsStoppedAndTheItemsGoOnOnceContinued)
{
    // The daemons scenario's children are watched by ChildSupervisor, not the pool.
    RunPlanInput input;
    input.scenario = QStringLiteral("daemons");
    input.workers = QStringLiteral("2");
    input.params = {QStringLiteral("items=4"), QStringLiteral("item-ms=1500"), QStringLiteral("produce-ms=0"),
        QStringLiteral("kill-every=0"), QStringLiteral("resize-to=0")};
    RunPlan plan;
    const auto refused = makeRunPlan(input, ScenarioCatalogue::builtin(), &plan);
    ASSERT_FALSE(refused) << refused->toStdString();
    ASSERT_EQ(plan.runs.size(), 1);
    Engine engine;
    QSignalSpy batches(&engine, &Engine::batchReady);
    QSignalSpy finished(&engine, &Engine::runFinished);
    ASSERT_TRUE(engine.start(plan.runs.front()).isEmpty());
    // A consumer inside an item: its latest task event is a TaskBegin (a state may follow it).
    pid_t consumer = 0;
    const std::int64_t deadline = monotonicNs() + 20'000'000'000;
    while (consumer == 0 && monotonicNs() < deadline) {
        for (const WorkerInfo& info : engine.store()->workers()) {
            if (info.kind != WorkerKind::Process || info.role != WorkerRole::Worker)
                continue;
            const auto events = engine.store()->laneEvents(info.id);
            const auto task = std::find_if(events.rbegin(), events.rend(), [](const Event& e) {
                return e.kind == EventKind::TaskBegin || e.kind == EventKind::TaskEnd;
            });
            if (task != events.rend() && task->kind == EventKind::TaskBegin)
                consumer = info.pid;
        }
        if (consumer == 0)
            batches.wait(50);
    }
    ASSERT_GT(consumer, 0) << "no consumer began an item";
    const std::uint32_t lane = laneOf(engine, consumer);
    const auto before = lastState(engine.store()->laneEvents(lane));
    ASSERT_TRUE(before);

    // Stopped and continued within its 1.5 s item: the lane shows both.
    ASSERT_EQ(::kill(consumer, SIGSTOP), 0);
    ASSERT_TRUE(waitForLaneState(engine, batches, lane, WorkerState::Stopped));
    ASSERT_EQ(::kill(consumer, SIGCONT), 0);
    ASSERT_TRUE(waitForLaneState(engine, batches, lane, before->workerState()));

    ASSERT_TRUE(finished.wait(60'000));
    const auto result = finished.takeFirst().at(0).value<RunResultPtr>();
    EXPECT_TRUE(result->succeeded()) << result->error.toStdString();
    EXPECT_EQ(result->tasks.size(), 4u) << "every item consumed";
    const WorkerResult* w = workerByPid(*result, consumer);
    ASSERT_NE(w, nullptr);
    EXPECT_FALSE(w->crashed) << w->exitReason.toStdString();
    EXPECT_GE(w->tasksDone, 1u);
    const auto events = engine.store()->laneEvents(lane);
    EXPECT_TRUE(std::any_of(events.begin(), events.end(), [](const Event& e) {
        return e.kind == EventKind::State && e.workerState() == WorkerState::Stopped;
    }));
    EXPECT_TRUE(std::is_sorted(
        events.begin(), events.end(), [](const Event& x, const Event& y) { return x.tNs < y.tNs; }));
    EXPECT_EQ(lastState(events)->workerState(), WorkerState::Exited);
    EXPECT_TRUE(childrenOf(::getpid()).empty()) << describe(childrenOf(::getpid()));
}

TEST_P(ProcessFaults, TimeoutAndADestroyedEngineEndEveryChild)
{
    RunSpec s = spec(Model::ProcessPool, GetParam(), 2,
        {{WorkloadKind::IsPrime, kEndlessPrime}, {WorkloadKind::IsPrime, kEndlessPrime}});
    s.timeoutMs = 400;
    {
        Engine engine;
        const RunResultPtr result = runToEnd(engine, s, 10'000);
        ASSERT_TRUE(result);
        EXPECT_TRUE(result->timedOut);
        EXPECT_LT(result->wallS(), 2.5);
    }
    EXPECT_TRUE(childrenOf(::getpid()).empty()) << describe(childrenOf(::getpid()));

    s.timeoutMs = 0;
    auto engine = std::make_unique<Engine>();
    QSignalSpy batches(engine.get(), &Engine::batchReady);
    ASSERT_TRUE(engine->start(s).isEmpty());
    ASSERT_GT(waitForProcessInTask(*engine, batches), 0);
    const std::int64_t before = monotonicNs();
    engine.reset();
    EXPECT_LT(static_cast<double>(monotonicNs() - before) / 1e6, 1500.0);
    EXPECT_TRUE(childrenOf(::getpid()).empty()) << describe(childrenOf(::getpid()));
}

TEST_P(ProcessFaults, AWorkerThatExitsEarlyIsCrashedWithItsStatus)
{
    MisbehavingWorker worker(QStringLiteral("exit-early"));
    RunSpec s = spec(Model::ProcessPool, GetParam(), 2, primeTasks({7, 11, 13}));
    Engine engine;
    const RunResultPtr result = runToEnd(engine, s);
    ASSERT_TRUE(result);
    EXPECT_FALSE(result->error.isEmpty()) << "a pool whose every worker died must say so";
    EXPECT_EQ(result->tasks.size(), 0u);
    EXPECT_EQ(result->lostTasks.size(), 3u);
    for (const WorkerResult& w : result->workers) {
        EXPECT_TRUE(w.crashed);
        EXPECT_EQ(w.exitStatus, 3);
        EXPECT_TRUE(w.exitReason.contains(QLatin1String("status 3"))) << w.exitReason.toStdString();
        expectValidLane(engine.store()->laneEvents(w.info.id), w.info, WorkerState::Crashed);
    }
    EXPECT_TRUE(childrenOf(::getpid()).empty());
}

INSTANTIATE_TEST_SUITE_P(Process, ProcessFaults,
    ::testing::Values(StartMethod::Spawn, StartMethod::ForkServer), [](const auto& param) {
        std::string name(toString(param.param));
        std::erase(name, '-');
        return name;
    });

class ProcessMalformed : public ::testing::TestWithParam<std::pair<const char*, const char*>> { };

TEST_P(ProcessMalformed, MalformedMessagesAreRejectedAndTheChildKilled)
{
    const auto [mode, reason] = GetParam();
    MisbehavingWorker worker(QString::fromLatin1(mode));
    for (StartMethod method : {StartMethod::Spawn, StartMethod::ForkServer}) {
        SCOPED_TRACE(std::string(toString(method)));
        RunSpec s = spec(Model::Processes, method, 2, primeTasks({7, 11}));
        Engine engine;
        const RunResultPtr result = runToEnd(engine, s);
        ASSERT_TRUE(result) << "the run did not finish";
        EXPECT_FALSE(result->error.isEmpty());
        EXPECT_EQ(result->lostTasks.size(), 2u);
        ASSERT_EQ(result->workers.size(), 2u);
        for (const WorkerResult& w : result->workers) {
            EXPECT_TRUE(w.crashed);
            EXPECT_EQ(w.termSignal, SIGKILL);
            EXPECT_TRUE(w.exitReason.contains(QLatin1String(reason))) << w.exitReason.toStdString();
            expectValidLane(engine.store()->laneEvents(w.info.id), w.info, WorkerState::Crashed);
        }
        EXPECT_TRUE(childrenOf(::getpid()).empty()) << describe(childrenOf(::getpid()));
    }
}

INSTANTIATE_TEST_SUITE_P(Process, ProcessMalformed,
    ::testing::Values(std::pair {"bad-magic", "bad magic"}, std::pair {"bad-version", "protocol version 3"},
        std::pair {"bad-length", "bad length"}, std::pair {"unknown-type", "unknown message type"},
        std::pair {"truncated", "truncated"}, std::pair {"short-header", "truncated"},
        std::pair {"oversize", "exceeds the maximum"}, std::pair {"wrong-size", "bad length"},
        std::pair {"unexpected", "Result before Ready"}),
    [](const auto& param) {
        std::string name = param.param.first;
        std::erase(name, '-');
        return name;
    });

TEST(ProcessLifecycle, TheForkServerKilledMidRunIsReportedAndTheNextRunWorks)
{
    // What a user needs: the children already forked are ours (CLONE_PARENT),
    // so their work completes and they are reaped like any other; the run
    // still fails, naming the fork server and how it died, because the start
    // method it was asked for broke under it. The next run starts a new server.
    std::vector<TaskSpec> tasks(4, {WorkloadKind::IsPrime, kSlowPrime});
    RunSpec s = spec(Model::Processes, StartMethod::ForkServer, 2, tasks);
    Engine engine;
    QSignalSpy batches(&engine, &Engine::batchReady);
    QSignalSpy finished(&engine, &Engine::runFinished);
    ASSERT_TRUE(engine.start(s).isEmpty());
    ASSERT_GT(waitForProcessInTask(engine, batches), 0);
    // Forked children share the server's command line; the server is the one without a lane.
    std::set<pid_t> lanes;
    for (const WorkerInfo& info : engine.store()->workers())
        lanes.insert(info.pid);
    pid_t server = 0;
    const std::vector<Proc> before = childrenOf(::getpid());
    for (const Proc& p : before) {
        if (p.cmdline.find("--fork-server") != std::string::npos && lanes.count(p.pid) == 0)
            server = p.pid;
    }
    ASSERT_GT(server, 0) << describe(before);
    // Not the server's children: nothing is orphaned when it goes.
    for (pid_t pid : lanes) {
        EXPECT_TRUE(std::any_of(before.begin(), before.end(), [&](const Proc& p) { return p.pid == pid; }))
            << "worker " << pid << " is not a child of this process";
    }
    ASSERT_EQ(::kill(server, SIGKILL), 0);
    ASSERT_TRUE(finished.wait(60'000));
    const auto result = finished.takeFirst().at(0).value<RunResultPtr>();
    EXPECT_FALSE(result->succeeded());
    EXPECT_TRUE(result->error.contains(QLatin1String("fork server"))) << result->error.toStdString();
    EXPECT_TRUE(result->error.contains(QStringLiteral("pid %1").arg(server))) << result->error.toStdString();
    EXPECT_TRUE(result->error.contains(QLatin1String("signal 9"))) << result->error.toStdString();
    EXPECT_EQ(result->tasks.size(), tasks.size());
    EXPECT_TRUE(result->lostTasks.empty());
    for (const WorkerResult& w : result->workers) {
        EXPECT_FALSE(w.crashed) << w.info.name.toStdString() << ": " << w.exitReason.toStdString();
        expectValidLane(engine.store()->laneEvents(w.info.id), w.info);
    }
    EXPECT_TRUE(childrenOf(::getpid()).empty()) << describe(childrenOf(::getpid()));
    for (pid_t pid : lanes)
        EXPECT_NE(::kill(pid, 0), 0) << "worker " << pid << " outlived its run";

    const RunResultPtr next
        = runToEnd(engine, spec(Model::Processes, StartMethod::ForkServer, 2, primeTasks({7, 8})));
    ASSERT_TRUE(next);
    EXPECT_TRUE(next->succeeded()) << next->error.toStdString();
    ASSERT_EQ(next->tasks.size(), 2u);
    EXPECT_EQ(next->tasks[0].result, 1);
    EXPECT_EQ(next->tasks[1].result, 0);
    EXPECT_TRUE(childrenOf(::getpid()).empty()) << describe(childrenOf(::getpid()));
}

TEST(ProcessLifecycle, AMissingWorkerBinaryFailsTheRunNamingThePath)
{
    qputenv("SPINDLE_WORKER", "/nonexistent/spindle-worker");
    RunSpec s = spec(Model::Processes, StartMethod::Spawn, 2, primeTasks({7, 11}));
    Engine engine;
    const RunResultPtr result = runToEnd(engine, s);
    qunsetenv("SPINDLE_WORKER");
    ASSERT_TRUE(result);
    EXPECT_FALSE(result->succeeded());
    EXPECT_TRUE(result->error.contains(QLatin1String("/nonexistent/spindle-worker")))
        << result->error.toStdString();
    EXPECT_EQ(result->lostTasks.size(), 2u);
}

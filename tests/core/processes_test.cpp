// The process models end to end: processes, process-pool and
// coroutines+executor compute the right answers with both start methods,
// record honest lanes, keep the loop free, survive crashed and misbehaving
// children, and never leave a child, a thread or an fd behind.

#include "engine.h"
#include "runtime/processchannel.h"
#include "scenarios/runplan.h"
#include "scenarios/scenariocatalogue.h"
#include "stream/sharedring.h"
#include "testsupport.h"
#include "workloads/primecalibration.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <csignal>
#include <fcntl.h>
#include <map>
#include <set>
#include <sstream>
#include <sys/socket.h>
#include <unistd.h>

using namespace spindle;
using spindle::test::referenceIsPrime;
using spindle::test::runToEnd;

namespace {

const std::vector<std::int64_t> kNumbers = {
    2,
    3,
    4,
    25,
    999'999'000'001,
    1'000'000'007,
    1'000'000'000'039,
    1'000'000'000'037,
    999'999'999'989,
    12'345'678'987,
    100'000'000'003,
    999'983LL * 999'979LL,
    1'000'003LL * 1'000'033LL,
};
// About 0.1 s of trial division each, more under a sanitizer.
constexpr std::int64_t kSlowPrime = 1'000'000'000'000'037;
// Several seconds of trial division: only ever cancelled.
constexpr std::int64_t kEndlessPrime = 9'223'372'036'854'775'783; // the largest prime below 2^63

struct Proc {
    pid_t pid = 0;
    pid_t ppid = 0;
    char state = '?';
    std::string cmdline;
};

// Every process whose parent is `parent`, zombies included (/proc/*/stat).
std::vector<Proc> childrenOf(pid_t parent)
{
    std::vector<Proc> out;
    QDir proc(QStringLiteral("/proc"));
    for (const QString& name : proc.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        bool ok = false;
        const int pid = name.toInt(&ok);
        if (!ok)
            continue;
        QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const std::string text = stat.readAll().toStdString();
        const auto close = text.rfind(')');
        if (close == std::string::npos || close + 2 >= text.size())
            continue;
        std::istringstream rest(text.substr(close + 2));
        Proc p;
        p.pid = pid;
        rest >> p.state >> p.ppid;
        if (p.ppid != parent)
            continue;
        QFile cmd(QStringLiteral("/proc/%1/cmdline").arg(pid));
        if (cmd.open(QIODevice::ReadOnly))
            p.cmdline = cmd.readAll().replace('\0', ' ').toStdString();
        out.push_back(p);
    }
    return out;
}

std::string describe(const std::vector<Proc>& procs)
{
    std::string text;
    for (const Proc& p : procs)
        text += std::to_string(p.pid) + " [" + p.state + "] " + p.cmdline + "\n";
    return text;
}

RunSpec spec(Model model, StartMethod method, int workers, std::vector<TaskSpec> tasks)
{
    RunSpec s;
    s.model = model;
    s.startMethod = method;
    s.workers = workers;
    s.tasks = std::move(tasks);
    return s;
}

std::vector<TaskSpec> primeTasks(const std::vector<std::int64_t>& numbers)
{
    std::vector<TaskSpec> tasks;
    for (std::int64_t n : numbers)
        tasks.push_back({WorkloadKind::IsPrime, n});
    return tasks;
}

// As engine_test: times never go back, Starting first, no repeated state,
// tasks in pairs, and the lane ends with `last`.
void expectValidLane(
    const std::vector<Event>& lane, const WorkerInfo& info, WorkerState last = WorkerState::Exited)
{
    SCOPED_TRACE(info.name.toStdString());
    ASSERT_FALSE(lane.empty());
    std::int64_t lastT = lane.front().tNs;
    std::optional<WorkerState> state;
    bool inTask = false;
    for (const Event& e : lane) {
        EXPECT_GE(e.tNs, lastT) << "time went backwards at " << toString(e.kind);
        lastT = e.tNs;
        if (e.kind == EventKind::State) {
            EXPECT_NE(state, std::optional<WorkerState>(WorkerState::Exited)) << "state after exited";
            if (!state)
                EXPECT_EQ(e.workerState(), WorkerState::Starting);
            else
                EXPECT_NE(*state, e.workerState()) << "repeated state " << toString(e.workerState());
            state = e.workerState();
        } else if (e.kind == EventKind::TaskBegin) {
            EXPECT_FALSE(inTask) << "task began inside a task";
            inTask = true;
        } else if (e.kind == EventKind::TaskEnd) {
            EXPECT_TRUE(inTask) << "task ended outside a task";
            inTask = false;
        }
    }
    EXPECT_EQ(state, std::optional<WorkerState>(last)) << "lane does not end with " << toString(last);
    EXPECT_FALSE(inTask);
}

std::optional<Event> firstOf(const std::vector<Event>& lane, EventKind kind)
{
    for (const Event& e : lane) {
        if (e.kind == kind)
            return e;
    }
    return std::nullopt;
}

// Waits (processing events) until some process lane is inside a task; returns its pid.
pid_t waitForProcessInTask(Engine& engine, QSignalSpy& batches, int timeoutMs = 20'000)
{
    const std::int64_t deadline = monotonicNs() + std::int64_t {timeoutMs} * 1'000'000;
    while (monotonicNs() < deadline) {
        for (const WorkerInfo& info : engine.store()->workers()) {
            if (info.kind != WorkerKind::Process || info.role != WorkerRole::Worker)
                continue;
            const auto lane = engine.store()->laneEvents(info.id);
            if (!lane.empty() && lane.back().kind == EventKind::TaskBegin)
                return info.pid;
        }
        batches.wait(200);
    }
    return 0;
}

const WorkerResult* workerByPid(const RunResult& result, pid_t pid)
{
    for (const WorkerResult& w : result.workers) {
        if (w.info.pid == pid)
            return &w;
    }
    return nullptr;
}

// A wrapper that runs the real spindle-worker with a test-only misbehaviour.
class MisbehavingWorker {
public:
    explicit MisbehavingWorker(const QString& mode)
    {
        m_script = m_dir.filePath(QStringLiteral("worker.sh"));
        QFile file(m_script);
        file.open(QIODevice::WriteOnly);
        file.write(QStringLiteral("#!/bin/sh\nexec '%1/spindle-worker' --test-misbehave=%2 \"$@\"\n")
                       .arg(QStringLiteral(SPINDLE_BIN_DIR), mode)
                       .toUtf8());
        file.close();
        file.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        qputenv("SPINDLE_WORKER", QFile::encodeName(m_script));
    }
    ~MisbehavingWorker() { qunsetenv("SPINDLE_WORKER"); }

private:
    QTemporaryDir m_dir;
    QString m_script;
};

struct ModelCase {
    Model model;
    StartMethod method;
    ExecutorKind executor = ExecutorKind::Process;
};

std::string caseName(const ModelCase& c)
{
    std::string name(toString(c.model));
    if (c.model == Model::CoroutinesExecutor)
        name += std::string("_") + std::string(toString(c.executor));
    if (c.model != Model::CoroutinesExecutor || c.executor == ExecutorKind::Process)
        name += std::string("_") + std::string(toString(c.method));
    std::erase_if(name, [](char ch) { return ch == '-' || ch == '+'; });
    return name;
}

class ProcessModels : public ::testing::TestWithParam<ModelCase> { };

} // namespace

TEST(ProcessSharedRing, ChildViewWritesWhatTheParentDrains)
{
    QString error;
    auto parent = SharedRing::create(64, &error);
    ASSERT_TRUE(parent) << error.toStdString();
    auto child = SharedRing::attach(parent->fd());
    ASSERT_TRUE(child);
    EXPECT_EQ(child->ring().capacity(), 64u);
    EventWriter writer(&child->ring(), 7);
    writer.record(EventKind::TaskBegin, 42);
    writer.state(WorkerState::Running);
    auto shared = SharedRing::share(parent);
    std::vector<Event> out;
    EXPECT_EQ(shared->drainInto(out), 2u);
    EXPECT_EQ(out[0].worker, 7u);
    EXPECT_EQ(out[0].arg, 42);
    const auto tail = parent->inspectTail();
    EXPECT_TRUE(tail.wroteAny);
    EXPECT_TRUE(tail.taskOpen);
    EXPECT_EQ(tail.lastState, std::optional<WorkerState>(WorkerState::Running));
    // Sealed: a child cannot shrink the memory under the parent's mapping.
    EXPECT_NE(::ftruncate(parent->fd(), 0), 0);
    int notARing[2];
    ASSERT_EQ(::pipe(notARing), 0);
    EXPECT_FALSE(SharedRing::attach(notARing[0]));
    ::close(notARing[0]);
    ::close(notARing[1]);
}

TEST(ProcessProtocol, ChannelRejectsEveryKindOfBrokenPacket)
{
    ProcessChannel ours;
    int theirFd = -1;
    std::string why;
    ASSERT_TRUE(ProcessChannel::makePair(&ours, &theirFd, &why)) << why;
    ProcessChannel theirs(theirFd);
    ours.setNonBlocking(true);

    wire::Result sent {};
    sent.jobId = 9;
    sent.result = -5;
    ASSERT_TRUE(theirs.send(sent));
    ProcessChannel::Frame frame;
    ASSERT_EQ(ours.receive(&frame), ProcessChannel::Status::Message);
    EXPECT_EQ(frame.type, wire::MessageType::Result);
    EXPECT_EQ(frame.as<wire::Result>().result, -5);
    EXPECT_EQ(ours.receive(&frame), ProcessChannel::Status::WouldBlock);

    auto raw = [&](std::uint32_t magic, std::uint16_t version, std::uint16_t type, std::uint32_t length,
                   std::size_t payload) {
        std::string bytes(sizeof(wire::Header) + payload, 'x');
        const wire::Header h {magic, version, type, length};
        std::memcpy(bytes.data(), &h, sizeof h);
        return bytes;
    };
    const auto result = static_cast<std::uint16_t>(wire::MessageType::Result);
    const std::vector<std::pair<std::string, const char*>> broken = {
        {raw(0x12345678, wire::kVersion, result, 32, 32), "bad magic"},
        {raw(wire::kMagic, 99, result, 32, 32), "protocol version 99"},
        {raw(wire::kMagic, wire::kVersion, result, 1000, 32), "bad length 1000"},
        {raw(wire::kMagic, wire::kVersion, result, 32, 10), "truncated"},
        {raw(wire::kMagic, wire::kVersion, result, 32, 32).substr(0, 5), "truncated"},
        {raw(wire::kMagic, wire::kVersion, 0x4444, 32, 32), "unknown message type"},
        {raw(wire::kMagic, wire::kVersion, result, 8, 8), "bad length"},
        {raw(wire::kMagic, wire::kVersion, result, 32, 32) + std::string(1000, 'y'), "exceeds the maximum"},
    };
    for (const auto& [bytes, expected] : broken) {
        ASSERT_TRUE(theirs.sendRaw(bytes.data(), bytes.size()));
        EXPECT_EQ(ours.receive(&frame), ProcessChannel::Status::Malformed) << expected;
        EXPECT_NE(ours.error().find(expected), std::string::npos) << ours.error() << " lacks " << expected;
    }

    // Fds where none belong are closed, not leaked.
    const int fdsBefore = spindle::test::fdCount();
    const int extra[2] = {::dup(0), ::dup(0)};
    ASSERT_TRUE(theirs.send(sent, extra, 2));
    ::close(extra[0]);
    ::close(extra[1]);
    EXPECT_EQ(ours.receive(&frame), ProcessChannel::Status::Malformed);
    EXPECT_NE(ours.error().find("file descriptors"), std::string::npos) << ours.error();
    EXPECT_EQ(spindle::test::fdCount(), fdsBefore);

    theirs.close();
    EXPECT_EQ(ours.receive(&frame), ProcessChannel::Status::Closed);
}

TEST(ProcessValidation, StartMethodAndExecutorAreChecked)
{
    RunSpec s = spec(Model::Processes, StartMethod::Spawn, 1, primeTasks({7}));
    EXPECT_FALSE(validate(s));
    EXPECT_TRUE(isModelAvailable(Model::Processes));
    EXPECT_TRUE(isModelAvailable(Model::ProcessPool));
    EXPECT_TRUE(isModelAvailable(Model::CoroutinesExecutor));
    s.startMethod = static_cast<StartMethod>(7);
    const auto bad = validate(s);
    ASSERT_TRUE(bad);
    EXPECT_TRUE(bad->contains(QLatin1String("start-method"))) << bad->toStdString();
    EXPECT_TRUE(bad->contains(QLatin1String("fork-server"))) << bad->toStdString();
    s.startMethod = StartMethod::ForkServer;
    s.executor = static_cast<ExecutorKind>(5);
    ASSERT_TRUE(validate(s));
    EXPECT_TRUE(validate(s)->contains(QLatin1String("executor")));
    EXPECT_EQ(parseStartMethod("fork-server"), StartMethod::ForkServer);
    EXPECT_EQ(toString(StartMethod::Spawn), "spawn");
    EXPECT_EQ(parseExecutorKind("process"), ExecutorKind::Process);
    EXPECT_FALSE(parseExecutorKind("fiber"));
}

TEST_P(ProcessModels, ComputesEveryPrimeCorrectlyAndRecordsHonestLanes)
{
    const ModelCase c = GetParam();
    RunSpec s = spec(c.model, c.method, 3, primeTasks(kNumbers));
    s.executor = c.executor;
    Engine engine;
    const RunResultPtr result = runToEnd(engine, s);
    ASSERT_TRUE(result);
    EXPECT_TRUE(result->succeeded()) << result->error.toStdString();
    EXPECT_TRUE(result->lostTasks.empty());
    ASSERT_EQ(result->tasks.size(), kNumbers.size());
    for (std::size_t i = 0; i < kNumbers.size(); ++i) {
        const TaskResult& t = result->tasks[i];
        EXPECT_EQ(t.index, i);
        EXPECT_EQ(t.result != 0, referenceIsPrime(static_cast<std::uint64_t>(kNumbers[i]))) << kNumbers[i];
        EXPECT_FALSE(t.cancelled);
        EXPECT_LE(t.beginNs, t.endNs);
    }

    const bool processes = c.model != Model::CoroutinesExecutor || c.executor == ExecutorKind::Process;
    const auto store = engine.store();
    int processLanes = 0;
    std::int64_t childCpu = 0;
    std::set<pid_t> pids;
    for (const WorkerResult& w : result->workers) {
        expectValidLane(store->laneEvents(w.info.id), w.info);
        if (w.info.kind != WorkerKind::Process)
            continue;
        SCOPED_TRACE(w.info.name.toStdString());
        ++processLanes;
        pids.insert(w.info.pid);
        EXPECT_NE(w.info.pid, ::getpid());
        EXPECT_EQ(w.info.tid, w.info.pid);
        EXPECT_FALSE(w.crashed) << w.exitReason.toStdString();
        // The start cost, as the lane's first event says it, as the result says it.
        const auto lane = store->laneEvents(w.info.id);
        ASSERT_EQ(lane.front().kind, EventKind::Spawn);
        EXPECT_EQ(lane.front().arg, w.spawnNs);
        EXPECT_GT(w.spawnNs, 0);
        EXPECT_LT(w.spawnNs, 5'000'000'000);
        EXPECT_EQ(lane.front().tNs, w.startNs);
        EXPECT_GT(w.cpuNs, 0) << "no CPU time from the child's rusage";
        childCpu += w.cpuNs;
    }
    EXPECT_EQ(processLanes, processes ? 3 : 0);
    EXPECT_EQ(static_cast<int>(pids.size()), processLanes);
    EXPECT_GE(result->processCpuNs, childCpu);
    EXPECT_EQ(result->eventsDropped, 0u);
    EXPECT_EQ(result->eventsRecorded, store->eventCount());
    EXPECT_TRUE(childrenOf(::getpid()).empty()) << describe(childrenOf(::getpid()));
}

INSTANTIATE_TEST_SUITE_P(Process, ProcessModels,
    ::testing::Values(ModelCase {Model::Processes, StartMethod::Spawn},
        ModelCase {Model::Processes, StartMethod::ForkServer},
        ModelCase {Model::ProcessPool, StartMethod::Spawn},
        ModelCase {Model::ProcessPool, StartMethod::ForkServer},
        ModelCase {Model::CoroutinesExecutor, StartMethod::Spawn, ExecutorKind::Process},
        ModelCase {Model::CoroutinesExecutor, StartMethod::ForkServer, ExecutorKind::Process},
        ModelCase {Model::CoroutinesExecutor, StartMethod::Spawn, ExecutorKind::Thread}),
    [](const auto& param) { return caseName(param.param); });

TEST(ProcessModelsPython, EachChildHasItsOwnGilSoProcessesScale)
{
    // Two CPU-bound children under the python flavour never wait for a GIL.
    RunSpec s = spec(Model::Processes, StartMethod::Spawn, 2, primeTasks({kSlowPrime, kSlowPrime}));
    Engine engine;
    const RunResultPtr result = runToEnd(engine, s);
    ASSERT_TRUE(result && result->succeeded());
    for (const WorkerResult& w : result->workers) {
        EXPECT_EQ(w.gil.waitNs, 0) << w.info.name.toStdString();
        EXPECT_GE(w.gil.acquisitions, 1u);
        for (const Event& e : engine.store()->laneEvents(w.info.id))
            EXPECT_NE(e.workerState(), WorkerState::WaitingGil);
    }
}

TEST(ProcessSpinner, TheSpinnerRunsInAChildOfItsOwn)
{
    RunSpec s = spec(Model::Processes, StartMethod::Spawn, 1,
        {{WorkloadKind::IsPrime, primeTakingSeconds(0.6)}, {WorkloadKind::IsPrime, 7}});
    s.spinner = true;
    Engine engine;
    const RunResultPtr result = runToEnd(engine, s);
    ASSERT_TRUE(result && result->succeeded()) << (result ? result->error.toStdString() : "");
    ASSERT_TRUE(result->spinner);
    const auto spinner = std::find_if(result->workers.begin(), result->workers.end(),
        [](const WorkerResult& w) { return w.info.role == WorkerRole::Spinner; });
    ASSERT_NE(spinner, result->workers.end());
    EXPECT_EQ(spinner->info.kind, WorkerKind::Process);
    EXPECT_NE(spinner->info.pid, ::getpid());
    EXPECT_GE(result->spinner->frames, 3u);
    EXPECT_LT(result->spinner->maxGapNs, 300'000'000);
    expectValidLane(engine.store()->laneEvents(spinner->info.id), spinner->info);
}

class CoroutinesExecutorSpinner : public ::testing::TestWithParam<ExecutorKind> { };

TEST_P(CoroutinesExecutorSpinner, TheLoopKeepsTurningWhileIsPrimeRunsInTheExecutor)
{
    // The spinner scenario's own run: slow=executor-thread|executor-process.
    RunPlanInput input;
    input.scenario = QStringLiteral("spinner");
    input.models = QStringLiteral("coroutines+executor");
    input.params = {GetParam() == ExecutorKind::Thread ? QStringLiteral("slow=executor-thread")
                                                       : QStringLiteral("slow=executor-process"),
        QStringLiteral("seconds=1")};
    RunPlan plan;
    const auto refused = makeRunPlan(input, ScenarioCatalogue::builtin(), &plan);
    ASSERT_FALSE(refused) << refused->toStdString();
    RunSpec s = plan.runs.front();
    EXPECT_EQ(s.executor, GetParam());
    EXPECT_TRUE(s.spinner);
    ASSERT_EQ(s.tasks.size(), 1u);
    EXPECT_EQ(s.tasks[0].kind, WorkloadKind::IsPrime);

    Engine engine;
    const RunResultPtr result = runToEnd(engine, s);
    ASSERT_TRUE(result && result->succeeded()) << (result ? result->error.toStdString() : "");
    ASSERT_EQ(result->tasks.size(), 1u);
    EXPECT_EQ(result->tasks[0].result, 1);
    ASSERT_TRUE(result->spinner);
    EXPECT_GE(result->spinner->frames, static_cast<std::uint64_t>(result->wallS() * 10 * 0.5));
    EXPECT_LT(result->spinner->maxGapNs, 300'000'000);
    // The work ran on an executor lane, not on the loop.
    const WorkerKind expected = GetParam() == ExecutorKind::Thread ? WorkerKind::Thread : WorkerKind::Process;
    const auto ran = std::find_if(result->workers.begin(), result->workers.end(),
        [&](const WorkerResult& w) { return w.info.id == result->tasks[0].worker; });
    ASSERT_NE(ran, result->workers.end());
    EXPECT_EQ(ran->info.kind, expected);
    for (const WorkerResult& w : result->workers)
        expectValidLane(engine.store()->laneEvents(w.info.id), w.info);
}

INSTANTIATE_TEST_SUITE_P(Process, CoroutinesExecutorSpinner,
    ::testing::Values(ExecutorKind::Thread, ExecutorKind::Process),
    [](const auto& param) { return std::string(toString(param.param)); });

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
    EXPECT_EQ(spindle::test::threadCount(), threadsBefore);
}

TEST_P(ProcessFaults, AStoppedWorkerDoesNotHoldUpACancel)
{
    // SIGSTOP leaves SIGTERM pending; the SIGKILL after the grace period ends it.
    RunSpec s = spec(Model::Processes, GetParam(), 2,
                     {{WorkloadKind::IsPrime, kEndlessPrime}, {WorkloadKind::IsPrime, kEndlessPrime}});
    Engine engine;
    QSignalSpy batches(&engine, &Engine::batchReady);
    QSignalSpy finished(&engine, &Engine::runFinished);
    ASSERT_TRUE(engine.start(s).isEmpty());
    const pid_t stopped = waitForProcessInTask(engine, batches);
    ASSERT_GT(stopped, 0);
    ASSERT_EQ(::kill(stopped, SIGSTOP), 0);
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
    expectValidLane(engine.store()->laneEvents(killed->info.id), killed->info);
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
        std::pair {"unexpected", "not given"}),
    [](const auto& param) {
        std::string name = param.param.first;
        std::erase(name, '-');
        return name;
    });

TEST(ProcessLifecycle, TheForkServerKilledMidRunIsReported)
{
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
    for (const Proc& p : childrenOf(::getpid())) {
        if (p.cmdline.find("--fork-server") != std::string::npos && lanes.count(p.pid) == 0)
            server = p.pid;
    }
    ASSERT_GT(server, 0) << describe(childrenOf(::getpid()));
    ASSERT_EQ(::kill(server, SIGKILL), 0);
    ASSERT_TRUE(finished.wait(60'000));
    const auto result = finished.takeFirst().at(0).value<RunResultPtr>();
    EXPECT_TRUE(result->error.contains(QLatin1String("fork server"))) << result->error.toStdString();
    EXPECT_TRUE(result->error.contains(QLatin1String("signal 9"))) << result->error.toStdString();
    // Its children are ours (CLONE_PARENT): they finish their work regardless.
    EXPECT_EQ(result->tasks.size(), tasks.size());
    EXPECT_TRUE(result->lostTasks.empty());
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

TEST(ProcessLifecycle, TwoHundredShortRunsLeaveNoFdThreadOrProcessBehind)
{
    Engine engine;
    // One run first, so that lazily created process-wide resources exist before counting.
    ASSERT_TRUE(runToEnd(engine, spec(Model::Processes, StartMethod::Spawn, 1, primeTasks({7}))));
    const int fdsBefore = spindle::test::fdCount();
    const int threadsBefore = spindle::test::threadCount();
    const Model models[] = {Model::Processes, Model::ProcessPool, Model::CoroutinesExecutor};
    for (int i = 0; i < 200; ++i) {
        RunSpec s = spec(models[i % 3], i % 2 == 0 ? StartMethod::Spawn : StartMethod::ForkServer, 2,
            primeTasks({7, 1'000'000'007}));
        s.executor = ExecutorKind::Process;
        const RunResultPtr result = runToEnd(engine, s);
        ASSERT_TRUE(result) << "run " << i;
        ASSERT_TRUE(result->succeeded()) << "run " << i << ": " << result->error.toStdString();
        ASSERT_EQ(result->tasks.size(), 2u);
    }
    EXPECT_EQ(spindle::test::fdCount(), fdsBefore);
    EXPECT_EQ(spindle::test::threadCount(), threadsBefore);
    EXPECT_TRUE(childrenOf(::getpid()).empty()) << describe(childrenOf(::getpid()));
}

// The process models end to end: processes, process-pool and
// coroutines+executor compute the right answers with both start methods,
// record honest lanes, and keep the loop free. What goes wrong with children
// (crashes, stops, misbehaviour, the fork server's death) is faults_test.cpp.

#include "engine.h"
#include "processtestsupport.h"
#include "runtime/processchannel.h"
#include "stream/sharedring.h"
#include "testsupport.h"
#include "workloads/primecalibration.h"

#include <gtest/gtest.h>

#include <cstring>
#include <set>
#include <sys/socket.h>
#include <unistd.h>

using namespace spindle;
using namespace spindle::test;

namespace {

const std::vector<std::int64_t>& kNumbers = spindle::test::kPrimesAndComposites;

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

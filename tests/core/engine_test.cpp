// The engine end to end: every model computes the right answers, records a
// valid timeline, can be cancelled and timed out, and refuses bad specs.

#include "engine.h"
#include "testsupport.h"

#include <QSignalSpy>

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

using namespace spindle;
using spindle::test::referenceIsPrime;
using spindle::test::runToEnd;

namespace {

const std::vector<std::int64_t>& kNumbers = spindle::test::kPrimesAndComposites;

RunSpec primesSpec(Model model, int workers, Flavour flavour = Flavour::Python)
{
    RunSpec spec;
    spec.model = model;
    spec.flavour = flavour;
    spec.workers = model == Model::Sequential ? 0 : workers;
    for (std::int64_t n : kNumbers)
        spec.tasks.push_back({WorkloadKind::IsPrime, n});
    return spec;
}

// Validity rules of a lane: times never go back; it starts with Starting and
// ends with Exited; no state repeats itself; tasks begin and end in pairs.
void expectValidLane(const std::vector<Event>& lane, const WorkerInfo& info)
{
    SCOPED_TRACE(info.name.toStdString());
    ASSERT_FALSE(lane.empty());
    std::int64_t lastT = lane.front().tNs;
    std::optional<WorkerState> state;
    bool inTask = false;
    bool exited = false;
    for (const Event& e : lane) {
        EXPECT_GE(e.tNs, lastT) << "time went backwards at " << toString(e.kind);
        lastT = e.tNs;
        if (e.kind == EventKind::State) {
            EXPECT_FALSE(exited) << "state " << toString(e.workerState()) << " after exited";
            if (!state)
                EXPECT_EQ(e.workerState(), WorkerState::Starting);
            else
                EXPECT_NE(*state, e.workerState()) << "repeated state " << toString(e.workerState());
            state = e.workerState();
            exited = state == WorkerState::Exited;
        } else if (e.kind == EventKind::TaskBegin) {
            EXPECT_FALSE(inTask) << "task began inside a task";
            inTask = true;
        } else if (e.kind == EventKind::TaskEnd) {
            EXPECT_TRUE(inTask) << "task ended outside a task";
            inTask = false;
        }
    }
    EXPECT_TRUE(exited) << "lane does not end with exited";
    EXPECT_FALSE(inTask);
}

class EngineModels : public ::testing::TestWithParam<std::tuple<Model, Flavour>> { };

} // namespace

TEST_P(EngineModels, ComputesEveryPrimeCorrectlyAndRecordsValidLanes)
{
    const auto [model, flavour] = GetParam();
    Engine engine;
    const RunResultPtr result = runToEnd(engine, primesSpec(model, 3, flavour));
    ASSERT_TRUE(result);
    EXPECT_TRUE(result->succeeded()) << result->error.toStdString();
    ASSERT_EQ(result->tasks.size(), kNumbers.size());
    std::set<std::uint32_t> workerIds;
    for (std::size_t i = 0; i < kNumbers.size(); ++i) {
        const TaskResult& t = result->tasks[i];
        EXPECT_EQ(t.index, i);
        EXPECT_EQ(t.arg, kNumbers[i]);
        EXPECT_EQ(t.result != 0, referenceIsPrime(static_cast<std::uint64_t>(kNumbers[i]))) << kNumbers[i];
        EXPECT_FALSE(t.cancelled);
        EXPECT_LE(t.beginNs, t.endNs);
        workerIds.insert(t.worker);
    }
    const int expectedLanes = model == Model::Sequential ? 1 : 3;
    EXPECT_LE(static_cast<int>(workerIds.size()), expectedLanes);

    const auto store = engine.store();
    int workLanes = 0;
    for (const WorkerInfo& info : store->workers()) {
        expectValidLane(store->laneEvents(info.id), info);
        if (info.kind != WorkerKind::Loop)
            ++workLanes;
    }
    EXPECT_EQ(workLanes, expectedLanes);
    EXPECT_EQ(result->eventsRecorded, store->eventCount());
    EXPECT_EQ(result->eventsDropped, 0u);
    EXPECT_GT(result->processCpuNs, 0);
    EXPECT_GT(result->wallS(), 0.0);
}

INSTANTIATE_TEST_SUITE_P(AllModels, EngineModels,
    ::testing::Combine(::testing::Values(Model::Sequential, Model::Threads, Model::ThreadPool,
                           Model::Coroutines, Model::Processes, Model::ProcessPool),
        ::testing::Values(Flavour::Python, Flavour::Native)),
    [](const auto& param) {
        std::string name(toString(std::get<0>(param.param)));
        name += std::string("_") + std::string(toString(std::get<1>(param.param)));
        std::erase(name, '-');
        return name;
    });

TEST(EngineCoroutines, BlockingSleepDelaysEveryOtherTaskOnTheLoop)
{
    // Coroutine 0 awaits a 50 ms sleep; coroutine 1 then blocks the loop.
    RunSpec spec;
    spec.model = Model::Coroutines;
    spec.workers = 2;
    spec.tasks = {{WorkloadKind::Sleep, 50}, {WorkloadKind::BlockingSleep, 300}};
    Engine engine;
    const RunResultPtr blocked = runToEnd(engine, spec);
    ASSERT_TRUE(blocked);
    const double sleeperS = blocked->tasks[0].elapsedS();
    EXPECT_GE(sleeperS, 0.29) << "the 50 ms sleeper was not held up by the blocked loop";
    ASSERT_TRUE(blocked->loopLag);
    EXPECT_GE(blocked->loopLag->maxNs, 240'000'000);

    spec.tasks = {{WorkloadKind::Sleep, 50}, {WorkloadKind::Sleep, 300}};
    const RunResultPtr cooperative = runToEnd(engine, spec);
    ASSERT_TRUE(cooperative);
    EXPECT_LT(cooperative->tasks[0].elapsedS(), 0.2) << "an awaited sleep must not hold up the loop";
    ASSERT_TRUE(cooperative->loopLag);
    EXPECT_LT(cooperative->loopLag->maxNs, 100'000'000);
    // Both sleeps overlapped: the run takes about the longer one, not the sum.
    EXPECT_LT(cooperative->wallS(), 0.34 + 0.1);
}

TEST(EngineCoroutines, SleepingCoroutinesOverlapOnOneThread)
{
    RunSpec spec;
    spec.model = Model::Coroutines;
    spec.workers = 200;
    for (int i = 0; i < 200; ++i)
        spec.tasks.push_back({WorkloadKind::Sleep, 200});
    Engine engine;
    const RunResultPtr result = runToEnd(engine, spec);
    ASSERT_TRUE(result);
    EXPECT_TRUE(result->succeeded());
    EXPECT_EQ(result->tasks.size(), 200u);
    EXPECT_LT(result->wallS(), 1.0) << "200 sleeps of 200 ms did not overlap";
}

TEST(EngineCoroutines, EachStartCostRunsFromItsSpawnToItsFirstInstruction)
{
    // Three coroutines spawned one after another: the first runs once the
    // loop does, the later ones after the tasks ahead of them yield.
    RunSpec spec;
    spec.model = Model::Coroutines;
    spec.workers = 3;
    spec.tasks = {{WorkloadKind::Sleep, 5}, {WorkloadKind::Sleep, 5}, {WorkloadKind::Sleep, 5}};
    Engine engine;
    const RunResultPtr result = runToEnd(engine, spec);
    ASSERT_TRUE(result);
    const auto store = engine.store();
    int lanes = 0;
    for (const WorkerResult& w : result->workers) {
        if (w.info.kind != WorkerKind::Coroutine)
            continue;
        SCOPED_TRACE(w.info.name.toStdString());
        ++lanes;
        const auto lane = store->laneEvents(w.info.id);
        // Starting is stamped before the coroutine is made and spawned, the
        // Spawn event when it first runs, carrying the cost measured from
        // the spawn: within that span, and above zero.
        const auto starting = std::find_if(lane.begin(), lane.end(), [](const Event& e) {
            return e.kind == EventKind::State && e.workerState() == WorkerState::Starting;
        });
        const auto spawn = std::find_if(
            lane.begin(), lane.end(), [](const Event& e) { return e.kind == EventKind::Spawn; });
        ASSERT_NE(starting, lane.end());
        ASSERT_NE(spawn, lane.end());
        EXPECT_EQ(spawn->arg, w.spawnNs);
        EXPECT_EQ(spawn->tNs, w.startNs);
        EXPECT_GT(w.spawnNs, 0);
        EXPECT_LE(w.spawnNs, spawn->tNs - starting->tNs);
    }
    EXPECT_EQ(lanes, 3);
}

class EngineCancel : public ::testing::TestWithParam<Model> { };

TEST_P(EngineCancel, CancelMidRunReturnsPromptlyAndLeavesNoThread)
{
    const int threadsBefore = spindle::test::threadCount();
    RunSpec spec;
    spec.model = GetParam();
    spec.workers = spec.model == Model::Sequential ? 0 : 2;
    spec.spinner = true;
    // Long CPU work and long sleeps: neither would end by itself for seconds.
    spec.tasks = {{WorkloadKind::IsPrime, 99'999'999'999'999'997}, {WorkloadKind::Sleep, 20'000},
        {WorkloadKind::IsPrime, 99'999'999'999'999'997}, {WorkloadKind::SumRandom, 90'000'000}};
    if (spec.model == Model::Coroutines)
        spec.tasks[1].kind = WorkloadKind::BlockingSleep;
    Engine engine;
    QSignalSpy batches(&engine, &Engine::batchReady);
    QSignalSpy finished(&engine, &Engine::runFinished);
    ASSERT_TRUE(engine.start(spec).isEmpty());
    ASSERT_TRUE(batches.wait(5000)) << "no batch arrived";
    // Let the run get going: wait until some batch carried task events.
    while (engine.store()->eventCount() < 4)
        ASSERT_TRUE(batches.wait(2000));
    const std::int64_t cancelAt = monotonicNs();
    engine.cancel();
    ASSERT_TRUE(finished.wait(5000));
    const double cancelMs = static_cast<double>(monotonicNs() - cancelAt) / 1e6;
    EXPECT_LT(cancelMs, 500.0);
    const auto result = finished.takeFirst().at(0).value<RunResultPtr>();
    EXPECT_TRUE(result->cancelled);
    EXPECT_FALSE(result->succeeded());
    EXPECT_FALSE(engine.isRunning());
    EXPECT_EQ(spindle::test::threadCountSettledTo(threadsBefore), threadsBefore)
        << "a thread outlived its run";
    for (const WorkerInfo& info : engine.store()->workers()) {
        const auto lane = engine.store()->laneEvents(info.id);
        ASSERT_FALSE(lane.empty());
        const auto lastState = std::find_if(
            lane.rbegin(), lane.rend(), [](const Event& e) { return e.kind == EventKind::State; });
        ASSERT_NE(lastState, lane.rend());
        EXPECT_EQ(lastState->workerState(), WorkerState::Exited) << info.name.toStdString();
    }
}

INSTANTIATE_TEST_SUITE_P(AllModels, EngineCancel,
    ::testing::Values(Model::Sequential, Model::Threads, Model::ThreadPool, Model::Coroutines,
        Model::Processes, Model::ProcessPool),
    [](const auto& param) {
        std::string name(toString(param.param));
        std::erase(name, '-');
        return name;
    });

TEST(EngineTimeout, TimeoutEndsTheRunAndSaysSo)
{
    RunSpec spec;
    spec.model = Model::Threads;
    spec.workers = 2;
    spec.timeoutMs = 200;
    spec.tasks = {{WorkloadKind::Sleep, 30'000}, {WorkloadKind::IsPrime, 99'999'999'999'999'997}};
    Engine engine;
    const RunResultPtr result = runToEnd(engine, spec, 5000);
    ASSERT_TRUE(result);
    EXPECT_TRUE(result->timedOut);
    EXPECT_FALSE(result->cancelled);
    EXPECT_LT(result->wallS(), 1.5);
    EXPECT_GE(result->wallS(), 0.19);
}

TEST(EngineValidation, RefusesInvalidSpecsNamingTheParameter)
{
    struct Case {
        std::function<void(RunSpec&)> change;
        std::vector<const char*> mustMention;
    };
    const std::vector<Case> cases = {
        {[](RunSpec& s) {
             s.model = Model::Threads;
             s.workers = 1025;
         },
            {"workers", "1024"}},
        {[](RunSpec& s) {
             s.model = Model::Coroutines;
             s.workers = 100'001;
         },
            {"workers", "100000"}},
        {[](RunSpec& s) {
             s.model = Model::Threads;
             s.workers = -1;
         },
            {"workers"}},
        {[](RunSpec& s) { s.workers = 3; }, {"workers", "sequential"}},
        {[](RunSpec& s) { s.tasks.clear(); }, {"tasks"}},
        {[](RunSpec& s) {
             s.tasks[0] = {WorkloadKind::IsPrime, -5};
         },
            {"task 1", "n", "-5"}},
        {[](RunSpec& s) {
             s.tasks[0] = {WorkloadKind::SumRandom, 0};
         },
            {"count"}},
        {[](RunSpec& s) {
             s.tasks[0] = {WorkloadKind::Sleep, 700'000};
         },
            {"ms", "600000"}},
        {[](RunSpec& s) { s.timeoutMs = -1; }, {"timeout-ms"}},
        {[](RunSpec& s) { s.switchIntervalUs = 10; }, {"switch-interval-us", "100"}},
        {[](RunSpec& s) {
             s.spinner = true;
             s.spinnerIntervalMs = 1;
         },
            {"spinner-interval-ms"}},
        {[](RunSpec& s) { s.napEvery = 0; }, {"nap-every"}},
    };
    Engine engine;
    QSignalSpy started(&engine, &Engine::runStarted);
    for (const Case& c : cases) {
        RunSpec spec = primesSpec(Model::Sequential, 0);
        c.change(spec);
        const QString error = engine.start(spec);
        ASSERT_FALSE(error.isEmpty());
        for (const char* word : c.mustMention)
            EXPECT_TRUE(error.contains(QLatin1String(word))) << error.toStdString() << " lacks " << word;
    }
    EXPECT_EQ(started.count(), 0);
    EXPECT_FALSE(engine.isRunning());
}

TEST(EngineValidation, RefusesASecondRunWhileOneIsActive)
{
    RunSpec spec;
    spec.model = Model::Threads;
    spec.workers = 1;
    spec.tasks = {{WorkloadKind::Sleep, 10'000}};
    Engine engine;
    QSignalSpy finished(&engine, &Engine::runFinished);
    ASSERT_TRUE(engine.start(spec).isEmpty());
    const QString second = engine.start(spec);
    EXPECT_TRUE(second.contains(QLatin1String("already"))) << second.toStdString();
    engine.cancel();
    ASSERT_TRUE(finished.wait(5000));
}

TEST(EngineBatches, AtMostSixtyBatchesPerSecondAndEveryEventDelivered)
{
    // Many short tasks on 4 threads: thousands of events per second.
    RunSpec spec;
    spec.model = Model::Threads;
    spec.workers = 4;
    spec.flavour = Flavour::Native;
    for (int i = 0; i < 4000; ++i)
        spec.tasks.push_back({WorkloadKind::SumRandom, 100'000});
    Engine engine;
    QSignalSpy batches(&engine, &Engine::batchReady);
    const RunResultPtr result = runToEnd(engine, spec);
    ASSERT_TRUE(result);
    ASSERT_GT(batches.count(), 1);
    std::uint64_t delivered = 0;
    std::int64_t firstT = 0;
    std::int64_t lastT = 0;
    std::uint64_t expectedSequence = 0;
    int paced = 0;
    for (const auto& args : batches) {
        const auto batch = args.at(0).value<EventBatchPtr>();
        EXPECT_EQ(batch->sequence, expectedSequence++);
        EXPECT_EQ(batch->runId, result->runId);
        delivered += batch->events.size();
        if (batch->last)
            break; // sent the moment the run ends, not paced
        if (firstT == 0)
            firstT = batch->tNs;
        lastT = batch->tNs;
        ++paced;
    }
    EXPECT_TRUE(batches.last().at(0).value<EventBatchPtr>()->last);
    EXPECT_EQ(delivered, result->eventsRecorded);
    EXPECT_GE(delivered, 4000u * 2);
    const double seconds = static_cast<double>(lastT - firstT) / 1e9;
    ASSERT_GT(seconds, 0.2) << "the run was too short to measure a rate";
    // n paced batches span n-1 intervals of at least 16 ms, each measured
    // from a clock read a few microseconds before the batch's stamp: 0.1 % of
    // slack for those.
    const double rate = static_cast<double>(paced - 1) / seconds;
    EXPECT_LE(rate, 62.5 * 1.001) << paced << " paced batches in " << seconds << " s";
}

TEST(EngineSpinner, ThreadSpinnerKeepsTickingBesideCpuWork)
{
    RunSpec spec;
    spec.model = Model::Sequential;
    spec.spinner = true;
    spec.tasks = {{WorkloadKind::SumRandom, 30'000'000}};
    Engine engine;
    const RunResultPtr result = runToEnd(engine, spec);
    ASSERT_TRUE(result && result->spinner);
    EXPECT_GE(result->spinner->frames, static_cast<std::uint64_t>(result->wallS() * 10 * 0.5));
    EXPECT_LT(result->spinner->maxGapNs, 300'000'000);
}

TEST(EngineSpinner, CoroutineSpinnerFreezesWhileTheLoopIsBlocked)
{
    RunSpec spec;
    spec.model = Model::Coroutines;
    spec.workers = 1;
    spec.spinner = true;
    spec.tasks = {{WorkloadKind::BlockingSleep, 600}};
    Engine engine;
    const RunResultPtr blocked = runToEnd(engine, spec);
    ASSERT_TRUE(blocked && blocked->spinner);
    EXPECT_EQ(blocked->spinner->frames, 0u) << "a frame was drawn while the loop was blocked";
    EXPECT_GE(blocked->spinner->maxGapNs, 590'000'000);

    spec.tasks = {{WorkloadKind::Sleep, 600}};
    const RunResultPtr awaited = runToEnd(engine, spec);
    ASSERT_TRUE(awaited && awaited->spinner);
    EXPECT_GE(awaited->spinner->frames, 4u);
    EXPECT_LT(awaited->spinner->maxGapNs, 300'000'000);
}

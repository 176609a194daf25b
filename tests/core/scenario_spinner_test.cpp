// spinner's lesson on the engine's real output, each variant built by the
// scenario exactly as `spindle run spinner --models M --param slow=S
// --param seconds=1` builds it (Fluent Python 19-1 ... 19-11): while slow()
// runs about a second, the thread, process, awaiting coroutine and offloading
// coroutine keep the spinner turning; the coroutine with a blocking sleep or
// CPU-bound is_prime draws no frame until slow() returns; the napping one
// turns, and pays for it in computation time.

#include "engine.h"
#include "processtestsupport.h"
#include "scenarios/runplan.h"
#include "scenarios/scenariocatalogue.h"
#include "testsupport.h"
#include "workloads/primecalibration.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>

using namespace spindle;
using namespace spindle::test;

namespace {

// A turning spinner's longest gap, generous for a busy 2-core machine: it
// draws every 100 ms, so 300 ms is two frames missed in a row.
constexpr std::int64_t kMaxTurningGapNs = 300'000'000;

RunSpec spinnerSpec(const QString& model, const QString& slow, const QStringList& more = {})
{
    RunPlanInput input;
    input.scenario = QStringLiteral("spinner");
    input.models = model;
    input.params = QStringList {QStringLiteral("slow=") + slow, QStringLiteral("seconds=1")} + more;
    RunPlan plan;
    const auto error = makeRunPlan(input, ScenarioCatalogue::builtin(), &plan);
    EXPECT_FALSE(error) << error->toStdString();
    EXPECT_EQ(plan.runs.size(), 1);
    return plan.runs.value(0);
}

// When slow() ran: from its first task's begin to its last task's end.
struct Span {
    std::int64_t beginNs = 0;
    std::int64_t endNs = 0;
    double seconds() const { return static_cast<double>(endNs - beginNs) / 1e9; }
};

Span slowSpan(const RunResult& r)
{
    Span s {INT64_MAX, 0};
    for (const TaskResult& t : r.tasks) {
        s.beginNs = std::min(s.beginNs, t.beginNs);
        s.endNs = std::max(s.endNs, t.endNs);
    }
    return s;
}

const WorkerResult* spinnerOf(const RunResult& r)
{
    for (const WorkerResult& w : r.workers) {
        if (w.info.role == WorkerRole::Spinner)
            return &w;
    }
    return nullptr;
}

// The spinner's frames inside the span, and the longest time inside it
// without one - counted from when the spinner started if that was later
// (the process spinner is spawned once the work is under way).
struct Frames {
    int count = 0;
    std::int64_t maxGapNs = 0;
};

Frames framesDuring(const RunResult& r, const Span& span)
{
    Frames f;
    const WorkerResult* spinner = spinnerOf(r);
    if (spinner == nullptr || !r.recording)
        return f;
    std::int64_t last = std::max(span.beginNs, spinner->startNs);
    for (const Event& e : r.recording->laneEvents(spinner->info.id)) {
        if (e.kind != EventKind::Frame || e.tNs < span.beginNs || e.tNs > span.endNs)
            continue;
        ++f.count;
        f.maxGapNs = std::max(f.maxGapNs, e.tNs - last);
        last = e.tNs;
    }
    f.maxGapNs = std::max(f.maxGapNs, span.endNs - last);
    return f;
}

// slow()'s answers: the sleep's milliseconds, or is_prime of a prime.
void expectSlowAnswered(const RunResult& r)
{
    ASSERT_FALSE(r.tasks.empty());
    for (const TaskResult& t : r.tasks) {
        EXPECT_FALSE(t.cancelled);
        if (t.kind == WorkloadKind::IsPrime || t.kind == WorkloadKind::Nap)
            EXPECT_EQ(t.result != 0, referenceIsPrime(static_cast<std::uint64_t>(t.arg))) << t.arg;
        else
            EXPECT_EQ(t.result, t.arg);
    }
}

std::string modelName(Model m)
{
    return std::string(toString(m));
}

struct Variant {
    const char* model; // as --models gives it
    const char* slow;
    Model runs; // the model the scenario runs it as
};

std::string variantName(const Variant& v)
{
    std::string name = std::string(v.model) + "_" + v.slow;
    std::erase_if(name, [](char c) { return c == '-' || c == '+'; });
    return name;
}

class TurningSpinner : public ::testing::TestWithParam<Variant> { };
class FrozenSpinner : public ::testing::TestWithParam<Variant> { };

} // namespace

TEST_P(TurningSpinner, KeepsDrawingWhileSlowRuns)
{
    const Variant v = GetParam();
    if (!isModelAvailable(v.runs))
        GTEST_SKIP() << modelName(v.runs) << " is not available in this build";
    const RunSpec spec = spinnerSpec(QString::fromLatin1(v.model), QString::fromLatin1(v.slow));
    EXPECT_EQ(spec.model, v.runs);
    EXPECT_TRUE(spec.spinner);
    Engine engine;
    const RunResultPtr r = runToEnd(engine, spec);
    ASSERT_TRUE(r);
    ASSERT_TRUE(r->succeeded()) << r->error.toStdString();
    expectSlowAnswered(*r);
    const Span span = slowSpan(*r);
    // About a second: a sleep of 1 s, or a prime calibrated to take one here
    // (calibrated on wall time, so a busy moment can make it shorter).
    EXPECT_GE(span.seconds(), 0.3);
    const Frames f = framesDuring(*r, span);
    std::cout << "[ INFO ] " << variantName(v) << ": slow() " << span.seconds() << " s, " << f.count
              << " frames, longest gap " << static_cast<double>(f.maxGapNs) / 1e6 << " ms\n";
    // At least half the 10 frames a second, and never a long gap.
    EXPECT_GE(f.count, std::max(3, static_cast<int>(5.0 * span.seconds())));
    EXPECT_LT(f.maxGapNs, kMaxTurningGapNs);
    ASSERT_TRUE(r->spinner);
    EXPECT_LT(r->spinner->maxGapNs, kMaxTurningGapNs);
}

INSTANTIATE_TEST_SUITE_P(Spinner, TurningSpinner,
    ::testing::Values(Variant {"threads", "sleep", Model::Threads},
        Variant {"threads", "cpu", Model::Threads}, Variant {"processes", "sleep", Model::Processes},
        Variant {"processes", "cpu", Model::Processes}, Variant {"coroutines", "sleep", Model::Coroutines},
        // A thread that naps with sleep(0) lets the spinner's thread take the
        // GIL, as in CPython: a nap with a drop request pending hands over.
        Variant {"threads", "nap", Model::Threads}, Variant {"processes", "nap", Model::Processes},
        // One click: the coroutine run offloads, as coroutines+executor.
        Variant {"coroutines", "executor-thread", Model::CoroutinesExecutor},
        Variant {"coroutines", "executor-process", Model::CoroutinesExecutor}),
    [](const auto& param) { return variantName(param.param); });

TEST_P(FrozenSpinner, DrawsNoFrameUntilSlowReturns)
{
    const Variant v = GetParam();
    const RunSpec spec = spinnerSpec(QString::fromLatin1(v.model), QString::fromLatin1(v.slow));
    EXPECT_EQ(spec.model, v.runs);
    Engine engine;
    const RunResultPtr r = runToEnd(engine, spec);
    ASSERT_TRUE(r);
    ASSERT_TRUE(r->succeeded()) << r->error.toStdString();
    expectSlowAnswered(*r);
    const Span span = slowSpan(*r);
    EXPECT_GE(span.seconds(), 0.3);
    const WorkerResult* spinner = spinnerOf(*r);
    ASSERT_NE(spinner, nullptr);
    ASSERT_TRUE(r->recording);
    // Not one frame before slow() returned: the loop never got control back.
    int before = 0;
    for (const Event& e : r->recording->laneEvents(spinner->info.id)) {
        if (e.kind == EventKind::Frame && e.tNs <= span.endNs)
            ++before;
    }
    EXPECT_EQ(before, 0) << "the spinner drew while the loop was blocked";
    EXPECT_EQ(framesDuring(*r, span).count, 0);
    ASSERT_TRUE(r->spinner);
    EXPECT_EQ(r->spinner->frames, 0u);
    // The frozen time is the whole of slow().
    EXPECT_GE(r->spinner->maxGapNs, span.endNs - span.beginNs);
}

INSTANTIATE_TEST_SUITE_P(Spinner, FrozenSpinner,
    ::testing::Values(Variant {"coroutines", "blocking-sleep", Model::Coroutines},
        Variant {"coroutines", "cpu", Model::Coroutines}),
    [](const auto& param) { return variantName(param.param); });

TEST(SpinnerScenario, NappingKeepsTheLoopTurningAndMakesTheSameNumberSlower)
{
    // The same number for both, given through the scenario's own parameter:
    // a prime of about 1.5 s here, so that napping lasts long enough for 5
    // frames even if the calibration was made at a busy moment.
    const QString number = QStringLiteral("number=%1").arg(primeTakingSeconds(1.5));
    const RunSpec napSpec = spinnerSpec(QStringLiteral("coroutines"), QStringLiteral("nap"), {number});
    const RunSpec cpuSpec = spinnerSpec(QStringLiteral("coroutines"), QStringLiteral("cpu"), {number});
    ASSERT_EQ(napSpec.tasks.size(), 1u);
    ASSERT_EQ(cpuSpec.tasks.size(), 1u);
    EXPECT_EQ(napSpec.tasks[0].kind, WorkloadKind::Nap);
    EXPECT_EQ(cpuSpec.tasks[0].kind, WorkloadKind::IsPrime);
    EXPECT_EQ(napSpec.tasks[0].arg, cpuSpec.tasks[0].arg);

    Engine engine;
    const RunResultPtr nap = runToEnd(engine, napSpec);
    const RunResultPtr cpu = runToEnd(engine, cpuSpec);
    ASSERT_TRUE(nap && cpu);
    ASSERT_TRUE(nap->succeeded()) << nap->error.toStdString();
    ASSERT_TRUE(cpu->succeeded()) << cpu->error.toStdString();
    expectSlowAnswered(*nap);
    expectSlowAnswered(*cpu);

    const Span napSpan = slowSpan(*nap);
    const Frames f = framesDuring(*nap, napSpan);
    EXPECT_GE(f.count, 5);
    EXPECT_LT(f.maxGapNs, kMaxTurningGapNs);
    EXPECT_EQ(framesDuring(*cpu, slowSpan(*cpu)).count, 0);

    // The computation's cost is the loop thread's CPU time, which a busy
    // machine does not inflate as it does wall time.
    const auto loopCpuNs = [](const RunResult& r) {
        for (const WorkerResult& w : r.workers) {
            if (w.info.kind == WorkerKind::Loop)
                return w.cpuNs;
        }
        return std::int64_t {0};
    };
    const double napCpu = static_cast<double>(loopCpuNs(*nap)) / 1e9;
    const double cpuCpu = static_cast<double>(loopCpuNs(*cpu)) / 1e9;
    std::cout << "[ INFO ] is_prime(" << napSpec.tasks[0].arg << "): napping " << napSpan.seconds() << " s ("
              << napCpu << " s CPU), plain " << slowSpan(*cpu).seconds() << " s (" << cpuCpu << " s CPU); "
              << f.count << " frames while napping\n";
    ASSERT_GT(cpuCpu, 0.0);
    EXPECT_GE(napCpu, 1.15 * cpuCpu) << "napping did not cost the computation anything";
}

TEST(SpinnerScenario, TheDefaultsRunAThreadACoroutineAndAProcess)
{
    RunPlanInput input;
    input.scenario = QStringLiteral("spinner");
    RunPlan plan;
    ASSERT_FALSE(makeRunPlan(input, ScenarioCatalogue::builtin(), &plan));
    QList<Model> models;
    for (const RunSpec& spec : plan.runs) {
        models << spec.model;
        EXPECT_TRUE(spec.spinner);
        ASSERT_EQ(spec.tasks.size(), 1u);
        EXPECT_EQ(spec.tasks[0].kind, WorkloadKind::Sleep);
    }
    // In the window's order of models, so that both run them alike.
    QList<Model> expected {Model::Threads, Model::Coroutines};
    if (isModelAvailable(Model::Processes))
        expected << Model::Processes;
    EXPECT_EQ(models, expected);

    // Every slow() is one click with the default models.
    for (const char* slow :
        {"sleep", "blocking-sleep", "cpu", "nap", "executor-thread", "executor-process"}) {
        input.params = {QStringLiteral("slow=") + QLatin1String(slow)};
        const auto error = makeRunPlan(input, ScenarioCatalogue::builtin(), &plan);
        EXPECT_FALSE(error) << slow << ": " << error.value_or(QString()).toStdString();
    }
    // executor-process, the last: the coroutine run offloads; the thread
    // and the process run is_prime themselves.
    ASSERT_EQ(plan.runs.size(), expected.size());
    for (qsizetype i = 0; i < plan.runs.size(); ++i) {
        const RunSpec& spec = plan.runs[i];
        EXPECT_EQ(spec.model, expected[i] == Model::Coroutines ? Model::CoroutinesExecutor : expected[i]);
        if (spec.model == Model::CoroutinesExecutor) {
            EXPECT_EQ(spec.executor, ExecutorKind::Process);
        }
        ASSERT_FALSE(spec.tasks.empty());
        EXPECT_EQ(spec.tasks.front().kind, WorkloadKind::IsPrime);
    }
}

class CoroutinesExecutorSpinner : public ::testing::TestWithParam<ExecutorKind> { };

TEST_P(CoroutinesExecutorSpinner, TheWorkRunsOnAnExecutorLaneNotOnTheLoop)
{
    // The run `--models coroutines+executor --param slow=executor-thread|executor-process` makes.
    RunSpec s = spinnerSpec(QStringLiteral("coroutines+executor"),
        GetParam() == ExecutorKind::Thread ? QStringLiteral("executor-thread")
                                           : QStringLiteral("executor-process"));
    EXPECT_EQ(s.model, Model::CoroutinesExecutor);
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
    EXPECT_LT(result->spinner->maxGapNs, kMaxTurningGapNs);
    const WorkerKind expected = GetParam() == ExecutorKind::Thread ? WorkerKind::Thread : WorkerKind::Process;
    const auto ran = std::find_if(result->workers.begin(), result->workers.end(),
        [&](const WorkerResult& w) { return w.info.id == result->tasks[0].worker; });
    ASSERT_NE(ran, result->workers.end());
    EXPECT_EQ(ran->info.kind, expected);
    for (const WorkerResult& w : result->workers)
        expectValidLane(engine.store()->laneEvents(w.info.id), w.info);
}

INSTANTIATE_TEST_SUITE_P(Spinner, CoroutinesExecutorSpinner,
    ::testing::Values(ExecutorKind::Thread, ExecutorKind::Process),
    [](const auto& param) { return std::string(toString(param.param)); });

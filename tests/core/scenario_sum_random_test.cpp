// sum-random's lesson on the engine's real output: every sum is in range, and
// with the python flavour the threads stay near one core (Danjou ex. 2.3).

#include "engine.h"
#include "scenarios/runplan.h"
#include "scenarios/scenariocatalogue.h"
#include "testsupport.h"

#include <gtest/gtest.h>

using namespace spindle;
using spindle::test::runToEnd;

namespace {

RunPlan sumRandomPlan(const QString& models, const QString& count, const QString& flavour = {})
{
    RunPlanInput input;
    input.scenario = QStringLiteral("sum-random");
    input.models = models;
    input.flavour = flavour;
    input.params = {QStringLiteral("count=") + count};
    RunPlan plan;
    const auto error = makeRunPlan(input, ScenarioCatalogue::builtin(), &plan);
    EXPECT_FALSE(error) << error->toStdString();
    return plan;
}

} // namespace

TEST(SumRandomScenario, OneWorkerPerTaskAsTheBookDoes)
{
    const RunPlan plan = sumRandomPlan({}, QStringLiteral("1000"));
    ASSERT_FALSE(plan.runs.isEmpty());
    for (const RunSpec& spec : plan.runs) {
        ASSERT_EQ(spec.tasks.size(), 8u);
        EXPECT_EQ(spec.tasks.front().kind, WorkloadKind::SumRandom);
        EXPECT_EQ(spec.tasks.front().arg, 1000);
        EXPECT_EQ(spec.effectiveWorkers(), 8);
    }
}

TEST(SumRandomScenario, SumsAreInRangeAndPythonThreadsStayNearOneCore)
{
    // Four times the book's count: a run long enough for its CPU figure to mean something.
    const std::int64_t count = 4'000'000;
    QString models = QStringLiteral("threads,thread-pool");
    for (Model m : {Model::Processes, Model::ProcessPool}) {
        if (isModelAvailable(m))
            models += QLatin1Char(',')
                + QString::fromLatin1(toString(m).data(), static_cast<qsizetype>(toString(m).size()));
    }
    const RunPlan plan = sumRandomPlan(models, QString::number(count));
    Engine engine;
    for (const RunSpec& spec : plan.runs) {
        SCOPED_TRACE(spec.label.toStdString());
        const RunResultPtr r = runToEnd(engine, spec);
        ASSERT_TRUE(r);
        ASSERT_TRUE(r->succeeded()) << r->error.toStdString();
        ASSERT_EQ(r->tasks.size(), 8u);
        for (const TaskResult& t : r->tasks) {
            EXPECT_FALSE(t.cancelled);
            EXPECT_GE(t.result, count);
            EXPECT_LE(t.result, 100 * count);
            // Millions of draws from 1..100: the mean is 50.5 within a fraction of a percent.
            EXPECT_NEAR(static_cast<double>(t.result) / static_cast<double>(count), 50.5, 0.5);
        }
        if (spec.model == Model::Threads || spec.model == Model::ThreadPool) {
            EXPECT_LE(r->cpuPct(), 130.0) << "the GIL let the threads run on more than one core";
        }
    }
}

// primes' lesson on the engine's real output (Fluent Python sequential.py,
// threads.py, procs.py): the default plan checks the book's 20 numbers, the
// quick preset runs on every default model with every answer right, and the
// report gives each number's elapsed time and the speed-up against the
// sequential run.

#include "engine.h"
#include "scenarios/runplan.h"
#include "scenarios/scenariocatalogue.h"
#include "session/report.h"
#include "testsupport.h"

#include <QJsonArray>

#include <gtest/gtest.h>

#include <algorithm>

using namespace spindle;
using spindle::test::referenceIsPrime;
using spindle::test::runToEnd;

namespace {

// NUMBERS of the book's primes.py, and the ones its output marks P.
const std::vector<std::int64_t> kBookNumbers
    = {2, 142'702'110'479'723, 299'593'572'317'531, 3'333'333'333'333'301, 3'333'333'333'333'333,
        3'333'335'652'092'209, 4'444'444'444'444'423, 4'444'444'444'444'444, 4'444'444'488'888'889,
        5'555'553'133'149'889, 5'555'555'555'555'503, 5'555'555'555'555'555, 6'666'666'666'666'666,
        6'666'666'666'666'719, 6'666'667'141'414'921, 7'777'777'536'340'681, 7'777'777'777'777'753,
        7'777'777'777'777'777, 9'999'999'999'999'917, 9'999'999'999'999'999};
const std::vector<std::int64_t> kBookPrimes
    = {2, 142'702'110'479'723, 299'593'572'317'531, 3'333'333'333'333'301, 4'444'444'444'444'423,
        5'555'555'555'555'503, 6'666'666'666'666'719, 7'777'777'777'777'753, 9'999'999'999'999'917};

RunPlan primesPlan(const QStringList& params, const QString& workers = {})
{
    RunPlanInput input;
    input.scenario = QStringLiteral("primes");
    input.params = params;
    input.workers = workers;
    RunPlan plan;
    const auto error = makeRunPlan(input, ScenarioCatalogue::builtin(), &plan);
    EXPECT_FALSE(error) << error->toStdString();
    return plan;
}

std::vector<std::int64_t> argsOf(const RunSpec& spec)
{
    std::vector<std::int64_t> out;
    for (const TaskSpec& t : spec.tasks) {
        EXPECT_EQ(t.kind, WorkloadKind::IsPrime);
        out.push_back(t.arg);
    }
    return out;
}

} // namespace

TEST(PrimesScenario, TheDefaultPlanChecksTheBooksTwentyNumbersOnEachModel)
{
    // Too long for a test to run (seconds per number); the plan is what runs.
    const RunPlan plan = primesPlan({});
    QList<Model> models;
    for (const RunSpec& spec : plan.runs) {
        models << spec.model;
        EXPECT_EQ(argsOf(spec), kBookNumbers) << spec.label.toStdString();
        EXPECT_EQ(spec.flavour, Flavour::Python);
        EXPECT_FALSE(spec.spinner);
    }
    QList<Model> expected {Model::Sequential, Model::Threads};
    if (isModelAvailable(Model::Processes))
        expected << Model::Processes;
    EXPECT_EQ(models, expected);
    // The book's verdicts, and the reference the runs are checked against, agree.
    for (std::int64_t n : kBookNumbers) {
        const bool bookSaysPrime = std::find(kBookPrimes.begin(), kBookPrimes.end(), n) != kBookPrimes.end();
        EXPECT_EQ(referenceIsPrime(static_cast<std::uint64_t>(n)), bookSaysPrime) << n;
    }
}

TEST(PrimesScenario, TheQuickPresetIsSmallerNumbersForLiveDemos)
{
    const RunPlan plan = primesPlan({QStringLiteral("numbers=quick")});
    ASSERT_FALSE(plan.runs.isEmpty());
    const std::vector<std::int64_t> quick = argsOf(plan.runs.front());
    ASSERT_GE(quick.size(), 10u);
    int primes = 0;
    for (std::int64_t n : quick) {
        // At most ~10^14: 5 million trial divisions, a few ms each here.
        EXPECT_LE(n, 1'000'000'000'000'000) << n;
        primes += referenceIsPrime(static_cast<std::uint64_t>(n)) ? 1 : 0;
    }
    // Like the book's, a mix of primes (the slow ones) and composites.
    EXPECT_GE(primes, 4);
    EXPECT_GE(static_cast<int>(quick.size()) - primes, 4);
}

TEST(PrimesScenario, QuickRunsRightEverywhereWithElapsedTimesAndSpeedups)
{
    const RunPlan plan = primesPlan({QStringLiteral("numbers=quick")}, QStringLiteral("2"));
    ASSERT_GE(plan.runs.size(), 2);
    Engine engine;
    QList<RunResultPtr> results;
    for (const RunSpec& spec : plan.runs) {
        SCOPED_TRACE(spec.label.toStdString());
        const RunResultPtr r = runToEnd(engine, spec);
        ASSERT_TRUE(r);
        ASSERT_TRUE(r->succeeded()) << r->error.toStdString();
        ASSERT_EQ(r->tasks.size(), spec.tasks.size());
        for (const TaskResult& t : r->tasks) {
            EXPECT_FALSE(t.cancelled);
            EXPECT_EQ(t.result != 0, referenceIsPrime(static_cast<std::uint64_t>(t.arg))) << t.arg;
        }
        results << r;
    }
    ASSERT_EQ(results.front()->spec.model, Model::Sequential);
    const double sequentialWall = results.front()->wallS();

    const QJsonObject report = makeReport(QStringLiteral("primes"), results);
    const QJsonArray runs = report[QLatin1String("runs")].toArray();
    ASSERT_EQ(runs.size(), results.size());
    for (qsizetype i = 0; i < runs.size(); ++i) {
        const QJsonObject run = runs[i].toObject();
        const RunResult& r = *results[i];
        SCOPED_TRACE(r.spec.label.toStdString());
        // Speed-up = the sequential run's wall time / this run's.
        ASSERT_TRUE(run[QLatin1String("speedup")].isDouble());
        const double expected = sequentialWall / r.wallS();
        EXPECT_NEAR(run[QLatin1String("speedup")].toDouble(), expected, 0.002 + 0.001 * expected);
        if (r.spec.model == Model::Sequential) {
            EXPECT_DOUBLE_EQ(run[QLatin1String("speedup")].toDouble(), 1.0);
        }

        // Each number with its answer and its own elapsed time.
        const QJsonArray tasks = run[QLatin1String("tasks")].toArray();
        ASSERT_EQ(tasks.size(), static_cast<qsizetype>(r.spec.tasks.size()));
        double summed = 0;
        for (const QJsonValue& v : tasks) {
            const std::int64_t n = v[QLatin1String("arg")].toInteger();
            const bool prime = referenceIsPrime(static_cast<std::uint64_t>(n));
            EXPECT_EQ(v[QLatin1String("result")].toBool(), prime) << n;
            EXPECT_TRUE(v[QLatin1String("worker")].isDouble());
            const double elapsed = v[QLatin1String("elapsed_s")].toDouble(-1);
            EXPECT_GE(elapsed, 0.0) << n;
            // A prime past 10^12 is half a million divisions or more.
            if (prime && n > 1'000'000'000'000) {
                EXPECT_GT(elapsed, 0.0) << n;
            }
            summed += elapsed;
        }
        // The numbers' times fit in the run: one after another when sequential,
        // spread over the workers otherwise.
        const int workers = std::max(1, r.workerCount);
        EXPECT_LE(summed, r.wallS() * workers + 0.01);
    }
}

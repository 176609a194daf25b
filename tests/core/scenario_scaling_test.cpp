// The scaling sweep: one scenario, many runs (1 ... K workers, R repeats), and
// its analysis - median wall per K, speed-up against the ideal, best K -
// checked on fixed figures and on the engine's real output.

#include "engine.h"
#include "scenarios/runplan.h"
#include "scenarios/scenariocatalogue.h"
#include "session/report.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QSignalSpy>

#include <gtest/gtest.h>

#include <iostream>
#include <map>
#include <thread>

using namespace spindle;
using spindle::test::runQueueNs;
using spindle::test::runToEnd;

namespace {

RunPlan scalingPlan(const QStringList& params, const QString& models = QStringLiteral("threads"),
    const QString& flavour = QStringLiteral("native"))
{
    RunPlanInput input;
    input.scenario = QStringLiteral("scaling");
    input.models = models;
    input.flavour = flavour;
    input.params = params;
    RunPlan plan;
    const auto error = makeRunPlan(input, ScenarioCatalogue::builtin(), &plan);
    EXPECT_FALSE(error) << error->toStdString();
    return plan;
}

RunResultPtr fakeRun(int workers, double wallS)
{
    auto r = std::make_shared<RunResult>();
    r->spec.model = Model::Processes;
    r->spec.flavour = Flavour::Python;
    r->spec.workers = workers;
    r->workerCount = workers;
    r->startNs = 1'000'000'000;
    r->endNs = r->startNs + static_cast<std::int64_t>(wallS * 1e9);
    return r;
}

QJsonObject pointFor(const QJsonObject& series, int workers)
{
    for (const QJsonValue& p : series[QLatin1String("points")].toArray()) {
        if (p[QLatin1String("workers")].toInt() == workers)
            return p.toObject();
    }
    return {};
}

} // namespace

TEST(ScalingScenario, PlansEveryWorkerCountForEveryRepeat)
{
    const RunPlan plan = scalingPlan(
        {QStringLiteral("max-workers=3"), QStringLiteral("repeats=2"), QStringLiteral("numbers=quick")});
    ASSERT_EQ(plan.runs.size(), 6);
    std::map<int, int> perK;
    for (const RunSpec& spec : plan.runs) {
        ++perK[spec.workers];
        EXPECT_EQ(spec.model, Model::Threads);
        EXPECT_EQ(spec.tasks.size(), 15u);
        EXPECT_TRUE(spec.label.contains(QStringLiteral("repeat")));
    }
    EXPECT_EQ(perK, (std::map<int, int> {{1, 2}, {2, 2}, {3, 2}}));
    // Repeats outermost: the first K runs are one full sweep.
    EXPECT_EQ(plan.runs[0].workers, 1);
    EXPECT_EQ(plan.runs[2].workers, 3);
    EXPECT_EQ(plan.runs[3].workers, 1);
}

TEST(ScalingScenario, DefaultSweepGoesToTwiceTheCores)
{
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const RunPlan plan = scalingPlan({QStringLiteral("repeats=1")});
    ASSERT_EQ(plan.runs.size(), 2 * cores);
    EXPECT_EQ(plan.runs.back().workers, 2 * cores);
}

TEST(ScalingScenario, SharesThePrimesNumbersInsteadOfCopyingThem)
{
    const ScenarioCatalogue& c = ScenarioCatalogue::builtin();
    const auto numbers = [](const Scenario* s) {
        for (const ParamSpec& p : s->params()) {
            if (p.name == QLatin1String("numbers"))
                return p;
        }
        return ParamSpec {};
    };
    const ParamSpec scaling = numbers(c.find(QStringLiteral("scaling")));
    const ParamSpec primes = numbers(c.find(QStringLiteral("primes")));
    EXPECT_EQ(scaling.presets, primes.presets);
    EXPECT_EQ(scaling.max, primes.max);
    EXPECT_EQ(scaling.intList(QStringLiteral("book")).back(), 9'999'999'999'999'999);
}

TEST(ScalingScenario, AnalysisGivesMediansSpeedupsAndTheBestCount)
{
    // K = 1: 4, 5, 6 s (median 5); K = 2: 2.4, 2.5, 9 (median 2.5); K = 3: 3, 3, 3.
    QList<RunResultPtr> runs;
    for (double w : {4.0, 6.0, 5.0})
        runs << fakeRun(1, w);
    for (double w : {2.5, 9.0, 2.4})
        runs << fakeRun(2, w);
    for (double w : {3.0, 3.0, 3.0})
        runs << fakeRun(3, w);
    const QJsonObject report = makeReport(QStringLiteral("scaling"), runs);
    const QJsonObject analysis = report[QLatin1String("analysis")].toObject();
    ASSERT_FALSE(analysis.isEmpty());
    const QJsonArray series = analysis[QLatin1String("series")].toArray();
    ASSERT_EQ(series.size(), 1);
    const QJsonObject s = series[0].toObject();
    EXPECT_EQ(s[QLatin1String("model")].toString(), QStringLiteral("processes"));
    EXPECT_EQ(s[QLatin1String("best_workers")].toInt(), 2);
    const QJsonObject k1 = pointFor(s, 1);
    const QJsonObject k2 = pointFor(s, 2);
    const QJsonObject k3 = pointFor(s, 3);
    EXPECT_DOUBLE_EQ(k1[QLatin1String("median_wall_s")].toDouble(), 5.0);
    EXPECT_DOUBLE_EQ(k2[QLatin1String("median_wall_s")].toDouble(), 2.5);
    EXPECT_DOUBLE_EQ(k2[QLatin1String("speedup")].toDouble(), 2.0);
    EXPECT_DOUBLE_EQ(k2[QLatin1String("efficiency")].toDouble(), 1.0);
    EXPECT_NEAR(k3[QLatin1String("speedup")].toDouble(), 5.0 / 3.0, 1e-3);
    EXPECT_TRUE(k2[QLatin1String("best")].toBool());
    EXPECT_FALSE(k1[QLatin1String("best")].toBool());
    EXPECT_FALSE(k3[QLatin1String("best")].toBool());
    const int cores = analysis[QLatin1String("cores")].toInt();
    EXPECT_EQ(k3[QLatin1String("ideal_speedup")].toInt(), std::min(3, cores));
    // Scenarios without an analysis add nothing to the report.
    EXPECT_FALSE(makeReport(QStringLiteral("primes"), runs).contains(QLatin1String("analysis")));
}

TEST(ScalingScenario, NativeThreadsGetFasterWithASecondWorker)
{
    const bool twoCores = std::thread::hardware_concurrency() >= 2;
    double speedup2 = 0;
    double runnable2 = 0;
    // A shared VM does not always give us two cores; see flavour_test.cpp.
    for (int attempt = 0; attempt < 3 && speedup2 < 1.3; ++attempt) {
        const RunPlan plan = scalingPlan(
            {QStringLiteral("max-workers=3"), QStringLiteral("repeats=3"), QStringLiteral("numbers=quick")});
        Engine engine;
        QList<RunResultPtr> results;
        for (const RunSpec& spec : plan.runs) {
            QSignalSpy batches(&engine, &Engine::batchReady);
            const RunResultPtr r = runToEnd(engine, spec);
            ASSERT_TRUE(r && r->succeeded());
            for (const TaskResult& t : r->tasks)
                EXPECT_EQ(t.result != 0, test::referenceIsPrime(static_cast<std::uint64_t>(t.arg)));
            if (r->workerCount == 2)
                runnable2 = std::max(
                    runnable2, static_cast<double>(r->processCpuNs + runQueueNs(batches)) / 1e9 / r->wallS());
            results << r;
        }
        const QJsonObject analysis
            = makeReport(QStringLiteral("scaling"), results)[QLatin1String("analysis")].toObject();
        const QJsonArray series = analysis[QLatin1String("series")].toArray();
        ASSERT_EQ(series.size(), 1);
        const QJsonObject s = series[0].toObject();
        int marked = 0;
        for (int k = 1; k <= 3; ++k) {
            const QJsonObject p = pointFor(s, k);
            ASSERT_FALSE(p.isEmpty()) << "no point for " << k << " workers";
            EXPECT_EQ(p[QLatin1String("runs")].toInt(), 3);
            EXPECT_GT(p[QLatin1String("median_wall_s")].toDouble(), 0.0);
            if (p[QLatin1String("best")].toBool()) {
                ++marked;
                EXPECT_EQ(s[QLatin1String("best_workers")].toInt(), k);
            }
        }
        EXPECT_EQ(marked, 1);
        EXPECT_DOUBLE_EQ(pointFor(s, 1)[QLatin1String("speedup")].toDouble(), 1.0);
        speedup2 = pointFor(s, 2)[QLatin1String("speedup")].toDouble();
    }
    if (!twoCores)
        GTEST_SKIP() << "needs two cores";
    if (speedup2 < 1.3)
        std::cout << "[ NOTE ] machine busy: speed-up " << speedup2 << " with 2 workers, " << runnable2
                  << " runnable\n";
    EXPECT_TRUE(speedup2 >= 1.3 || runnable2 >= 1.5) << "speed-up " << speedup2 << ", runnable " << runnable2;
}

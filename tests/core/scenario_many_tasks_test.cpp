// many-tasks' lesson on the engine's real output: thousands of sleepers all
// overlap, and a coroutine costs far less memory and start-up time than a
// thread - both measured (RSS from /proc/self/statm, spawn times).

#include "engine.h"
#include "scenarios/runplan.h"
#include "scenarios/scenariocatalogue.h"
#include "session/report.h"
#include "testsupport.h"

#include <QJsonArray>

#include <gtest/gtest.h>

using namespace spindle;
using spindle::test::runToEnd;

namespace {

RunSpec manyTasksSpec(const QString& model, int count, int sleepMs)
{
    RunPlanInput input;
    input.scenario = QStringLiteral("many-tasks");
    input.models = model;
    input.params = {QStringLiteral("count=%1").arg(count), QStringLiteral("sleep-ms=%1").arg(sleepMs)};
    RunPlan plan;
    const auto error = makeRunPlan(input, ScenarioCatalogue::builtin(), &plan);
    EXPECT_FALSE(error) << error->toStdString();
    return plan.runs.value(0);
}

QJsonObject entryFor(const QJsonObject& analysis, const QString& model)
{
    for (const QJsonValue& v : analysis[QLatin1String("models")].toArray()) {
        if (v[QLatin1String("model")].toString() == model)
            return v.toObject();
    }
    return {};
}

} // namespace

TEST(ManyTasksScenario, CoroutinesCostFarLessMemoryAndStartTimeThanThreads)
{
    const int sleepMs = 600;
    Engine engine;
    const RunResultPtr coroutines
        = runToEnd(engine, manyTasksSpec(QStringLiteral("coroutines"), 2000, sleepMs));
    const RunResultPtr threads = runToEnd(engine, manyTasksSpec(QStringLiteral("threads"), 200, sleepMs));
    ASSERT_TRUE(coroutines && threads);
    ASSERT_TRUE(coroutines->succeeded()) << coroutines->error.toStdString();
    ASSERT_TRUE(threads->succeeded()) << threads->error.toStdString();

    for (const RunResultPtr& r : {coroutines, threads}) {
        SCOPED_TRACE(r->spec.label.toStdString());
        // All sleepers overlap: every one began before the first one woke, and
        // the run took about one sleep, not their sum.
        std::int64_t lastBegin = 0;
        std::int64_t firstEnd = INT64_MAX;
        for (const TaskResult& t : r->tasks) {
            lastBegin = std::max(lastBegin, t.beginNs);
            firstEnd = std::min(firstEnd, t.endNs);
        }
        EXPECT_LT(lastBegin, firstEnd);
        EXPECT_GE(r->wallS(), sleepMs / 1000.0 * 0.95);
        EXPECT_LT(r->wallS(), 2.0 * sleepMs / 1000.0);
        ASSERT_TRUE(r->memory);
        EXPECT_GT(r->memory->rssBeforeBytes, 0);
        EXPECT_GE(r->memory->rssPeakBytes, r->memory->rssBeforeBytes);
    }
    EXPECT_EQ(coroutines->tasks.size(), 2000u);
    EXPECT_EQ(threads->tasks.size(), 200u);

    const QJsonObject analysis
        = makeReport(QStringLiteral("many-tasks"), {coroutines, threads})[QLatin1String("analysis")]
              .toObject();
    const QJsonObject c = entryFor(analysis, QStringLiteral("coroutines"));
    const QJsonObject t = entryFor(analysis, QStringLiteral("threads"));
    ASSERT_FALSE(c.isEmpty());
    ASSERT_FALSE(t.isEmpty());
    EXPECT_EQ(c[QLatin1String("units")].toInt(), 2000);
    EXPECT_EQ(t[QLatin1String("units")].toInt(), 200);
    EXPECT_TRUE(c[QLatin1String("all_overlapped")].toBool());
    EXPECT_TRUE(t[QLatin1String("all_overlapped")].toBool());
    const double cKib = c[QLatin1String("memory_kib_per_unit")].toDouble();
    const double tKib = t[QLatin1String("memory_kib_per_unit")].toDouble();
    std::cout << "[ INFO ] memory per unit: coroutine " << cKib << " KiB, thread " << tKib
              << " KiB; start per unit: " << c[QLatin1String("start_us_per_unit")].toDouble() << " us vs "
              << t[QLatin1String("start_us_per_unit")].toDouble() << " us\n";
    EXPECT_GT(tKib, 0.0);
    EXPECT_GE(tKib, 4.0 * cKib) << "coroutine " << cKib << " KiB, thread " << tKib << " KiB";
    EXPECT_GT(
        t[QLatin1String("start_us_per_unit")].toDouble(), c[QLatin1String("start_us_per_unit")].toDouble());
    EXPECT_TRUE(analysis.contains(QLatin1String("thread_to_coroutine_memory")));
}

TEST(ManyTasksScenario, ThreadsBeyondTheLimitAreRefusedNamingCountAndTheLimit)
{
    RunPlanInput input;
    input.scenario = QStringLiteral("many-tasks");
    input.models = QStringLiteral("threads");
    input.params = {QStringLiteral("count=1025")};
    RunPlan plan;
    const auto refused = makeRunPlan(input, ScenarioCatalogue::builtin(), &plan);
    ASSERT_TRUE(refused);
    EXPECT_TRUE(refused->contains(QLatin1String("count")) && refused->contains(QLatin1String("1024"))
        && refused->contains(QLatin1String("threads")))
        << refused->toStdString();
    input.models = QStringLiteral("coroutines");
    input.params = {QStringLiteral("count=100000")};
    EXPECT_FALSE(makeRunPlan(input, ScenarioCatalogue::builtin(), &plan));
    EXPECT_EQ(plan.runs.front().effectiveWorkers(), 100'000);
}

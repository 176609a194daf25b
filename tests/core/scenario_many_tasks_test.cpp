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

#include <iostream>

using namespace spindle;
using spindle::test::runToEnd;

namespace {

QJsonObject entryFor(const QJsonObject& analysis, const QString& model)
{
    for (const QJsonValue& v : analysis[QLatin1String("models")].toArray()) {
        if (v[QLatin1String("model")].toString() == model)
            return v.toObject();
    }
    return {};
}

// Both runs of one invocation, side by side, through the report's analysis.
struct SideBySide {
    RunResultPtr coroutines;
    RunResultPtr threads;
    QJsonObject analysis;
};

SideBySide runSideBySide(int count, int sleepMs)
{
    RunPlanInput input;
    input.scenario = QStringLiteral("many-tasks");
    input.params = {QStringLiteral("count=%1").arg(count), QStringLiteral("sleep-ms=%1").arg(sleepMs)};
    RunPlan plan;
    const auto error = makeRunPlan(input, ScenarioCatalogue::builtin(), &plan);
    EXPECT_FALSE(error) << error->toStdString();
    SideBySide out;
    Engine engine;
    QList<RunResultPtr> results;
    for (const RunSpec& spec : plan.runs) {
        const RunResultPtr r = runToEnd(engine, spec, 120'000);
        EXPECT_TRUE(r && r->succeeded())
            << spec.label.toStdString() << ": " << (r ? r->error.toStdString() : "");
        if (!r)
            continue;
        results << r;
        if (r->spec.model == Model::Coroutines)
            out.coroutines = r;
        else if (r->spec.model == Model::Threads)
            out.threads = r;
    }
    out.analysis = makeReport(QStringLiteral("many-tasks"), results)[QLatin1String("analysis")].toObject();
    return out;
}

// All sleepers overlap: every one began before the first one woke, and the
// run took about one sleep, not their sum - at most maxWallS, which leaves
// room for starting and ending the units.
void expectAllOverlapped(const RunResult& r, int units, int sleepMs, double maxWallS)
{
    SCOPED_TRACE(r.spec.label.toStdString());
    ASSERT_EQ(r.tasks.size(), static_cast<std::size_t>(units));
    std::int64_t lastBegin = 0;
    std::int64_t firstEnd = INT64_MAX;
    for (const TaskResult& t : r.tasks) {
        lastBegin = std::max(lastBegin, t.beginNs);
        firstEnd = std::min(firstEnd, t.endNs);
    }
    EXPECT_LT(lastBegin, firstEnd);
    EXPECT_GE(r.wallS(), sleepMs / 1000.0 * 0.95);
    EXPECT_LT(r.wallS(), maxWallS);
    ASSERT_TRUE(r.memory);
    EXPECT_GT(r.memory->rssBeforeBytes, 0);
    EXPECT_GE(r.memory->rssPeakBytes, r.memory->rssBeforeBytes);
}

} // namespace

TEST(ManyTasksScenario, AtTheSameCountACoroutineCostsFarLessMemoryAndStartTimeThanAThread)
{
    // The scenario's default count and models: what one click shows.
    const int count = 1000;
    const int sleepMs = 600 * test::kThreadStartSlowdown;
    const SideBySide run = runSideBySide(count, sleepMs);
    ASSERT_TRUE(run.coroutines && run.threads);
    expectAllOverlapped(*run.coroutines, count, sleepMs, 2.0 * sleepMs / 1000.0);
    expectAllOverlapped(*run.threads, count, sleepMs, 2.0 * sleepMs / 1000.0);

    const QJsonObject c = entryFor(run.analysis, QStringLiteral("coroutines"));
    const QJsonObject t = entryFor(run.analysis, QStringLiteral("threads"));
    ASSERT_FALSE(c.isEmpty());
    ASSERT_FALSE(t.isEmpty());
    EXPECT_EQ(c[QLatin1String("units")].toInt(), count);
    EXPECT_EQ(t[QLatin1String("units")].toInt(), count);
    EXPECT_FALSE(t.contains(QLatin1String("capped_at")));
    EXPECT_TRUE(c[QLatin1String("all_overlapped")].toBool());
    EXPECT_TRUE(t[QLatin1String("all_overlapped")].toBool());
    const double cKib = c[QLatin1String("memory_kib_per_unit")].toDouble();
    const double tKib = t[QLatin1String("memory_kib_per_unit")].toDouble();
    const double cUs = c[QLatin1String("start_us_per_unit")].toDouble();
    const double tUs = t[QLatin1String("start_us_per_unit")].toDouble();
    std::cout << "[ INFO ] " << count << " units: memory per unit coroutine " << cKib << " KiB, thread "
              << tKib << " KiB; start per unit " << cUs << " us vs " << tUs << " us\n";
    EXPECT_GT(tKib, 0.0);
    EXPECT_GE(tKib, 4.0 * cKib) << "coroutine " << cKib << " KiB, thread " << tKib << " KiB";
    EXPECT_GT(tUs, cUs);
    EXPECT_TRUE(run.analysis.contains(QLatin1String("thread_to_coroutine_memory")));
    EXPECT_FALSE(run.analysis[QLatin1String("headline")].toString().contains(QLatin1String("capped")));
}

TEST(ManyTasksScenario, AHundredThousandCoroutinesBesideThreadsCappedAtTheirLimit)
{
    // `spindle run many-tasks --param count=100000`: the top of the range.
    // The coroutines run all of them; the threads run at their documented
    // limit (docs/limits.md), and the label and headline say so.
    const int sleepMs = 1000 * test::kThreadStartSlowdown;
    const SideBySide run = runSideBySide(RunLimits::kMaxCoroutines, sleepMs);
    ASSERT_TRUE(run.coroutines && run.threads);
    // Starting and ending 100,000 units takes about a second here; their
    // sleeps one after another would take 28 hours.
    expectAllOverlapped(
        *run.coroutines, RunLimits::kMaxCoroutines, sleepMs, 10.0 * test::kThreadStartSlowdown);
    expectAllOverlapped(*run.threads, RunLimits::kMaxThreads, sleepMs, 10.0 * test::kThreadStartSlowdown);
    EXPECT_EQ(run.threads->workerCount, RunLimits::kMaxThreads);
    EXPECT_TRUE(run.threads->spec.label.contains(QLatin1String("capped at 1,024 of 100,000")))
        << run.threads->spec.label.toStdString();
    EXPECT_FALSE(run.coroutines->spec.label.contains(QLatin1String("capped")));

    const QJsonObject c = entryFor(run.analysis, QStringLiteral("coroutines"));
    const QJsonObject t = entryFor(run.analysis, QStringLiteral("threads"));
    EXPECT_EQ(c[QLatin1String("units")].toInt(), RunLimits::kMaxCoroutines);
    EXPECT_FALSE(c.contains(QLatin1String("capped_at")));
    EXPECT_EQ(t[QLatin1String("units")].toInt(), RunLimits::kMaxThreads);
    EXPECT_EQ(t[QLatin1String("capped_at")].toInt(), RunLimits::kMaxThreads);
    EXPECT_EQ(t[QLatin1String("count_asked")].toInt(), RunLimits::kMaxCoroutines);
    const QString headline = run.analysis[QLatin1String("headline")].toString();
    EXPECT_TRUE(headline.contains(QStringLiteral("threads (capped at 1,024, its limit)")))
        << headline.toStdString();
    const double cKib = c[QLatin1String("memory_kib_per_unit")].toDouble();
    const double tKib = t[QLatin1String("memory_kib_per_unit")].toDouble();
    std::cout << "[ INFO ] coroutines x" << RunLimits::kMaxCoroutines << ": " << cKib << " KiB, "
              << c[QLatin1String("start_us_per_unit")].toDouble() << " us per unit, wall "
              << run.coroutines->wallS() << " s; threads x" << RunLimits::kMaxThreads << ": " << tKib
              << " KiB, " << t[QLatin1String("start_us_per_unit")].toDouble() << " us per unit\n";
    EXPECT_GT(cKib, 0.0);
    EXPECT_GE(tKib, 4.0 * cKib);
}

TEST(ManyTasksScenario, ACountPastAModelsLimitIsCappedNotRefused)
{
    RunPlanInput input;
    input.scenario = QStringLiteral("many-tasks");
    input.models = QStringLiteral("threads,thread-pool,coroutines");
    input.params = {QStringLiteral("count=1025")};
    RunPlan plan;
    const auto error = makeRunPlan(input, ScenarioCatalogue::builtin(), &plan);
    ASSERT_FALSE(error) << error->toStdString();
    ASSERT_EQ(plan.runs.size(), 3);
    for (const RunSpec& spec : plan.runs) {
        SCOPED_TRACE(spec.label.toStdString());
        const int units = spec.model == Model::Coroutines ? 1025 : RunLimits::kMaxThreads;
        EXPECT_EQ(spec.tasks.size(), static_cast<std::size_t>(units));
        EXPECT_EQ(spec.effectiveWorkers(), units);
        EXPECT_EQ(
            spec.label.contains(QLatin1String("capped at 1,024 of 1,025")), spec.model != Model::Coroutines);
    }
    // At the limit itself nothing is capped.
    input.params = {QStringLiteral("count=1024")};
    ASSERT_FALSE(makeRunPlan(input, ScenarioCatalogue::builtin(), &plan));
    for (const RunSpec& spec : plan.runs) {
        EXPECT_EQ(spec.tasks.size(), 1024u);
        EXPECT_FALSE(spec.label.contains(QLatin1String("capped")));
    }
    input.models = QStringLiteral("sequential");
    const auto refused = makeRunPlan(input, ScenarioCatalogue::builtin(), &plan);
    ASSERT_TRUE(refused);
    EXPECT_TRUE(refused->contains(QLatin1String("sequential"))) << refused->toStdString();
}

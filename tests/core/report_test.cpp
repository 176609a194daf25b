// The report JSON carries SPEC's contract fields with values derived from the
// run: speed-up against the sequential run, GIL wait share, spinner figures.

#include "model/runsummary.h"
#include "session/report.h"

#include <QJsonArray>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace spindle;

namespace {

RunResultPtr fakeRun(Model model, double wallS, std::int64_t gilWaitNs, int workers)
{
    auto r = std::make_shared<RunResult>();
    r->spec.model = model;
    r->spec.tasks = {{WorkloadKind::IsPrime, 7}};
    r->workerCount = workers;
    r->startNs = 1'000'000'000;
    r->endNs = r->startNs + static_cast<std::int64_t>(wallS * 1e9);
    r->processCpuNs = static_cast<std::int64_t>(wallS * 1e9); // one core busy
    for (int w = 0; w < workers; ++w) {
        WorkerResult wr;
        wr.info.id = static_cast<std::uint32_t>(w);
        wr.startNs = r->startNs;
        wr.endNs = r->endNs;
        wr.gil.waitNs = gilWaitNs;
        r->workers.push_back(wr);
    }
    r->tasks = {TaskResult{0, 0, WorkloadKind::IsPrime, 7, 1, r->startNs, r->startNs + 1000, false}};
    return r;
}

} // namespace

TEST(Report, SpeedupGilWaitAndCpuComeFromTheRuns)
{
    const auto seq = fakeRun(Model::Sequential, 8.0, 0, 1);
    const auto threads = fakeRun(Model::Threads, 10.0, 5'000'000'000, 2);
    const QJsonObject report = makeReport(QStringLiteral("primes"), {seq, threads});
    const QJsonArray runs = report[QLatin1String("runs")].toArray();
    ASSERT_EQ(runs.size(), 2);
    const QJsonObject t = runs[1].toObject();
    EXPECT_NEAR(t[QLatin1String("speedup")].toDouble(), 0.8, 1e-9);
    EXPECT_NEAR(t[QLatin1String("efficiency")].toDouble(), 0.4, 1e-9);
    EXPECT_NEAR(t[QLatin1String("gil_wait_pct")].toDouble(), 50.0, 1e-9);
    EXPECT_NEAR(t[QLatin1String("cpu_pct")].toDouble(), 100.0, 1e-9);
    EXPECT_EQ(t[QLatin1String("tasks")].toArray()[0][QLatin1String("result")].toBool(), true);
    EXPECT_EQ(t[QLatin1String("status")].toString(), QStringLiteral("ok"));
}

TEST(Report, NativeRunsHaveNoGilFigureAndNoBaselineMeansNoSpeedup)
{
    auto native = std::const_pointer_cast<RunResult>(fakeRun(Model::Threads, 2.0, 0, 2));
    native->spec.flavour = Flavour::Native;
    const QJsonObject run = makeReport(QStringLiteral("primes"), {native})[QLatin1String("runs")].toArray()[0].toObject();
    EXPECT_TRUE(run[QLatin1String("gil_wait_pct")].isNull());
    EXPECT_TRUE(run[QLatin1String("speedup")].isNull());
    EXPECT_TRUE(run[QLatin1String("spinner")].isNull());
}

TEST(Report, WritingToAMissingFolderFailsWithTheReason)
{
    QString error;
    EXPECT_FALSE(writeJsonFile(QStringLiteral("/nonexistent-dir/x.json"), QJsonObject{}, &error));
    EXPECT_TRUE(error.contains(QLatin1String("/nonexistent-dir/x.json")));
    QTemporaryDir dir;
    EXPECT_TRUE(writeJsonFile(dir.filePath(QStringLiteral("ok.json")), QJsonObject{}, &error));
}

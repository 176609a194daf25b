// The scaling sweep's chart (fig. 19-2): on fixed figures, one point per
// worker count and one dot per repeat, the best count starred, the ideal
// speed-up line; in the window, a real sweep fills it as each run finishes,
// with the same best count the core's analysis names, and it exports like
// the other charts.

#include "charts/scalingchart.h"
#include "export/exporter.h"
#include "pages/livecontrolsbar.h"
#include "pages/runpage.h"
#include "runtime/workerlocator.h"
#include "uitestsupport.h"

#include <QFileInfo>
#include <QImage>
#include <QSignalSpy>

#include <gtest/gtest.h>

using namespace spindle;
using spindle::test::saveScreenshot;
using spindle::test::waitUntil;

namespace {

RunResultPtr fakeRun(Model model, int workers, double wallS)
{
    auto r = std::make_shared<RunResult>();
    r->spec.model = model;
    r->spec.flavour = Flavour::Python;
    r->spec.workers = workers;
    r->workerCount = workers;
    r->cores = 2;
    r->startNs = 1'000'000'000;
    r->endNs = r->startNs + static_cast<std::int64_t>(wallS * 1e9);
    return r;
}

} // namespace

TEST(ScalingChart, DrawsAPointPerCountADotPerRepeatAndStarsTheBest)
{
    QList<RunResultPtr> runs;
    // Processes: 4 s, ~2.1 s, 2.2 s, 2.3 s (best K = 2); threads: flat ~4 s, best K = 1.
    for (int r = 0; r < 3; ++r) {
        runs << fakeRun(Model::Processes, 1, 4.0 + 0.1 * r) << fakeRun(Model::Processes, 2, 2.1 + 0.1 * r)
             << fakeRun(Model::Processes, 3, 2.2 + 0.1 * r) << fakeRun(Model::Processes, 4, 2.3 + 0.1 * r);
        runs << fakeRun(Model::Threads, 1, 4.0) << fakeRun(Model::Threads, 2, 4.1 + 0.1 * r)
             << fakeRun(Model::Threads, 3, 4.2) << fakeRun(Model::Threads, 4, 4.3);
    }
    ScalingChart chart;
    chart.resize(900, 360);
    chart.setSweep(ScalingSweep(runs));
    ASSERT_EQ(chart.seriesCount(), 2);
    for (int s = 0; s < 2; ++s) {
        SCOPED_TRACE(s);
        EXPECT_EQ(chart.medianGraph(s)->dataCount(), 4) << "one point per worker count";
        EXPECT_EQ(chart.repeatsGraph(s)->dataCount(), 12) << "one dot per run";
        EXPECT_EQ(chart.speedupGraph(s)->dataCount(), 4);
    }
    EXPECT_EQ(chart.starredWorkers(0), 2);
    EXPECT_EQ(chart.starredWorkers(1), 1);
    EXPECT_TRUE(chart.bestLabel(0).contains(QStringLiteral("K = 2"))) << chart.bestLabel(0).toStdString();
    EXPECT_TRUE(chart.bestLabel(0).contains(QStringLiteral("2.20 s"))) << chart.bestLabel(0).toStdString();
    // The medians drawn are the core's: K = 2 of processes is the middle of 2.1, 2.2, 2.3.
    EXPECT_DOUBLE_EQ((chart.medianGraph(0)->data()->begin() + 1)->value, 2.2);
    EXPECT_NEAR((chart.speedupGraph(0)->data()->begin() + 1)->value, 4.1 / 2.2, 1e-9);
    // The ideal: min(K, cores) for K = 1 ... 4 on two cores.
    ASSERT_EQ(chart.idealGraph()->dataCount(), 4);
    std::vector<double> ideal;
    for (auto it = chart.idealGraph()->data()->begin(); it != chart.idealGraph()->data()->end(); ++it)
        ideal.push_back(it->value);
    EXPECT_EQ(ideal, (std::vector<double> {1, 2, 2, 2}));
    // Planned further than the data: the axis (and the ideal line) reach it already.
    chart.setPlannedWorkers(6);
    EXPECT_EQ(chart.idealGraph()->dataCount(), 6);
    EXPECT_EQ(chart.medianGraph(0)->dataCount(), 4);
    // Emptied for the next sweep.
    chart.setSweep({});
    EXPECT_EQ(chart.seriesCount(), 0);
    EXPECT_EQ(chart.starredWorkers(0), 0);
}

TEST(ScalingChart, ASweepInTheWindowFillsItAsEachCountFinishes)
{
    QString why;
    if (!isModelAvailable(Model::Processes) || WorkerLocator::find(&why).isEmpty())
        GTEST_SKIP() << "no processes model in this build: " << why.toStdString();
    test::isolateSettings();
    Engine engine;
    MainWindow window(&engine);
    window.resize(1280, 800);
    window.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
    RunPage* page = window.runPage();
    ASSERT_TRUE(page->selectScenario(QStringLiteral("scaling")));
    page->setParams({{QStringLiteral("numbers"), QStringLiteral("quick")},
        {QStringLiteral("repeats"), QStringLiteral("2")},
        {QStringLiteral("max-workers"), QStringLiteral("3")}});
    page->setModels({Model::Processes, Model::Threads});
    page->setFlavour(Flavour::Python);
    ScalingChart* chart = page->scalingChart();
    ASSERT_NE(chart, nullptr);
    EXPECT_FALSE(chart->isVisible()) << "nothing to show before the first run";

    QSignalSpy done(page, &RunPage::allRunsFinished);
    QSignalSpy finished(&engine, &Engine::runFinished);
    page->startRuns();
    ASSERT_TRUE(page->isRunning()) << page->lastError().toStdString();
    // Live: the first count's point appears while the rest still runs.
    ASSERT_TRUE(waitUntil([&] { return chart->seriesCount() == 1 && chart->isVisible(); }, 60'000));
    EXPECT_TRUE(page->isRunning());
    EXPECT_GE(chart->medianGraph(0)->dataCount(), 1);
    EXPECT_FALSE(page->liveControls()->isVisible()) << "a sweep has no live controls";
    ASSERT_TRUE(done.wait(240'000));
    ASSERT_EQ(page->results().size(), 12);
    for (const RunResultPtr& r : page->results())
        ASSERT_TRUE(r->succeeded()) << r->error.toStdString();

    // One point per K for each model, a dot per run, the best the core names.
    const ScalingSweep expected(page->results());
    ASSERT_EQ(chart->seriesCount(), 2);
    for (int s = 0; s < 2; ++s) {
        SCOPED_TRACE(s);
        const ScalingSeries& series = expected.series()[static_cast<std::size_t>(s)];
        EXPECT_EQ(chart->medianGraph(s)->dataCount(), 3);
        EXPECT_EQ(chart->repeatsGraph(s)->dataCount(), 6);
        EXPECT_EQ(chart->speedupGraph(s)->dataCount(), 3);
        EXPECT_EQ(chart->starredWorkers(s), series.best().workers);
        EXPECT_GE(chart->starredWorkers(s), 1);
    }
    EXPECT_EQ(expected.series()[0].model, Model::Threads) << "the models run in the page's order";
    EXPECT_EQ(expected.series()[1].model, Model::Processes);
    EXPECT_EQ(chart->idealGraph()->dataCount(), 3);
    EXPECT_TRUE(chart->isVisible());
    EXPECT_TRUE(saveScreenshot(window, QStringLiteral("scaling-sweep")));

    // Exported alone, like every chart of the page (it is one of the export targets).
    EXPECT_EQ(chart->accessibleName(), QStringLiteral("Scaling sweep"));
    const QString path = test::screenshotPath(QStringLiteral("scaling-chart"));
    QString error;
    ASSERT_TRUE(Exporter::exportWidget(chart, path, QSize(1100, 420), 1.0, &error)) << error.toStdString();
    const QImage exported(path);
    EXPECT_EQ(exported.size(), QSize(1100, 420));

    const int widthBefore = window.width();
    window.setDarkTheme(true);
    window.setPresentationMode(true, false);
    QCoreApplication::processEvents(); // the pages reflow, then the window keeps its size
    // Large print reflows the pages; the window must not stay grown past the
    // screen it was on (it once did: 1322 px wide on a 1280 px screen).
    EXPECT_EQ(window.width(), widthBefore) << "presentation mode widened the window";
    EXPECT_EQ(chart->seriesCount(), 2) << "a theme change redraws the same figures";
    EXPECT_EQ(chart->starredWorkers(0), expected.series()[0].best().workers);
    EXPECT_TRUE(saveScreenshot(window, QStringLiteral("scaling-sweep-dark-presentation")));
    window.setPresentationMode(false);
    window.setDarkTheme(false);

    // Another scenario: the chart goes.
    ASSERT_TRUE(page->selectScenario(QStringLiteral("primes")));
    EXPECT_FALSE(chart->isVisible());
}

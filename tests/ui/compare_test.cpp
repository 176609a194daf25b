// The compare page driven like a user would: a fair comparison of sequential
// and threads on the quick primes gives two panels on one time axis and a
// summary whose best wall time is marked, in the table and the bars; a race
// runs its lanes at the same time; every run is recorded into the autosave.

#include "charts/comparisonbars.h"
#include "pages/comparecontrols.h"
#include "pages/comparepage.h"
#include "pages/comparepanel.h"
#include "pages/comparisontable.h"
#include "session/sessionreader.h"
#include "sessionactions.h"
#include "uitestsupport.h"

#include <QFileInfo>
#include <QImage>
#include <QSignalSpy>

#include <gtest/gtest.h>

using namespace spindle;
using spindle::test::saveScreenshot;
using spindle::test::waitUntil;

namespace {

class ComparePageTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        test::isolateSettings();
        window = std::make_unique<MainWindow>(&engine);
        window->resize(1280, 800);
        window->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(window.get()));
        page = window->comparePage();
        window->showPage(page);
    }
    void TearDown() override { window.reset(); }

    void choosePrimes(const QList<Model>& models, const QList<Flavour>& flavours, CompareMode mode)
    {
        ASSERT_TRUE(page->selectScenario(QStringLiteral("primes")));
        page->setParams({{QStringLiteral("numbers"), QStringLiteral("quick")}});
        page->controls()->setModels(models);
        page->controls()->setFlavours(flavours);
        page->controls()->setWorkers(2);
        page->controls()->setMode(mode);
    }

    bool compareAll(int timeoutMs = 120'000)
    {
        QSignalSpy done(page, &ComparePage::allRunsFinished);
        page->start();
        EXPECT_TRUE(page->lastError().isEmpty()) << page->lastError().toStdString();
        return done.wait(timeoutMs);
    }

    Engine engine;
    std::unique_ptr<MainWindow> window;
    ComparePage* page = nullptr;
};

} // namespace

TEST_F(ComparePageTest, FairSequentialAndThreadsMarkTheBestWallTime)
{
    choosePrimes({Model::Sequential, Model::Threads}, {Flavour::Python}, CompareMode::Fair);
    ASSERT_TRUE(page->canRun());
    ASSERT_TRUE(compareAll());
    ASSERT_EQ(page->panelCount(), 2);
    ASSERT_EQ(page->results().size(), 2);
    const RunResultPtr seq = page->results()[0];
    const RunResultPtr threads = page->results()[1];
    EXPECT_EQ(seq->spec.model, Model::Sequential);
    EXPECT_EQ(threads->spec.model, Model::Threads);
    EXPECT_TRUE(seq->succeeded() && threads->succeeded());
    EXPECT_LE(seq->endNs, threads->startNs) << "fair: one after another";
    EXPECT_TRUE(page->panel(0)->title().contains(QStringLiteral("sequential")));
    EXPECT_GT(page->panel(0)->model()->laneCount(), 0);
    EXPECT_GT(page->panel(1)->model()->laneCount(), 1) << "two worker threads";

    // The summary: two rows, the lower wall time marked best.
    ComparisonTable* table = page->table();
    ASSERT_EQ(table->rowCount(), 2);
    const int fastest = seq->wallS() <= threads->wallS() ? 0 : 1;
    ASSERT_EQ(page->comparison().best(CompareColumn::Wall), fastest);
    EXPECT_TRUE(table->isMarkedBest(fastest, CompareColumn::Wall));
    EXPECT_FALSE(table->isMarkedBest(1 - fastest, CompareColumn::Wall));
    EXPECT_TRUE(table->item(fastest, ComparisonTable::columnOf(CompareColumn::Wall))
                    ->text()
                    .startsWith(QStringLiteral("★")));
    EXPECT_TRUE(table->item(1, ComparisonTable::columnOf(CompareColumn::Speedup))
                    ->text()
                    .contains(QStringLiteral("×")));
    EXPECT_EQ(page->bars()->barCount(), 2);
    EXPECT_EQ(page->bars()->bestBar(), fastest);
    EXPECT_TRUE(page->panel(fastest)->detail().contains(QStringLiteral("fastest")));

    // One time axis: same range, time zero at the same x, zoom on one moves both.
    ComparePanel* a = page->panel(0);
    ComparePanel* b = page->panel(1);
    QCoreApplication::processEvents();
    a->replot(QCustomPlot::rpImmediateRefresh);
    b->replot(QCustomPlot::rpImmediateRefresh);
    EXPECT_EQ(a->xAxis->range(), b->xAxis->range());
    EXPECT_GE(a->xAxis->range().upper, std::max(seq->wallS(), threads->wallS()) * 0.95);
    EXPECT_TRUE(waitUntil([&] { return a->axisRect()->left() == b->axisRect()->left(); }, 2000));
    a->zoomIn();
    EXPECT_EQ(a->xAxis->range(), b->xAxis->range());
    b->panBy(0.1);
    EXPECT_EQ(a->xAxis->range(), b->xAxis->range());
    page->fitAll();
    EXPECT_NEAR(a->xAxis->range().lower, 0.0, 1e-9);

    // The bars can show any column.
    page->barsColumnBox()->setCurrentIndex(static_cast<int>(CompareColumn::CpuPct));
    EXPECT_EQ(page->bars()->column(), CompareColumn::CpuPct);
    page->barsColumnBox()->setCurrentIndex(static_cast<int>(CompareColumn::Wall));
    EXPECT_TRUE(saveScreenshot(*window, QStringLiteral("compare-quick")));
}

// Fluent Python's result on the book's numbers: with the GIL, threads are no
// faster than sequential; processes are (the picture for slides).
TEST_F(ComparePageTest, TheBooksPrimesUnderThreeModels)
{
    const QList<Model> models = {Model::Sequential, Model::Threads, Model::Processes};
    if (!isModelAvailable(Model::Processes))
        GTEST_SKIP() << "no processes model in this build";
    choosePrimes(models, {Flavour::Python}, CompareMode::Fair);
    page->setParams({{QStringLiteral("numbers"), QStringLiteral("book")}});
    ASSERT_TRUE(compareAll());
    ASSERT_EQ(page->results().size(), 3);
    for (const RunResultPtr& r : page->results())
        EXPECT_TRUE(r->succeeded()) << r->error.toStdString();
    EXPECT_EQ(page->table()->rowCount(), 3);
    EXPECT_EQ(page->bars()->barCount(), 3);
    ASSERT_TRUE(page->comparison().best(CompareColumn::Wall).has_value());
    EXPECT_TRUE(
        page->table()->isMarkedBest(*page->comparison().best(CompareColumn::Wall), CompareColumn::Wall));
    EXPECT_TRUE(saveScreenshot(*window, QStringLiteral("compare")));
    // One panel alone, as for a slide: its title travels with it.
    const QString panelShot = test::screenshotPath(QStringLiteral("compare-panel-threads"));
    ASSERT_TRUE(window->sessions()->exportPicture(page->panel(1), panelShot, QSize(1200, 320), 1.0));
    EXPECT_EQ(QImage(panelShot).size(), QSize(1200, 320));
    const QString barsShot = test::screenshotPath(QStringLiteral("compare-bars"));
    ASSERT_TRUE(window->sessions()->exportPicture(page->bars(), barsShot, QSize(640, 400), 1.0));

    // For the back of the room: dark, large fonts, high contrast.
    window->setDarkTheme(true);
    window->setPresentationMode(true, false);
    EXPECT_TRUE(saveScreenshot(*window, QStringLiteral("compare-dark-presentation")));
    window->setPresentationMode(false, false);
    window->setDarkTheme(false);
}

TEST_F(ComparePageTest, RaceRunsTheLanesAtTheSameTime)
{
    choosePrimes({Model::Sequential, Model::Threads}, {Flavour::Native}, CompareMode::Race);
    ASSERT_TRUE(compareAll());
    ASSERT_EQ(page->results().size(), 2);
    const RunResult& a = *page->results()[0];
    const RunResult& b = *page->results()[1];
    EXPECT_TRUE(a.succeeded() && b.succeeded());
    EXPECT_LT(std::max(a.startNs, b.startNs), std::min(a.endNs, b.endNs)) << "the runs overlapped";
    EXPECT_NE(a.runId, b.runId);
}

TEST_F(ComparePageTest, BothFlavoursGiveOnePanelPerModelAndFlavour)
{
    choosePrimes({Model::Sequential, Model::Threads}, {Flavour::Python, Flavour::Native}, CompareMode::Fair);
    page->setParams({{QStringLiteral("numbers"), QStringLiteral("2,3,142702110479723")}});
    ASSERT_TRUE(compareAll());
    ASSERT_EQ(page->panelCount(), 4);
    EXPECT_TRUE(page->panel(2)->title().contains(QStringLiteral("native")));
    // Speed-up is against the sequential run of the same flavour.
    EXPECT_TRUE(page->comparison().value(3, CompareColumn::Speedup).has_value());
    EXPECT_NEAR(*page->comparison().value(2, CompareColumn::Speedup), 1.0, 1e-9);
}

TEST_F(ComparePageTest, RefusesWithoutAFlavourAndSaysWhy)
{
    choosePrimes({Model::Threads}, {}, CompareMode::Fair);
    EXPECT_FALSE(page->canRun());
    QSignalSpy done(page, &ComparePage::allRunsFinished);
    page->start();
    EXPECT_FALSE(page->isRunning());
    EXPECT_TRUE(page->lastError().contains(QStringLiteral("flavour")));
    EXPECT_TRUE(done.wait(2000));
}

TEST_F(ComparePageTest, EveryRunIsRecordedIntoTheAutosave)
{
    window->sessions()->setAutosaveEnabled(true);
    choosePrimes({Model::Sequential, Model::Threads}, {Flavour::Native}, CompareMode::Fair);
    page->setParams({{QStringLiteral("numbers"), QStringLiteral("2,3,5,142702110479723")}});
    ASSERT_TRUE(compareAll());
    const QString path = window->sessions()->autosavePath();
    ASSERT_FALSE(path.isEmpty());
    EXPECT_TRUE(path.startsWith(SessionActions::autosaveFolder()));
    EXPECT_TRUE(path.endsWith(QStringLiteral(".spindle")));
    EXPECT_EQ(window->sessions()->recentSessions().value(0), QFileInfo(path).absoluteFilePath());
    SessionReadReport report;
    QString error;
    const auto session = readSession(path, &report, &error);
    ASSERT_TRUE(session) << error.toStdString();
    EXPECT_TRUE(report.problems.isEmpty()) << report.problems.join(QStringLiteral("; ")).toStdString();
    ASSERT_EQ(session->runs.size(), 2);
    EXPECT_EQ(session->runs[0]->runId, page->results()[0]->runId);
    EXPECT_EQ(session->runs[1]->recording->eventCount(), page->results()[1]->recording->eventCount());
    QFile::remove(path);
}

// The run page driven like a user would: real runs of the spinner and primes
// scenarios through the engine, the live timeline, spinners and their frozen
// badge, the CPU chart, the summary table, and parameter validation.

#include "charts/cpuchart.h"
#include "charts/spinnerstrip.h"
#include "charts/timelinechart.h"
#include "charts/timelineplot.h"
#include "pages/parameditor.h"
#include "pages/runpage.h"
#include "pages/summarytable.h"
#include "runtime/workerlocator.h"
#include "scenarios/scenariocatalogue.h"
#include "uitestsupport.h"

#include <QComboBox>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>

#include <gtest/gtest.h>

using namespace spindle;
using spindle::test::saveScreenshot;
using spindle::test::waitUntil;

namespace {

class RunPageTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        test::isolateSettings();
        window = std::make_unique<MainWindow>(&engine);
        window->resize(1280, 800);
        window->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(window.get()));
        page = window->runPage();
    }
    void TearDown() override { window.reset(); }

    // Starts the page's runs and waits until all of them are done.
    bool runAll(int timeoutMs = 60'000)
    {
        QSignalSpy done(page, &RunPage::allRunsFinished);
        page->startRuns();
        EXPECT_TRUE(page->lastError().isEmpty()) << page->lastError().toStdString();
        return done.wait(timeoutMs);
    }

    SpinnerWidget* runSpinner() const
    {
        const auto& spinners = page->spinners()->runSpinners();
        return spinners.isEmpty() ? nullptr : spinners.front();
    }

    Engine engine;
    std::unique_ptr<MainWindow> window;
    RunPage* page = nullptr;
};

} // namespace

TEST_F(RunPageTest, SpinnerThreadRunFillsTheTimelineAndTurnsTheSpinner)
{
    ASSERT_TRUE(page->selectScenario(QStringLiteral("spinner")));
    page->setParams({{QStringLiteral("slow"), QStringLiteral("sleep")},
        {QStringLiteral("seconds"), QStringLiteral("1")}});
    page->setModels({Model::Threads});
    page->setFlavour(Flavour::Python);
    QSignalSpy done(page, &RunPage::allRunsFinished);
    page->startRuns();
    ASSERT_TRUE(page->isRunning()) << page->lastError().toStdString();
    EXPECT_FALSE(page->runButton()->isEnabled());
    EXPECT_TRUE(page->stopButton()->isEnabled());

    // Live: lanes and frames arrive while the run goes on.
    ASSERT_TRUE(waitUntil(
        [&] {
            const SpinnerWidget* s = runSpinner();
            return page->shownModel() && page->shownModel()->laneCount() >= 2 && s != nullptr
                && s->frames() >= 3;
        },
        5000));
    EXPECT_TRUE(page->isRunning()) << "the spinner should turn before the run ends";
    ASSERT_TRUE(done.wait(30'000));

    const auto model = page->shownModel();
    ASSERT_TRUE(model);
    EXPECT_TRUE(model->finished());
    ASSERT_GE(model->laneCount(), 2); // the worker thread and the spinner thread
    int withSegments = 0;
    for (int lane = 0; lane < model->laneCount(); ++lane) {
        if (!model->segments(lane, model->originNs(), model->nowNs(), 1'000'000).empty())
            ++withSegments;
    }
    EXPECT_EQ(withSegments, model->laneCount());
    EXPECT_GT(page->timeline()->plot()->lastItemCount(), 0u);

    SpinnerWidget* spinner = runSpinner();
    ASSERT_NE(spinner, nullptr);
    EXPECT_GE(spinner->frames(), 8u); // 10 frames a second for a second
    EXPECT_FALSE(spinner->wasFrozen()) << "a thread spinner keeps turning while slow() sleeps";
    EXPECT_FALSE(spinner->isFrozen());
    EXPECT_LT(spinner->status().longestGapNs, 200'000'000);

    // The summary row of the run.
    ASSERT_EQ(page->results().size(), 1);
    EXPECT_TRUE(page->results().front()->succeeded());
    EXPECT_EQ(page->summaryTable()->rowCount(), 1);
    EXPECT_EQ(page->summaryTable()->item(0, SummaryTable::ModelCol)->text(), QStringLiteral("threads"));
    EXPECT_EQ(page->summaryTable()->item(0, SummaryTable::Tasks)->text(), QStringLiteral("1 / 1"));
    EXPECT_TRUE(page->runButton()->isEnabled());

    // Hovering the spinner lane tells its state and name.
    const int lane = model->spinnerLanes().front();
    TimelineChart* chart = page->timeline();
    const double seconds = 0.5;
    const QPoint pos(static_cast<int>(chart->xAxis->coordToPixel(seconds)),
        static_cast<int>(chart->yAxis->coordToPixel(lane)));
    const QString tip = chart->tooltipAt(pos);
    EXPECT_TRUE(tip.contains(QStringLiteral("spinner"))) << tip.toStdString();
    EXPECT_TRUE(tip.contains(QStringLiteral("state:"))) << tip.toStdString();

    // The view fits the run once it ended; keys zoom and fit again.
    EXPECT_FALSE(chart->following());
    const double width = chart->xAxis->range().size();
    EXPECT_NEAR(width,
        model->nowNs() > model->originNs() ? (model->nowNs() - model->originNs()) * 1.02 / 1e9 : 0, 0.05);
    QTest::keyClick(chart, Qt::Key_Plus);
    EXPECT_NEAR(chart->xAxis->range().size(), width / 2, 1e-6);
    QTest::keyClick(chart, Qt::Key_Home);
    EXPECT_NEAR(chart->xAxis->range().size(), width, 1e-6);

    EXPECT_TRUE(saveScreenshot(*window, QStringLiteral("spinner-threads-sleep")));
}

TEST_F(RunPageTest, BlockingCoroutineFreezesItsSpinner)
{
    ASSERT_TRUE(page->selectScenario(QStringLiteral("spinner")));
    page->setParams({{QStringLiteral("slow"), QStringLiteral("blocking-sleep")},
        {QStringLiteral("seconds"), QStringLiteral("1")}});
    page->setModels({Model::Coroutines});
    QSignalSpy done(page, &RunPage::allRunsFinished);
    page->startRuns();
    ASSERT_TRUE(page->isRunning()) << page->lastError().toStdString();
    // The loop is blocked: no frame comes, and the badge goes up while it lasts.
    ASSERT_TRUE(waitUntil(
        [&] {
            const SpinnerWidget* s = runSpinner();
            return s != nullptr && s->isFrozen();
        },
        5000));
    SpinnerWidget* live = runSpinner();
    ASSERT_NE(live, nullptr);
    EXPECT_EQ(live->frames(), 0u);
    EXPECT_TRUE(saveScreenshot(*window, QStringLiteral("spinner-coroutine-blocking-live")));
    ASSERT_TRUE(done.wait(30'000));

    SpinnerWidget* spinner = runSpinner();
    ASSERT_NE(spinner, nullptr);
    EXPECT_TRUE(spinner->wasFrozen());
    EXPECT_FALSE(spinner->isFrozen()) << "the badge comes down once the run has ended";
    EXPECT_GE(spinner->status().longestGapNs, 900'000'000);
    ASSERT_EQ(page->results().size(), 1);
    const auto& stats = page->results().front()->spinner;
    ASSERT_TRUE(stats.has_value());
    EXPECT_GE(stats->maxGapNs, 900'000'000);
    EXPECT_TRUE(saveScreenshot(*window, QStringLiteral("spinner-coroutine-blocking")));
}

TEST_F(RunPageTest, InvalidParameterShowsItsMessageAndDisablesRun)
{
    ASSERT_TRUE(page->selectScenario(QStringLiteral("primes")));
    EXPECT_TRUE(page->runButton()->isEnabled());
    auto* numbers = qobject_cast<QComboBox*>(page->paramEditor()->editorFor(QStringLiteral("numbers")));
    ASSERT_NE(numbers, nullptr);
    ASSERT_NE(numbers->lineEdit(), nullptr);

    // Typed by hand.
    numbers->lineEdit()->selectAll();
    QTest::keyClicks(numbers->lineEdit(), QStringLiteral("2,x"));
    const QString message = page->paramEditor()->errorFor(QStringLiteral("numbers"));
    EXPECT_TRUE(message.contains(QStringLiteral("numbers"))) << message.toStdString();
    EXPECT_TRUE(message.contains(QStringLiteral("'x'"))) << message.toStdString();
    EXPECT_FALSE(page->runButton()->isEnabled());
    EXPECT_FALSE(window->runAction()->isEnabled());
    EXPECT_FALSE(page->canRun());
    EXPECT_TRUE(saveScreenshot(*window, QStringLiteral("invalid-parameter")));

    // Run refuses too, saying why.
    QSignalSpy done(page, &RunPage::allRunsFinished);
    page->startRuns();
    EXPECT_FALSE(page->isRunning());
    EXPECT_FALSE(page->lastError().isEmpty());
    EXPECT_TRUE(done.wait(1000)) << "a refused start still ends the batch";

    // Fixed: the message goes, Run comes back.
    page->setParams({{QStringLiteral("numbers"), QStringLiteral("2,3,5")}});
    EXPECT_TRUE(page->paramEditor()->errorFor(QStringLiteral("numbers")).isEmpty());
    EXPECT_TRUE(page->runButton()->isEnabled());
    EXPECT_TRUE(window->runAction()->isEnabled());

    // A value a spin box cannot hold is shown as a message as well.
    ASSERT_TRUE(page->selectScenario(QStringLiteral("spinner")));
    page->setParams({{QStringLiteral("seconds"), QStringLiteral("100")}});
    EXPECT_TRUE(
        page->paramEditor()->errorFor(QStringLiteral("seconds")).contains(QStringLiteral("out of range")));
    EXPECT_FALSE(page->runButton()->isEnabled());
    page->setParams({{QStringLiteral("seconds"), QStringLiteral("2")}});
    EXPECT_TRUE(page->runButton()->isEnabled());
}

TEST_F(RunPageTest, AZeroThatStandsForSomethingSaysWhat)
{
    // spinner's number 0 means "a prime calibrated to this machine": the
    // editor says so instead of showing a bare 0, and still passes 0 on.
    ASSERT_TRUE(page->selectScenario(QStringLiteral("spinner")));
    auto* number = qobject_cast<QLineEdit*>(page->paramEditor()->editorFor(QStringLiteral("number")));
    ASSERT_NE(number, nullptr);
    EXPECT_TRUE(number->text().isEmpty()) << number->text().toStdString();
    EXPECT_TRUE(number->placeholderText().contains(QStringLiteral("calibrated")))
        << number->placeholderText().toStdString();
    EXPECT_EQ(page->paramEditor()->values().value(QStringLiteral("number")), QStringLiteral("0"));
    EXPECT_TRUE(page->runButton()->isEnabled());
    page->setParams({{QStringLiteral("number"), QStringLiteral("5000111000222021")}});
    EXPECT_EQ(number->text(), QStringLiteral("5000111000222021"));
    page->setParams({{QStringLiteral("number"), QStringLiteral("0")}});
    EXPECT_TRUE(number->text().isEmpty());

    // scaling's max-workers is a spin box: its 0 reads as what it stands for.
    ASSERT_TRUE(page->selectScenario(QStringLiteral("scaling")));
    auto* maxWorkers = qobject_cast<QSpinBox*>(page->paramEditor()->editorFor(QStringLiteral("max-workers")));
    ASSERT_NE(maxWorkers, nullptr);
    EXPECT_EQ(maxWorkers->value(), 0);
    EXPECT_TRUE(maxWorkers->text().contains(QStringLiteral("cores"))) << maxWorkers->text().toStdString();
    EXPECT_EQ(page->paramEditor()->values().value(QStringLiteral("max-workers")), QStringLiteral("0"));
}

TEST_F(RunPageTest, ModelsFollowTheScenarioAndAvailability)
{
    ASSERT_TRUE(page->selectScenario(QStringLiteral("spinner")));
    QList<Model> expected;
    for (Model m : ScenarioCatalogue::builtin().find(QStringLiteral("spinner"))->defaultModels()) {
        if (isModelAvailable(m))
            expected << m;
    }
    EXPECT_EQ(page->models(), expected);
    page->setModels({});
    EXPECT_FALSE(page->runButton()->isEnabled());
    for (int i = 0; i < kModelCount; ++i) {
        const auto m = static_cast<Model>(i);
        auto* box = page->findChild<QWidget*>(
            QStringLiteral("model-%1").arg(QString::fromLatin1(toString(m).data())));
        ASSERT_NE(box, nullptr);
        EXPECT_EQ(box->isEnabled(), isModelAvailable(m));
    }
    EXPECT_FALSE(page->selectScenario(QStringLiteral("no-such-scenario")));
}

TEST_F(RunPageTest, PrimesSequentialThenThreadsFillTheSummary)
{
    ASSERT_TRUE(page->selectScenario(QStringLiteral("primes")));
    // Ten of the book's numbers: long enough for the CPU sampler to draw lines.
    page->setParams({{QStringLiteral("numbers"),
        QStringLiteral("142702110479723,299593572317531,3333333333333301,3333333333333333,"
                       "3333335652092209,4444444444444423,4444444444444444,4444444488888889,"
                       "5555553133149889,5555555555555503")}});
    page->setModels({Model::Sequential, Model::Threads});
    page->setFlavour(Flavour::Python);
    page->setWorkers(2);
    ASSERT_TRUE(runAll());
    ASSERT_EQ(page->results().size(), 2);
    EXPECT_EQ(page->results()[0]->spec.model, Model::Sequential);
    EXPECT_EQ(page->results()[1]->spec.model, Model::Threads);
    EXPECT_EQ(page->summaryTable()->rowCount(), 2);
    // The threads row compares against the sequential one; python threads wait for the GIL.
    EXPECT_NE(page->summaryTable()->item(1, SummaryTable::Speedup)->text(), QStringLiteral("—"));
    EXPECT_NE(page->summaryTable()->item(1, SummaryTable::GilWait)->text(), QStringLiteral("—"));
    const auto model = page->shownModel();
    ASSERT_TRUE(model);
    EXPECT_GE(model->laneCount(), 2);
    EXPECT_EQ(model->tasksDone(), page->results()[1]->spec.tasks.size());
    EXPECT_GE(page->cpuChart()->workerLineCount(), 1);
    EXPECT_TRUE(saveScreenshot(*window, QStringLiteral("primes-python")));

    // A row of the table brings its run back on the timeline.
    page->summaryTable()->cellClicked(0, 0);
    ASSERT_TRUE(page->shownModel());
    EXPECT_EQ(page->shownModel()->laneCount(), 1); // sequential: the main thread only

    page->summaryTable()->cellClicked(1, 0);
    window->setDarkTheme(true);
    EXPECT_TRUE(saveScreenshot(*window, QStringLiteral("primes-python-dark")));
    window->setDarkTheme(false);
    window->setPresentationMode(true, false);
    EXPECT_TRUE(window->presentationMode());
    EXPECT_TRUE(saveScreenshot(*window, QStringLiteral("primes-python-presentation")));
    window->setPresentationMode(false);
}

TEST_F(RunPageTest, ProcessLanesAreGroupedByProcess)
{
    QString why;
    if (!isModelAvailable(Model::Processes) || WorkerLocator::find(&why).isEmpty())
        GTEST_SKIP() << "no processes model in this build: " << why.toStdString();
    ASSERT_TRUE(page->selectScenario(QStringLiteral("primes")));
    page->setParams({{QStringLiteral("numbers"),
        QStringLiteral("142702110479723,299593572317531,3333333333333301,3333333333333333,"
                       "3333335652092209,4444444444444423,4444444444444444,4444444488888889")}});
    page->setModels({Model::Processes});
    page->setFlavour(Flavour::Python);
    page->setWorkers(2);
    ASSERT_TRUE(runAll());
    ASSERT_EQ(page->results().size(), 1);
    EXPECT_TRUE(page->results().front()->succeeded()) << page->results().front()->error.toStdString();
    const auto model = page->shownModel();
    ASSERT_TRUE(model);
    EXPECT_GE(model->groupCount(), 2) << "each worker process is a group of its own";
    for (int lane = 1; lane < model->laneCount(); ++lane) {
        if (!model->startsGroup(lane)) {
            EXPECT_EQ(model->laneInfo(lane).pid, model->laneInfo(lane - 1).pid);
        }
    }
    EXPECT_TRUE(saveScreenshot(*window, QStringLiteral("primes-processes-python")));
}

TEST_F(RunPageTest, ManyLanesKeepReadableLabels)
{
    ASSERT_TRUE(page->selectScenario(QStringLiteral("primes")));
    page->setParams({{QStringLiteral("numbers"), QStringLiteral("quick")}});
    page->setModels({Model::Threads});
    page->setFlavour(Flavour::Native);
    page->setWorkers(24);
    ASSERT_TRUE(runAll());
    const auto model = page->shownModel();
    ASSERT_TRUE(model);
    EXPECT_EQ(model->laneCount(), 24);
    // Only as many lanes as fit with a readable label are on screen; the rest scroll.
    TimelineChart* chart = page->timeline();
    const QCPRange lanes = chart->yAxis->range();
    const double laneHeight = std::abs(chart->yAxis->coordToPixel(1) - chart->yAxis->coordToPixel(0));
    EXPECT_GE(laneHeight, QFontMetrics(chart->yAxis->tickLabelFont()).height());
    EXPECT_LE(lanes.size(), 24.0);
    QTest::keyClick(chart, Qt::Key_PageDown);
    EXPECT_GT(chart->yAxis->range().lower, lanes.lower);
    QTest::keyClick(chart, Qt::Key_PageUp);
    EXPECT_TRUE(saveScreenshot(*window, QStringLiteral("primes-threads-24-native")));
}

TEST_F(RunPageTest, StopEndsTheRunAndTheQueue)
{
    ASSERT_TRUE(page->selectScenario(QStringLiteral("spinner")));
    page->setParams({{QStringLiteral("slow"), QStringLiteral("sleep")},
        {QStringLiteral("seconds"), QStringLiteral("20")}});
    page->setModels({Model::Threads, Model::Coroutines});
    QSignalSpy done(page, &RunPage::allRunsFinished);
    page->startRuns();
    ASSERT_TRUE(page->isRunning()) << page->lastError().toStdString();
    EXPECT_TRUE(window->stopAction()->isEnabled());
    ASSERT_TRUE(waitUntil([&] { return page->shownModel() && page->shownModel()->laneCount() >= 2; }, 5000));
    EXPECT_TRUE(page->timeline()->following()) << "a live run is followed";
    window->stopAction()->trigger();
    ASSERT_TRUE(done.wait(10'000));
    EXPECT_FALSE(page->isRunning());
    ASSERT_EQ(page->results().size(), 1) << "the queued coroutines run never started";
    EXPECT_TRUE(page->results().front()->cancelled);
    EXPECT_TRUE(
        page->summaryTable()->item(0, SummaryTable::ModelCol)->text().contains(QStringLiteral("stopped")));
    EXPECT_FALSE(window->stopAction()->isEnabled());
    EXPECT_TRUE(window->runAction()->isEnabled());
    EXPECT_TRUE(saveScreenshot(*window, QStringLiteral("spinner-stopped")));
}

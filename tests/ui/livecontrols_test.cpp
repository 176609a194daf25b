// The daemons run's live controls in the window: Kill makes a consumer's
// lane end crashed and a "(restart 1)" lane appear; the consumer count adds
// lanes while it runs; the timeline's lane menu kills the process of that
// lane; none of it shows for a run that cannot take it. Every wait is on the
// run's own progress, as the window sees it.

#include "charts/lanekillmenu.h"
#include "charts/timelinechart.h"
#include "pages/livecontrolsbar.h"
#include "pages/runpage.h"
#include "runtime/workerlocator.h"
#include "uitestsupport.h"

#include <QAction>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>

#include <gtest/gtest.h>

using namespace spindle;
using spindle::test::saveScreenshot;
using spindle::test::waitUntil;

namespace {

bool isConsumer(const WorkerInfo& info)
{
    return info.kind == WorkerKind::Process && info.role == WorkerRole::Worker;
}

bool endedCrashed(const TimelineModel& model, int lane)
{
    if (!model.laneEndNs(lane))
        return false;
    const auto last = model.segmentAt(lane, model.nowNs());
    return last && last->state == WorkerState::Crashed;
}

int crashedConsumers(const TimelineModel& model)
{
    int n = 0;
    for (int lane = 0; lane < model.laneCount(); ++lane)
        n += isConsumer(model.laneInfo(lane)) && endedCrashed(model, lane) ? 1 : 0;
    return n;
}

int liveConsumers(const TimelineModel& model)
{
    int n = 0;
    for (int lane = 0; lane < model.laneCount(); ++lane)
        n += isConsumer(model.laneInfo(lane)) && !model.laneEndNs(lane) ? 1 : 0;
    return n;
}

int lanesNamed(const TimelineModel& model, const QString& part)
{
    int n = 0;
    for (int lane = 0; lane < model.laneCount(); ++lane)
        n += model.laneInfo(lane).name.contains(part) ? 1 : 0;
    return n;
}

// A consumer inside an item right now.
bool anyBusy(const TimelineModel& model)
{
    for (int lane = 0; lane < model.laneCount(); ++lane) {
        const auto task = model.taskAt(lane, model.nowNs());
        if (isConsumer(model.laneInfo(lane)) && task && task->running())
            return true;
    }
    return false;
}

class LiveControlsTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        QString why;
        if (!isModelAvailable(Model::Processes) || WorkerLocator::find(&why).isEmpty())
            GTEST_SKIP() << "no processes model in this build: " << why.toStdString();
        test::isolateSettings();
        window = std::make_unique<MainWindow>(&engine);
        window->resize(1280, 800);
        window->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(window.get()));
        page = window->runPage();
    }
    void TearDown() override { window.reset(); }

    Engine engine;
    std::unique_ptr<MainWindow> window;
    RunPage* page = nullptr;
};

} // namespace

TEST_F(LiveControlsTest, KillAndResizeADaemonsRunWhileItRuns)
{
    ASSERT_TRUE(page->selectScenario(QStringLiteral("daemons")));
    page->setParams(
        {{QStringLiteral("items"), QStringLiteral("60")}, {QStringLiteral("item-ms"), QStringLiteral("250")},
            {QStringLiteral("produce-ms"), QStringLiteral("20")},
            {QStringLiteral("kill-every"), QStringLiteral("0")},
            {QStringLiteral("resize-to"), QStringLiteral("0")}});
    page->setWorkers(2);
    LiveControlsBar* bar = page->liveControls();
    ASSERT_NE(bar, nullptr);
    EXPECT_FALSE(bar->isVisible()) << "no run yet";
    auto* laneMenu = page->timeline()->findChild<LaneKillMenu*>();
    ASSERT_NE(laneMenu, nullptr);

    QSignalSpy done(page, &RunPage::allRunsFinished);
    page->startRuns();
    ASSERT_TRUE(page->isRunning()) << page->lastError().toStdString();
    EXPECT_TRUE(bar->isVisible());
    EXPECT_TRUE(laneMenu->isActive());
    EXPECT_EQ(bar->workersBox()->value(), 2);
    const auto model = page->shownModel();
    ASSERT_TRUE(model);

    // Kill: a busy consumer crashes, and a restart takes its place on a lane of its own.
    // After a few items, so that the lanes have a past to end in.
    ASSERT_TRUE(waitUntil([&] { return model->tasksDone() >= 4 && anyBusy(*model); }, 20'000))
        << "no consumer began an item";
    QTest::mouseClick(bar->killButton(), Qt::LeftButton);
    EXPECT_TRUE(bar->lastMessage().contains(QStringLiteral("SIGKILL sent")))
        << bar->lastMessage().toStdString();
    ASSERT_TRUE(waitUntil(
        [&] {
            return crashedConsumers(*model) == 1 && lanesNamed(*model, QStringLiteral("(restart 1)")) == 1;
        },
        20'000))
        << crashedConsumers(*model) << " crashed";
    EXPECT_EQ(liveConsumers(*model), 2) << "the count it keeps";

    // Consumers 2 → 4: two lanes appear while it runs, and the box shows what the run keeps.
    const int lanesBefore = model->laneCount();
    bar->workersBox()->setValue(4);
    ASSERT_TRUE(waitUntil([&] { return liveConsumers(*model) == 4; }, 20'000)) << liveConsumers(*model);
    EXPECT_EQ(model->laneCount(), lanesBefore + 2);
    EXPECT_EQ(bar->workersBox()->value(), 4);

    // The lane menu kills that lane's process.
    TimelineChart* chart = page->timeline();
    chart->refresh();
    chart->replot(QCustomPlot::rpImmediateRefresh);
    int victim = -1;
    for (int lane = 0; lane < model->laneCount() && victim < 0; ++lane) {
        if (isConsumer(model->laneInfo(lane)) && !model->laneEndNs(lane)
            && chart->yAxis->range().contains(lane))
            victim = lane;
    }
    ASSERT_GE(victim, 0) << "no live consumer lane in view";
    const WorkerInfo victimInfo = model->laneInfo(victim);
    const QPoint onLane(static_cast<int>(chart->xAxis->coordToPixel(chart->xAxis->range().center())),
        static_cast<int>(chart->yAxis->coordToPixel(victim)));
    QObject holder;
    EXPECT_TRUE(laneMenu->actionsAt(QPoint(2, 2), &holder).isEmpty()) << "off the lanes: nothing to kill";
    const QList<QAction*> actions = laneMenu->actionsAt(onLane, &holder);
    ASSERT_EQ(actions.size(), 2);
    EXPECT_TRUE(actions[0]->text().contains(victimInfo.name)) << actions[0]->text().toStdString();
    EXPECT_TRUE(actions[0]->text().contains(QStringLiteral("SIGKILL")));
    EXPECT_TRUE(actions[1]->text().contains(QStringLiteral("Pause"))) << "it runs: it can be paused";
    actions[0]->trigger();
    EXPECT_TRUE(bar->lastMessage().contains(victimInfo.name)) << bar->lastMessage().toStdString();
    QCoreApplication::processEvents();
    EXPECT_EQ(window->width(), 1280) << "the controls and their message fit in the window as it was";
    ASSERT_TRUE(waitUntil([&] { return endedCrashed(*model, model->laneOf(victimInfo.id)); }, 20'000));
    ASSERT_TRUE(waitUntil([&] { return liveConsumers(*model) == 4; }, 20'000)) << "restarted in its place";
    EXPECT_EQ(crashedConsumers(*model), 2);
    // The items keep coming after the kills, the restarted ones among the consumers.
    const std::uint64_t doneAtKill = model->tasksDone();
    ASSERT_TRUE(waitUntil([&] { return model->tasksDone() >= doneAtKill + 8; }, 20'000));
    page->timeline()->refresh();
    EXPECT_TRUE(saveScreenshot(*window, QStringLiteral("daemons-live-kill-resize")));

    ASSERT_TRUE(done.wait(120'000));
    EXPECT_FALSE(bar->isVisible()) << "gone with the run";
    EXPECT_FALSE(laneMenu->isActive());
    EXPECT_TRUE(laneMenu->actionsAt(onLane, &holder).isEmpty());
    ASSERT_EQ(page->results().size(), 1);
    const RunResultPtr r = page->results().front();
    ASSERT_TRUE(r->succeeded()) << r->error.toStdString();
    EXPECT_EQ(r->supervisor->crashed, 2u);
    EXPECT_EQ(r->supervisor->restarts, 2u);
    EXPECT_EQ(r->supervisor->consumersAtEnd, 4);
    EXPECT_EQ(r->supervisor->consumed, 60u);
}

TEST_F(LiveControlsTest, ARunThatCannotChangeShowsNoLiveControls)
{
    ASSERT_TRUE(page->selectScenario(QStringLiteral("primes")));
    page->setParams({{QStringLiteral("numbers"), QStringLiteral("quick")}});
    page->setModels({Model::Processes});
    QSignalSpy done(page, &RunPage::allRunsFinished);
    QSignalSpy started(&engine, &Engine::runStarted);
    page->startRuns();
    ASSERT_EQ(started.size(), 1);
    EXPECT_FALSE(page->liveControls()->isVisible());
    auto* laneMenu = page->timeline()->findChild<LaneKillMenu*>();
    ASSERT_NE(laneMenu, nullptr);
    EXPECT_FALSE(laneMenu->isActive());
    ASSERT_TRUE(done.wait(60'000));
}

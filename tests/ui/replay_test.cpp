// Sessions in the window: runs saved and opened again show the same runs on
// the replay page, which reveals a run up to its scrubbed or played time; a
// truncated file opens with its problem reported and what could be read; an
// unwritable path is refused naming it, and the runs stay in memory.

#include "charts/spinnerstrip.h"
#include "charts/spinnerwidget.h"
#include "charts/timelinechart.h"
#include "pages/comparecontrols.h"
#include "pages/comparepage.h"
#include "pages/replaypage.h"
#include "pages/runpage.h"
#include "pages/summarytable.h"
#include "sessionactions.h"
#include "uitestsupport.h"

#include <QCryptographicHash>
#include <QFile>
#include <QMessageBox>
#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace spindle;
using spindle::test::saveScreenshot;
using spindle::test::waitUntil;

namespace {

QByteArray fileHash(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256);
}

class ReplayPageTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        test::isolateSettings();
        ASSERT_TRUE(dir.isValid());
        window = std::make_unique<MainWindow>(&engine);
        window->resize(1280, 800);
        window->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(window.get()));
        sessions = window->sessions();
        replay = window->replayPage();
    }
    void TearDown() override
    {
        for (QMessageBox* box : window->findChildren<QMessageBox*>())
            box->close();
        window.reset();
    }

    // A fair comparison of sequential and threads (spinner on) on a few primes.
    void compareTwo()
    {
        ComparePage* page = window->comparePage();
        window->showPage(page);
        ASSERT_TRUE(page->selectScenario(QStringLiteral("primes")));
        page->setParams({{QStringLiteral("numbers"), QStringLiteral("quick")}});
        page->controls()->setModels({Model::Sequential, Model::Threads});
        page->controls()->setFlavours({Flavour::Python});
        page->controls()->setWorkers(2);
        QSignalSpy done(page, &ComparePage::allRunsFinished);
        page->start();
        ASSERT_TRUE(done.wait(120'000));
        ASSERT_EQ(page->results().size(), 2);
    }

    bool save(const QString& path)
    {
        QSignalSpy saved(sessions, &SessionActions::sessionSaved);
        sessions->saveSession(path);
        return (!saved.isEmpty() || saved.wait(30'000)) && saved.takeFirst().at(1).toBool();
    }

    // Opens path and waits for the first run to be ready on the replay page.
    bool open(const QString& path)
    {
        QSignalSpy opened(sessions, &SessionActions::sessionOpened);
        QSignalSpy ready(replay, &ReplayPage::replayReady);
        sessions->openSession(path);
        if (!opened.wait(30'000) || !opened.takeFirst().at(1).toBool())
            return false;
        return ready.count() > 0 || ready.wait(30'000);
    }

    QMessageBox* messageBox() const
    {
        const auto boxes = window->findChildren<QMessageBox*>();
        return boxes.isEmpty() ? nullptr : boxes.back();
    }

    QTemporaryDir dir;
    Engine engine;
    std::unique_ptr<MainWindow> window;
    SessionActions* sessions = nullptr;
    ReplayPage* replay = nullptr;
};

} // namespace

TEST_F(ReplayPageTest, SaveThenOpenShowsTheSameRunsOnTheReplayPage)
{
    compareTwo();
    const QList<RunResultPtr> runs = window->comparePage()->results();
    const QString path = dir.filePath(QStringLiteral("compare.spindle"));
    ASSERT_TRUE(save(path));
    ASSERT_TRUE(open(path));
    EXPECT_EQ(window->currentPage(), replay);
    ASSERT_EQ(replay->runs().size(), runs.size());
    for (qsizetype i = 0; i < runs.size(); ++i) {
        const RunResult& a = *runs[i];
        const RunResult& b = *replay->runs()[i];
        EXPECT_EQ(a.runId, b.runId);
        EXPECT_EQ(a.spec.model, b.spec.model);
        EXPECT_EQ(a.startNs, b.startNs);
        EXPECT_EQ(a.endNs, b.endNs);
        EXPECT_EQ(a.tasks, b.tasks);
        EXPECT_EQ(a.recording->eventCount(), b.recording->eventCount());
    }
    EXPECT_EQ(replay->summaryTable()->rowCount(), 2);
    EXPECT_TRUE(replay->notice().isEmpty());
    EXPECT_EQ(sessions->recentSessions().value(0), path);

    // The first run, whole: as the live page showed it.
    ASSERT_TRUE(replay->isReady());
    EXPECT_EQ(replay->currentRun(), 0);
    EXPECT_TRUE(replay->model()->finished());
    EXPECT_EQ(replay->model()->tasksDone(), runs[0]->tasks.size());
    EXPECT_NEAR(static_cast<double>(replay->durationNs()) / 1e9, runs[0]->wallS(), 0.1);

    // Another run is picked from the table.
    QSignalSpy ready(replay, &ReplayPage::replayReady);
    replay->showRun(1);
    ASSERT_TRUE(ready.wait(30'000));
    EXPECT_EQ(replay->currentRun(), 1);
    EXPECT_GT(replay->model()->laneCount(), 1);
}

TEST_F(ReplayPageTest, TheCursorRevealsTheRunAndPlaysToTheEnd)
{
    compareTwo();
    window->replayShownRuns();
    EXPECT_EQ(window->currentPage(), replay);
    ASSERT_TRUE(waitUntil([&] { return replay->isReady(); }, 30'000));
    const std::uint64_t allTasks = replay->model()->tasksDone();

    replay->seek(replay->durationNs() / 2);
    EXPECT_FALSE(replay->model()->finished());
    EXPECT_LT(replay->model()->tasksDone(), allTasks);
    EXPECT_EQ(replay->model()->nowNs() - replay->model()->originNs(), replay->durationNs() / 2);
    EXPECT_EQ(replay->scrubber()->value(), static_cast<int>(replay->durationNs() / 2 / 1'000'000));

    // Dragging the scrubber moves the cursor.
    replay->scrubber()->setValue(replay->scrubber()->maximum() / 4);
    EXPECT_NEAR(static_cast<double>(replay->cursorNs()), replay->durationNs() / 4.0, 2e6);

    // Play at 4×: the cursor advances and stops at the end.
    replay->setSpeed(4.0);
    EXPECT_EQ(replay->speed(), 4.0);
    QSignalSpy playing(replay, &ReplayPage::playingChanged);
    const std::int64_t before = replay->cursorNs();
    replay->play();
    ASSERT_TRUE(replay->isPlaying());
    ASSERT_TRUE(waitUntil([&] { return replay->cursorNs() > before; }, 5'000));
    ASSERT_TRUE(waitUntil([&] { return !replay->isPlaying(); }, 60'000));
    EXPECT_EQ(replay->cursorNs(), replay->durationNs());
    EXPECT_TRUE(replay->model()->finished());
    EXPECT_EQ(replay->model()->tasksDone(), allTasks);
    EXPECT_EQ(playing.count(), 2) << "started, then stopped at the end";
}

// The lesson of the spinner, replayed: the CPU-bound coroutine drew no frame
// while slow() ran, so at 60 % of the replay its spinner stands frozen.
TEST_F(ReplayPageTest, AFrozenSpinnerFreezesAgainInTheReplay)
{
    RunPage* page = window->runPage();
    ASSERT_TRUE(page->selectScenario(QStringLiteral("spinner")));
    page->setParams(
        {{QStringLiteral("slow"), QStringLiteral("cpu")}, {QStringLiteral("seconds"), QStringLiteral("1")}});
    page->setModels({Model::Threads, Model::Coroutines});
    QSignalSpy done(page, &RunPage::allRunsFinished);
    page->startRuns();
    ASSERT_TRUE(done.wait(60'000));
    ASSERT_EQ(page->results().size(), 2);
    window->replayShownRuns();
    ASSERT_TRUE(waitUntil([&] { return replay->isReady(); }, 30'000));

    // Threads: the spinner turns at 60 % of the run.
    replay->seek(replay->durationNs() * 3 / 5);
    ASSERT_FALSE(replay->spinners()->runSpinners().isEmpty());
    EXPECT_GE(replay->spinners()->runSpinners().front()->frames(), 2u);
    EXPECT_FALSE(replay->spinners()->runSpinners().front()->isFrozen());

    QSignalSpy ready(replay, &ReplayPage::replayReady);
    replay->showRun(1);
    ASSERT_TRUE(ready.wait(30'000));
    replay->seek(replay->durationNs() * 3 / 5);
    ASSERT_FALSE(replay->spinners()->runSpinners().isEmpty());
    SpinnerWidget* coroutine = replay->spinners()->runSpinners().front();
    EXPECT_TRUE(coroutine->isFrozen()) << "frames: " << coroutine->frames();
    // The new spinner widget is laid out on the next turn of the event loop.
    ASSERT_TRUE(waitUntil([&] { return coroutine->height() >= coroutine->sizeHint().height(); }, 2000));
    EXPECT_TRUE(saveScreenshot(*window, QStringLiteral("replay")));
}

TEST_F(ReplayPageTest, ATruncatedSessionOpensWithItsProblemAndWhatWasRecovered)
{
    compareTwo();
    const QString whole = dir.filePath(QStringLiteral("whole.spindle"));
    ASSERT_TRUE(save(whole));
    QFile in(whole);
    ASSERT_TRUE(in.open(QIODevice::ReadOnly));
    const QByteArray bytes = in.readAll();
    const QString cut = dir.filePath(QStringLiteral("cut.spindle"));
    {
        QFile out(cut);
        ASSERT_TRUE(out.open(QIODevice::WriteOnly));
        out.write(bytes.left(bytes.size() - 40)); // inside the last run's final chunk
    }
    const QByteArray hashBefore = fileHash(cut);

    ASSERT_TRUE(open(cut));
    EXPECT_GE(replay->runs().size(), 1);
    EXPECT_LE(replay->runs().size(), 2);
    EXPECT_TRUE(replay->isReady());
    EXPECT_GT(replay->model()->laneCount(), 0);
    const QString message = sessions->lastMessage();
    EXPECT_TRUE(message.contains(QStringLiteral("Recovered %1 run").arg(replay->runs().size())))
        << message.toStdString();
    EXPECT_TRUE(message.contains(QStringLiteral("the file ends inside the chunk at byte")))
        << message.toStdString();
    EXPECT_TRUE(message.contains(cut));
    QMessageBox* box = messageBox();
    ASSERT_NE(box, nullptr);
    EXPECT_TRUE(box->isVisible());
    EXPECT_EQ(box->text(), message);
    EXPECT_TRUE(replay->notice().contains(QStringLiteral("ends inside the chunk")));
    EXPECT_EQ(fileHash(cut), hashBefore) << "opening never modifies the file";
    EXPECT_TRUE(saveScreenshot(*window, QStringLiteral("replay-truncated")));
}

TEST_F(ReplayPageTest, AFileThatIsNotASessionIsRefusedWithTheReason)
{
    const QString path = dir.filePath(QStringLiteral("notes.spindle"));
    {
        QFile out(path);
        ASSERT_TRUE(out.open(QIODevice::WriteOnly));
        out.write("these are not the runs you are looking for");
    }
    QSignalSpy opened(sessions, &SessionActions::sessionOpened);
    sessions->openSession(path);
    ASSERT_TRUE(opened.wait(10'000));
    EXPECT_FALSE(opened.takeFirst().at(1).toBool());
    EXPECT_TRUE(sessions->lastMessage().contains(QStringLiteral("not a Spindle session")));
    EXPECT_TRUE(replay->runs().isEmpty());
}

TEST_F(ReplayPageTest, SavingToAnUnwritablePathNamesItAndKeepsTheRuns)
{
    compareTwo();
    const QString path = dir.filePath(QStringLiteral("no/such/folder/runs.spindle"));
    EXPECT_FALSE(save(path));
    const QString message = sessions->lastMessage();
    EXPECT_TRUE(message.contains(path)) << message.toStdString();
    EXPECT_TRUE(message.contains(QStringLiteral("No such file or directory"))) << message.toStdString();
    EXPECT_TRUE(message.contains(QStringLiteral("still here"))) << message.toStdString();
    ASSERT_NE(messageBox(), nullptr);
    EXPECT_EQ(window->comparePage()->results().size(), 2) << "the session stays in memory";
    EXPECT_FALSE(sessions->recentSessions().contains(path));
    // And a writable place still works afterwards.
    EXPECT_TRUE(save(dir.filePath(QStringLiteral("runs.spindle"))));
}

TEST_F(ReplayPageTest, RecentSessionsKeepTheLatestEight)
{
    compareTwo();
    QStringList paths;
    for (int i = 0; i < 10; ++i) {
        paths << dir.filePath(QStringLiteral("s%1.spindle").arg(i));
        ASSERT_TRUE(save(paths.back()));
    }
    const QStringList recent = sessions->recentSessions();
    ASSERT_EQ(recent.size(), SessionActions::kMaxRecent);
    EXPECT_EQ(recent.front(), paths.back());
    EXPECT_FALSE(recent.contains(paths.front()));
}

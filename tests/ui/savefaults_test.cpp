// The window when the disk says no: saving or exporting to a full device or
// an impossible path shows a message naming the file and the OS's reason, and
// the runs stay on the page, saveable elsewhere; an autosave that runs out of
// room during a run is reported once, after the run, instead of silently
// recording nothing more.

#include "pages/runpage.h"
#include "session/sessionreader.h"
#include "session/sessionwriter.h"
#include "sessionactions.h"
#include "testsupport.h"
#include "uitestsupport.h"

#include <QFile>
#include <QMessageBox>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <sys/stat.h>

using namespace spindle;

namespace {

class SaveFaultsTest : public ::testing::Test {
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
        page = window->runPage();
    }
    void TearDown() override
    {
        for (QMessageBox* box : window->findChildren<QMessageBox*>())
            box->close();
        window.reset();
    }

    void runThreads()
    {
        ASSERT_TRUE(page->selectScenario(QStringLiteral("primes")));
        page->setParams({{QStringLiteral("numbers"), QStringLiteral("2,3,5,1000000000039")}});
        page->setModels({Model::Threads});
        page->setWorkers(2);
        QSignalSpy done(page, &RunPage::allRunsFinished);
        page->startRuns();
        ASSERT_TRUE(done.wait(60'000));
    }

    bool save(const QString& path)
    {
        QSignalSpy saved(sessions, &SessionActions::sessionSaved);
        sessions->saveSession(path);
        return (!saved.isEmpty() || saved.wait(30'000)) && saved.takeFirst().at(1).toBool();
    }

    int messageBoxes() const { return static_cast<int>(window->findChildren<QMessageBox*>().size()); }

    QTemporaryDir dir;
    Engine engine;
    std::unique_ptr<MainWindow> window;
    SessionActions* sessions = nullptr;
    RunPage* page = nullptr;
};

bool isCharDevice(const char* path)
{
    struct stat st { };
    return ::stat(path, &st) == 0 && S_ISCHR(st.st_mode);
}

} // namespace

TEST_F(SaveFaultsTest, AFullDiskOrAnImpossiblePathShowsTheReasonAndTheRunsStay)
{
    if (!isCharDevice("/dev/full"))
        GTEST_SKIP() << "no /dev/full here";
    runThreads();
    ASSERT_EQ(page->results().size(), 1);

    EXPECT_FALSE(save(QStringLiteral("/dev/full")));
    QString message = sessions->lastMessage();
    EXPECT_TRUE(message.contains(QLatin1String("/dev/full"))) << message.toStdString();
    EXPECT_TRUE(message.contains(QLatin1String("No space left on device"))) << message.toStdString();
    EXPECT_TRUE(message.contains(QLatin1String("still here"))) << message.toStdString();
    EXPECT_GE(messageBoxes(), 1);
    EXPECT_TRUE(isCharDevice("/dev/full"));

    QSignalSpy exported(sessions, &SessionActions::exported);
    sessions->exportCsv(QStringLiteral("/dev/full"));
    ASSERT_TRUE(exported.wait(30'000));
    EXPECT_FALSE(exported.takeFirst().at(1).toBool());
    EXPECT_TRUE(sessions->lastMessage().contains(QLatin1String("No space left on device")))
        << sessions->lastMessage().toStdString();

    QFile regular(dir.filePath(QStringLiteral("regular")));
    ASSERT_TRUE(regular.open(QIODevice::WriteOnly));
    regular.close();
    const QString picture = regular.fileName() + QStringLiteral("/shot.png");
    EXPECT_FALSE(sessions->exportPicture(window.get(), picture, QSize(320, 200), 1.0));
    EXPECT_TRUE(sessions->lastMessage().contains(picture)) << sessions->lastMessage().toStdString();
    EXPECT_TRUE(sessions->lastMessage().contains(QLatin1String("Not a directory")))
        << sessions->lastMessage().toStdString();

    // The run is still on the page, and a good place takes it whole.
    ASSERT_EQ(page->results().size(), 1);
    const QString good = dir.filePath(QStringLiteral("runs.spindle"));
    ASSERT_TRUE(save(good));
    SessionReadReport report;
    QString error;
    const auto session = readSession(good, &report, &error);
    ASSERT_TRUE(session) << error.toStdString();
    ASSERT_EQ(session->runs.size(), 1);
    EXPECT_EQ(session->runs[0]->recording->eventCount(), page->results()[0]->recording->eventCount());
}

TEST_F(SaveFaultsTest, AnAutosaveThatRunsOutOfRoomIsReportedOnceAfterTheRun)
{
    sessions->setAutosaveEnabled(true);
    ASSERT_TRUE(sessions->autosave());
    const QString path = sessions->autosavePath();
    {
        // Room for little more than the header: the recording fails during the run.
        test::FileSizeLimit limit(static_cast<rlim_t>(QFile(path).size() + 100));
        ASSERT_TRUE(limit.ok());
        runThreads();
    }
    ASSERT_EQ(page->results().size(), 1);
    EXPECT_TRUE(page->results()[0]->succeeded());
    const QString message = sessions->lastMessage();
    EXPECT_TRUE(message.contains(path)) << message.toStdString();
    EXPECT_TRUE(message.contains(QLatin1String("File too large"))) << message.toStdString();
    EXPECT_TRUE(message.contains(QLatin1String("still here"))) << message.toStdString();
    const int boxes = messageBoxes();
    EXPECT_GE(boxes, 1);
    // Said once: the next run does not raise it again.
    runThreads();
    EXPECT_EQ(messageBoxes(), boxes);
    ASSERT_EQ(page->results().size(), 2);
    EXPECT_TRUE(save(dir.filePath(QStringLiteral("elsewhere.spindle"))));
    QFile::remove(path);
}

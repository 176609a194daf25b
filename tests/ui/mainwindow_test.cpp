// The window shell: title and icon, shortcuts, screenshots, and the "block
// the UI event loop" action whose freeze the watchdog thread must measure.

#include "charts/spinnerstrip.h"
#include "freezewatchdog.h"
#include "pages/runpage.h"
#include "uitestsupport.h"

#include <QAction>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace spindle;
using spindle::test::waitUntil;

namespace {

bool hasShortcut(const QAction* action, const QKeySequence& key)
{
    return action->shortcuts().contains(key);
}

} // namespace

TEST(MainWindow, HasTitleIconAndShortcuts)
{
    test::isolateSettings();
    Engine engine;
    MainWindow window(&engine);
    EXPECT_EQ(window.windowTitle(), QStringLiteral("Spindle"));
    EXPECT_FALSE(window.windowIcon().isNull());
    ASSERT_NE(window.runPage(), nullptr);
    EXPECT_TRUE(hasShortcut(window.runAction(), QKeySequence(Qt::Key_F5)));
    EXPECT_TRUE(hasShortcut(window.runAction(), QKeySequence(Qt::CTRL | Qt::Key_R)));
    EXPECT_TRUE(hasShortcut(window.stopAction(), QKeySequence(Qt::Key_Escape)));
    EXPECT_TRUE(hasShortcut(window.screenshotAction(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S)));
    EXPECT_TRUE(hasShortcut(window.presentationAction(), QKeySequence(Qt::Key_F11)));
}

TEST(MainWindow, BlockUiReallyBlocksAndTheWatchdogMeasuresIt)
{
    test::isolateSettings();
    Engine engine;
    MainWindow window(&engine);
    window.resize(1280, 800);
    window.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
    // Let the GUI spinner turn a little first.
    SpinnerWidget* gui = window.runPage()->spinners()->guiSpinner();
    ASSERT_TRUE(waitUntil([&] { return gui->frames() >= 2; }, 3000));

    QSignalSpy freezes(window.watchdog(), &FreezeWatchdog::freezeEnded);
    const std::uint64_t framesBefore = gui->frames();
    window.blockSecondsBox()->setValue(0.3);
    QElapsedTimer blocked;
    blocked.start();
    window.blockUiAction()->trigger();
    EXPECT_GE(blocked.elapsed(), 300) << "the action returns only after the block";
    EXPECT_EQ(gui->frames(), framesBefore) << "no GUI frame while the loop is blocked";

    const auto sawBlock = [&] {
        for (const QList<QVariant>& args : freezes) {
            if (args.at(0).toLongLong() >= 300'000'000)
                return true;
        }
        return false;
    };
    ASSERT_TRUE(waitUntil(sawBlock, 3000));
    EXPECT_GE(window.watchdog()->longestFreezeNs(), 300'000'000);
    EXPECT_FALSE(window.runPage()->spinners()->freezeReport().isEmpty());
    // A sleeping slot: neither on a CPU nor waiting for one, so "blocked".
    const GuiFreeze& freeze = window.watchdog()->lastFreeze();
    EXPECT_GT(freeze.coveredNs, 200'000'000);
    EXPECT_EQ(freeze.cause(), GuiFreeze::Cause::Blocked) << freeze.describe().toStdString();
    EXPECT_TRUE(window.runPage()->spinners()->freezeReport().contains(QLatin1String("blocked")))
        << window.runPage()->spinners()->freezeReport().toStdString();
    ASSERT_TRUE(waitUntil([&] { return gui->frames() > framesBefore; }, 3000));
    EXPECT_GE(gui->status().longestGapNs, 300'000'000);
    EXPECT_TRUE(test::saveScreenshot(window, QStringLiteral("block-ui")));
}

TEST(MainWindow, ScreenshotGoesToTheConfiguredFolder)
{
    test::isolateSettings();
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    QSettings(QStringLiteral("Spindle"), QStringLiteral("Spindle"))
        .setValue(QStringLiteral("screenshots/folder"), dir.path() + QStringLiteral("/shots"));
    Engine engine;
    MainWindow window(&engine);
    window.resize(1280, 800);
    window.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
    const QString path = window.saveScreenshot();
    ASSERT_FALSE(path.isEmpty());
    EXPECT_TRUE(path.startsWith(dir.path() + QStringLiteral("/shots/spindle-")));
    EXPECT_TRUE(QFileInfo(path).size() > 1000);
    QSettings(QStringLiteral("Spindle"), QStringLiteral("Spindle"))
        .remove(QStringLiteral("screenshots/folder"));
}

TEST(MainWindow, RemembersScenarioAndTheme)
{
    test::isolateSettings();
    Engine engine;
    {
        MainWindow window(&engine);
        ASSERT_TRUE(window.runPage()->selectScenario(QStringLiteral("primes")));
        window.setDarkTheme(true);
        window.close();
    }
    {
        MainWindow window(&engine);
        EXPECT_EQ(window.runPage()->scenarioId(), QStringLiteral("primes"));
        EXPECT_TRUE(window.darkTheme());
        window.setDarkTheme(false);
        window.runPage()->selectScenario(QStringLiteral("spinner"));
        window.close();
    }
}

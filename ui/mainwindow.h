#pragma once
// The thin shell of the window: title, icon, menus and toolbar with their
// shortcuts, the theme and presentation mode, screenshots, the "block the UI
// event loop" lesson with its watchdog, and what QSettings remembers. The
// work itself happens in the pages it switches between (RunPage, ComparePage,
// ReplayPage); sessions and exports are SessionActions'.

#include "model/guifreeze.h"
#include "sessionactions.h"
#include "theme.h"

#include <QMainWindow>

class QAction;
class QDoubleSpinBox;
class QLabel;
class QTabWidget;

namespace spindle {

class ComparePage;
class Engine;
class FreezeWatchdog;
class ReplayPage;
class RunPage;
class TimelineChart;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    // Without an engine the window makes (and owns) its own.
    explicit MainWindow(Engine* engine = nullptr, QWidget* parent = nullptr);
    ~MainWindow() override;

    RunPage* runPage() const { return m_runPage; }
    ComparePage* comparePage() const { return m_comparePage; }
    ReplayPage* replayPage() const { return m_replayPage; }
    SessionActions* sessions() const { return m_sessions; }
    FreezeWatchdog* watchdog() const { return m_watchdog; }
    // The page on show: its runs are what Save and the exports take.
    QWidget* currentPage() const;
    void showPage(QWidget* page);
    // Sends the runs of the page on show to the replay page, without a file.
    void replayShownRuns();

    // Really blocks the GUI thread for ms milliseconds: every widget freezes,
    // the GUI spinner stops, and the watchdog thread measures it.
    void blockUi(int ms);
    // Saves a timestamped PNG of the window into the screenshot folder
    // (QSettings "screenshots/folder", default Pictures/Spindle); returns its path.
    QString saveScreenshot();
    QString screenshotFolder() const;
    // Large fonts and high contrast; full screen unless told otherwise.
    void setPresentationMode(bool on, bool fullScreen = true);
    bool presentationMode() const { return m_theme.presentation; }
    void setDarkTheme(bool dark);
    bool darkTheme() const { return m_theme.dark; }
    const Theme& theme() const { return m_theme; }

    QAction* runAction() const { return m_run; }
    QAction* stopAction() const { return m_stop; }
    QAction* blockUiAction() const { return m_blockUi; }
    QAction* screenshotAction() const { return m_screenshot; }
    QAction* presentationAction() const { return m_presentation; }
    QAction* darkAction() const { return m_dark; }
    QDoubleSpinBox* blockSecondsBox() const { return m_blockSeconds; }

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void createActions();
    void applyTheme();
    void restoreSettings();
    void saveSettings() const;
    void reportFreeze(const GuiFreeze& freeze);
    void updateRunActions();
    void startOnPage();
    void stopOnPage();
    TimelineChart* currentTimeline() const;
    void recordRunsOnPage();
    // What Save and the exports take: the runs of the page on show.
    SessionActions::Shown shownRuns() const;
    // The window and every chart on the page on show, by name.
    QList<SessionActions::Target> exportTargets();

    Engine* m_engine = nullptr;
    QTabWidget* m_pages = nullptr;
    RunPage* m_runPage = nullptr;
    ComparePage* m_comparePage = nullptr;
    ReplayPage* m_replayPage = nullptr;
    SessionActions* m_sessions = nullptr;
    FreezeWatchdog* m_watchdog = nullptr;
    Theme m_theme = Theme::make(false, false);
    QFont m_baseFont;
    bool m_wasMaximized = false;

    QAction* m_run = nullptr;
    QAction* m_stop = nullptr;
    QAction* m_zoomIn = nullptr;
    QAction* m_zoomOut = nullptr;
    QAction* m_zoomFit = nullptr;
    QAction* m_screenshot = nullptr;
    QAction* m_blockUi = nullptr;
    QAction* m_presentation = nullptr;
    QAction* m_dark = nullptr;
    QDoubleSpinBox* m_blockSeconds = nullptr;
    QLabel* m_freezeLabel = nullptr;
};

} // namespace spindle

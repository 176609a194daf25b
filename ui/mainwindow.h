#pragma once
// The thin shell of the window: title, icon, menus and toolbar with their
// shortcuts, the theme and presentation mode, screenshots, the "block the UI
// event loop" lesson with its watchdog, and what QSettings remembers. The
// work itself happens in the page it shows (RunPage).

#include "theme.h"

#include <QMainWindow>

class QAction;
class QDoubleSpinBox;
class QLabel;

namespace spindle {

class Engine;
class FreezeWatchdog;
class RunPage;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    // Without an engine the window makes (and owns) its own.
    explicit MainWindow(Engine* engine = nullptr, QWidget* parent = nullptr);
    ~MainWindow() override;

    RunPage* runPage() const { return m_runPage; }
    FreezeWatchdog* watchdog() const { return m_watchdog; }

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
    void reportFreeze(std::int64_t freezeNs);
    void updateRunActions();

    Engine* m_engine = nullptr;
    RunPage* m_runPage = nullptr;
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

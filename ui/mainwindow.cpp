#include "mainwindow.h"

#include "charts/cpuchart.h"
#include "charts/timelinechart.h"
#include "engine.h"
#include "export/exporter.h"
#include "format.h"
#include "freezewatchdog.h"
#include "pages/comparepage.h"
#include "pages/comparepanel.h"
#include "pages/replaypage.h"
#include "pages/runpage.h"
#include "session/csvsummary.h"
#include "sessionactions.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDir>
#include <QDoubleSpinBox>
#include <QIcon>
#include <QLabel>
#include <QMenuBar>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QStyle>
#include <QStyleFactory>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>

#include <chrono>
#include <thread>

// spindle_ui is a static library: its resources need an explicit init, and
// Q_INIT_RESOURCE must be used outside any namespace.
static void initSpindleResources()
{
    Q_INIT_RESOURCE(spindle);
}

namespace spindle {

namespace {

QSettings settings()
{
    return QSettings(QStringLiteral("Spindle"), QStringLiteral("Spindle"));
}

} // namespace

MainWindow::MainWindow(Engine* engine, QWidget* parent) : QMainWindow(parent), m_engine(engine)
{
    initSpindleResources();
    if (m_engine == nullptr)
        m_engine = new Engine(this);
    // Fusion draws the same on every desktop and honours the dark palette.
    if (QApplication::style()->name().compare(QStringLiteral("fusion"), Qt::CaseInsensitive) != 0)
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    m_baseFont = QApplication::font();

    setWindowTitle(QStringLiteral("Spindle"));
    setWindowIcon(QIcon(QStringLiteral(":/spindle/icon.svg")));
    setObjectName(QStringLiteral("SpindleMainWindow"));

    m_runPage = new RunPage(m_engine, this);
    m_comparePage = new ComparePage(this);
    m_replayPage = new ReplayPage(this);
    m_pages = new QTabWidget;
    m_pages->setDocumentMode(true);
    m_pages->addTab(m_runPage, tr("Run"));
    m_pages->addTab(m_comparePage, tr("Compare"));
    m_pages->addTab(m_replayPage, tr("Replay"));
    m_pages->setTabToolTip(0, tr("Run a scenario under one or more models and watch it live (Ctrl+1)"));
    m_pages->setTabToolTip(
        1, tr("The same scenario under several models, fair or as a race, side by side (Ctrl+2)"));
    m_pages->setTabToolTip(2, tr("Play back the runs of a session file (Ctrl+3)"));
    setCentralWidget(m_pages);
    m_sessions = new SessionActions(
        this, [this] { return shownRuns(); }, [this] { return exportTargets(); });
    connect(m_sessions, &SessionActions::sessionLoaded, this,
        [this](const QList<RunResultPtr>& runs, const QString& path, const QStringList& problems) {
            m_replayPage->setSession(runs, path, problems);
            showPage(m_replayPage);
        });
    connect(m_sessions, &SessionActions::statusMessage, this,
        [this](const QString& text) { statusBar()->showMessage(text, 10'000); });
    m_watchdog = new FreezeWatchdog(this);
    connect(
        m_watchdog, &FreezeWatchdog::freezeEnded, this, [this] { reportFreeze(m_watchdog->lastFreeze()); });

    createActions();
    m_freezeLabel = new QLabel(tr("GUI thread: no freeze measured"));
    statusBar()->addPermanentWidget(m_freezeLabel);
    // Direct connections: the writer is in place before the engine starts.
    connect(m_runPage, &RunPage::runningChanged, this, [this](bool running) {
        if (running)
            recordRunsOnPage();
    });
    connect(m_comparePage, &ComparePage::runsStarting, this, &MainWindow::recordRunsOnPage);
    // A full disk stops the autosave; the user hears of it after the run.
    connect(m_runPage, &RunPage::allRunsFinished, m_sessions, &SessionActions::checkAutosave);
    connect(m_comparePage, &ComparePage::allRunsFinished, m_sessions, &SessionActions::checkAutosave);
    connect(m_runPage, &RunPage::runningChanged, this, &MainWindow::updateRunActions);
    connect(m_runPage, &RunPage::runnableChanged, this, &MainWindow::updateRunActions);
    connect(m_comparePage, &ComparePage::runningChanged, this, &MainWindow::updateRunActions);
    connect(m_comparePage, &ComparePage::runnableChanged, this, &MainWindow::updateRunActions);
    connect(m_pages, &QTabWidget::currentChanged, this, &MainWindow::updateRunActions);
    restoreSettings();
    applyTheme();
    updateRunActions();
    m_watchdog->start();
}

MainWindow::~MainWindow()
{
    m_watchdog->stop();
}

void MainWindow::createActions()
{
    QStyle* style = QApplication::style();
    m_run = new QAction(style->standardIcon(QStyle::SP_MediaPlay), tr("&Run"), this);
    m_run->setShortcuts({QKeySequence(Qt::Key_F5), QKeySequence(Qt::CTRL | Qt::Key_R)});
    m_run->setToolTip(tr("Run the ticked models (F5, Ctrl+R)"));
    connect(m_run, &QAction::triggered, this, &MainWindow::startOnPage);

    m_stop = new QAction(style->standardIcon(QStyle::SP_MediaStop), tr("&Stop"), this);
    m_stop->setShortcuts({QKeySequence(Qt::Key_Escape), QKeySequence(Qt::CTRL | Qt::Key_Period)});
    m_stop->setToolTip(tr("Stop the run and the ones queued after it (Esc, Ctrl+.)"));
    connect(m_stop, &QAction::triggered, this, &MainWindow::stopOnPage);

    // Zooming acts on the page on show; compare panels follow each other.
    m_zoomIn = new QAction(tr("Zoom &in"), this);
    m_zoomIn->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Plus), QKeySequence(Qt::CTRL | Qt::Key_Equal)});
    connect(m_zoomIn, &QAction::triggered, this, [this] {
        if (TimelineChart* timeline = currentTimeline())
            timeline->zoomIn();
    });
    m_zoomOut = new QAction(tr("Zoom &out"), this);
    m_zoomOut->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Minus));
    connect(m_zoomOut, &QAction::triggered, this, [this] {
        if (TimelineChart* timeline = currentTimeline())
            timeline->zoomOut();
    });
    m_zoomFit = new QAction(tr("&Fit"), this);
    m_zoomFit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    connect(m_zoomFit, &QAction::triggered, this, [this] {
        if (currentPage() == m_comparePage)
            m_comparePage->fitAll();
        else if (TimelineChart* timeline = currentTimeline())
            timeline->fitAll();
    });
    for (QAction* a : {m_zoomIn, m_zoomOut, m_zoomFit})
        a->setToolTip(QStringLiteral("%1 (%2)").arg(
            a->text().remove(QLatin1Char('&')), a->shortcut().toString(QKeySequence::NativeText)));

    m_screenshot = new QAction(style->standardIcon(QStyle::SP_DialogSaveButton), tr("S&creenshot"), this);
    m_screenshot->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    m_screenshot->setToolTip(tr("Save a PNG of the window (Ctrl+Shift+S)"));
    connect(m_screenshot, &QAction::triggered, this, [this] { saveScreenshot(); });

    m_blockSeconds = new QDoubleSpinBox;
    m_blockSeconds->setRange(0.1, 10.0);
    m_blockSeconds->setSingleStep(0.5);
    m_blockSeconds->setDecimals(1);
    m_blockSeconds->setValue(2.0);
    m_blockSeconds->setSuffix(tr(" s"));
    m_blockSeconds->setToolTip(tr("How long \"Block UI\" blocks the GUI thread"));
    m_blockUi = new QAction(style->standardIcon(QStyle::SP_BrowserStop), QString(), this);
    // The toolbar shows the seconds in the box beside it; the menu says them.
    m_blockUi->setIconText(tr("Block UI for"));
    const auto nameBlockUi = [this] {
        m_blockUi->setText(tr("&Block the UI event loop for %1 s").arg(m_blockSeconds->value(), 0, 'f', 1));
    };
    nameBlockUi();
    connect(m_blockSeconds, &QDoubleSpinBox::valueChanged, this, nameBlockUi);
    m_blockUi->setToolTip(tr("Block the GUI event loop (sleep in a slot) for the time beside it: the whole "
                             "window freezes and the watchdog thread measures it"));
    connect(m_blockUi, &QAction::triggered, this,
        [this] { blockUi(static_cast<int>(std::lround(m_blockSeconds->value() * 1000))); });

    m_presentation = new QAction(tr("&Presentation mode"), this);
    m_presentation->setCheckable(true);
    m_presentation->setShortcut(QKeySequence(Qt::Key_F11));
    m_presentation->setToolTip(tr("Full screen, large fonts, high contrast (F11)"));
    connect(m_presentation, &QAction::toggled, this, [this](bool on) { setPresentationMode(on); });

    m_dark = new QAction(tr("&Dark theme"), this);
    m_dark->setCheckable(true);
    m_dark->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D));
    m_dark->setToolTip(tr("Switch between the light and the dark theme (Ctrl+Shift+D)"));
    connect(m_dark, &QAction::toggled, this, [this](bool on) { setDarkTheme(on); });

    auto* quit = new QAction(tr("&Quit"), this);
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &QWidget::close);

    auto* replayShown = new QAction(tr("Re&play the runs of this page"), this);
    replayShown->setToolTip(tr("Play the runs of the Run or Compare page back on the Replay page"));
    connect(replayShown, &QAction::triggered, this, &MainWindow::replayShownRuns);

    QMenu* file = menuBar()->addMenu(tr("&File"));
    m_sessions->addSessionEntries(file);
    file->addAction(replayShown);
    file->addSeparator();
    m_sessions->addExportEntries(file);
    file->addAction(m_screenshot);
    file->addSeparator();
    file->addAction(quit);
    QMenu* run = menuBar()->addMenu(tr("&Run"));
    run->addAction(m_run);
    run->addAction(m_stop);
    run->addSeparator();
    run->addAction(m_blockUi);
    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_zoomIn);
    view->addAction(m_zoomOut);
    view->addAction(m_zoomFit);
    view->addSeparator();
    const QList<QWidget*> pages = {m_runPage, m_comparePage, m_replayPage};
    for (int i = 0; i < pages.size(); ++i) {
        QAction* show = view->addAction(tr("%1 page").arg(m_pages->tabText(i)));
        show->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + i)));
        connect(show, &QAction::triggered, this, [this, page = pages[i]] { showPage(page); });
    }
    view->addSeparator();
    view->addAction(m_presentation);
    view->addAction(m_dark);

    QToolBar* bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setMovable(false);
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->addAction(m_run);
    bar->addAction(m_stop);
    bar->addSeparator();
    bar->addAction(m_zoomIn);
    bar->addAction(m_zoomOut);
    bar->addAction(m_zoomFit);
    bar->addSeparator();
    bar->addAction(m_screenshot);
    bar->addSeparator();
    bar->addAction(m_blockUi);
    bar->addWidget(m_blockSeconds);
    bar->addSeparator();
    bar->addAction(m_presentation);
    bar->addAction(m_dark);
}

void MainWindow::updateRunActions()
{
    if (currentPage() == m_comparePage) {
        m_stop->setEnabled(m_comparePage->isRunning());
        m_run->setEnabled(m_comparePage->canRun());
    } else if (currentPage() == m_replayPage) {
        m_stop->setEnabled(false);
        m_run->setEnabled(false);
    } else {
        m_stop->setEnabled(m_runPage->isRunning());
        m_run->setEnabled(m_runPage->canRun());
    }
}

QWidget* MainWindow::currentPage() const
{
    return m_pages->currentWidget();
}

void MainWindow::showPage(QWidget* page)
{
    m_pages->setCurrentWidget(page);
}

void MainWindow::startOnPage()
{
    if (currentPage() == m_comparePage)
        m_comparePage->start();
    else if (currentPage() == m_runPage)
        m_runPage->startRuns();
}

void MainWindow::stopOnPage()
{
    if (currentPage() == m_comparePage)
        m_comparePage->stop();
    else
        m_runPage->stopRuns();
}

TimelineChart* MainWindow::currentTimeline() const
{
    if (currentPage() == m_comparePage)
        return m_comparePage->panel(0);
    if (currentPage() == m_replayPage)
        return m_replayPage->timeline();
    return m_runPage->timeline();
}

SessionActions::Shown MainWindow::shownRuns() const
{
    if (currentPage() == m_comparePage)
        return {m_comparePage->results(), m_comparePage->scenarioId()};
    if (currentPage() == m_replayPage)
        return {m_replayPage->runs(), scenarioIdOf(m_replayPage->runs())};
    return {m_runPage->results(), m_runPage->scenarioId()};
}

QList<SessionActions::Target> MainWindow::exportTargets()
{
    QList<SessionActions::Target> targets {{tr("The whole window"), this}};
    for (QCustomPlot* plot : currentPage()->findChildren<QCustomPlot*>()) {
        if (!plot->isVisible())
            continue;
        QString name = plot->accessibleName();
        if (name.isEmpty())
            name = qobject_cast<TimelineChart*>(plot) != nullptr ? tr("Timeline")
                : qobject_cast<CpuChart*>(plot) != nullptr       ? tr("CPU usage")
                                                                 : tr("Chart");
        targets << SessionActions::Target {name, plot};
    }
    return targets;
}

void MainWindow::recordRunsOnPage()
{
    // Without an autosave (off, or its file cannot be made) the engines keep
    // whatever writer they were given - a headless run's own --session file.
    const auto writer = m_sessions->autosave();
    if (!writer)
        return;
    m_engine->setSessionWriter(writer);
    m_comparePage->setSessionWriter(writer);
}

void MainWindow::replayShownRuns()
{
    const QWidget* page = currentPage();
    const QList<RunResultPtr> runs = page == m_comparePage ? m_comparePage->results() : m_runPage->results();
    if (page == m_replayPage || runs.isEmpty()) {
        statusBar()->showMessage(tr("No finished run on this page to replay"), 10'000);
        return;
    }
    m_replayPage->setSession(runs, page == m_comparePage ? tr("this comparison") : tr("this window's runs"));
    showPage(m_replayPage);
}

void MainWindow::blockUi(int ms)
{
    statusBar()->showMessage(tr("Blocking the GUI event loop for %1 s…").arg(ms / 1000.0, 0, 'f', 1));
    statusBar()->repaint();
    // The point of the lesson: a slot that sleeps freezes everything this thread drives.
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

void MainWindow::reportFreeze(const GuiFreeze& freeze)
{
    m_freezeLabel->setText(tr("GUI thread frozen for %1").arg(Format::milliseconds(freeze.gapNs)));
    statusBar()->showMessage(
        tr("GUI thread %1 (measured by the watchdog thread)").arg(freeze.describe()), 10'000);
    m_runPage->showUiFreeze(freeze);
    m_replayPage->showUiFreeze(freeze);
}

QString MainWindow::screenshotFolder() const
{
    const QString fallback
        = QStandardPaths::writableLocation(QStandardPaths::PicturesLocation) + QStringLiteral("/Spindle");
    return settings().value(QStringLiteral("screenshots/folder"), fallback).toString();
}

QString MainWindow::saveScreenshot()
{
    const QString folder = screenshotFolder();
    if (!QDir().mkpath(folder)) {
        statusBar()->showMessage(tr("Cannot create the screenshot folder %1").arg(folder), 10'000);
        return {};
    }
    const QString name
        = QStringLiteral("spindle-%1.png")
              .arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss-zzz")));
    const QString path = QDir(folder).filePath(name);
    QString error;
    if (!Exporter::writeImage(grab().toImage(), path, &error)) {
        statusBar()->showMessage(error, 10'000);
        return {};
    }
    statusBar()->showMessage(tr("Screenshot saved: %1").arg(path), 10'000);
    return path;
}

void MainWindow::setPresentationMode(bool on, bool fullScreen)
{
    if (m_presentation->isChecked() != on) {
        const QSignalBlocker block(m_presentation);
        m_presentation->setChecked(on);
    }
    if (on == m_theme.presentation)
        return;
    m_theme = Theme::make(m_theme.dark, on);
    applyTheme();
    if (on && fullScreen) {
        m_wasMaximized = isMaximized();
        showFullScreen();
    } else if (!on && isFullScreen()) {
        if (m_wasMaximized)
            showMaximized();
        else
            showNormal();
    }
}

void MainWindow::setDarkTheme(bool dark)
{
    if (m_dark->isChecked() != dark) {
        const QSignalBlocker block(m_dark);
        m_dark->setChecked(dark);
    }
    if (dark == m_theme.dark)
        return;
    m_theme = Theme::make(dark, m_theme.presentation);
    applyTheme();
}

void MainWindow::applyTheme()
{
    // Larger print makes the pages ask for more room while they reflow, and a
    // window grown to that would stay grown, past a projector's screen: it
    // keeps its size wherever what the pages need in the end still fits.
    const QSize before = size();
    QApplication::setPalette(m_theme.palette());
    QFont font = m_baseFont;
    const double size = m_baseFont.pointSizeF() > 0 ? m_baseFont.pointSizeF() : 9.0;
    font.setPointSizeF(size * m_theme.fontScale);
    QApplication::setFont(font);
    setFont(font);
    m_runPage->applyTheme(m_theme);
    m_comparePage->applyTheme(m_theme);
    m_replayPage->applyTheme(m_theme);
    // The pages finish reflowing in the events the change posts: after those.
    QTimer::singleShot(0, this, [this, before] {
        if (!isVisible() || isMaximized() || isFullScreen() || layout() == nullptr)
            return;
        layout()->activate();
        resize(before.expandedTo(minimumSize()));
    });
}

void MainWindow::restoreSettings()
{
    const QSettings s = settings();
    if (!restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray()))
        resize(1280, 800);
    restoreState(s.value(QStringLiteral("window/state")).toByteArray());
    m_theme = Theme::make(s.value(QStringLiteral("view/dark"), false).toBool(), false);
    {
        const QSignalBlocker block(m_dark);
        m_dark->setChecked(m_theme.dark);
    }
    const QString scenario = s.value(QStringLiteral("run/scenario")).toString();
    if (!scenario.isEmpty())
        m_runPage->selectScenario(scenario);
    const QString compared = s.value(QStringLiteral("compare/scenario")).toString();
    if (!compared.isEmpty())
        m_comparePage->selectScenario(compared);
}

void MainWindow::saveSettings() const
{
    QSettings s = settings();
    // Presentation mode is for the session: the next start opens as a window.
    if (!isFullScreen()) {
        s.setValue(QStringLiteral("window/geometry"), saveGeometry());
        s.setValue(QStringLiteral("window/state"), saveState());
    }
    s.setValue(QStringLiteral("view/dark"), m_theme.dark);
    s.setValue(QStringLiteral("run/scenario"), m_runPage->scenarioId());
    s.setValue(QStringLiteral("compare/scenario"), m_comparePage->scenarioId());
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    saveSettings();
    m_runPage->stopRuns();
    m_comparePage->stop();
    m_replayPage->pause();
    QMainWindow::closeEvent(event);
}

} // namespace spindle

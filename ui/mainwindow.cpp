#include "mainwindow.h"

#include "charts/timelinechart.h"
#include "engine.h"
#include "format.h"
#include "freezewatchdog.h"
#include "pages/runpage.h"

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
    setCentralWidget(m_runPage);
    m_watchdog = new FreezeWatchdog(this);
    connect(m_watchdog, &FreezeWatchdog::freezeEnded, this, [this](qint64 ns) { reportFreeze(ns); });

    createActions();
    m_freezeLabel = new QLabel(tr("GUI thread: no freeze measured"));
    statusBar()->addPermanentWidget(m_freezeLabel);
    connect(m_runPage, &RunPage::runningChanged, this, &MainWindow::updateRunActions);
    connect(m_runPage, &RunPage::runnableChanged, this, &MainWindow::updateRunActions);
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
    m_run->setToolTip(tr("Run the ticked models one after another (F5, Ctrl+R)"));
    connect(m_run, &QAction::triggered, m_runPage, &RunPage::startRuns);

    m_stop = new QAction(style->standardIcon(QStyle::SP_MediaStop), tr("&Stop"), this);
    m_stop->setShortcuts({QKeySequence(Qt::Key_Escape), QKeySequence(Qt::CTRL | Qt::Key_Period)});
    m_stop->setToolTip(tr("Stop the run and the ones queued after it (Esc, Ctrl+.)"));
    connect(m_stop, &QAction::triggered, m_runPage, &RunPage::stopRuns);

    TimelineChart* timeline = m_runPage->timeline();
    m_zoomIn = new QAction(tr("Zoom &in"), this);
    m_zoomIn->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Plus), QKeySequence(Qt::CTRL | Qt::Key_Equal)});
    connect(m_zoomIn, &QAction::triggered, timeline, &TimelineChart::zoomIn);
    m_zoomOut = new QAction(tr("Zoom &out"), this);
    m_zoomOut->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Minus));
    connect(m_zoomOut, &QAction::triggered, timeline, &TimelineChart::zoomOut);
    m_zoomFit = new QAction(tr("&Fit"), this);
    m_zoomFit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    connect(m_zoomFit, &QAction::triggered, timeline, &TimelineChart::fitAll);
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

    QMenu* file = menuBar()->addMenu(tr("&File"));
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
    const bool running = m_runPage->isRunning();
    m_stop->setEnabled(running);
    m_run->setEnabled(m_runPage->canRun());
}

void MainWindow::blockUi(int ms)
{
    statusBar()->showMessage(tr("Blocking the GUI event loop for %1 s…").arg(ms / 1000.0, 0, 'f', 1));
    statusBar()->repaint();
    // The point of the lesson: a slot that sleeps freezes everything this thread drives.
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

void MainWindow::reportFreeze(std::int64_t freezeNs)
{
    const QString text = tr("GUI thread frozen for %1").arg(Format::milliseconds(freezeNs));
    m_freezeLabel->setText(text);
    statusBar()->showMessage(tr("%1 (measured by the watchdog thread)").arg(text), 10'000);
    m_runPage->showUiFreeze(freezeNs);
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
    if (!grab().save(path)) {
        statusBar()->showMessage(tr("Cannot write %1").arg(path), 10'000);
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
    QApplication::setPalette(m_theme.palette());
    QFont font = m_baseFont;
    const double size = m_baseFont.pointSizeF() > 0 ? m_baseFont.pointSizeF() : 9.0;
    font.setPointSizeF(size * m_theme.fontScale);
    QApplication::setFont(font);
    setFont(font);
    m_runPage->applyTheme(m_theme);
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
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    saveSettings();
    m_runPage->stopRuns();
    QMainWindow::closeEvent(event);
}

} // namespace spindle

#include "sessionactions.h"

#include "background.h"
#include "export/exportdialog.h"
#include "export/exporter.h"
#include "session/csvsummary.h"
#include "session/report.h"
#include "session/sessionreader.h"
#include "session/sessionwriter.h"
#include "session/traceexport.h"

#include <QAction>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QGuiApplication>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>
#include <QStandardPaths>

namespace spindle {

namespace {

QSettings settings()
{
    return QSettings(QStringLiteral("Spindle"), QStringLiteral("Spindle"));
}

// What reading a session in the background gives back.
struct Opened {
    std::optional<Session> session;
    SessionReadReport report;
    QString error;
};

} // namespace

SessionActions::SessionActions(
    QWidget* window, std::function<Shown()> shown, std::function<QList<Target>()> targets)
    : QObject(window),
      m_window(window),
      m_shown(std::move(shown)),
      m_targets(std::move(targets)),
      // Offscreen means a headless run (the CLI's --screenshot): it records
      // into its own --session file, which an autosave must not replace.
      m_autosaveEnabled(QGuiApplication::platformName() != QLatin1String("offscreen"))
{
    m_open = new QAction(tr("&Open session…"), this);
    m_open->setShortcut(QKeySequence::Open);
    m_open->setToolTip(tr("Open a session file and replay its runs (Ctrl+O)"));
    connect(m_open, &QAction::triggered, this, &SessionActions::askOpen);
    m_save = new QAction(tr("&Save session as…"), this);
    m_save->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_S));
    m_save->setToolTip(tr("Save the runs of this page with their whole recording (Ctrl+S)"));
    connect(m_save, &QAction::triggered, this, &SessionActions::askSave);
    m_exportPicture = new QAction(tr("&Picture of the window or a chart…"), this);
    m_exportPicture->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_exportPicture->setToolTip(tr("PNG, PDF or SVG at a chosen size, for slides (Ctrl+E)"));
    connect(m_exportPicture, &QAction::triggered, this, &SessionActions::askExportPicture);
}

SessionActions::~SessionActions()
{
    if (m_autosave)
        m_autosave->close();
}

void SessionActions::addSessionEntries(QMenu* file)
{
    file->addAction(m_open);
    m_recentMenu = file->addMenu(tr("Open &recent"));
    connect(m_recentMenu, &QMenu::aboutToShow, this, &SessionActions::fillRecentMenu);
    fillRecentMenu();
    file->addAction(m_save);
}

void SessionActions::addExportEntries(QMenu* file)
{
    QMenu* menu = file->addMenu(tr("&Export"));
    menu->addAction(m_exportPicture);
    menu->addSeparator();
    menu->addAction(tr("Chrome &trace (Perfetto)…"), this, [this] {
        askExport(tr("Export Chrome trace"), QStringLiteral("json"), &SessionActions::exportTrace);
    });
    menu->addAction(tr("&CSV summary…"), this,
        [this] { askExport(tr("Export CSV summary"), QStringLiteral("csv"), &SessionActions::exportCsv); });
    menu->addAction(tr("&JSON summary…"), this, [this] {
        askExport(tr("Export JSON summary"), QStringLiteral("json"), &SessionActions::exportJson);
    });
}

// ---------------------------------------------------------------- autosave

QString SessionActions::autosaveFolder()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/sessions");
}

std::shared_ptr<SessionWriter> SessionActions::autosave()
{
    if (!m_autosaveEnabled)
        return nullptr;
    if (m_autosave)
        return m_autosave;
    const QString folder = autosaveFolder();
    QDir().mkpath(folder);
    const QString stamp = QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    QString path = QDir(folder).filePath(stamp + QStringLiteral(".spindle"));
    for (int n = 2; QFileInfo::exists(path); ++n)
        path = QDir(folder).filePath(QStringLiteral("%1-%2.spindle").arg(stamp).arg(n));
    auto writer = std::make_shared<SessionWriter>();
    QString error;
    if (!writer->open(path, &error)) {
        // Runs still happen and stay in memory; only the safety net is missing.
        m_autosaveEnabled = false;
        emit statusMessage(tr("Runs are not being recorded: %1").arg(error));
        return nullptr;
    }
    m_autosave = writer;
    m_autosavePath = path;
    addRecent(path);
    emit statusMessage(tr("Recording every run to %1").arg(path));
    return m_autosave;
}

void SessionActions::checkAutosave()
{
    if (!m_autosave || m_autosaveFailureShown)
        return;
    const QString error = m_autosave->error();
    if (error.isEmpty())
        return;
    m_autosaveFailureShown = true;
    inform(QMessageBox::Warning, tr("Runs are no longer recorded"),
        tr("Recording the runs into %1 stopped.\n\nReason: %2\n\nThe runs are still here: save them to "
           "another "
           "place.")
            .arg(m_autosavePath, error));
    emit statusMessage(tr("Runs are not being recorded: %1").arg(error));
}

// ---------------------------------------------------------------- sessions

void SessionActions::saveSession(const QString& path)
{
    const Shown shown = m_shown();
    if (!haveRuns(shown, tr("save"))) {
        emit sessionSaved(path, false);
        return;
    }
    if (!m_autosavePath.isEmpty()
        && QFileInfo(path).absoluteFilePath() == QFileInfo(m_autosavePath).absoluteFilePath()) {
        inform(QMessageBox::Warning, tr("Session not saved"),
            tr("%1 is the file this window is recording into; choose another name.").arg(path));
        emit sessionSaved(path, false);
        return;
    }
    const QList<RunResultPtr> runs = shown.runs;
    runInBackground<QString>(
        this,
        [path, runs] {
            QString error;
            if (SessionWriter::save(path, runs, &error))
                return QString();
            return error.isEmpty() ? QStringLiteral("cannot write session %1").arg(path) : error;
        },
        [this, path, count = runs.size()](const QString& error) {
            if (!error.isEmpty()) {
                inform(QMessageBox::Warning, tr("Session not saved"),
                    tr("The session could not be saved to %1.\n\nReason: %2\n\nIts %n run(s) are still here: "
                       "save them to another place.",
                        nullptr, static_cast<int>(count))
                        .arg(path, error));
                emit sessionSaved(path, false);
                return;
            }
            addRecent(path);
            rememberFolder(path);
            emit statusMessage(tr("Saved %n run(s) to %1", nullptr, static_cast<int>(count)).arg(path));
            emit sessionSaved(path, true);
        });
}

void SessionActions::openSession(const QString& path)
{
    runInBackground<std::shared_ptr<Opened>>(
        this,
        [path] {
            auto opened = std::make_shared<Opened>();
            opened->session = readSession(path, &opened->report, &opened->error);
            return opened;
        },
        [this, path](const std::shared_ptr<Opened>& opened) {
            if (!opened->session) {
                inform(QMessageBox::Critical, tr("Cannot open the session"),
                    tr("%1\n\nThe file was left as it is.").arg(opened->error));
                emit sessionOpened(path, false);
                return;
            }
            const QList<RunResultPtr>& runs = opened->session->runs;
            const QStringList& problems = opened->report.problems;
            addRecent(path);
            rememberFolder(path);
            emit sessionLoaded(runs, path, problems);
            if (!problems.isEmpty()) {
                inform(QMessageBox::Warning, tr("Session partly recovered"),
                    tr("Recovered %n run(s) from %1; %2.\n\nThe runs shown are everything before the damage. "
                       "The file was not changed.",
                        nullptr, static_cast<int>(runs.size()))
                        .arg(path, problems.join(QStringLiteral("; "))));
            } else {
                emit statusMessage(
                    tr("Opened %1: %n run(s)", nullptr, static_cast<int>(runs.size())).arg(path));
            }
            emit sessionOpened(path, true);
        });
}

QStringList SessionActions::recentSessions() const
{
    return settings().value(QStringLiteral("sessions/recent")).toStringList();
}

void SessionActions::addRecent(const QString& path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QStringList recent = recentSessions();
    recent.removeAll(absolute);
    recent.prepend(absolute);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    settings().setValue(QStringLiteral("sessions/recent"), recent);
    fillRecentMenu();
}

void SessionActions::fillRecentMenu()
{
    if (m_recentMenu == nullptr)
        return;
    m_recentMenu->clear();
    const QStringList recent = recentSessions();
    int n = 0;
    for (const QString& path : recent) {
        const QFileInfo info(path);
        QAction* a
            = m_recentMenu->addAction(QStringLiteral("&%1  %2  —  %3")
                                          .arg(++n)
                                          .arg(info.fileName(), QDir::toNativeSeparators(info.path())));
        a->setEnabled(info.exists());
        a->setToolTip(path);
        connect(a, &QAction::triggered, this, [this, path] { openSession(path); });
    }
    if (recent.isEmpty())
        m_recentMenu->addAction(tr("(no session yet)"))->setEnabled(false);
    m_recentMenu->addSeparator();
    QAction* clear = m_recentMenu->addAction(tr("Clear the list"));
    clear->setEnabled(!recent.isEmpty());
    connect(clear, &QAction::triggered, this, [this] {
        settings().remove(QStringLiteral("sessions/recent"));
        fillRecentMenu();
    });
}

// ---------------------------------------------------------------- exports

void SessionActions::exportTrace(const QString& path)
{
    const Shown shown = m_shown();
    if (!haveRuns(shown, tr("export"))) {
        emit exported(path, false);
        return;
    }
    exportInBackground(path, tr("Chrome trace"), [path, runs = shown.runs] {
        QString error;
        return writeChromeTrace(path, runs, &error) ? QString() : error;
    });
}

void SessionActions::exportCsv(const QString& path)
{
    const Shown shown = m_shown();
    if (!haveRuns(shown, tr("export"))) {
        emit exported(path, false);
        return;
    }
    exportInBackground(path, tr("CSV summary"), [path, runs = shown.runs] {
        QString error;
        return writeCsvSummary(path, runs, &error) ? QString() : error;
    });
}

void SessionActions::exportJson(const QString& path)
{
    const Shown shown = m_shown();
    if (!haveRuns(shown, tr("export"))) {
        emit exported(path, false);
        return;
    }
    exportInBackground(path, tr("JSON summary"), [path, shown] {
        QString error;
        return writeJsonFile(path, makeReport(shown.scenarioId, shown.runs), &error) ? QString() : error;
    });
}

void SessionActions::exportInBackground(
    const QString& path, const QString& what, std::function<QString()> write)
{
    runInBackground<QString>(this, std::move(write), [this, path, what](const QString& error) {
        if (!error.isEmpty()) {
            inform(QMessageBox::Warning, tr("Not exported"),
                tr("The %1 could not be written to %2.\n\nReason: %3").arg(what, path, error));
            emit exported(path, false);
            return;
        }
        rememberFolder(path);
        emit statusMessage(tr("%1 written to %2").arg(what, path));
        emit exported(path, true);
    });
}

bool SessionActions::exportPicture(QWidget* target, const QString& path, QSize size, double scale)
{
    QString error;
    // Painting belongs to the GUI thread; a picture costs what is visible, not the recording.
    if (!Exporter::exportWidget(target, path, size, scale, &error)) {
        inform(QMessageBox::Warning, tr("Picture not exported"),
            tr("The picture could not be written to %1.\n\nReason: %2").arg(path, error));
        emit exported(path, false);
        return false;
    }
    rememberFolder(path);
    emit statusMessage(tr("Picture written to %1").arg(path));
    emit exported(path, true);
    return true;
}

bool SessionActions::haveRuns(const Shown& shown, const QString& what)
{
    if (!shown.runs.isEmpty())
        return true;
    inform(QMessageBox::Information, tr("Nothing to %1").arg(what),
        tr("This page has no finished run yet: run something (or open a session) first."));
    return false;
}

// ---------------------------------------------------------------- dialogs

void SessionActions::askOpen()
{
    const QString path = QFileDialog::getOpenFileName(
        m_window, tr("Open session"), lastFolder(), tr("Spindle sessions (*.spindle);;All files (*)"));
    if (!path.isEmpty())
        openSession(path);
}

void SessionActions::askSave()
{
    const QString stamp = QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    const QString path = QFileDialog::getSaveFileName(m_window, tr("Save session as"),
        QDir(lastFolder()).filePath(QStringLiteral("spindle-%1.spindle").arg(stamp)),
        tr("Spindle sessions (*.spindle)"));
    if (!path.isEmpty())
        saveSession(path.endsWith(QLatin1String(".spindle")) ? path : path + QStringLiteral(".spindle"));
}

void SessionActions::askExportPicture()
{
    ExportDialog dialog(m_targets(), lastFolder(), m_window);
    if (dialog.exec() == QDialog::Accepted && dialog.target() != nullptr)
        exportPicture(dialog.target(), dialog.path(), dialog.size(), dialog.scale());
}

void SessionActions::askExport(
    const QString& title, const QString& suffix, void (SessionActions::*run)(const QString&))
{
    const QString stamp = QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    const QString path = QFileDialog::getSaveFileName(m_window, title,
        QDir(lastFolder()).filePath(QStringLiteral("spindle-%1.%2").arg(stamp, suffix)),
        tr("%1 files (*.%2)").arg(suffix.toUpper(), suffix));
    if (!path.isEmpty())
        (this->*run)(path);
}

void SessionActions::inform(int icon, const QString& title, const QString& text)
{
    m_lastMessage = text;
    // open(), not exec(): the window keeps drawing, and nothing waits on the user.
    auto* box = new QMessageBox(static_cast<QMessageBox::Icon>(icon), title, text, QMessageBox::Ok, m_window);
    box->setObjectName(QStringLiteral("spindle-message"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setTextInteractionFlags(Qt::TextSelectableByMouse);
    box->open();
}

QString SessionActions::lastFolder() const
{
    const QString fallback = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    return settings().value(QStringLiteral("sessions/folder"), fallback).toString();
}

void SessionActions::rememberFolder(const QString& path)
{
    settings().setValue(QStringLiteral("sessions/folder"), QFileInfo(path).absolutePath());
}

} // namespace spindle

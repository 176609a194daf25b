#pragma once
// The window's files: every run recorded as it happens into an autosave
// session (at most the last frame is lost if the program dies), sessions
// saved and opened - a damaged file gives back what it can, with the problem
// shown, and is never written to - the recent list, and the exports of what
// the current page shows: a picture, a Chrome trace, CSV and JSON summaries.
//
// Reading and writing whole sessions runs on the thread pool; results come
// back as signals. Every method taking a path works without a file dialog
// (tests, scripts); failures and recovery reports are shown in non-blocking
// message boxes naming the file and the reason.

#include "model/runresult.h"

#include <QList>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QSize>
#include <QStringList>

#include <functional>
#include <memory>

class QAction;
class QMenu;
class QMessageBox;
class QWidget;

namespace spindle {

class SessionWriter;

class SessionActions : public QObject {
    Q_OBJECT
public:
    // The runs of the page on show, and the scenario they belong to.
    struct Shown {
        QList<RunResultPtr> runs;
        QString scenarioId;
    };
    using Target = QPair<QString, QPointer<QWidget>>;
    static constexpr int kMaxRecent = 8;

    SessionActions(QWidget* window, std::function<Shown()> shown, std::function<QList<Target>()> targets);
    ~SessionActions() override;

    // Open, Open recent, Save as; then the exports.
    void addSessionEntries(QMenu* file);
    void addExportEntries(QMenu* file);
    QAction* openAction() const { return m_open; }
    QAction* saveAction() const { return m_save; }
    QAction* exportPictureAction() const { return m_exportPicture; }

    // On by default in a window on screen; a headless run keeps its engine's own recording.
    void setAutosaveEnabled(bool on) { m_autosaveEnabled = on; }
    bool autosaveEnabled() const { return m_autosaveEnabled; }
    // The autosave writer, opened at the first call; null when autosave is off or the file cannot be made.
    std::shared_ptr<SessionWriter> autosave();
    QString autosavePath() const { return m_autosavePath; }
    static QString autosaveFolder();
    // After runs: when the autosave has stopped writing (a full disk), says
    // so once, naming the file and the reason; the runs stay in memory.
    void checkAutosave();

    void saveSession(const QString& path);
    void openSession(const QString& path);
    void exportTrace(const QString& path);
    void exportCsv(const QString& path);
    void exportJson(const QString& path);
    bool exportPicture(QWidget* target, const QString& path, QSize size, double scale);

    QStringList recentSessions() const;
    // The text of the latest message box (tests read it; users see the box).
    QString lastMessage() const { return m_lastMessage; }

signals:
    void sessionSaved(const QString& path, bool ok);
    // ok = false: the file could not be read at all (the reason was shown).
    void sessionOpened(const QString& path, bool ok);
    void sessionLoaded(
        const QList<spindle::RunResultPtr>& runs, const QString& path, const QStringList& problems);
    void exported(const QString& path, bool ok);
    void statusMessage(const QString& text);

private:
    void askOpen();
    void askSave();
    void askExportPicture();
    void askExport(const QString& title, const QString& suffix, void (SessionActions::*run)(const QString&));
    // Runs `write` (returns an error or empty) on the pool; reports like every export.
    void exportInBackground(const QString& path, const QString& what, std::function<QString()> write);
    bool haveRuns(const Shown& shown, const QString& what);
    void inform(int icon, const QString& title, const QString& text);
    void addRecent(const QString& path);
    void fillRecentMenu();
    QString lastFolder() const;
    void rememberFolder(const QString& path);

    QWidget* m_window;
    std::function<Shown()> m_shown;
    std::function<QList<Target>()> m_targets;
    bool m_autosaveEnabled;
    std::shared_ptr<SessionWriter> m_autosave;
    QString m_autosavePath;
    bool m_autosaveFailureShown = false;
    QString m_lastMessage;

    QAction* m_open = nullptr;
    QAction* m_save = nullptr;
    QMenu* m_recentMenu = nullptr;
    QAction* m_exportPicture = nullptr;
};

} // namespace spindle

#pragma once
// The controls of a run that can change while it runs (the engine's
// LiveControls; today the supervised processes of the daemons scenario): the
// consumer count, applied as a SIGHUP-style reconfigure, and Kill, which sends
// SIGKILL to a busy consumer as `kill -9` would. Shown only while such a run
// is live. Every action is a request the engine answers at once - refused
// with a reason, or passed on to the run - and what the run makes of it
// comes back as lanes on the timeline; the count shown is the one the run
// reports it keeps.

#include "engine.h"
#include "theme.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QSpinBox;

namespace spindle {

class LiveControlsBar : public QWidget {
    Q_OBJECT
public:
    explicit LiveControlsBar(Engine* engine, QWidget* parent = nullptr);

    QSpinBox* workersBox() const { return m_workers; }
    QPushButton* killButton() const { return m_kill; }
    // What the latest action came to (sent, or why it was refused).
    QString lastMessage() const;
    // A live run with LiveControls::kill is on (lanes may be killed).
    bool canKill() const { return m_controls.kill && m_runId != 0; }
    void applyTheme(const Theme& theme);

    // Sends `signal` to that worker's process (the timeline's lane menu).
    void killWorker(std::uint32_t worker, const QString& name, int signal);
    // Sends SIGKILL to a busy consumer of the runtime's choosing.
    void killBusy();

signals:
    // The live controls came or went (a run that has them started or ended).
    void activeChanged(bool active);

private:
    void onRunStarted(quint64 runId, const RunSpec& spec);
    void onRunFinished(const RunResultPtr& result);
    void onWorkerCount(quint64 runId, int workers);
    void applyWorkers(int workers);
    void report(const QString& message, bool refused);

    Engine* m_engine;
    LiveControls m_controls;
    quint64 m_runId = 0;
    Theme m_theme = Theme::make(false, false);
    QLabel* m_title = nullptr;
    QLabel* m_workersLabel = nullptr;
    QSpinBox* m_workers = nullptr;
    QPushButton* m_kill = nullptr;
    QLabel* m_hint = nullptr;
    QLabel* m_message = nullptr;
    bool m_refused = false;
};

} // namespace spindle

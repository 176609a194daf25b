#include "pages/livecontrolsbar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>

#include <csignal>

namespace spindle {

namespace {

QString signalName(int signal)
{
    switch (signal) {
    case SIGKILL:
        return QStringLiteral("SIGKILL");
    case SIGSTOP:
        return QStringLiteral("SIGSTOP");
    case SIGCONT:
        return QStringLiteral("SIGCONT");
    default:
        return QStringLiteral("signal %1").arg(signal);
    }
}

} // namespace

LiveControlsBar::LiveControlsBar(Engine* engine, QWidget* parent) : QWidget(parent), m_engine(engine)
{
    setObjectName(QStringLiteral("live-controls"));
    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(0, 2, 0, 2);
    row->setSpacing(8);
    m_title = new QLabel(tr("While it runs:"));
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    row->addWidget(m_title);

    m_workersLabel = new QLabel(tr("Consumers"));
    row->addWidget(m_workersLabel);
    m_workers = new QSpinBox;
    m_workers->setObjectName(QStringLiteral("live-workers"));
    m_workers->setRange(1, RunLimits::kMaxProcesses);
    // Typed digits apply on Enter, not one keystroke at a time; the arrows at once.
    m_workers->setKeyboardTracking(false);
    m_workers->setToolTip(tr("Change the number of consumer processes while the run goes on (a SIGHUP-style "
                             "reconfigure): new lanes appear, or consumers retire after their current item"));
    m_workersLabel->setBuddy(m_workers);
    row->addWidget(m_workers);
    connect(m_workers, &QSpinBox::valueChanged, this, &LiveControlsBar::applyWorkers);

    m_kill = new QPushButton(tr("Kill a consumer (SIGKILL)"));
    m_kill->setObjectName(QStringLiteral("live-kill"));
    m_kill->setToolTip(tr("Send SIGKILL to a busy consumer process, as kill -9 PID would: its lane ends "
                          "crashed, its item goes back on the queue, and the supervisor restarts it"));
    row->addWidget(m_kill);
    connect(m_kill, &QPushButton::clicked, this, &LiveControlsBar::killBusy);

    m_hint = new QLabel(tr("or right-click a lane"));
    row->addWidget(m_hint);
    m_message = new QLabel;
    m_message->setObjectName(QStringLiteral("live-message"));
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // It takes the room that is left, never more: the bar must not widen the window.
    m_message->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    row->addWidget(m_message, 1);

    if (m_engine != nullptr) {
        connect(m_engine, &Engine::runStarted, this, &LiveControlsBar::onRunStarted);
        connect(m_engine, &Engine::runFinished, this, &LiveControlsBar::onRunFinished);
        connect(m_engine, &Engine::workerCountChanged, this, &LiveControlsBar::onWorkerCount);
    }
    setVisible(false);
}

QString LiveControlsBar::lastMessage() const
{
    return m_message->text();
}

void LiveControlsBar::onRunStarted(quint64 runId, const RunSpec& spec)
{
    m_controls = m_engine->liveControls();
    m_runId = m_controls.any() ? runId : 0;
    m_workersLabel->setVisible(m_controls.workerCount);
    m_workers->setVisible(m_controls.workerCount);
    m_kill->setVisible(m_controls.kill);
    m_hint->setVisible(m_controls.kill);
    {
        // What it starts with, until the run says what it keeps.
        const QSignalBlocker quiet(m_workers);
        m_workers->setValue(spec.effectiveWorkers());
    }
    m_message->clear();
    setVisible(m_controls.any());
    emit activeChanged(m_controls.any());
}

void LiveControlsBar::onRunFinished(const RunResultPtr& result)
{
    if (m_runId == 0 || !result || result->runId != m_runId)
        return;
    m_runId = 0;
    m_controls = {};
    setVisible(false);
    emit activeChanged(false);
}

void LiveControlsBar::onWorkerCount(quint64 runId, int workers)
{
    if (runId != m_runId)
        return;
    // The count the run keeps, whoever changed it (this box, or the spec's resize-to).
    const QSignalBlocker quiet(m_workers);
    m_workers->setValue(workers);
}

void LiveControlsBar::applyWorkers(int workers)
{
    if (m_runId == 0)
        return;
    const QString refusal = m_engine->setWorkerCount(workers);
    if (!refusal.isEmpty())
        report(refusal, true);
    else
        report(
            tr("Consumers → %1: lanes are added, or retired after their current item.").arg(workers), false);
}

void LiveControlsBar::killBusy()
{
    if (m_runId == 0)
        return;
    const QString refusal = m_engine->killBusyWorker(SIGKILL);
    if (!refusal.isEmpty())
        report(refusal, true);
    else
        report(
            tr("SIGKILL sent to a busy consumer: its lane ends crashed, a restart takes its place."), false);
}

void LiveControlsBar::killWorker(std::uint32_t worker, const QString& name, int signal)
{
    if (m_runId == 0)
        return;
    const QString refusal = m_engine->killWorker(worker, signal);
    if (!refusal.isEmpty())
        report(refusal, true);
    else
        report(tr("%1 sent to %2.").arg(signalName(signal), name), false);
}

void LiveControlsBar::report(const QString& message, bool refused)
{
    m_refused = refused;
    m_message->setText(message);
    m_message->setToolTip(message); // in full, where the bar cuts it short
    QPalette p = m_message->palette();
    p.setColor(QPalette::WindowText, refused ? m_theme.alarm : m_theme.mutedText);
    m_message->setPalette(p);
}

void LiveControlsBar::applyTheme(const Theme& theme)
{
    m_theme = theme;
    QPalette muted = m_hint->palette();
    muted.setColor(QPalette::WindowText, theme.mutedText);
    m_hint->setPalette(muted);
    report(m_message->text(), m_refused);
}

} // namespace spindle

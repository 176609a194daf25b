#include "charts/lanekillmenu.h"

#include "charts/timelinechart.h"

#include <QAction>
#include <QContextMenuEvent>
#include <QMenu>

#include <cmath>
#include <csignal>

namespace spindle {

LaneKillMenu::LaneKillMenu(TimelineChart* chart) : QObject(chart), m_chart(chart)
{
    chart->installEventFilter(this);
}

std::optional<WorkerInfo> LaneKillMenu::killableLaneAt(const QPoint& pos) const
{
    const TimelineModel* model = m_chart->model();
    if (!m_active || model == nullptr || model->finished() || !m_chart->axisRect()->rect().contains(pos))
        return std::nullopt;
    const int lane = static_cast<int>(std::lround(m_chart->yAxis->pixelToCoord(pos.y())));
    if (lane < 0 || lane >= model->laneCount())
        return std::nullopt;
    const WorkerInfo& info = model->laneInfo(lane);
    // A child process whose lane is still open; the engine checks again when asked.
    if (info.kind != WorkerKind::Process || info.pid == 0 || model->laneEndNs(lane))
        return std::nullopt;
    return info;
}

QList<QAction*> LaneKillMenu::actionsAt(const QPoint& pos, QObject* parent)
{
    const auto lane = killableLaneAt(pos);
    if (!lane)
        return {};
    const QString name = lane->name;
    const std::uint32_t worker = lane->id;
    auto* kill = new QAction(tr("Kill %1 (pid %2) with SIGKILL").arg(name).arg(lane->pid), parent);
    kill->setToolTip(tr("As kill -9: it crashes, and the supervisor restarts it on a new lane"));
    connect(
        kill, &QAction::triggered, this, [this, worker, name] { emit killRequested(worker, name, SIGKILL); });
    // Paused or not, as its lane shows it now.
    const TimelineModel* model = m_chart->model();
    const auto state = model->segmentAt(model->laneOf(worker), model->nowNs());
    const bool stopped = state && state->state == WorkerState::Stopped;
    auto* pause = new QAction(
        stopped ? tr("Continue %1 (SIGCONT)").arg(name) : tr("Pause %1 (SIGSTOP)").arg(name), parent);
    pause->setToolTip(stopped ? tr("As kill -CONT: it carries on where it stopped")
                              : tr("As kill -STOP: it holds its item, the others go on, until continued"));
    const int signal = stopped ? SIGCONT : SIGSTOP;
    connect(pause, &QAction::triggered, this,
        [this, worker, name, signal] { emit killRequested(worker, name, signal); });
    return {kill, pause};
}

bool LaneKillMenu::eventFilter(QObject* watched, QEvent* event)
{
    if (watched != m_chart || event->type() != QEvent::ContextMenu)
        return QObject::eventFilter(watched, event);
    auto* context = static_cast<QContextMenuEvent*>(event);
    auto* menu = new QMenu(m_chart);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    const QList<QAction*> actions = actionsAt(context->pos(), menu);
    if (actions.isEmpty()) {
        delete menu;
        return false;
    }
    menu->addActions(actions);
    // popup(), not exec(): no nested event loop while the run's batches keep coming.
    menu->popup(context->globalPos());
    return true;
}

} // namespace spindle

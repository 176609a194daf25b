#pragma once
// The timeline's context menu for the lane under the mouse: kill its process
// (SIGKILL), or pause it (SIGSTOP) and continue it (SIGCONT), on a child
// process that is still alive, while the run it belongs to takes such requests. It watches the
// chart's context-menu events from outside (an event filter), so the
// timeline itself knows nothing of it, and it only asks: killRequested goes
// to whoever can send the signal (LiveControlsBar).

#include "model/workerinfo.h"

#include <QList>
#include <QObject>
#include <QPoint>

#include <cstdint>
#include <optional>

class QAction;

namespace spindle {

class TimelineChart;

class LaneKillMenu : public QObject {
    Q_OBJECT
public:
    explicit LaneKillMenu(TimelineChart* chart);

    // Whether the run on show takes kill requests (set while it is live).
    void setActive(bool active) { m_active = active; }
    bool isActive() const { return m_active; }
    // The lane at pos (chart coordinates) whose process may be signalled, if any.
    std::optional<WorkerInfo> killableLaneAt(const QPoint& pos) const;
    // The menu's actions for pos, parented to `parent`; empty where there is nothing to kill.
    QList<QAction*> actionsAt(const QPoint& pos, QObject* parent);

signals:
    void killRequested(std::uint32_t worker, const QString& name, int signal);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    TimelineChart* m_chart;
    bool m_active = false;
};

} // namespace spindle

#pragma once
// RefreshPacer (core/model/refreshpacer.h) on the GUI thread's clock: a page
// calls dataArrived() for every batch and redraws on refreshDue(), at most
// once a frame and without waiting when the last redraw is a frame old.

#include "model/refreshpacer.h"

#include <QObject>
#include <QTimer>

namespace spindle {

class ReplotPacer : public QObject {
    Q_OBJECT
public:
    explicit ReplotPacer(QObject* parent = nullptr);

    // New data for the views: schedules a refresh unless one is pending.
    void dataArrived();
    // The page refreshed its views (on refreshDue() or of its own accord):
    // whatever was pending is shown, the next refresh waits a frame from now.
    void refreshed();
    // Drops a pending refresh without redrawing.
    void cancel();
    bool pending() const { return m_pacer.pending(); }

signals:
    void refreshDue();

private:
    RefreshPacer m_pacer;
    QTimer m_timer;
};

} // namespace spindle

#include "charts/replotpacer.h"

#include "model/clock.h"

namespace spindle {

ReplotPacer::ReplotPacer(QObject* parent) : QObject(parent)
{
    m_timer.setSingleShot(true);
    // A coarse timer may fire 5 % late, most of a millisecond on a frame.
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &ReplotPacer::refreshDue);
}

void ReplotPacer::dataArrived()
{
    const auto delayNs = m_pacer.arrived(monotonicNs());
    if (!delayNs)
        return;
    // Rounded up: a frame must not be drawn a fraction of a millisecond early.
    m_timer.start(static_cast<int>((*delayNs + 999'999) / 1'000'000));
}

void ReplotPacer::refreshed()
{
    m_timer.stop();
    m_pacer.refreshed(monotonicNs());
}

void ReplotPacer::cancel()
{
    m_timer.stop();
    m_pacer.cancel();
}

} // namespace spindle

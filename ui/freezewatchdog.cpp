#include "freezewatchdog.h"

#include "model/clock.h"

#include <QMetaObject>

#include <chrono>

namespace spindle {

FreezeWatchdog::FreezeWatchdog(QObject* parent) : QObject(parent)
{
    m_heartbeat.setInterval(kHeartbeatMs);
    m_heartbeat.setTimerType(Qt::PreciseTimer);
    connect(&m_heartbeat, &QTimer::timeout, this, [this] { m_beatNs.store(monotonicNs()); });
}

FreezeWatchdog::~FreezeWatchdog()
{
    stop();
}

void FreezeWatchdog::start()
{
    if (m_thread.joinable())
        return;
    m_beatNs.store(monotonicNs());
    m_heartbeat.start();
    {
        std::lock_guard lock(m_mutex);
        m_stop = false;
    }
    m_thread = std::thread([this] { watch(); });
}

void FreezeWatchdog::stop()
{
    m_heartbeat.stop();
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

std::int64_t FreezeWatchdog::currentGapNs() const
{
    return monotonicNs() - m_beatNs.load();
}

void FreezeWatchdog::watch()
{
    std::int64_t seen = m_beatNs.load();
    std::unique_lock lock(m_mutex);
    while (!m_wake.wait_for(lock, std::chrono::milliseconds(5), [this] { return m_stop; })) {
        const std::int64_t beat = m_beatNs.load();
        if (beat == seen)
            continue;
        // The gap is measured between the GUI thread's own stamps: exact to
        // a timer tick, however late this thread wakes.
        const std::int64_t gap = beat - seen;
        seen = beat;
        if (gap > m_longestNs.load())
            m_longestNs.store(gap);
        if (gap >= kReportThresholdNs) {
            m_lastNs.store(gap);
            QMetaObject::invokeMethod(
                this, [this, gap] { emit freezeEnded(gap); }, Qt::QueuedConnection);
        }
    }
}

} // namespace spindle

#include "freezewatchdog.h"

#include "model/clock.h"
#include "sampling/procreader.h"

#include <QMetaObject>

#include <chrono>
#include <unistd.h>

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
    m_guiTid = gettid(); // start() runs on the GUI thread, like the heartbeat
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
    // Read only once a heartbeat is this late: an idle window costs no /proc
    // reads, and a reported freeze (>= 100 ms) is still mostly covered.
    constexpr std::int64_t kLateNs = 20'000'000;
    const int schedFd = openThreadSchedStat(getpid(), m_guiTid);
    std::int64_t seen = m_beatNs.load();
    bool haveLate = false;
    SchedStat atLate;
    std::int64_t lateNs = 0;
    std::unique_lock lock(m_mutex);
    while (!m_wake.wait_for(lock, std::chrono::milliseconds(5), [this] { return m_stop; })) {
        const std::int64_t beat = m_beatNs.load();
        if (beat == seen) {
            const std::int64_t now = monotonicNs();
            if (!haveLate && schedFd >= 0 && now - seen >= kLateNs && readSchedStatFd(schedFd, &atLate)) {
                haveLate = true;
                lateNs = now;
            }
            continue;
        }
        // The gap is measured between the GUI thread's own stamps: exact to
        // a timer tick, however late this thread wakes.
        GuiFreeze freeze;
        freeze.gapNs = beat - seen;
        SchedStat atEnd;
        if (haveLate && freeze.gapNs >= kReportThresholdNs && readSchedStatFd(schedFd, &atEnd)) {
            // The figures span from the late read to this one, a few ms past the gap.
            freeze.coveredNs = monotonicNs() - lateNs;
            freeze.onCpuNs = atEnd.cpuNs - atLate.cpuNs;
            freeze.waitingForCpuNs = atEnd.runDelayNs - atLate.runDelayNs;
        }
        haveLate = false;
        seen = beat;
        if (freeze.gapNs > m_longestNs.load())
            m_longestNs.store(freeze.gapNs);
        if (freeze.gapNs >= kReportThresholdNs) {
            m_lastNs.store(freeze.gapNs);
            QMetaObject::invokeMethod(
                this,
                [this, freeze] {
                    m_lastFreeze = freeze;
                    emit freezeEnded(freeze.gapNs);
                },
                Qt::QueuedConnection);
        }
    }
    if (schedFd >= 0)
        ::close(schedFd);
}

} // namespace spindle

#pragma once
// Measures how long the GUI thread's event loop stops turning. A 10 ms QTimer
// in the GUI thread stamps an atomic heartbeat; a std::thread of its own
// (which a blocked GUI thread cannot stop) watches the stamps and records
// every gap. A gap past the report threshold is posted back as freezeEnded
// once the loop turns again - the only moment the window can show it. Once a
// heartbeat is late the watchdog also reads the GUI thread's schedstat, so
// that the freeze says whether the loop was blocked, busy, or kept off a CPU
// by other load (GuiFreeze).

#include "model/guifreeze.h"

#include <QObject>
#include <QTimer>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <sys/types.h>
#include <thread>

namespace spindle {

class FreezeWatchdog : public QObject {
    Q_OBJECT
public:
    static constexpr int kHeartbeatMs = 10;
    static constexpr std::int64_t kReportThresholdNs = 100'000'000;

    explicit FreezeWatchdog(QObject* parent = nullptr);
    ~FreezeWatchdog() override;

    void start();
    void stop();
    bool running() const { return m_thread.joinable(); }

    // Longest gap between heartbeats seen so far.
    std::int64_t longestFreezeNs() const { return m_longestNs.load(); }
    // The latest gap that was reported (0 if none).
    std::int64_t lastFreezeNs() const { return m_lastNs.load(); }
    // How long the GUI thread has gone without a heartbeat right now.
    std::int64_t currentGapNs() const;
    // The latest reported freeze with its cause; GUI thread only (set just
    // before freezeEnded is emitted).
    const GuiFreeze& lastFreeze() const { return m_lastFreeze; }

signals:
    void freezeEnded(qint64 freezeNs);

private:
    void watch();

    QTimer m_heartbeat;
    std::atomic<std::int64_t> m_beatNs {0};
    std::atomic<std::int64_t> m_longestNs {0};
    std::atomic<std::int64_t> m_lastNs {0};
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stop = false;
    std::thread m_thread;
    pid_t m_guiTid = 0;
    GuiFreeze m_lastFreeze;
};

} // namespace spindle

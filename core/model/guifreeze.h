#pragma once
// A freeze of the GUI event loop as the watchdog measured it, and what the
// GUI thread was doing meanwhile (from its schedstat): blocked (asleep or
// waiting in a slot, the lesson of "Block the UI"), busy on a CPU (the
// window's own work), or runnable but kept off a CPU by other load (a busy
// machine, not the window's fault). The window says which, so that a
// workshop audience is not told the loop blocked when the machine was busy.

#include <QString>

#include <cstdint>

namespace spindle {

struct GuiFreeze {
    enum class Cause { Unknown, Blocked, Busy, WaitingForCpu };

    std::int64_t gapNs = 0; // between two heartbeats of the GUI thread
    std::int64_t coveredNs = 0; // the part of the gap the figures below cover (0 = none)
    std::int64_t onCpuNs = 0; // GUI thread on a CPU during coveredNs
    std::int64_t waitingForCpuNs = 0; // GUI thread runnable but on a run queue during coveredNs

    // The larger share of what was covered, if it is at least half of it;
    // else Blocked (neither running nor waiting for a CPU: sleeping or
    // waiting). Unknown when nothing was covered.
    Cause cause() const;
    // "frozen for 180 ms: 150 ms of it waiting for a CPU behind other work (...)"
    QString describe() const;
};

} // namespace spindle

#pragma once
// Two threads that spin while set busy and sleep otherwise: beside them the
// GUI thread competes for a core as it does beside a CPU-bound run. As
// workers they take the priority the engine gives its own
// (runtime/workerpriority.h); as foreign they keep the window's.

#include <atomic>
#include <thread>
#include <vector>

namespace spindle {

class BusyThreads {
public:
    enum Priority { AsWorkers, AsForeign };
    explicit BusyThreads(Priority priority = AsWorkers);
    ~BusyThreads();
    BusyThreads(const BusyThreads&) = delete;
    BusyThreads& operator=(const BusyThreads&) = delete;

    void setBusy(bool busy) { m_busy = busy; }

private:
    void spin(Priority priority);

    std::atomic<bool> m_busy {false};
    std::atomic<bool> m_stop {false};
    std::vector<std::thread> m_threads;
};

} // namespace spindle

#pragma once
// Puts the calling thread, and every thread it starts meanwhile, on one
// vCPU (the last it may use), and gives it back its own set when destroyed.
// For a start that stays on one thread and is short enough that the caches
// of the vCPU it lands on decide it: on one vCPU, two such starts compared
// run on the same caches.

#include <sched.h>

namespace spindle {

class OneCpu {
public:
    OneCpu();
    ~OneCpu();
    OneCpu(const OneCpu&) = delete;
    OneCpu& operator=(const OneCpu&) = delete;

    // False if the kernel refused: the thread runs where it did.
    bool pinned() const { return m_pinned; }

private:
    cpu_set_t m_before {};
    bool m_pinned = false;
};

} // namespace spindle

#pragma once
// Turns SIGTERM into a cancel of the child's run, so that a worker stopped by
// the engine finishes its current task as cancelled and closes its lane
// itself. A thread waits for the signal (sigwait), because cancelling takes a
// lock that a signal handler must not touch. SIGTERM and SIGUSR2 must be
// blocked in every thread before this starts; SIGUSR2 ends the watcher.

#include "runtime/canceltoken.h"

#include <thread>

namespace spindle {

class CancelWatcher {
public:
    explicit CancelWatcher(CancelToken& token);
    ~CancelWatcher();
    CancelWatcher(const CancelWatcher&) = delete;
    CancelWatcher& operator=(const CancelWatcher&) = delete;

    // Readable once SIGTERM arrived, so that waits on sockets wake too.
    int fd() const { return m_eventFd; }
    void stop();

private:
    CancelToken& m_token;
    int m_eventFd;
    std::thread m_thread;
};

} // namespace spindle

#include "cancelwatcher.h"

#include <csignal>
#include <pthread.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace spindle {

CancelWatcher::CancelWatcher(CancelToken& token)
    : m_token(token), m_eventFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK))
{
    m_thread = std::thread([this] {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGUSR2);
        int sig = 0;
        while (sigwait(&set, &sig) != 0) { }
        if (sig == SIGTERM) {
            m_token.cancel();
            const std::uint64_t one = 1;
            [[maybe_unused]] const ssize_t n = ::write(m_eventFd, &one, sizeof one);
        }
    });
}

CancelWatcher::~CancelWatcher()
{
    stop();
    if (m_eventFd >= 0)
        ::close(m_eventFd);
}

void CancelWatcher::stop()
{
    if (!m_thread.joinable())
        return;
    // Aimed at the watcher itself: a process-directed SIGUSR2 could be taken
    // by no thread at all, since every thread blocks it.
    pthread_kill(m_thread.native_handle(), SIGUSR2);
    m_thread.join();
}

} // namespace spindle

#include "loop/wakeupchannel.h"

#include <cerrno>
#include <cstdint>
#include <sys/eventfd.h>
#include <system_error>
#include <unistd.h>
#include <utility>

namespace spindle {

WakeupChannel::WakeupChannel() : m_fd(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK))
{
    if (m_fd < 0)
        throw std::system_error(errno, std::generic_category(), "eventfd");
}

WakeupChannel::~WakeupChannel()
{
    ::close(m_fd);
}

bool WakeupChannel::post(std::function<void()> fn)
{
    bool wasEmpty = false;
    {
        std::lock_guard lock(m_mutex);
        if (m_closed)
            return false;
        wasEmpty = m_queue.empty();
        m_queue.push_back(std::move(fn));
        m_pending.store(true, std::memory_order_release);
    }
    // A non-empty queue means an earlier post already signalled and the loop
    // has not drained yet, so it will see this entry too.
    if (wasEmpty)
        wake();
    return true;
}

void WakeupChannel::wake()
{
    const std::uint64_t one = 1;
    ssize_t written;
    do {
        written = ::write(m_fd, &one, sizeof one);
    } while (written < 0 && errno == EINTR);
    // EAGAIN means the counter is saturated, i.e. already readable: nothing lost.
}

void WakeupChannel::acknowledge()
{
    std::uint64_t value = 0;
    ssize_t got;
    do {
        got = ::read(m_fd, &value, sizeof value);
    } while (got < 0 && errno == EINTR);
}

std::vector<std::function<void()>> WakeupChannel::takeAll(bool woken)
{
    if (!woken && !hasPending())
        return {};
    std::lock_guard lock(m_mutex);
    m_pending.store(false, std::memory_order_relaxed);
    return std::exchange(m_queue, {});
}

std::vector<std::function<void()>> WakeupChannel::close()
{
    std::lock_guard lock(m_mutex);
    m_closed = true;
    m_pending.store(false, std::memory_order_relaxed);
    return std::exchange(m_queue, {});
}

} // namespace spindle

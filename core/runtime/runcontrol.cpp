#include "runtime/runcontrol.h"

#include <utility>

namespace spindle {

void RunControl::requestWorkers(int workers)
{
    std::lock_guard lock(m_mutex);
    m_workers = workers;
    if (m_wake)
        m_wake();
}

std::optional<int> RunControl::takeWorkersRequest()
{
    std::lock_guard lock(m_mutex);
    return std::exchange(m_workers, std::nullopt);
}

void RunControl::setWake(std::function<void()> wake)
{
    std::lock_guard lock(m_mutex);
    m_wake = std::move(wake);
    if (m_wake && m_workers)
        m_wake();
}

} // namespace spindle

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

void RunControl::requestKill(const KillRequest& request)
{
    std::lock_guard lock(m_mutex);
    m_kills.push_back(request);
    if (m_wake)
        m_wake();
}

std::vector<RunControl::KillRequest> RunControl::takeKillRequests()
{
    std::lock_guard lock(m_mutex);
    return std::exchange(m_kills, {});
}

void RunControl::childStarted(std::uint32_t worker, bool isWorker)
{
    std::lock_guard lock(m_mutex);
    m_liveChildren.insert(worker);
    if (isWorker)
        m_liveWorkers.insert(worker);
}

void RunControl::childEnded(std::uint32_t worker)
{
    std::lock_guard lock(m_mutex);
    m_liveChildren.erase(worker);
    m_liveWorkers.erase(worker);
}

bool RunControl::isLiveChild(std::uint32_t worker) const
{
    std::lock_guard lock(m_mutex);
    return m_liveChildren.contains(worker);
}

int RunControl::liveWorkerChildren() const
{
    std::lock_guard lock(m_mutex);
    return static_cast<int>(m_liveWorkers.size());
}

void RunControl::reportWorkers(int workers)
{
    std::function<void(int)> observer;
    {
        std::lock_guard lock(m_mutex);
        observer = m_onWorkers;
    }
    if (observer)
        observer(workers);
}

void RunControl::setWorkersObserver(std::function<void(int)> onWorkers)
{
    std::lock_guard lock(m_mutex);
    m_onWorkers = std::move(onWorkers);
}

void RunControl::setWake(std::function<void()> wake)
{
    std::lock_guard lock(m_mutex);
    m_wake = std::move(wake);
    if (m_wake && (m_workers || !m_kills.empty()))
        m_wake();
}

} // namespace spindle

#include "runtime/jobqueue.h"

namespace spindle {

void JobQueue::put(std::size_t job)
{
    {
        std::lock_guard lock(m_mutex);
        m_jobs.emplace_back(job);
    }
    m_cv.notify_one();
}

void JobQueue::putPoisonPill()
{
    {
        std::lock_guard lock(m_mutex);
        m_jobs.emplace_back(std::nullopt);
    }
    m_cv.notify_one();
}

void JobQueue::close()
{
    {
        std::lock_guard lock(m_mutex);
        m_closed = true;
    }
    m_cv.notify_all();
}

std::optional<std::size_t> JobQueue::popLocked()
{
    if (m_closed || m_jobs.empty())
        return std::nullopt;
    auto job = m_jobs.front();
    m_jobs.pop_front();
    return job;
}

std::optional<std::size_t> JobQueue::get(WorkerContext& ctx)
{
    {
        std::lock_guard lock(m_mutex);
        if (!m_jobs.empty() || m_closed)
            return ctx.cancelled() ? std::nullopt : popLocked();
    }
    // The queue is empty: wait without the GIL. The queue lock is released
    // before the GIL is taken back (members are destroyed in reverse order),
    // so the two locks are never held in the opposite order by two threads.
    BlockingSection waiting(ctx, WorkerState::WaitingQueue);
    std::unique_lock lock(m_mutex);
    m_cv.wait(lock, [this] { return !m_jobs.empty() || m_closed; });
    return ctx.cancelled() ? std::nullopt : popLocked();
}

} // namespace spindle

#include "runtime/canceltoken.h"

#include <chrono>

namespace spindle {

void CancelToken::cancel()
{
    std::vector<std::function<void()>> callbacks;
    {
        std::lock_guard lock(m_mutex);
        if (m_cancelled.load(std::memory_order_relaxed))
            return;
        m_cancelled.store(true, std::memory_order_relaxed);
        callbacks.swap(m_callbacks);
    }
    m_cv.notify_all();
    for (auto& fn : callbacks)
        fn();
}

void CancelToken::onCancel(std::function<void()> fn)
{
    {
        std::lock_guard lock(m_mutex);
        if (!m_cancelled.load(std::memory_order_relaxed)) {
            m_callbacks.push_back(std::move(fn));
            return;
        }
    }
    fn();
}

bool CancelToken::sleepFor(std::int64_t ns)
{
    std::unique_lock lock(m_mutex);
    return !m_cv.wait_for(lock, std::chrono::nanoseconds(ns), [this] { return cancelled(); });
}

} // namespace spindle

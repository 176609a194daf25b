#include "runtime/future.h"

#include <stdexcept>

namespace spindle {

Future::Status Future::status() const
{
    std::lock_guard lock(m_mutex);
    return m_status;
}

bool Future::done() const
{
    const Status s = status();
    return s == Status::Finished || s == Status::Cancelled;
}

std::int64_t Future::result()
{
    std::unique_lock lock(m_mutex);
    m_cv.wait(lock, [this] { return m_status == Status::Finished || m_status == Status::Cancelled; });
    if (m_status == Status::Cancelled)
        throw std::runtime_error("future was cancelled");
    if (m_error)
        std::rethrow_exception(m_error);
    return m_value;
}

bool Future::cancel()
{
    std::unique_lock lock(m_mutex);
    if (m_status == Status::Cancelled)
        return true;
    if (m_status != Status::Pending)
        return false;
    m_status = Status::Cancelled;
    finish(lock);
    return true;
}

void Future::addDoneCallback(std::function<void(Future&)> fn)
{
    {
        std::lock_guard lock(m_mutex);
        if (m_status != Status::Finished && m_status != Status::Cancelled) {
            m_callbacks.push_back(std::move(fn));
            return;
        }
    }
    fn(*this);
}

bool Future::setRunning()
{
    std::lock_guard lock(m_mutex);
    if (m_status != Status::Pending)
        return false;
    m_status = Status::Running;
    return true;
}

void Future::setResult(std::int64_t value)
{
    std::unique_lock lock(m_mutex);
    m_value = value;
    m_status = Status::Finished;
    finish(lock);
}

void Future::setException(std::exception_ptr error)
{
    std::unique_lock lock(m_mutex);
    m_error = std::move(error);
    m_status = Status::Finished;
    finish(lock);
}

void Future::finish(std::unique_lock<std::mutex>& lock)
{
    auto callbacks = std::move(m_callbacks);
    m_callbacks.clear();
    lock.unlock();
    m_cv.notify_all();
    for (auto& fn : callbacks)
        fn(*this);
}

} // namespace spindle

#pragma once
// A concurrent.futures.Future for one submitted call: result(), done(),
// cancel() (succeeds only while the call has not started), and done
// callbacks, which run on the thread that completes the future.

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <vector>

namespace spindle {

class Future {
public:
    enum class Status { Pending, Running, Finished, Cancelled };

    Status status() const;
    bool done() const;
    // Blocks until done; rethrows the call's exception; throws std::runtime_error when cancelled.
    std::int64_t result();
    bool cancel();
    // Runs fn once the future is done (at once if it already is).
    void addDoneCallback(std::function<void(Future&)> fn);

    // Executor side.
    bool setRunning(); // false when the future was cancelled first
    void setResult(std::int64_t value);
    void setException(std::exception_ptr error);

private:
    void finish(std::unique_lock<std::mutex>& lock);

    mutable std::mutex m_mutex;
    std::condition_variable m_cv;
    Status m_status = Status::Pending;
    std::int64_t m_value = 0;
    std::exception_ptr m_error;
    std::vector<std::function<void(Future&)>> m_callbacks;
};

} // namespace spindle

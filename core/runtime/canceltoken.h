#pragma once
// The run's stop flag. Workers poll it at their checkpoints (a relaxed load);
// sleepers wait on it so that cancel wakes them at once instead of after the
// sleep.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

namespace spindle {

class CancelToken {
public:
    bool cancelled() const { return m_cancelled.load(std::memory_order_relaxed); }
    void cancel();
    // Sleeps for ns unless cancelled first; returns false when cancelled.
    bool sleepFor(std::int64_t ns);
    const std::atomic<bool>& flag() const { return m_cancelled; }
    // Runs fn on cancel (at once if already cancelled), on the cancelling thread.
    // Used to wake waits that do not poll the flag (queues, loops, children).
    void onCancel(std::function<void()> fn);

private:
    std::atomic<bool> m_cancelled{false};
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::vector<std::function<void()>> m_callbacks;
};

} // namespace spindle

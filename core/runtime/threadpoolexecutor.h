#pragma once
// concurrent.futures.ThreadPoolExecutor on Spindle workers: a fixed number of
// worker threads pulling calls from one queue. Each call runs with the
// worker's WorkerContext, so it records its timeline and honours the GIL.
// Also counts futurist-style statistics.

#include "runtime/future.h"
#include "runtime/jobqueue.h"
#include "runtime/runcontext.h"

#include <QString>

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace spindle {

struct ExecutorStats {
    std::uint64_t executed = 0;
    std::uint64_t failures = 0;
    std::uint64_t cancelled = 0;
    std::int64_t runtimeNs = 0; // summed time spent in calls
};

class ThreadPoolExecutor {
public:
    using Call = std::function<std::int64_t(WorkerContext&, WorkerResult&)>;

    ThreadPoolExecutor(RunContext& run, int workers, const QString& namePrefix);
    ~ThreadPoolExecutor();
    ThreadPoolExecutor(const ThreadPoolExecutor&) = delete;
    ThreadPoolExecutor& operator=(const ThreadPoolExecutor&) = delete;

    std::shared_ptr<Future> submit(Call call);
    // No more submissions; with cancelPending the queued calls are cancelled.
    // Joins every worker.
    void shutdown(bool cancelPending = false);
    ExecutorStats stats() const;

private:
    struct Item {
        Call call;
        std::shared_ptr<Future> future;
    };
    void workerLoop(WorkerContext& ctx, WorkerResult& worker);

    RunContext& m_run;
    std::shared_ptr<JobQueue> m_queue = std::make_shared<JobQueue>();
    std::mutex m_itemsMutex;
    std::deque<Item> m_items; // indexed by id; a run submits at most RunLimits::kMaxTasks
    std::size_t m_nextId = 0;
    std::vector<std::thread> m_threads;
    bool m_shutdown = false;
    mutable std::mutex m_statsMutex;
    ExecutorStats m_stats;
};

} // namespace spindle

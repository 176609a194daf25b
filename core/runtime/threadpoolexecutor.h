#pragma once
// concurrent.futures.ThreadPoolExecutor on Spindle workers: a fixed number of
// worker threads pulling calls from one queue. Each call runs with the
// worker's WorkerContext, so it records its timeline and honours the GIL.
// Also counts futurist-style statistics (ExecutorStats) and, with a backlog
// limit, rejects submissions as futurist's check_and_reject does.

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

class ThreadPoolExecutor {
public:
    using Call = std::function<std::int64_t(WorkerContext&, WorkerResult&)>;

    ThreadPoolExecutor(RunContext& run, int workers, const QString& namePrefix);
    ~ThreadPoolExecutor();
    ThreadPoolExecutor(const ThreadPoolExecutor&) = delete;
    ThreadPoolExecutor& operator=(const ThreadPoolExecutor&) = delete;

    // Bounds the backlog: a submission is refused while `limit` calls already
    // wait for a worker, i.e. calls in flight (queued or running) minus
    // workers. Counting in-flight calls rather than the queue's length makes
    // the verdict independent of how fast idle workers pick calls up.
    // 0 = unbounded, as concurrent.futures is. Set before the first submit.
    void setBacklogLimit(std::size_t limit) { m_backlogLimit = limit; }

    // The call's future, or nullptr when the backlog is full (the submission
    // is rejected and counted; futurist raises RejectedSubmission).
    std::shared_ptr<Future> submit(Call call);
    // No more submissions; with cancelPending the queued calls are cancelled.
    // Joins every worker; calls still queued then (a cancelled run closed the
    // queue) are cancelled too, so no future is left pending.
    void shutdown(bool cancelPending = false);
    ExecutorStats stats() const;

private:
    struct Item {
        Call call;
        std::shared_ptr<Future> future;
    };
    void workerLoop(WorkerContext& ctx, WorkerResult& worker);

    const std::size_t m_workerCount;
    std::size_t m_backlogLimit = 0;
    std::size_t m_inFlight = 0; // accepted calls not finished yet (m_itemsMutex)
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

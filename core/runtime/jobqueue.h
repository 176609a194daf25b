#pragma once
// The job queue of the book's threads.py / procs.py: task indices plus one
// poison pill per worker. get() takes a job without blocking when one is
// there (under the GIL, as queue.get does) and releases the GIL only when it
// really has to wait.

#include "runtime/workercontext.h"

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>

namespace spindle {

class JobQueue {
public:
    void put(std::size_t job);
    void putPoisonPill();
    // The next job, or nullopt for a poison pill or a cancelled run.
    std::optional<std::size_t> get(WorkerContext& ctx);
    // Wakes every waiter (cancel).
    void close();

private:
    std::optional<std::size_t> popLocked();

    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::deque<std::optional<std::size_t>> m_jobs;
    bool m_closed = false;
};

} // namespace spindle

#include "runtime/threadpoolexecutor.h"

#include "model/clock.h"

#include <algorithm>
#include <exception>

namespace spindle {

ThreadPoolExecutor::ThreadPoolExecutor(RunContext& run, int workers, const QString& namePrefix)
    : m_workerCount(static_cast<std::size_t>(std::max(0, workers)))
{
    run.cancel().onCancel([queue = m_queue] { queue->close(); });
    for (int w = 0; w < workers; ++w) {
        WorkerInfo info;
        info.id = run.reserveWorkerId();
        info.name = QStringLiteral("%1 %2").arg(namePrefix).arg(w);
        m_threads.push_back(run.startWorkerThread(
            info, [this](WorkerContext& ctx, WorkerResult& worker) { workerLoop(ctx, worker); }));
    }
}

ThreadPoolExecutor::~ThreadPoolExecutor()
{
    shutdown(true);
}

std::shared_ptr<Future> ThreadPoolExecutor::submit(Call call)
{
    auto future = std::make_shared<Future>();
    std::size_t id = 0;
    {
        std::lock_guard lock(m_itemsMutex);
        std::lock_guard statsLock(m_statsMutex);
        ++m_stats.submitted;
        if (m_shutdown) {
            future->cancel();
            ++m_stats.cancelled;
            return future;
        }
        if (m_backlogLimit > 0 && m_inFlight >= m_workerCount + m_backlogLimit) {
            ++m_stats.rejected;
            return nullptr;
        }
        ++m_inFlight;
        id = m_nextId++;
        m_items.push_back(Item {std::move(call), future});
    }
    m_queue->put(id);
    return future;
}

void ThreadPoolExecutor::shutdown(bool cancelPending)
{
    {
        std::lock_guard lock(m_itemsMutex);
        if (m_shutdown && m_threads.empty())
            return;
        m_shutdown = true;
        // Counted where each item is dropped (below, or by the worker that
        // pops it), so that a call is never counted twice.
        if (cancelPending) {
            for (auto& item : m_items) {
                if (item.future)
                    item.future->cancel();
            }
        }
    }
    for (std::size_t i = 0; i < m_threads.size(); ++i)
        m_queue->putPoisonPill();
    for (auto& t : m_threads)
        t.join();
    m_threads.clear();
    // Whatever no worker took (a cancelled run closes the queue) never ran.
    std::lock_guard lock(m_itemsMutex);
    for (auto& item : m_items) {
        if (!item.future)
            continue;
        item.future->cancel();
        item = Item {};
        --m_inFlight;
        std::lock_guard statsLock(m_statsMutex);
        ++m_stats.cancelled;
    }
}

ExecutorStats ThreadPoolExecutor::stats() const
{
    std::lock_guard lock(m_statsMutex);
    return m_stats;
}

void ThreadPoolExecutor::workerLoop(WorkerContext& ctx, WorkerResult& worker)
{
    while (const auto id = m_queue->get(ctx)) {
        Item item;
        {
            std::lock_guard lock(m_itemsMutex);
            std::swap(item, m_items[*id]);
        }
        if (!item.future->setRunning()) {
            // Cancelled while queued.
            std::lock_guard lock(m_itemsMutex);
            --m_inFlight;
            std::lock_guard statsLock(m_statsMutex);
            ++m_stats.cancelled;
            continue;
        }
        const std::int64_t begin = monotonicNs();
        std::int64_t value = 0;
        std::exception_ptr error;
        try {
            value = item.call(ctx, worker);
        } catch (...) {
            error = std::current_exception();
        }
        {
            // Counted before the future completes: whoever waits on it may
            // submit again at once and must find the room this call left.
            const std::int64_t spent = monotonicNs() - begin;
            std::lock_guard lock(m_itemsMutex);
            --m_inFlight;
            std::lock_guard statsLock(m_statsMutex);
            ++m_stats.executed;
            m_stats.failures += error ? 1 : 0;
            m_stats.runtimeNs += spent;
        }
        if (error)
            item.future->setException(error);
        else
            item.future->setResult(value);
    }
}

} // namespace spindle

#include "runtime/threadpoolexecutor.h"

#include "model/clock.h"

namespace spindle {

ThreadPoolExecutor::ThreadPoolExecutor(RunContext& run, int workers, const QString& namePrefix) : m_run(run)
{
    run.cancel().onCancel([queue = m_queue] { queue->close(); });
    for (int w = 0; w < workers; ++w) {
        WorkerInfo info;
        info.id = run.reserveWorkerId();
        info.name = QStringLiteral("%1 %2").arg(namePrefix).arg(w);
        m_threads.push_back(
            run.startWorkerThread(info, [this](WorkerContext& ctx, WorkerResult& worker) { workerLoop(ctx, worker); }));
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
        if (m_shutdown) {
            future->cancel();
            return future;
        }
        id = m_nextId++;
        m_items.push_back(Item{std::move(call), future});
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
        if (cancelPending) {
            for (auto& item : m_items) {
                if (item.future && item.future->cancel()) {
                    std::lock_guard statsLock(m_statsMutex);
                    ++m_stats.cancelled;
                }
            }
        }
    }
    for (std::size_t i = 0; i < m_threads.size(); ++i)
        m_queue->putPoisonPill();
    for (auto& t : m_threads)
        t.join();
    m_threads.clear();
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
        if (!item.future->setRunning())
            continue; // cancelled while queued
        const std::int64_t begin = monotonicNs();
        bool failed = false;
        try {
            item.future->setResult(item.call(ctx, worker));
        } catch (...) {
            failed = true;
            item.future->setException(std::current_exception());
        }
        std::lock_guard lock(m_statsMutex);
        ++m_stats.executed;
        m_stats.failures += failed ? 1 : 0;
        m_stats.runtimeNs += monotonicNs() - begin;
    }
}

} // namespace spindle

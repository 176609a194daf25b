#pragma once
// The services one run offers its runtime: worker registration (side table,
// rings, CPU sampler), the run's GIL for the python flavour, the cancel flag,
// and the place where workers leave their task and worker results.

#include "gil/gil.h"
#include "model/runresult.h"
#include "model/runspec.h"
#include "model/workerinfo.h"
#include "runtime/canceltoken.h"
#include "runtime/workercontext.h"
#include "stream/eventwriter.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace spindle {

class Collector;
class CpuSampler;
class RunControl;

class RunContext {
public:
    // Capacity of a thread worker's ring: 4096 events = 96 KiB, drained every ms.
    static constexpr std::uint32_t kThreadRingCapacity = 4096;
    // A coroutine loop's ring carries every coroutine on that loop.
    static constexpr std::uint32_t kLoopRingCapacity = 65536;

    RunContext(const RunSpec& spec, Collector& collector, CancelToken& cancel, CpuSampler* sampler,
        RunControl* control = nullptr);

    const RunSpec& spec() const { return m_spec; }
    CancelToken& cancel() { return m_cancel; }
    bool cancelled() const { return m_cancel.cancelled(); }
    // Requests that change the run while it runs (nullptr when nobody can make any).
    RunControl* control() { return m_control; }
    // The GIL of this process (python flavour), or nullptr (native).
    Gil* gil() { return m_gil.get(); }

    // Reserves the next worker id (lanes are ordered by it).
    std::uint32_t reserveWorkerId() { return m_nextWorker.fetch_add(1, std::memory_order_relaxed); }
    // A fresh ring registered with the collector.
    std::shared_ptr<EventRing> newRing(std::uint32_t capacity);
    // Registers a ring owned elsewhere (a child's shared mapping); the
    // collector keeps it, and what owns it, until the run is over.
    void addRing(std::shared_ptr<EventRing> ring);
    // Publishes a worker's side-table entry (and registers its thread with the sampler).
    void publishWorker(const WorkerInfo& info);
    // Takes a last CPU sample of a worker whose thread or process is about to
    // go away, and stops sampling it.
    void retireWorker(std::uint32_t id);

    // Starts an OS thread as worker `info` (id from reserveWorkerId()). The
    // thread records its start cost (request to first event) and Starting,
    // takes the GIL, runs body, leaves the interpreter as Exited, and stores
    // its WorkerResult with the thread's own CPU time.
    std::thread startWorkerThread(WorkerInfo info, std::function<void(WorkerContext&, WorkerResult&)> body,
                                  std::uint32_t ringCapacity = kThreadRingCapacity);

    // Runs task `index` of the spec on the calling worker: TaskBegin, the
    // workload, TaskEnd, and the TaskResult. Returns false if it was cancelled.
    bool runTask(std::size_t index, WorkerContext& ctx, WorkerResult& worker);

    void recordTask(const TaskResult& task);
    void recordWorker(const WorkerResult& worker);
    // Moves the results out (controller thread, after every worker joined).
    std::vector<TaskResult> takeTasks();
    std::vector<WorkerResult> takeWorkers();
    void setLoopLag(const LoopLagStats& lag);
    std::optional<LoopLagStats> loopLag();
    // Why the run failed (RunResult::error); the first message is kept.
    void setError(const QString& message);
    QString error();
    // A task that will never finish: its worker process died (RunResult::lostTasks).
    void recordLostTask(std::uint32_t index);
    std::vector<std::uint32_t> takeLostTasks();
    // Pool runs: the executor's statistics (RunResult::executor) and the
    // tasks its bounded backlog refused (RunResult::rejectedTasks).
    void setExecutorStats(const ExecutorStats& stats);
    std::optional<ExecutorStats> executorStats();
    void recordRejectedTask(std::uint32_t index);
    std::vector<std::uint32_t> takeRejectedTasks();
    // Supervised and prefork runs: their figures (RunResult::supervisor, ::prefork).
    void setSupervisorStats(const SupervisorStats& stats);
    std::optional<SupervisorStats> supervisorStats();
    void setPreforkStats(const PreforkStats& stats);
    std::optional<PreforkStats> preforkStats();

private:
    const RunSpec& m_spec;
    Collector& m_collector;
    CancelToken& m_cancel;
    CpuSampler* m_sampler;
    RunControl* m_control;
    std::unique_ptr<Gil> m_gil;
    std::atomic<std::uint32_t> m_nextWorker{0};
    std::mutex m_resultsMutex;
    std::vector<TaskResult> m_tasks;
    std::vector<WorkerResult> m_workers;
    std::optional<LoopLagStats> m_loopLag;
    QString m_error;
    std::vector<std::uint32_t> m_lostTasks;
    std::optional<ExecutorStats> m_executorStats;
    std::vector<std::uint32_t> m_rejectedTasks;
    std::optional<SupervisorStats> m_supervisorStats;
    std::optional<PreforkStats> m_preforkStats;
};

} // namespace spindle

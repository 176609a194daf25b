#include "runtime/runcontext.h"

#include "model/clock.h"
#include "runtime/workerpriority.h"
#include "sampling/cpusampler.h"
#include "stream/collector.h"
#include "workloads/workloads.h"

#include <algorithm>
#include <unistd.h>

namespace spindle {

RunContext::RunContext(
    const RunSpec& spec, Collector& collector, CancelToken& cancel, CpuSampler* sampler, RunControl* control)
    : m_spec(spec), m_collector(collector), m_cancel(cancel), m_sampler(sampler), m_control(control)
{
    if (spec.flavour == Flavour::Python)
        m_gil = std::make_unique<Gil>(spec.switchIntervalUs * 1000);
}

std::shared_ptr<EventRing> RunContext::newRing(std::uint32_t capacity)
{
    auto ring = std::make_shared<EventRing>(capacity);
    m_collector.addRing(ring);
    return ring;
}

void RunContext::addRing(std::shared_ptr<EventRing> ring)
{
    m_collector.addRing(std::move(ring));
}

void RunContext::publishWorker(const WorkerInfo& info)
{
    m_collector.addWorker(info);
    if (m_sampler != nullptr && info.tid != 0)
        m_sampler->addThread(info.id, info.pid, info.tid);
}

void RunContext::retireWorker(std::uint32_t id)
{
    if (m_sampler != nullptr) {
        m_sampler->sampleNow();
        m_sampler->removeThread(id);
    }
}

std::thread RunContext::startWorkerThread(
    WorkerInfo info, std::function<void(WorkerContext&, WorkerResult&)> body, std::uint32_t ringCapacity)
{
    auto ring = newRing(ringCapacity);
    const std::int64_t requestedNs = monotonicNs();
    return std::thread([this, info, ring, requestedNs, body = std::move(body)]() mutable {
        const std::int64_t startNs = monotonicNs();
        EventWriter events(ring.get(), info.id);
        events.recordAt(startNs, EventKind::Spawn, startNs - requestedNs);
        events.stateAt(startNs, WorkerState::Starting);
        lowerToWorkerPriority(::getpid());
        info.pid = ::getpid();
        info.tid = ::gettid();
        publishWorker(info);

        WorkerContext ctx(events, &m_cancel, gil());
        WorkerResult result;
        result.info = info;
        result.spawnNs = startNs - requestedNs;
        result.startNs = startNs;
        ctx.enterInterpreter();
        body(ctx, result);
        ctx.leaveInterpreter(WorkerState::Exited);
        events.record(EventKind::Exit, 0);
        result.endNs = monotonicNs();
        result.cpuNs = threadCpuNs();
        result.gil = ctx.gilCounters();
        if (m_sampler != nullptr)
            m_sampler->sampleAndRemoveThread(info.id);
        recordWorker(result);
    });
}

bool RunContext::runTask(std::size_t index, WorkerContext& ctx, WorkerResult& worker)
{
    const TaskSpec& spec = m_spec.tasks[index];
    TaskResult task;
    task.worker = worker.info.id;
    task.index = static_cast<std::uint32_t>(index);
    task.kind = spec.kind;
    task.arg = spec.arg;
    task.beginNs = monotonicNs();
    ctx.events().recordAt(
        task.beginNs, EventKind::TaskBegin, spec.arg, 0, static_cast<std::uint16_t>(spec.kind));
    const WorkOutcome outcome
        = runBlocking(spec.kind, spec.arg, m_spec.seed + index, ctx, m_spec.effectiveNapEvery());
    task.endNs = monotonicNs();
    task.result = outcome.result;
    task.cancelled = outcome.cancelled;
    ctx.events().recordAt(task.endNs, EventKind::TaskEnd, outcome.result, 0, outcome.cancelled ? 1 : 0);
    if (!outcome.cancelled)
        ++worker.tasksDone;
    recordTask(task);
    return !outcome.cancelled;
}

void RunContext::recordTask(const TaskResult& task)
{
    std::lock_guard lock(m_resultsMutex);
    m_tasks.push_back(task);
}

void RunContext::recordWorker(const WorkerResult& worker)
{
    std::lock_guard lock(m_resultsMutex);
    m_workers.push_back(worker);
}

std::vector<TaskResult> RunContext::takeTasks()
{
    std::lock_guard lock(m_resultsMutex);
    return std::move(m_tasks);
}

std::vector<WorkerResult> RunContext::takeWorkers()
{
    std::lock_guard lock(m_resultsMutex);
    return std::move(m_workers);
}

void RunContext::setLoopLag(const LoopLagStats& lag)
{
    std::lock_guard lock(m_resultsMutex);
    m_loopLag = lag;
}

std::optional<LoopLagStats> RunContext::loopLag()
{
    std::lock_guard lock(m_resultsMutex);
    return m_loopLag;
}

void RunContext::setError(const QString& message)
{
    std::lock_guard lock(m_resultsMutex);
    if (m_error.isEmpty())
        m_error = message;
}

QString RunContext::error()
{
    std::lock_guard lock(m_resultsMutex);
    return m_error;
}

void RunContext::recordLostTask(std::uint32_t index)
{
    std::lock_guard lock(m_resultsMutex);
    m_lostTasks.push_back(index);
}

std::vector<std::uint32_t> RunContext::takeLostTasks()
{
    std::lock_guard lock(m_resultsMutex);
    std::sort(m_lostTasks.begin(), m_lostTasks.end());
    return std::move(m_lostTasks);
}

void RunContext::setExecutorStats(const ExecutorStats& stats)
{
    std::lock_guard lock(m_resultsMutex);
    m_executorStats = stats;
}

std::optional<ExecutorStats> RunContext::executorStats()
{
    std::lock_guard lock(m_resultsMutex);
    return m_executorStats;
}

void RunContext::recordRejectedTask(std::uint32_t index)
{
    std::lock_guard lock(m_resultsMutex);
    m_rejectedTasks.push_back(index);
}

std::vector<std::uint32_t> RunContext::takeRejectedTasks()
{
    std::lock_guard lock(m_resultsMutex);
    std::sort(m_rejectedTasks.begin(), m_rejectedTasks.end());
    return std::move(m_rejectedTasks);
}

void RunContext::setSupervisorStats(const SupervisorStats& stats)
{
    std::lock_guard lock(m_resultsMutex);
    m_supervisorStats = stats;
}

std::optional<SupervisorStats> RunContext::supervisorStats()
{
    std::lock_guard lock(m_resultsMutex);
    return m_supervisorStats;
}

void RunContext::setPreforkStats(const PreforkStats& stats)
{
    std::lock_guard lock(m_resultsMutex);
    m_preforkStats = stats;
}

std::optional<PreforkStats> RunContext::preforkStats()
{
    std::lock_guard lock(m_resultsMutex);
    return m_preforkStats;
}

} // namespace spindle

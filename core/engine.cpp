#include "engine.h"

#include "model/clock.h"
#include "runtime/canceltoken.h"
#include "runtime/runcontext.h"
#include "runtime/runcontrol.h"
#include "runtime/runtime.h"
#include "sampling/cpusampler.h"
#include "session/sessionwriter.h"
#include "stream/collector.h"

#include <QMetaObject>

#include <algorithm>
#include <atomic>
#include <csignal>

namespace spindle {

void registerEngineMetaTypes()
{
    qRegisterMetaType<spindle::RunSpec>("spindle::RunSpec");
    qRegisterMetaType<spindle::EventBatchPtr>("spindle::EventBatchPtr");
    qRegisterMetaType<spindle::RunResultPtr>("spindle::RunResultPtr");
}

namespace {

std::atomic<quint64> g_nextRunId {1};

// Frames of the spinner lanes, and the longest time without one while the
// work it accompanies was running.
std::optional<SpinnerStats> spinnerStats(const EventStore& store, const std::vector<WorkerResult>& workers)
{
    std::int64_t workEnd = 0;
    for (const WorkerResult& w : workers) {
        if (w.info.role != WorkerRole::Spinner && w.info.kind != WorkerKind::Loop)
            workEnd = std::max(workEnd, w.endNs);
    }
    std::optional<SpinnerStats> stats;
    for (const WorkerResult& w : workers) {
        if (w.info.role != WorkerRole::Spinner)
            continue;
        SpinnerStats s;
        std::int64_t last = w.startNs;
        for (const Event& e : store.laneEvents(w.info.id)) {
            if (e.kind != EventKind::Frame || e.tNs > workEnd)
                continue;
            ++s.frames;
            s.maxGapNs = std::max(s.maxGapNs, e.tNs - last);
            last = e.tNs;
        }
        s.maxGapNs = std::max(s.maxGapNs, workEnd - last);
        if (!stats || s.maxGapNs > stats->maxGapNs)
            stats = s;
    }
    return stats;
}

} // namespace

Engine::Engine(QObject* parent) : Engine(Options {}, parent)
{
}

Engine::Engine(Options options, QObject* parent) : QObject(parent), m_options(options)
{
    registerEngineMetaTypes();
}

Engine::~Engine()
{
    cancel();
    joinController();
}

QString Engine::start(const RunSpec& spec)
{
    if (m_running.load())
        return QStringLiteral("a run is already in progress (run %1); stop it first").arg(m_runId);
    if (auto error = validate(spec))
        return *error;
    joinController();
    m_running = true;
    m_runId = g_nextRunId.fetch_add(1);
    m_cancel = std::make_shared<CancelToken>();
    m_control = std::make_shared<RunControl>();
    m_live = liveControlsFor(spec);
    m_control->setWorkersObserver([this, runId = m_runId](int workers) {
        // On the run's thread: the count crosses under m_batchMutex, as batches do.
        std::lock_guard lock(m_batchMutex);
        m_reportedWorkers = std::make_pair(runId, workers);
        if (m_workersDeliveryPosted)
            return;
        m_workersDeliveryPosted = true;
        QMetaObject::invokeMethod(this, "deliverWorkerCount", Qt::QueuedConnection);
    });
    m_store = std::make_shared<EventStore>();
    emit runStarted(m_runId, spec);
    m_controller = std::thread(
        &Engine::controllerMain, this, spec, m_runId, m_cancel, m_control, m_store, m_sessionWriter);
    return {};
}

QString Engine::refuseLive(bool allowed, const char* what) const
{
    if (!m_running.load() || !m_control)
        return QStringLiteral("no run is in progress");
    if (!allowed)
        return QStringLiteral("this run cannot %1 while it runs; only model processes with pattern "
                              "supervised (the daemons scenario) can")
            .arg(QLatin1String(what));
    return {};
}

LiveControls Engine::liveControls() const
{
    return m_running.load() ? m_live : LiveControls {};
}

QString Engine::setWorkerCount(int workers)
{
    if (QString refusal = refuseLive(m_live.workerCount, "change its worker count"); !refusal.isEmpty())
        return refusal;
    if (workers < 1 || workers > RunLimits::kMaxProcesses)
        return QStringLiteral("workers = %1 is out of range: allowed 1 … %2")
            .arg(workers)
            .arg(RunLimits::kMaxProcesses);
    m_control->requestWorkers(workers);
    return {};
}

namespace {

QString refuseSignal(int signal)
{
    // Not SIGTERM: that is how the engine itself stops a run's children, and
    // a child takes it as "cancel the run", not as "leave".
    if (signal == SIGKILL || signal == SIGSTOP || signal == SIGCONT)
        return {};
    return QStringLiteral("signal %1 is not allowed: SIGKILL (%2), SIGSTOP (%3) or SIGCONT (%4)")
        .arg(signal)
        .arg(SIGKILL)
        .arg(SIGSTOP)
        .arg(SIGCONT);
}

} // namespace

QString Engine::killWorker(std::uint32_t workerId, int signal)
{
    if (QString refusal = refuseLive(m_live.kill, "kill its workers on request"); !refusal.isEmpty())
        return refusal;
    if (QString refusal = refuseSignal(signal); !refusal.isEmpty())
        return refusal;
    if (!m_control->isLiveChild(workerId))
        return QStringLiteral("worker %1 is not a live child process of run %2").arg(workerId).arg(m_runId);
    m_control->requestKill({workerId, signal});
    return {};
}

QString Engine::killBusyWorker(int signal)
{
    if (QString refusal = refuseLive(m_live.kill, "kill its workers on request"); !refusal.isEmpty())
        return refusal;
    if (QString refusal = refuseSignal(signal); !refusal.isEmpty())
        return refusal;
    if (m_control->liveWorkerChildren() == 0)
        return QStringLiteral("run %1 has no live worker process to kill").arg(m_runId);
    m_control->requestKill({std::nullopt, signal});
    return {};
}

void Engine::cancel()
{
    if (m_cancel)
        m_cancel->cancel();
}

void Engine::joinController()
{
    if (m_controller.joinable())
        m_controller.join();
}

void Engine::queueBatch(EventBatchPtr batch)
{
    std::lock_guard lock(m_batchMutex);
    m_batchQueue.push_back(std::move(batch));
    if (m_batchDeliveryPosted)
        return;
    m_batchDeliveryPosted = true;
    QMetaObject::invokeMethod(this, "deliverBatches", Qt::QueuedConnection);
}

void Engine::deliverBatches()
{
    std::vector<EventBatchPtr> batches;
    {
        std::lock_guard lock(m_batchMutex);
        batches.swap(m_batchQueue);
        m_batchDeliveryPosted = false;
    }
    for (const EventBatchPtr& batch : batches)
        emit batchReady(batch);
}

void Engine::controllerMain(RunSpec spec, quint64 runId, std::shared_ptr<CancelToken> cancel,
    std::shared_ptr<RunControl> control, std::shared_ptr<EventStore> store,
    std::shared_ptr<SessionWriter> session)
{
    auto result = std::make_shared<RunResult>();
    result->runId = runId;
    result->spec = spec;
    result->workerCount = spec.effectiveWorkers();
    result->cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));

    Collector::Options collectorOptions;
    collectorOptions.batchIntervalNs = m_options.batchIntervalNs;
    Collector collector(
        runId, store,
        [this, session](EventBatchPtr batch) {
            if (session)
                session->appendBatch(*batch); // straight to the OS: a crash loses at most this frame
            // Emitted on the engine's own thread so receivers never see the collector's.
            queueBatch(std::move(batch));
        },
        collectorOptions);
    CpuSampler sampler(m_options.samplerPeriodNs);
    collector.setSampler(&sampler);
    if (session)
        session->beginRun(runId, spec, monotonicNs());
    collector.start();
    sampler.start();

    {
        RunContext run(spec, collector, *cancel, &sampler, control.get());
        std::unique_ptr<Runtime> runtime = makeRuntime(spec);
        CancelToken finished;
        std::atomic<bool> timedOut {false};
        std::thread watchdog;
        if (spec.timeoutMs > 0) {
            watchdog = std::thread([&] {
                if (finished.sleepFor(spec.timeoutMs * 1'000'000)) {
                    timedOut = true;
                    cancel->cancel();
                }
            });
        }
        result->startNs = monotonicNs();
        if (runtime)
            runtime->execute(run);
        else
            result->error = QStringLiteral("model %1 has no runtime in this build")
                                .arg(QLatin1String(toString(spec.model).data(),
                                    static_cast<qsizetype>(toString(spec.model).size())));
        result->endNs = monotonicNs();
        finished.cancel();
        if (watchdog.joinable())
            watchdog.join();
        result->timedOut = timedOut.load();
        result->cancelled = cancel->cancelled() && !result->timedOut;
        result->tasks = run.takeTasks();
        result->workers = run.takeWorkers();
        result->loopLag = run.loopLag();
        result->lostTasks = run.takeLostTasks();
        result->executor = run.executorStats();
        result->rejectedTasks = run.takeRejectedTasks();
        result->supervisor = run.supervisorStats();
        result->prefork = run.preforkStats();
        if (result->error.isEmpty())
            result->error = run.error();
    }
    sampler.stop();
    collector.stop();
    result->memory = MemoryStats {sampler.memoryAtStart().rssBytes, sampler.memoryPeak().rssBytes,
        sampler.memoryAtStart().vmBytes, sampler.memoryPeak().vmBytes};

    std::sort(result->tasks.begin(), result->tasks.end(),
        [](const TaskResult& a, const TaskResult& b) { return a.index < b.index; });
    std::sort(result->workers.begin(), result->workers.end(),
        [](const WorkerResult& a, const WorkerResult& b) { return a.info.id < b.info.id; });
    for (const WorkerResult& w : result->workers)
        result->processCpuNs += w.cpuNs;
    result->eventsRecorded = collector.eventsCollected();
    result->eventsDropped = collector.eventsDropped();
    result->spinner = spinnerStats(*store, result->workers);
    result->recording = store;
    if (session)
        session->endRun(*result);

    {
        std::lock_guard lock(m_batchMutex);
        m_finishedResult = std::move(result);
    }
    QMetaObject::invokeMethod(this, "finishRun", Qt::QueuedConnection);
}

void Engine::deliverWorkerCount()
{
    std::optional<std::pair<quint64, int>> reported;
    {
        std::lock_guard lock(m_batchMutex);
        reported = std::exchange(m_reportedWorkers, std::nullopt);
        m_workersDeliveryPosted = false;
    }
    if (reported)
        emit workerCountChanged(reported->first, reported->second);
}

void Engine::finishRun()
{
    // The controller posted this as its last act: the join is immediate.
    joinController();
    RunResultPtr result;
    {
        std::lock_guard lock(m_batchMutex);
        result = std::move(m_finishedResult);
    }
    m_running = false;
    if (result)
        emit runFinished(result);
}

} // namespace spindle

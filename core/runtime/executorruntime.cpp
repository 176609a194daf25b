#include "runtime/executorruntime.h"

#include "loop/eventloop.h"
#include "model/clock.h"
#include "runtime/futureawaiter.h"
#include "runtime/processpoolexecutor.h"
#include "runtime/runcontext.h"
#include "runtime/threadpoolexecutor.h"

#include <deque>
#include <functional>
#include <memory>
#include <stdexcept>
#include <unistd.h>
#include <unordered_set>

namespace spindle {

namespace {

// Turns the loop's per-task transitions into lanes, and holds the GIL for the
// loop thread exactly while one of its tasks runs: the loop waits for
// completions (and sleeps) without it, as CPython's selector does.
class LoopLanes : public EventLoop::Observer {
public:
    explicit LoopLanes(WorkerContext& loopCtx) : m_loopCtx(loopCtx) { }

    void taskStateChanged(std::uint32_t tag, WorkerState state, std::int64_t tNs) override
    {
        EventWriter lane = m_loopCtx.events().as(tag);
        if (state == WorkerState::Running) {
            if (!m_holding) {
                m_loopCtx.enterInterpreter();
                m_holding = true;
                tNs = monotonicNs(); // it runs from when the GIL was ours
            }
            m_current = tag;
            lane.stateAt(tNs, state);
            return;
        }
        lane.stateAt(tNs, state);
        if (state == WorkerState::Exited)
            m_exited.insert(tag);
        if (m_holding && tag == m_current) {
            m_loopCtx.leaveInterpreter(WorkerState::Idle);
            m_holding = false;
        }
    }
    void timerLag(std::uint32_t, std::int64_t lagNs, std::int64_t tNs) override
    {
        m_loopCtx.events().recordAt(tNs, EventKind::LoopLag, lagNs);
    }

    bool exited(std::uint32_t tag) const { return m_exited.count(tag) != 0; }
    // Around run(): the body of startWorkerThread starts and ends holding the GIL.
    void release()
    {
        if (m_holding)
            m_loopCtx.leaveInterpreter(WorkerState::Idle);
        m_holding = false;
    }
    void reacquire()
    {
        if (!m_holding)
            m_loopCtx.enterInterpreter();
        m_holding = true;
    }

private:
    WorkerContext& m_loopCtx;
    bool m_holding = true; // startWorkerThread hands the body the GIL
    std::uint32_t m_current = 0;
    std::unordered_set<std::uint32_t> m_exited;
};

// What the coroutines of one run share; lives on the loop thread's stack.
struct OffloadRun {
    RunContext& run;
    EventLoop& loop;
    std::function<std::shared_ptr<Future>(std::size_t)> submit;
    std::deque<std::size_t> jobs;
    int workersLeft = 0;
    bool workDone = false;
    std::vector<WorkerResult> lanes;
};

Task<void> offloadingWorker(OffloadRun& r, std::size_t lane, std::int64_t requestedNs, EventWriter events)
{
    WorkerResult& result = r.lanes[lane];
    const std::int64_t startNs = monotonicNs();
    result.startNs = startNs;
    result.spawnNs = startNs - requestedNs;
    events.recordAt(startNs, EventKind::Spawn, result.spawnNs);
    const RunSpec& spec = r.run.spec();
    while (!r.jobs.empty() && !r.run.cancelled()) {
        const std::size_t index = r.jobs.front();
        r.jobs.pop_front();
        const TaskSpec& task = spec.tasks[index];
        if (task.kind == WorkloadKind::Sleep) {
            // asyncio.sleep needs no executor: awaited on the loop.
            TaskResult tr;
            tr.worker = events.worker();
            tr.index = static_cast<std::uint32_t>(index);
            tr.kind = task.kind;
            tr.arg = task.arg;
            tr.beginNs = monotonicNs();
            events.recordAt(
                tr.beginNs, EventKind::TaskBegin, task.arg, 0, static_cast<std::uint16_t>(task.kind));
            co_await r.loop.sleepFor(task.arg * 1'000'000);
            tr.endNs = monotonicNs();
            tr.result = task.arg;
            tr.cancelled = r.run.cancelled();
            events.recordAt(tr.endNs, EventKind::TaskEnd, tr.result, 0, tr.cancelled ? 1 : 0);
            r.run.recordTask(tr);
            if (!tr.cancelled)
                ++result.tasksDone;
            continue;
        }
        // The executor's worker records the task on its own lane; here the
        // coroutine only awaits it (waiting-queue on its lane).
        try {
            // The executor's backlog is unbounded: a submission is never refused.
            if (auto future = r.submit(index))
                co_await FutureAwaiter::await(r.loop, std::move(future));
        } catch (const std::exception&) {
            // Lost with its worker or cancelled: the executor has reported it.
        }
    }
    result.endNs = monotonicNs();
    if (--r.workersLeft == 0)
        r.workDone = true;
}

// spinner_async.py: draw a frame, await sleep(interval), until the work is done.
Task<void> loopSpinner(OffloadRun& r, WorkerResult& result, std::int64_t requestedNs, EventWriter events)
{
    // Stamped when it first runs, after the Starting and Ready the loop recorded.
    result.startNs = monotonicNs();
    result.spawnNs = result.startNs - requestedNs;
    events.recordAt(result.startNs, EventKind::Spawn, result.spawnNs);
    for (std::int64_t frame = 0; !r.workDone && !r.run.cancelled(); ++frame) {
        events.record(EventKind::Frame, frame);
        co_await r.loop.sleepFor(r.run.spec().spinnerIntervalMs * 1'000'000);
    }
    result.endNs = monotonicNs();
}

WorkerResult coroutineLane(RunContext& run, const QString& name, WorkerRole role)
{
    WorkerResult lane;
    lane.info.id = run.reserveWorkerId();
    lane.info.kind = WorkerKind::Coroutine;
    lane.info.role = role;
    lane.info.name = name;
    lane.info.pid = ::getpid();
    return lane;
}

void runLoop(RunContext& run, WorkerContext& loopCtx)
{
    const RunSpec& spec = run.spec();
    const int n = spec.effectiveWorkers();
    auto loop = std::make_shared<EventLoop>();
    LoopLanes lanes(loopCtx);
    loop->setObserver(&lanes);
    run.cancel().onCancel([weak = std::weak_ptr<EventLoop>(loop)] {
        if (auto l = weak.lock())
            l->stop();
    });
    OffloadRun r {run, *loop, {}, {}, n, false, {}};
    for (std::size_t i = 0; i < spec.tasks.size(); ++i)
        r.jobs.push_back(i);
    for (int w = 0; w < n; ++w)
        r.lanes.push_back(coroutineLane(run, QStringLiteral("coroutine %1").arg(w), WorkerRole::Worker));
    if (spec.spinner)
        r.lanes.push_back(coroutineLane(run, QStringLiteral("spinner"), WorkerRole::Spinner));

    // The executor's lanes come after the loop's.
    std::unique_ptr<ThreadPoolExecutor> threads;
    std::unique_ptr<ProcessPoolExecutor> processes;
    if (spec.executor == ExecutorKind::Thread) {
        threads = std::make_unique<ThreadPoolExecutor>(run, n, QStringLiteral("executor thread"));
        r.submit = [&run, &threads](std::size_t index) {
            return threads->submit([&run, index](WorkerContext& ctx, WorkerResult& worker) -> std::int64_t {
                run.runTask(index, ctx, worker);
                return 0;
            });
        };
    } else {
        ProcessPoolExecutor::Options options;
        options.workers = n;
        options.namePrefix = QStringLiteral("executor process");
        processes = std::make_unique<ProcessPoolExecutor>(run, options);
        r.submit = [&processes](std::size_t index) { return processes->submit(index); };
    }

    for (int w = 0; w < n; ++w) {
        WorkerResult& lane = r.lanes[static_cast<std::size_t>(w)];
        run.publishWorker(lane.info);
        EventWriter events = loopCtx.events().as(lane.info.id);
        events.state(WorkerState::Starting);
        loop->spawn(offloadingWorker(r, static_cast<std::size_t>(w), monotonicNs(), events), lane.info.id);
    }
    if (spec.spinner) {
        WorkerResult& spinner = r.lanes.back();
        run.publishWorker(spinner.info);
        EventWriter events = loopCtx.events().as(spinner.info.id);
        events.state(WorkerState::Starting);
        loop->spawn(loopSpinner(r, spinner, monotonicNs(), events), spinner.info.id);
    }

    // From here on the GIL follows the tasks (LoopLanes).
    lanes.release();
    loop->run();
    loop->clear();
    // shutdown(wait=True), without the GIL: the executor's threads need it to
    // reach their poison pills. A cancelled run drops what is still queued.
    if (threads)
        threads->shutdown(run.cancelled());
    if (processes)
        processes->shutdown(run.cancelled());
    lanes.reacquire();

    const auto lag = loop->lagStats();
    run.setLoopLag(LoopLagStats {lag.count, lag.maxNs, lag.totalNs});
    const std::int64_t endNs = monotonicNs();
    for (WorkerResult& lane : r.lanes) {
        if (lane.endNs == 0)
            lane.endNs = endNs;
        if (!lanes.exited(lane.info.id))
            loopCtx.events().as(lane.info.id).stateAt(endNs, WorkerState::Exited);
        run.recordWorker(lane);
    }
}

} // namespace

void ExecutorRuntime::execute(RunContext& run)
{
    WorkerInfo loopInfo;
    loopInfo.id = run.reserveWorkerId();
    loopInfo.kind = WorkerKind::Loop;
    loopInfo.role = WorkerRole::Main;
    loopInfo.name = QStringLiteral("event loop");
    std::thread loopThread = run.startWorkerThread(
        loopInfo, [&run](WorkerContext& loopCtx, WorkerResult&) { runLoop(run, loopCtx); },
        RunContext::kLoopRingCapacity);
    loopThread.join();
}

} // namespace spindle

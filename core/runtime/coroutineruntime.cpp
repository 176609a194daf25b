#include "runtime/coroutineruntime.h"

#include "loop/eventloop.h"
#include "model/clock.h"
#include "runtime/runcontext.h"
#include "workloads/primestepper.h"
#include "workloads/workloads.h"

#include <deque>
#include <memory>
#include <unistd.h>
#include <unordered_set>

namespace spindle {

namespace {

// Turns the loop's per-task transitions into each coroutine lane's timeline.
class LaneRecorder : public EventLoop::Observer {
public:
    LaneRecorder(EventWriter loopLane) : m_loopLane(loopLane) { }
    void taskStateChanged(std::uint32_t tag, WorkerState state, std::int64_t tNs) override
    {
        m_loopLane.as(tag).stateAt(tNs, state);
        if (state == WorkerState::Exited)
            m_exited.insert(tag);
    }
    bool exited(std::uint32_t tag) const { return m_exited.count(tag) != 0; }
    void timerLag(std::uint32_t, std::int64_t lagNs, std::int64_t tNs) override
    {
        m_loopLane.recordAt(tNs, EventKind::LoopLag, lagNs);
    }
    void loopWaiting(bool waiting, std::int64_t tNs) override
    {
        m_loopLane.stateAt(tNs, waiting ? WorkerState::Idle : WorkerState::Running);
    }

private:
    EventWriter m_loopLane;
    std::unordered_set<std::uint32_t> m_exited;
};

// Everything the coroutines of one run share; lives on the loop thread's stack.
struct LoopRun {
    RunContext& run;
    EventLoop& loop;
    WorkerContext& loopCtx; // the loop thread's context: GIL and cancel checks
    std::deque<std::size_t> jobs;
    int workersLeft = 0;
    bool workDone = false;
    std::vector<WorkerResult> lanes;
    // When each lane's coroutine was handed to the loop: its start cost is
    // measured from there, as asyncio's create_task(coro()) is from the
    // create_task, the coroutine object already made.
    std::vector<std::int64_t> requestedNs;
};

// One task on a coroutine lane. CPU-bound kinds run straight through on the
// loop thread (blocking it); sleep awaits the loop; nap yields every K
// iterations as the book's napping is_prime does.
Task<WorkOutcome> runTaskOnLoop(LoopRun& lr, const TaskSpec& task, std::uint64_t seed, EventWriter lane)
{
    switch (task.kind) {
    case WorkloadKind::Sleep:
        co_await lr.loop.sleepFor(task.arg * 1'000'000);
        co_return WorkOutcome {task.arg, lr.run.cancelled()};
    case WorkloadKind::Nap: {
        PrimeStepper stepper(task.arg);
        for (;;) {
            bool napNow = false;
            if (const auto verdict
                = stepper.stepNapping(kCheckpointIterations, lr.run.spec().effectiveNapEvery(), &napNow))
                co_return WorkOutcome {*verdict ? 1 : 0, false};
            if (!lr.loopCtx.checkpoint())
                co_return WorkOutcome {0, true};
            if (napNow)
                co_await lr.loop.yieldNow();
        }
    }
    case WorkloadKind::BlockingSleep:
    case WorkloadKind::Io: {
        // time.sleep / a plain file call inside a coroutine: the loop thread
        // blocks (and releases the GIL, as CPython does).
        lane.state(task.kind == WorkloadKind::Io ? WorkerState::BlockedIo : WorkerState::Sleeping);
        const WorkOutcome outcome
            = task.kind == WorkloadKind::Io ? ioBytes(task.arg, lr.loopCtx) : sleepMs(task.arg, lr.loopCtx);
        lane.state(WorkerState::Running);
        co_return outcome;
    }
    case WorkloadKind::IsPrime:
    case WorkloadKind::SumRandom:
        co_return runBlocking(task.kind, task.arg, seed, lr.loopCtx);
    }
    co_return WorkOutcome {};
}

Task<void> coroutineWorker(LoopRun& lr, std::size_t lane, EventWriter events)
{
    WorkerResult& result = lr.lanes[lane];
    const std::int64_t startNs = monotonicNs();
    result.startNs = startNs;
    result.spawnNs = startNs - lr.requestedNs[lane];
    events.recordAt(startNs, EventKind::Spawn, result.spawnNs);
    const RunSpec& spec = lr.run.spec();
    while (!lr.jobs.empty() && !lr.run.cancelled()) {
        const std::size_t index = lr.jobs.front();
        lr.jobs.pop_front();
        const TaskSpec& task = spec.tasks[index];
        TaskResult tr;
        tr.worker = events.worker();
        tr.index = static_cast<std::uint32_t>(index);
        tr.kind = task.kind;
        tr.arg = task.arg;
        tr.beginNs = monotonicNs();
        events.recordAt(tr.beginNs, EventKind::TaskBegin, task.arg, 0, static_cast<std::uint16_t>(task.kind));
        const WorkOutcome outcome = co_await runTaskOnLoop(lr, task, spec.seed + index, events);
        tr.endNs = monotonicNs();
        tr.result = outcome.result;
        tr.cancelled = outcome.cancelled;
        events.recordAt(tr.endNs, EventKind::TaskEnd, outcome.result, 0, outcome.cancelled ? 1 : 0);
        lr.run.recordTask(tr);
        if (outcome.cancelled)
            break;
        ++result.tasksDone;
    }
    result.endNs = monotonicNs();
    if (--lr.workersLeft == 0)
        lr.workDone = true;
}

// spinner_async.py: draw a frame, await sleep(interval), until cancelled.
Task<void> coroutineSpinner(LoopRun& lr, WorkerResult& result, EventWriter events)
{
    // Stamped when it first runs (after its Starting and Ready), as a cost.
    const std::int64_t firstRunNs = monotonicNs();
    events.recordAt(firstRunNs, EventKind::Spawn, firstRunNs - result.startNs);
    for (std::int64_t frame = 0; !lr.workDone && !lr.run.cancelled(); ++frame) {
        events.record(EventKind::Frame, frame);
        co_await lr.loop.sleepFor(lr.run.spec().spinnerIntervalMs * 1'000'000);
    }
    result.endNs = monotonicNs();
}

} // namespace

void CoroutineRuntime::execute(RunContext& run)
{
    WorkerInfo loopInfo;
    loopInfo.id = run.reserveWorkerId();
    loopInfo.kind = WorkerKind::Loop;
    loopInfo.role = WorkerRole::Main;
    loopInfo.name = QStringLiteral("event loop");
    std::thread loopThread = run.startWorkerThread(
        loopInfo,
        [&run](WorkerContext& loopCtx, WorkerResult& loopResult) {
            auto loop = std::make_shared<EventLoop>();
            LaneRecorder recorder(loopCtx.events());
            loop->setObserver(&recorder);
            run.cancel().onCancel([weak = std::weak_ptr<EventLoop>(loop)] {
                if (auto l = weak.lock())
                    l->stop();
            });
            const RunSpec& spec = run.spec();
            LoopRun lr {run, *loop, loopCtx, {}, 0, false, {}, {}};
            for (std::size_t i = 0; i < spec.tasks.size(); ++i)
                lr.jobs.push_back(i);
            const int n = spec.effectiveWorkers();
            lr.workersLeft = n;
            lr.lanes.resize(static_cast<std::size_t>(n) + (spec.spinner ? 1 : 0));
            lr.requestedNs.resize(static_cast<std::size_t>(n));
            for (int w = 0; w < n; ++w) {
                WorkerInfo info;
                info.id = run.reserveWorkerId();
                info.kind = WorkerKind::Coroutine;
                info.name = QStringLiteral("coroutine %1").arg(w);
                info.pid = ::getpid();
                lr.lanes[w].info = info;
                run.publishWorker(info);
                EventWriter lane = loopCtx.events().as(info.id);
                lane.state(WorkerState::Starting);
                Task<void> worker = coroutineWorker(lr, static_cast<std::size_t>(w), lane);
                lr.requestedNs[static_cast<std::size_t>(w)] = monotonicNs();
                loop->spawn(std::move(worker), info.id);
            }
            // As in spinner_async.py the spinner task is created first but only
            // runs once the loop gets control back from the work.
            if (spec.spinner) {
                WorkerResult& spinner = lr.lanes.back();
                spinner.info.id = run.reserveWorkerId();
                spinner.info.kind = WorkerKind::Coroutine;
                spinner.info.role = WorkerRole::Spinner;
                spinner.info.name = QStringLiteral("spinner");
                spinner.info.pid = ::getpid();
                spinner.startNs = monotonicNs();
                run.publishWorker(spinner.info);
                EventWriter lane = loopCtx.events().as(spinner.info.id);
                lane.state(WorkerState::Starting);
                loop->spawn(coroutineSpinner(lr, spinner, lane), spinner.info.id);
            }
            loop->run();
            loop->clear();
            const auto lag = loop->lagStats();
            run.setLoopLag(LoopLagStats {lag.count, lag.maxNs, lag.totalNs});
            const std::int64_t endNs = monotonicNs();
            for (WorkerResult& lane : lr.lanes) {
                if (lane.endNs == 0)
                    lane.endNs = endNs; // cancelled before it finished
                // The loop reports Exited for tasks that ran to their end; a
                // cancelled one was destroyed suspended and is closed here.
                if (!recorder.exited(lane.info.id))
                    loopCtx.events().as(lane.info.id).stateAt(endNs, WorkerState::Exited);
                run.recordWorker(lane);
            }
            (void)loopResult;
        },
        RunContext::kLoopRingCapacity);
    loopThread.join();
}

} // namespace spindle

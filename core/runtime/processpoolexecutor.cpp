#include "runtime/processpoolexecutor.h"

#include "model/clock.h"
#include "runtime/childprocess.h"

#include <algorithm>
#include <stdexcept>

namespace spindle {

ProcessPoolExecutor::ProcessPoolExecutor(RunContext& run, Options options)
    : m_run(run),
      m_options(std::move(options)),
      m_supervisor(std::make_unique<ChildSupervisor>(run, static_cast<ChildSupervisor::Owner&>(*this))),
      m_wakeLoop(m_supervisor->waker())
{
    for (int w = 0; w < m_options.workers; ++w)
        m_workerIds.push_back(run.reserveWorkerId());
    if (m_options.spinnerChild)
        m_spinnerId = run.reserveWorkerId();
    m_thread = std::thread([this] { threadMain(); });
}

ProcessPoolExecutor::~ProcessPoolExecutor()
{
    {
        std::lock_guard lock(m_mutex);
        m_abandon = true;
    }
    m_wakeLoop();
    if (m_thread.joinable())
        m_thread.join();
}

std::shared_ptr<Future> ProcessPoolExecutor::submit(std::size_t taskIndex)
{
    auto future = std::make_shared<Future>();
    {
        std::lock_guard lock(m_mutex);
        ++m_stats.submitted;
        if (m_accepting && !m_shutdown) {
            m_incoming.push_back(Item {taskIndex, future});
            m_wakeLoop();
            return future;
        }
        if (!m_brokenFlag) {
            future->cancel();
            ++m_stats.cancelled;
            return future;
        }
        ++m_stats.failures;
    }
    // BrokenProcessPool: nobody is left to run it.
    m_run.recordLostTask(static_cast<std::uint32_t>(taskIndex));
    future->setException(std::make_exception_ptr(std::runtime_error("the process pool is broken")));
    return future;
}

void ProcessPoolExecutor::shutdown(bool cancelPending)
{
    {
        std::lock_guard lock(m_mutex);
        m_shutdown = true;
        m_cancelPending = m_cancelPending || cancelPending;
    }
    m_wakeLoop();
    if (m_thread.joinable())
        m_thread.join();
}

ExecutorStats ProcessPoolExecutor::stats() const
{
    std::lock_guard lock(m_mutex);
    return m_stats;
}

void ProcessPoolExecutor::threadMain()
{
    startChildren();
    for (;;) {
        takeRequests();
        dispatch();
        if (finished())
            break;
        m_supervisor->waitAndHandle();
    }
    finish();
}

void ProcessPoolExecutor::startChildren()
{
    if (!m_supervisor->open()) {
        m_broken = true;
        return;
    }
    for (std::size_t w = 0; w < m_workerIds.size(); ++w) {
        if (m_supervisor->cancelled()
            || !startChild(m_workerIds[w], QStringLiteral("%1 %2").arg(m_options.namePrefix).arg(w), false))
            break;
    }
    // As in spinner_thread.py, the spinner starts once the work is under way.
    const auto& children = m_supervisor->children();
    if (m_options.spinnerChild && !children.empty() && !m_supervisor->cancelled())
        startChild(m_spinnerId, QStringLiteral("spinner"), true);
    if (std::none_of(children.begin(), children.end(), [](const auto& c) { return c->isWorker(); }))
        m_broken = true;
}

bool ProcessPoolExecutor::startChild(std::uint32_t id, const QString& name, bool spinner)
{
    WorkerInfo info;
    info.id = id;
    info.kind = WorkerKind::Process;
    info.role = spinner ? WorkerRole::Spinner : WorkerRole::Worker;
    info.name = name;
    return m_supervisor->start(info, spinner ? wire::ChildRole::Spinner : wire::ChildRole::Worker) != nullptr;
}

void ProcessPoolExecutor::takeRequests()
{
    bool cancelPending = false;
    bool abandon = false;
    {
        std::lock_guard lock(m_mutex);
        for (Item& item : m_incoming)
            m_pending.push_back(std::move(item));
        m_incoming.clear();
        m_shutdownSeen = m_shutdown;
        cancelPending = m_cancelPending;
        abandon = m_abandon;
        if (m_broken)
            m_brokenFlag = true;
    }
    if (m_supervisor->cancelled() || abandon)
        m_supervisor->terminateAll();
    if (cancelPending || m_supervisor->terminating()) {
        for (Item& item : m_pending) {
            if (item.future->cancel()) {
                std::lock_guard lock(m_mutex);
                ++m_stats.cancelled;
            }
        }
        m_pending.clear();
    }
    if (m_broken) {
        for (Item& item : m_pending)
            failItem(item, QStringLiteral("the process pool is broken"), true);
        m_pending.clear();
    }
}

void ProcessPoolExecutor::dispatch()
{
    while (!m_parked.empty()) {
        ChildProcess& child = *m_parked.front();
        if (child.phase != ChildProcess::Phase::Parked) {
            m_parked.pop_front();
            continue;
        }
        if (m_supervisor->terminating() || (m_pending.empty() && m_shutdownSeen)) {
            m_supervisor->sendPill(child);
            m_parked.pop_front();
            continue;
        }
        if (m_pending.empty())
            break;
        Item item = std::move(m_pending.front());
        m_pending.pop_front();
        if (item.future->status() == Future::Status::Cancelled) {
            std::lock_guard lock(m_mutex);
            ++m_stats.cancelled;
            continue;
        }
        const TaskSpec& task = m_run.spec().tasks.at(item.task);
        wire::Job job {};
        job.jobId = m_nextJobId++;
        job.kind = static_cast<std::uint8_t>(task.kind);
        job.arg = task.arg;
        job.seed = m_run.spec().seed + item.task;
        if (!child.channel().send(job)) {
            m_pending.push_front(std::move(item));
            m_supervisor->sendFailed(child);
            continue;
        }
        // A cancel that raced with the hand-over loses: the child already has it.
        item.future->setRunning();
        child.job = ChildProcess::Job {job.jobId, item.task, monotonicNs()};
        child.phase = ChildProcess::Phase::Busy;
        m_inFlight.emplace(job.jobId, std::move(item));
        m_parked.pop_front();
    }
    if (m_options.spinnerChild && !m_spinnerStopped) {
        const auto& children = m_supervisor->children();
        const bool workersGone = std::all_of(children.begin(), children.end(),
            [](const auto& c) { return !c->isWorker() || c->phase == ChildProcess::Phase::Ended; });
        if (workersGone) {
            m_spinnerStopped = true;
            for (const auto& child : children) {
                if (!child->isWorker() && child->phase != ChildProcess::Phase::Ended)
                    m_supervisor->sendPill(*child);
            }
        }
    }
}

bool ProcessPoolExecutor::finished() const
{
    return m_supervisor->allEnded() && (m_shutdownSeen || m_supervisor->terminating() || m_broken);
}

void ProcessPoolExecutor::childMessage(ChildProcess& child, const ProcessChannel::Frame& frame)
{
    using Phase = ChildProcess::Phase;
    switch (frame.type) {
    case wire::MessageType::JobRequest:
        if (!child.isWorker() || child.phase != Phase::Idle)
            return m_supervisor->violation(child, "it asked for a job while it could not take one");
        child.phase = Phase::Parked;
        m_parked.push_back(&child);
        return;
    case wire::MessageType::Result: {
        const auto result = frame.as<wire::Result>();
        if (child.phase != Phase::Busy || !child.job || child.job->jobId != result.jobId)
            return m_supervisor->violation(child,
                "it sent a Result for job " + std::to_string(result.jobId) + ", which it was not given");
        if (result.endNs < result.beginNs || result.cancelled > 1)
            return m_supervisor->violation(
                child, "its Result for job " + std::to_string(result.jobId) + " is inconsistent");
        completeJob(child, result.result, result.cancelled != 0, result.beginNs, result.endNs);
        child.phase = Phase::Idle;
        return;
    }
    default:
        return m_supervisor->violation(child,
            std::string("it sent a ") + wire::typeName(frame.type) + " message, which no pool worker sends");
    }
}

void ProcessPoolExecutor::completeJob(
    ChildProcess& child, std::int64_t result, bool cancelled, std::int64_t beginNs, std::int64_t endNs)
{
    const ChildProcess::Job job = *child.job;
    child.job.reset();
    auto it = m_inFlight.find(job.jobId);
    Item item = std::move(it->second);
    m_inFlight.erase(it);
    TaskResult task = taskResult(child, item.task);
    task.result = result;
    task.beginNs = beginNs;
    task.endNs = endNs;
    task.cancelled = cancelled;
    m_run.recordTask(task);
    if (!cancelled)
        ++child.result().tasksDone;
    {
        std::lock_guard lock(m_mutex);
        ++m_stats.executed;
        m_stats.runtimeNs += endNs - beginNs;
    }
    if (item.future->status() == Future::Status::Running)
        item.future->setResult(result);
}

void ProcessPoolExecutor::childEnded(ChildProcess& child, ChildProcess::Ending ending)
{
    if (child.job) {
        auto it = m_inFlight.find(child.job->jobId);
        Item item = std::move(it->second);
        m_inFlight.erase(it);
        if (ending == ChildProcess::Ending::Crashed && !m_supervisor->terminating()) {
            failItem(item, QStringLiteral("the worker process running it %1").arg(child.result().exitReason),
                true);
        } else {
            // Stopped by a cancel before it could report: the task was cancelled.
            TaskResult task = taskResult(child, item.task);
            task.beginNs = child.job->sentNs;
            task.endNs = monotonicNs();
            task.cancelled = true;
            m_run.recordTask(task);
            failItem(item, QStringLiteral("the run was cancelled"), false);
        }
        child.job.reset();
    }
    if (child.isWorker())
        checkBroken(child.result().exitReason);
}

TaskResult ProcessPoolExecutor::taskResult(const ChildProcess& child, std::size_t index) const
{
    const TaskSpec& spec = m_run.spec().tasks[index];
    TaskResult task;
    task.worker = child.info().id;
    task.index = static_cast<std::uint32_t>(index);
    task.kind = spec.kind;
    task.arg = spec.arg;
    return task;
}

void ProcessPoolExecutor::failItem(Item& item, const QString& why, bool lost)
{
    if (lost)
        m_run.recordLostTask(static_cast<std::uint32_t>(item.task));
    {
        std::lock_guard lock(m_mutex);
        ++(lost ? m_stats.failures : m_stats.cancelled);
    }
    const auto status = item.future->status();
    if (status == Future::Status::Pending || status == Future::Status::Running)
        item.future->setException(std::make_exception_ptr(std::runtime_error(why.toStdString())));
}

void ProcessPoolExecutor::checkBroken(const QString& lastReason)
{
    if (m_supervisor->terminating() || m_broken)
        return;
    const auto& children = m_supervisor->children();
    const bool anyWorker = std::any_of(children.begin(), children.end(),
        [](const auto& c) { return c->isWorker() && c->phase != ChildProcess::Phase::Ended; });
    if (anyWorker)
        return;
    // Every worker is gone. Workers that all got their pills and left is the
    // normal end; otherwise nobody is left for the queue (BrokenProcessPool).
    const bool crashedAny = std::any_of(
        children.begin(), children.end(), [](const auto& c) { return c->isWorker() && c->result().crashed; });
    if (!crashedAny && m_shutdownSeen)
        return;
    {
        std::lock_guard lock(m_mutex);
        if (!m_incoming.empty() || !m_pending.empty() || !m_shutdown)
            m_brokenFlag = true;
    }
    if (!m_pending.empty() || !m_shutdownSeen) {
        m_broken = true;
        m_run.setError(QStringLiteral("every worker process has ended, the last one %1; the tasks still "
                                      "queued are lost")
                           .arg(lastReason.isEmpty() ? QStringLiteral("normally") : lastReason));
    }
}

void ProcessPoolExecutor::finish()
{
    const bool terminating = m_supervisor->terminating();
    {
        std::lock_guard lock(m_mutex);
        m_accepting = false;
        for (Item& item : m_incoming)
            m_pending.push_back(std::move(item));
        m_incoming.clear();
    }
    for (Item& item : m_pending) {
        if (terminating) {
            if (item.future->cancel()) {
                std::lock_guard lock(m_mutex);
                ++m_stats.cancelled;
            }
        } else {
            failItem(item, QStringLiteral("no worker process was left to run it"), true);
        }
    }
    m_pending.clear();
    m_parked.clear();
    // Every child is reaped by now: this stops the fork server, if any.
    m_supervisor.reset();
}

} // namespace spindle

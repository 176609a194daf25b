#include "runtime/processpoolexecutor.h"

#include "model/clock.h"
#include "runtime/childprocess.h"
#include "runtime/processlauncher.h"
#include "runtime/workerlocator.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <poll.h>
#include <stdexcept>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <unistd.h>

namespace spindle {

namespace {

// A child whose socket closed must exit soon after; one that lingers is killed.
constexpr std::int64_t kLingerNs = 2'000'000'000;
// Messages read from one child per poll round, so that a chatty one cannot starve the rest.
constexpr int kMessagesPerRound = 64;
// A child that has not said Ready by then is stuck (a loaded machine under a
// sanitizer starts one in well under a second).
constexpr std::int64_t kReadyTimeoutNs = 30'000'000'000;

} // namespace

ProcessPoolExecutor::Wake::Wake() : fd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK))
{
}

ProcessPoolExecutor::Wake::~Wake()
{
    if (fd >= 0)
        ::close(fd);
}

void ProcessPoolExecutor::Wake::signal() const
{
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = ::write(fd, &one, sizeof one);
}

void ProcessPoolExecutor::Wake::drain() const
{
    std::uint64_t value = 0;
    [[maybe_unused]] const ssize_t n = ::read(fd, &value, sizeof value);
}

ProcessPoolExecutor::ProcessPoolExecutor(RunContext& run, Options options)
    : m_run(run), m_options(std::move(options)), m_wake(std::make_shared<Wake>())
{
    for (int w = 0; w < m_options.workers; ++w)
        m_workerIds.push_back(run.reserveWorkerId());
    if (m_options.spinnerChild)
        m_spinnerId = run.reserveWorkerId();
    run.cancel().onCancel([weak = std::weak_ptr<Wake>(m_wake)] {
        if (const auto wake = weak.lock()) {
            wake->cancelled = true;
            wake->signal();
        }
    });
    m_thread = std::thread([this] { threadMain(); });
}

ProcessPoolExecutor::~ProcessPoolExecutor()
{
    {
        std::lock_guard lock(m_mutex);
        m_abandon = true;
    }
    m_wake->signal();
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
            m_wake->signal();
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
    m_wake->signal();
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
        waitAndHandle();
    }
    finish();
}

void ProcessPoolExecutor::startChildren()
{
    QString error;
    const QString path = WorkerLocator::find(&error);
    if (!path.isEmpty())
        m_launcher = ProcessLauncher::make(m_run.spec().startMethod, path, &error);
    if (!m_launcher) {
        m_run.setError(error);
        m_broken = true;
        return;
    }
    m_proxyRing = m_run.newRing(1024);
    m_nextStopCheckNs = monotonicNs() + ChildProcess::kStopCheckNs;
    for (std::size_t w = 0; w < m_workerIds.size(); ++w) {
        if (m_wake->cancelled
            || !startChild(m_workerIds[w], QStringLiteral("%1 %2").arg(m_options.namePrefix).arg(w), false))
            break;
    }
    // As in spinner_thread.py, the spinner starts once the work is under way.
    if (m_options.spinnerChild && !m_children.empty() && !m_wake->cancelled)
        startChild(m_spinnerId, QStringLiteral("spinner"), true);
    if (std::none_of(m_children.begin(), m_children.end(), [](const auto& c) { return c->isWorker(); }))
        m_broken = true;
}

bool ProcessPoolExecutor::startChild(std::uint32_t id, const QString& name, bool spinner)
{
    WorkerInfo info;
    info.id = id;
    info.kind = WorkerKind::Process;
    info.role = spinner ? WorkerRole::Spinner : WorkerRole::Worker;
    info.name = name;
    auto child
        = std::make_unique<ChildProcess>(info, spinner ? wire::ChildRole::Spinner : wire::ChildRole::Worker);
    QString error;
    if (!child->prepare(&error)) {
        m_run.setError(QStringLiteral("%1 could not be started: %2").arg(name, error));
        return false;
    }
    m_run.addRing(SharedRing::share(child->ring()));
    const RunSpec& spec = m_run.spec();
    wire::Hello hello {};
    hello.flavour = spec.flavour == Flavour::Python ? 0 : 1;
    hello.switchIntervalNs = spec.switchIntervalUs * 1000;
    hello.napEvery = spec.effectiveNapEvery();
    hello.spinnerIntervalNs = spec.spinnerIntervalMs * 1'000'000;
    if (!child->launch(*m_launcher, hello, &error)) {
        m_run.setError(QStringLiteral("%1 could not be started: %2").arg(name, error));
        return false;
    }
    m_run.publishWorker(child->info());
    m_children.push_back(std::move(child));
    return true;
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
    if (m_wake->cancelled || abandon)
        beginTerminate();
    if (cancelPending || m_terminating) {
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
        if (m_terminating || (m_pending.empty() && m_shutdownSeen)) {
            sendPill(child);
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
            sendFailed(child);
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
        const bool workersGone = std::all_of(m_children.begin(), m_children.end(),
            [](const auto& c) { return !c->isWorker() || c->phase == ChildProcess::Phase::Ended; });
        if (workersGone) {
            m_spinnerStopped = true;
            for (auto& child : m_children) {
                if (!child->isWorker() && child->phase != ChildProcess::Phase::Ended)
                    sendPill(*child);
            }
        }
    }
}

void ProcessPoolExecutor::sendPill(ChildProcess& child)
{
    if (child.phase == ChildProcess::Phase::Ended || child.phase == ChildProcess::Phase::Draining)
        return;
    if (!child.channel().isOpen() || !child.violation.empty())
        return;
    if (!child.channel().send(wire::PoisonPill {})) {
        sendFailed(child);
        return;
    }
    child.phase = ChildProcess::Phase::Draining;
}

void ProcessPoolExecutor::sendFailed(ChildProcess& child)
{
    if (!child.channel().peerClosed()) {
        violation(child, "it does not read its socket (" + child.channel().error() + ")");
        return;
    }
    // It closed its end first - leaving on its own, say after our SIGTERM -
    // as if its EOF had been read: it must exit soon, and how it exits says
    // whether it crashed.
    child.channel().close();
    child.closedAtNs = monotonicNs();
    child.phase = ChildProcess::Phase::Draining;
}

bool ProcessPoolExecutor::finished() const
{
    const bool allEnded = std::all_of(m_children.begin(), m_children.end(),
        [](const auto& c) { return c->phase == ChildProcess::Phase::Ended; });
    return allEnded && (m_shutdownSeen || m_terminating || m_broken);
}

std::int64_t ProcessPoolExecutor::nextDeadline() const
{
    std::int64_t deadline = m_killAtNs > 0 ? m_killAtNs : INT64_MAX;
    for (const auto& child : m_children) {
        if (child->phase != ChildProcess::Phase::Ended)
            deadline = std::min(deadline, m_nextStopCheckNs);
        if (child->phase != ChildProcess::Phase::Ended && child->closedAtNs > 0)
            deadline = std::min(deadline, child->closedAtNs + kLingerNs);
        if (child->phase == ChildProcess::Phase::Starting)
            deadline = std::min(deadline, child->requestNs() + kReadyTimeoutNs);
    }
    return deadline;
}

void ProcessPoolExecutor::waitAndHandle()
{
    std::vector<pollfd> fds;
    fds.push_back({m_wake->fd, POLLIN, 0});
    const std::vector<int> launcherFds = m_launcher ? m_launcher->watchFds() : std::vector<int> {};
    for (int fd : launcherFds)
        fds.push_back({fd, POLLIN, 0});
    const std::size_t firstChild = fds.size();
    std::vector<ChildProcess*> owners;
    for (auto& child : m_children) {
        if (child->phase == ChildProcess::Phase::Ended)
            continue;
        if (child->channel().isOpen()) {
            fds.push_back({child->channel().fd(), POLLIN, 0});
            owners.push_back(child.get());
        }
        fds.push_back({child->pidfd(), POLLIN, 0});
        owners.push_back(child.get());
    }

    const std::int64_t deadline = nextDeadline();
    int timeoutMs = -1;
    if (deadline != INT64_MAX)
        timeoutMs = static_cast<int>(
            std::clamp<std::int64_t>((deadline - monotonicNs()) / 1'000'000 + 1, 0, 60'000));
    const int ready = ::poll(fds.data(), fds.size(), timeoutMs);
    if (ready < 0 && errno != EINTR) {
        m_run.setError(QStringLiteral("the process supervisor's poll failed: %1")
                           .arg(QString::fromLocal8Bit(std::strerror(errno))));
        beginTerminate();
        return;
    }

    if (fds[0].revents != 0)
        m_wake->drain();
    bool launcherEvent = false;
    for (std::size_t i = 1; i < firstChild; ++i)
        launcherEvent = launcherEvent || fds[i].revents != 0;
    if (launcherEvent) {
        if (const auto death = m_launcher->checkHealth())
            m_run.setError(*death);
    }
    // Messages first, then exits: a child's last words arrive before its death is handled.
    for (std::size_t i = firstChild; i < fds.size(); ++i) {
        ChildProcess& child = *owners[i - firstChild];
        if (fds[i].revents != 0 && child.phase != ChildProcess::Phase::Ended && fds[i].fd != child.pidfd())
            readMessages(child);
    }
    for (std::size_t i = firstChild; i < fds.size(); ++i) {
        ChildProcess& child = *owners[i - firstChild];
        if (fds[i].revents != 0 && child.phase != ChildProcess::Phase::Ended && fds[i].fd == child.pidfd())
            onExited(child);
    }

    const std::int64_t now = monotonicNs();
    if (now >= m_nextStopCheckNs) {
        m_nextStopCheckNs = now + ChildProcess::kStopCheckNs;
        for (auto& child : m_children) {
            if (child->phase != ChildProcess::Phase::Ended)
                child->watchStop(EventWriter(m_proxyRing.get(), child->info().id));
        }
    }
    if (m_killAtNs > 0 && now >= m_killAtNs) {
        m_killAtNs = 0;
        for (auto& child : m_children) {
            if (child->phase != ChildProcess::Phase::Ended)
                child->signal(SIGKILL);
        }
    }
    for (auto& child : m_children) {
        if (child->phase != ChildProcess::Phase::Ended && child->closedAtNs > 0
            && now >= child->closedAtNs + kLingerNs) {
            child->closedAtNs = 0;
            violation(*child, "it closed its socket but did not exit");
        }
        if (child->phase == ChildProcess::Phase::Starting && now >= child->requestNs() + kReadyTimeoutNs)
            violation(*child,
                "it did not say Ready within " + std::to_string(kReadyTimeoutNs / 1'000'000'000) + " s");
    }
}

void ProcessPoolExecutor::readMessages(ChildProcess& child)
{
    for (int n = 0; n < kMessagesPerRound && child.channel().isOpen(); ++n) {
        ProcessChannel::Frame frame;
        const auto status = child.channel().receive(&frame);
        switch (status) {
        case ProcessChannel::Status::Message:
            onMessage(child, frame);
            if (!child.violation.empty())
                return;
            break;
        case ProcessChannel::Status::WouldBlock:
            return;
        case ProcessChannel::Status::Closed:
            child.channel().close();
            child.closedAtNs = monotonicNs();
            return;
        case ProcessChannel::Status::Malformed:
            violation(child, "malformed message: " + child.channel().error());
            return;
        case ProcessChannel::Status::Failed:
            violation(child, "socket error: " + child.channel().error());
            return;
        }
    }
}

void ProcessPoolExecutor::onMessage(ChildProcess& child, const ProcessChannel::Frame& frame)
{
    using Phase = ChildProcess::Phase;
    switch (frame.type) {
    case wire::MessageType::Ready: {
        const auto ready = frame.as<wire::Ready>();
        if (child.readyReceived)
            return violation(child, "it sent Ready twice");
        if (ready.pid != child.pid() || ready.workerId != child.info().id)
            return violation(child,
                "its Ready names pid " + std::to_string(ready.pid) + " / worker "
                    + std::to_string(ready.workerId));
        child.readyReceived = true;
        child.result().startNs = ready.startNs;
        child.result().spawnNs = ready.startNs - child.requestNs();
        // A spinner told to stop while it started (its pill is already sent)
        // reads the pill next: it stays Draining.
        if (child.phase == Phase::Starting)
            child.phase = Phase::Idle;
        return;
    }
    case wire::MessageType::JobRequest:
        if (!child.isWorker() || child.phase != Phase::Idle)
            return violation(child, "it asked for a job while it could not take one");
        child.phase = Phase::Parked;
        m_parked.push_back(&child);
        return;
    case wire::MessageType::Result: {
        const auto result = frame.as<wire::Result>();
        if (child.phase != Phase::Busy || !child.job || child.job->jobId != result.jobId)
            return violation(child,
                "it sent a Result for job " + std::to_string(result.jobId) + ", which it was not given");
        if (result.endNs < result.beginNs || result.cancelled > 1)
            return violation(
                child, "its Result for job " + std::to_string(result.jobId) + " is inconsistent");
        completeJob(child, result.result, result.cancelled != 0, result.beginNs, result.endNs);
        child.phase = Phase::Idle;
        return;
    }
    case wire::MessageType::Bye: {
        if (child.phase == Phase::Starting || child.phase == Phase::Busy || child.byeReceived)
            return violation(child, "it said Bye in the middle of its work");
        const auto bye = frame.as<wire::Bye>();
        child.byeReceived = true;
        child.result().gil
            = GilCounters {bye.gilAcquisitions, bye.gilSwitches, bye.gilDropRequests, bye.gilWaitNs};
        child.phase = Phase::Draining;
        return;
    }
    default:
        return violation(child,
            std::string("it sent a ") + wire::typeName(frame.type) + " message, which only the engine sends");
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

void ProcessPoolExecutor::violation(ChildProcess& child, const std::string& why)
{
    if (!child.violation.empty())
        return;
    child.violation = why;
    child.signal(SIGKILL);
    child.channel().close();
    child.closedAtNs = 0;
    // Out of the dispatcher's reach; its job (if any) is settled when it is reaped.
    if (child.phase != ChildProcess::Phase::Ended)
        child.phase = ChildProcess::Phase::Draining;
}

void ProcessPoolExecutor::onExited(ChildProcess& child)
{
    // Whatever it managed to send before dying is still in the socket.
    readMessages(child);
    m_run.retireWorker(child.info().id);
    if (!child.reap())
        return; // a spurious wake-up: the pidfd will report again
    // A child may see the cancel and leave before our SIGTERM reaches it: that
    // is a stop too. (A segfault is still a crash: conclude() checks the signal.)
    if (m_run.cancelled())
        child.terminatedByUs = true;
    const std::int64_t now = monotonicNs();
    const EventWriter proxy = m_proxyRing ? EventWriter(m_proxyRing.get(), child.info().id) : EventWriter();
    const ChildProcess::Ending ending = child.conclude(proxy, now);
    if (child.job) {
        auto it = m_inFlight.find(child.job->jobId);
        Item item = std::move(it->second);
        m_inFlight.erase(it);
        if (ending == ChildProcess::Ending::Crashed && !m_terminating) {
            failItem(item, QStringLiteral("the worker process running it %1").arg(child.result().exitReason),
                true);
        } else {
            // Stopped by a cancel before it could report: the task was cancelled.
            TaskResult task = taskResult(child, item.task);
            task.beginNs = child.job->sentNs;
            task.endNs = now;
            task.cancelled = true;
            m_run.recordTask(task);
            failItem(item, QStringLiteral("the run was cancelled"), false);
        }
        child.job.reset();
    }
    m_run.recordWorker(child.result());
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
    if (m_terminating || m_broken)
        return;
    const bool anyWorker = std::any_of(m_children.begin(), m_children.end(),
        [](const auto& c) { return c->isWorker() && c->phase != ChildProcess::Phase::Ended; });
    if (anyWorker)
        return;
    // Every worker is gone. Workers that all got their pills and left is the
    // normal end; otherwise nobody is left for the queue (BrokenProcessPool).
    const bool crashedAny = std::any_of(m_children.begin(), m_children.end(),
        [](const auto& c) { return c->isWorker() && c->result().crashed; });
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

void ProcessPoolExecutor::beginTerminate()
{
    if (m_terminating)
        return;
    m_terminating = true;
    m_killAtNs = monotonicNs() + m_options.terminateGraceNs;
    for (auto& child : m_children) {
        if (child->phase == ChildProcess::Phase::Ended)
            continue;
        child->terminatedByUs = true;
        child->signal(SIGTERM);
    }
}

void ProcessPoolExecutor::finish()
{
    {
        std::lock_guard lock(m_mutex);
        m_accepting = false;
        for (Item& item : m_incoming)
            m_pending.push_back(std::move(item));
        m_incoming.clear();
    }
    for (Item& item : m_pending) {
        if (m_terminating) {
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
    if (m_launcher)
        m_launcher->stop();
}

} // namespace spindle

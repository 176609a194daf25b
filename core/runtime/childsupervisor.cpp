#include "runtime/childsupervisor.h"

#include "model/clock.h"
#include "runtime/processlauncher.h"
#include "runtime/workerlocator.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <poll.h>
#include <sys/eventfd.h>
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

// Types only the engine or the fork server sends.
bool sentByChildren(wire::MessageType type)
{
    switch (type) {
    case wire::MessageType::Ready:
    case wire::MessageType::JobRequest:
    case wire::MessageType::Result:
    case wire::MessageType::Bye:
    case wire::MessageType::Item:
        return true;
    default:
        return false;
    }
}

} // namespace

void ChildSupervisor::Owner::childBye(ChildProcess&, const wire::Bye&)
{
}

ChildSupervisor::Wake::Wake() : fd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK))
{
}

ChildSupervisor::Wake::~Wake()
{
    if (fd >= 0)
        ::close(fd);
}

void ChildSupervisor::Wake::signal() const
{
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = ::write(fd, &one, sizeof one);
}

void ChildSupervisor::Wake::drain() const
{
    std::uint64_t value = 0;
    [[maybe_unused]] const ssize_t n = ::read(fd, &value, sizeof value);
}

ChildSupervisor::ChildSupervisor(RunContext& run, Owner& owner)
    : m_run(run), m_owner(owner), m_wake(std::make_shared<Wake>())
{
    run.cancel().onCancel([weak = std::weak_ptr<Wake>(m_wake)] {
        if (const auto wake = weak.lock()) {
            wake->cancelled = true;
            wake->signal();
        }
    });
}

ChildSupervisor::~ChildSupervisor()
{
    m_children.clear();
    if (m_launcher)
        m_launcher->stop();
}

std::function<void()> ChildSupervisor::waker() const
{
    return [weak = std::weak_ptr<Wake>(m_wake)] {
        if (const auto wake = weak.lock())
            wake->signal();
    };
}

bool ChildSupervisor::open()
{
    QString error;
    const QString path = WorkerLocator::find(&error);
    if (!path.isEmpty())
        m_launcher = ProcessLauncher::make(m_run.spec().startMethod, path, &error);
    if (!m_launcher) {
        m_run.setError(error);
        return false;
    }
    m_proxyRing = m_run.newRing(1024);
    m_nextStopCheckNs = monotonicNs() + ChildProcess::kStopCheckNs;
    return true;
}

ChildProcess* ChildSupervisor::start(const WorkerInfo& info, wire::ChildRole role)
{
    if (!m_launcher)
        return nullptr;
    auto child = std::make_unique<ChildProcess>(info, role);
    QString error;
    if (!child->prepare(&error)) {
        m_run.setError(QStringLiteral("%1 could not be started: %2").arg(info.name, error));
        return nullptr;
    }
    m_run.addRing(SharedRing::share(child->ring()));
    const RunSpec& spec = m_run.spec();
    wire::Hello hello {};
    hello.flavour = spec.flavour == Flavour::Python ? 0 : 1;
    hello.switchIntervalNs = spec.switchIntervalUs * 1000;
    hello.napEvery = spec.effectiveNapEvery();
    hello.spinnerIntervalNs = spec.spinnerIntervalMs * 1'000'000;
    if (!child->launch(*m_launcher, hello, &error)) {
        m_run.setError(QStringLiteral("%1 could not be started: %2").arg(info.name, error));
        return nullptr;
    }
    m_run.publishWorker(child->info());
    if (m_terminating) {
        child->terminatedByUs = true;
        child->signal(SIGTERM);
    }
    m_children.push_back(std::move(child));
    return m_children.back().get();
}

bool ChildSupervisor::allEnded() const
{
    return std::all_of(m_children.begin(), m_children.end(),
        [](const auto& c) { return c->phase == ChildProcess::Phase::Ended; });
}

void ChildSupervisor::sendPill(ChildProcess& child)
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

void ChildSupervisor::sendFailed(ChildProcess& child)
{
    if (!child.channel().peerClosed()) {
        violation(child, "it does not read its socket (" + child.channel().error() + ")");
        return;
    }
    // As if its EOF had been read: it must exit soon, and how it exits says whether it crashed.
    child.channel().close();
    child.closedAtNs = monotonicNs();
    if (child.phase != ChildProcess::Phase::Ended)
        child.phase = ChildProcess::Phase::Draining;
}

void ChildSupervisor::violation(ChildProcess& child, const std::string& why)
{
    if (!child.violation.empty())
        return;
    child.violation = why;
    child.signal(SIGKILL);
    child.channel().close();
    child.closedAtNs = 0;
    if (child.phase != ChildProcess::Phase::Ended)
        child.phase = ChildProcess::Phase::Draining;
}

void ChildSupervisor::terminateAll()
{
    if (m_terminating)
        return;
    m_terminating = true;
    m_killAtNs = monotonicNs() + kTerminateGraceNs;
    for (auto& child : m_children) {
        if (child->phase == ChildProcess::Phase::Ended)
            continue;
        child->terminatedByUs = true;
        child->signal(SIGTERM);
    }
}

std::int64_t ChildSupervisor::nextDeadline(std::int64_t untilNs) const
{
    std::int64_t deadline = untilNs;
    if (m_killAtNs > 0)
        deadline = std::min(deadline, m_killAtNs);
    for (const auto& child : m_children) {
        if (child->phase != ChildProcess::Phase::Ended)
            deadline = std::min(deadline, m_nextStopCheckNs);
        if (child->phase != ChildProcess::Phase::Ended && child->closedAtNs > 0)
            deadline = std::min(deadline, child->closedAtNs + kLingerNs);
        if (child->phase != ChildProcess::Phase::Ended && !child->readyReceived && child->violation.empty())
            deadline = std::min(deadline, child->requestNs() + kReadyTimeoutNs);
    }
    return deadline;
}

void ChildSupervisor::waitAndHandle(std::int64_t untilNs)
{
    if (cancelled())
        terminateAll();
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

    const std::int64_t deadline = nextDeadline(untilNs);
    int timeoutMs = -1;
    if (deadline != INT64_MAX)
        timeoutMs = static_cast<int>(
            std::clamp<std::int64_t>((deadline - monotonicNs()) / 1'000'000 + 1, 0, 60'000));
    const int ready = ::poll(fds.data(), fds.size(), timeoutMs);
    if (ready < 0 && errno != EINTR) {
        m_run.setError(QStringLiteral("the process supervisor's poll failed: %1")
                           .arg(QString::fromLocal8Bit(std::strerror(errno))));
        terminateAll();
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
    if (cancelled())
        terminateAll();
    checkTimers();
}

void ChildSupervisor::checkTimers()
{
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
        if (child->phase != ChildProcess::Phase::Ended && !child->readyReceived && child->violation.empty()
            && now >= child->requestNs() + kReadyTimeoutNs)
            violation(*child,
                "it did not say Ready within " + std::to_string(kReadyTimeoutNs / 1'000'000'000) + " s");
    }
}

void ChildSupervisor::readMessages(ChildProcess& child)
{
    for (int n = 0; n < kMessagesPerRound && child.channel().isOpen(); ++n) {
        ProcessChannel::Frame frame;
        const auto status = child.channel().receive(&frame);
        switch (status) {
        case ProcessChannel::Status::Message:
            onMessage(child, frame);
            frame.closeFds();
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

void ChildSupervisor::onMessage(ChildProcess& child, const ProcessChannel::Frame& frame)
{
    using Phase = ChildProcess::Phase;
    if (!sentByChildren(frame.type))
        return violation(child,
            std::string("it sent a ") + wire::typeName(frame.type) + " message, which only the engine sends");
    if (frame.type == wire::MessageType::Ready) {
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
        // One told to stop before it was ready reads its pill next: no work for it.
        if (child.phase != Phase::Starting)
            return;
        child.phase = Phase::Idle;
        return m_owner.childReady(child);
    }
    if (!child.readyReceived)
        return violation(child, std::string("it sent ") + wire::typeName(frame.type) + " before Ready");
    if (frame.type == wire::MessageType::Bye) {
        if (child.phase == Phase::Busy || child.byeReceived)
            return violation(child, "it said Bye in the middle of its work");
        const auto bye = frame.as<wire::Bye>();
        child.byeReceived = true;
        child.result().gil
            = GilCounters {bye.gilAcquisitions, bye.gilSwitches, bye.gilDropRequests, bye.gilWaitNs};
        child.phase = Phase::Draining;
        return m_owner.childBye(child, bye);
    }
    m_owner.childMessage(child, frame);
}

void ChildSupervisor::onExited(ChildProcess& child)
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
    const EventWriter proxy = m_proxyRing ? EventWriter(m_proxyRing.get(), child.info().id) : EventWriter();
    const ChildProcess::Ending ending = child.conclude(proxy, monotonicNs());
    m_owner.childEnded(child, ending);
    m_run.recordWorker(child.result());
}

} // namespace spindle

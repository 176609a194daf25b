#include "runtime/childprocess.h"

#include "model/clock.h"
#include "runtime/pidfd.h"

#include <cerrno>
#include <csignal>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace spindle {

namespace {

// The collector polls every millisecond; this only guards against one that stopped.
constexpr std::int64_t kDrainWaitNs = 200'000'000;

std::int64_t toNs(const timeval& tv)
{
    return static_cast<std::int64_t>(tv.tv_sec) * 1'000'000'000
        + static_cast<std::int64_t>(tv.tv_usec) * 1000;
}

} // namespace

ChildProcess::ChildProcess(const WorkerInfo& info, wire::ChildRole role) : m_role(role)
{
    m_result.info = info;
    m_result.info.kind = WorkerKind::Process;
}

ChildProcess::~ChildProcess()
{
    if (m_pid > 0 && !m_reaped) {
        // Last resort (an exception unwound the supervisor): nothing outlives a run.
        signal(SIGKILL);
        while (::waitpid(m_pid, &m_waitStatus, 0) < 0 && errno == EINTR) { }
    }
    if (m_pidfd >= 0)
        ::close(m_pidfd);
    if (m_theirSocket >= 0)
        ::close(m_theirSocket);
}

bool ChildProcess::prepare(QString* error)
{
    m_ring = SharedRing::create(SharedRing::kDefaultCapacity, error);
    if (!m_ring)
        return false;
    std::string why;
    if (!ProcessChannel::makePair(&m_channel, &m_theirSocket, &why)) {
        *error = QString::fromStdString(why);
        return false;
    }
    m_channel.setNonBlocking(true);
    return true;
}

bool ChildProcess::launch(ProcessLauncher& launcher, wire::Hello hello, QString* error)
{
    const auto launched = launcher.launch(m_theirSocket, m_ring->fd(), m_result.info.id, error);
    // The child has its own copies now (or there is no child): ours only hold resources.
    ::close(m_theirSocket);
    m_theirSocket = -1;
    m_ring->closeFd();
    if (!launched)
        return false;
    m_pid = launched->pid;
    m_pidfd = launched->pidfd;
    m_requestNs = launched->requestNs;
    m_result.info.pid = m_pid;
    m_result.info.tid = m_pid; // the child works on its main thread
    phase = Phase::Starting;
    hello.requestNs = m_requestNs;
    hello.workerId = m_result.info.id;
    hello.role = static_cast<std::uint8_t>(m_role);
    if (!m_channel.send(hello)) {
        // It exists: the supervisor reaps it and reports it like any other.
        violation = "it could not be greeted: " + m_channel.error();
        signal(SIGKILL);
    }
    return true;
}

bool ChildProcess::signal(int sig)
{
    if (m_pidfd < 0 || m_reaped)
        return false;
    return Pidfd::sendSignal(m_pidfd, sig);
}

bool ChildProcess::reap()
{
    if (m_reaped)
        return true;
    if (m_pid <= 0)
        return false;
    rusage usage {};
    int status = 0;
    pid_t got = -1;
    do
        got = ::wait4(m_pid, &status, WNOHANG, &usage);
    while (got < 0 && errno == EINTR);
    if (got == 0)
        return false;
    if (got == m_pid) {
        m_waitStatus = status;
        m_cpuNs = toNs(usage.ru_utime) + toNs(usage.ru_stime);
    } else {
        // ECHILD: something else in this process reaped it; its status is lost.
        m_waitStatus = W_EXITCODE(255, 0);
    }
    m_reaped = true;
    if (m_pidfd >= 0)
        ::close(m_pidfd);
    m_pidfd = -1;
    m_channel.close();
    phase = Phase::Ended;
    return true;
}

bool ChildProcess::watchStop(const EventWriter& proxy)
{
    if (m_pid <= 0 || m_reaped || !m_ring)
        return false;
    siginfo_t info {};
    // Without WEXITED an exit is left for reap(); each call takes one report.
    if (::waitid(P_PID, static_cast<id_t>(m_pid), &info, WSTOPPED | WCONTINUED | WNOHANG) != 0
        || info.si_pid != m_pid)
        return false;
    if (info.si_code == CLD_STOPPED && !m_stopped) {
        // A stopped child writes nothing: once its ring is drained, Stopped
        // lands after everything it recorded.
        waitUntilDrained();
        const SharedRing::Tail tail = m_ring->inspectTail();
        // Before its first event it has no lane yet; after its last, none any more.
        if (!tail.wroteAny || tail.lastState == WorkerState::Exited || tail.lastState == WorkerState::Crashed)
            return false;
        m_stopped = true;
        m_tailAtStop = tail;
        proxy.recordAt(
            monotonicNs(), EventKind::State, info.si_status, static_cast<std::uint8_t>(WorkerState::Stopped));
        return true;
    }
    if (info.si_code == CLD_CONTINUED && m_stopped) {
        m_stopped = false;
        const SharedRing::Tail tail = m_ring->inspectTail();
        const bool ownStateSince = tail.lastState && tail.lastStateIndex != m_tailAtStop.lastStateIndex;
        if (ownStateSince || !m_tailAtStop.lastState)
            return false;
        proxy.stateAt(monotonicNs(), *m_tailAtStop.lastState);
        return true;
    }
    return false;
}

ChildProcess::Ending ChildProcess::conclude(const EventWriter& proxy, std::int64_t nowNs)
{
    WorkerResult& result = m_result;
    result.cpuNs = m_cpuNs;
    result.endNs = nowNs;
    if (result.startNs == 0)
        result.startNs = m_requestNs;
    const bool signalled = WIFSIGNALED(m_waitStatus);
    result.termSignal = signalled ? WTERMSIG(m_waitStatus) : 0;
    result.exitStatus = WIFEXITED(m_waitStatus) ? WEXITSTATUS(m_waitStatus) : 0;
    if (violation.empty() && byeReceived && WIFEXITED(m_waitStatus) && result.exitStatus == 0)
        return Ending::Clean;
    // Our own SIGTERM and SIGKILL are a stop; a segfault during a cancel is still a crash.
    const bool stoppedByUs
        = terminatedByUs && (!signalled || result.termSignal == SIGTERM || result.termSignal == SIGKILL);
    const bool crashed = !violation.empty() || !stoppedByUs;
    result.crashed = crashed;
    if (!violation.empty())
        result.exitReason = QStringLiteral("killed by the engine: %1").arg(QString::fromStdString(violation));
    else if (!signalled && result.exitStatus == 0)
        result.exitReason = QStringLiteral("exited before finishing its work");
    else if (!signalled && result.exitStatus == wire::kExitTerminatedFromOutside)
        result.exitReason = QStringLiteral("stopped by a SIGTERM the engine did not send");
    else
        result.exitReason = ProcessLauncher::describeStatus(m_waitStatus);
    closeLane(proxy, crashed, signalled ? result.termSignal : result.exitStatus, signalled, nowNs);
    return crashed ? Ending::Crashed : Ending::Stopped;
}

void ChildProcess::closeLane(
    const EventWriter& proxy, bool crashed, std::int64_t arg, bool argIsSignal, std::int64_t tNs)
{
    if (!m_ring)
        return;
    waitUntilDrained();
    const SharedRing::Tail tail = m_ring->inspectTail();
    if (tail.lastState == WorkerState::Exited || tail.lastState == WorkerState::Crashed)
        return;
    if (!tail.wroteAny)
        proxy.stateAt(m_requestNs, WorkerState::Starting);
    if (tail.taskOpen)
        proxy.recordAt(tNs, EventKind::TaskEnd, 0, 0, 1); // the task ended with its worker, unfinished
    const std::uint16_t aux = argIsSignal ? 1 : 0;
    if (crashed) {
        proxy.recordAt(tNs, EventKind::Crash, arg, 0, aux);
        proxy.stateAt(tNs, WorkerState::Crashed);
    } else {
        proxy.stateAt(tNs, WorkerState::Exited);
        proxy.recordAt(tNs, EventKind::Exit, arg, 0, aux);
    }
}

void ChildProcess::waitUntilDrained() const
{
    const std::int64_t deadline = monotonicNs() + kDrainWaitNs;
    while (!m_ring->ring().empty() && monotonicNs() < deadline)
        std::this_thread::sleep_for(std::chrono::microseconds(500));
}

} // namespace spindle

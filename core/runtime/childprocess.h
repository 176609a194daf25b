#pragma once
// One child process as the engine sees it: its socket, its pidfd, its ring in
// shared memory, the job it holds and how it ended. The supervisor
// (ProcessPoolExecutor) drives it from one thread; this class only keeps the
// facts and does the system calls. Whatever happens, the destructor makes
// sure the process is dead and reaped.

#include "model/runresult.h"
#include "runtime/processchannel.h"
#include "runtime/processlauncher.h"
#include "stream/eventwriter.h"
#include "stream/sharedring.h"

#include <QString>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>

namespace spindle {

class ChildProcess {
public:
    enum class Phase {
        Created, // not started yet
        Starting, // launched, Hello sent, Ready awaited
        Idle, // ready; a worker has not asked for a job yet, a spinner draws
        Parked, // asked for a job, none to give yet
        Busy, // holds a job
        Draining, // told to stop (or said Bye); its exit is awaited
        Ended, // reaped
    };

    ChildProcess(const WorkerInfo& info, wire::ChildRole role);
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    // Makes the ring and the socket pair; the ring can then be registered.
    bool prepare(QString* error);
    // Starts the process and sends its Hello (requestNs is filled in here).
    bool launch(ProcessLauncher& launcher, wire::Hello hello, QString* error);

    const WorkerInfo& info() const { return m_result.info; }
    WorkerResult& result() { return m_result; }
    wire::ChildRole role() const { return m_role; }
    bool isWorker() const { return m_role == wire::ChildRole::Worker; }
    pid_t pid() const { return m_pid; }
    int pidfd() const { return m_pidfd; }
    std::int64_t requestNs() const { return m_requestNs; }
    ProcessChannel& channel() { return m_channel; }
    const std::shared_ptr<SharedRing>& ring() const { return m_ring; }

    // pidfd_send_signal: never hits a recycled pid.
    bool signal(int sig);
    // After the pidfd reported the exit: waits for the zombie, keeps its wait
    // status and CPU time, closes the pidfd. False while it still runs.
    bool reap();
    bool reaped() const { return m_reaped; }
    int waitStatus() const { return m_waitStatus; }
    std::int64_t cpuNs() const { return m_cpuNs; }

    // Stops and continues as the OS reports them (SIGSTOP, SIGTSTP, SIGCONT:
    // waitid with WSTOPPED | WCONTINUED, which a pidfd does not signal, so
    // the supervisor calls this on a timer). A stop is recorded on the lane
    // through `proxy` as Stopped (arg = the signal); a continue gives the lane
    // back the state it had, unless the child has recorded one of its own
    // since. True when it recorded something.
    bool watchStop(const EventWriter& proxy);
    // How often a supervisor calls watchStop(): the lane shows a SIGSTOP this late at most.
    static constexpr std::int64_t kStopCheckNs = 100'000'000;
    bool isStopped() const { return m_stopped; }

    enum class Ending {
        Clean, // said Bye and exited 0: it closed its own lane
        Stopped, // ended by the engine's SIGTERM / SIGKILL (cancel, timeout, shutdown)
        Crashed, // anything else, or killed for breaking the protocol
    };
    // After reap(): fills in how it ended (CPU time, status, reason) and,
    // unless it ended cleanly, closes its lane on its behalf through `proxy`.
    Ending conclude(const EventWriter& proxy, std::int64_t nowNs);

    // The supervisor's bookkeeping.
    struct Job {
        std::uint32_t jobId = 0;
        std::size_t task = 0;
        std::int64_t sentNs = 0;
    };
    Phase phase = Phase::Created;
    std::optional<Job> job;
    bool readyReceived = false;
    bool byeReceived = false;
    bool terminatedByUs = false; // we sent SIGTERM / SIGKILL to end the run
    std::string violation; // why we killed it for breaking the protocol
    std::int64_t closedAtNs = 0; // when its socket closed before it exited

private:
    // Ends the lane for a child that could not: a task it left open, then
    // Crash + Crashed or Exit + Exited, written into `proxy` (a ring of the
    // engine's, with this child's worker id). First waits, briefly, until the
    // collector has drained the child's own ring, so that the lane stays in
    // time order. Nothing is written if the child closed its lane itself.
    void closeLane(
        const EventWriter& proxy, bool crashed, std::int64_t arg, bool argIsSignal, std::int64_t tNs);
    // Waits, briefly, until the collector has taken everything from the ring.
    void waitUntilDrained() const;

    WorkerResult m_result;
    wire::ChildRole m_role;
    std::shared_ptr<SharedRing> m_ring;
    ProcessChannel m_channel;
    int m_theirSocket = -1;
    pid_t m_pid = -1;
    int m_pidfd = -1;
    std::int64_t m_requestNs = 0;
    bool m_reaped = false;
    int m_waitStatus = 0;
    std::int64_t m_cpuNs = 0;
    bool m_stopped = false;
    SharedRing::Tail m_tailAtStop;
};

} // namespace spindle

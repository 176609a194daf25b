#pragma once
// The children of one run, watched from the calling thread: starts them
// through the run's launcher (posix_spawn or the fork server), checks their
// Ready and Bye, hands every other message to its owner, notices each death
// on the child's pidfd, kills a child that breaks the protocol or lingers,
// and on cancel stops them all (SIGTERM, SIGKILL after a grace period); a
// child stopped by a signal shows Stopped on its lane until continued. A
// child that could not close its own lane has it closed on its behalf, and
// each child's WorkerResult is recorded once it is reaped. What the children
// are for - jobs, items, requests - is the owner's business
// (ProcessPoolExecutor, SupervisedRuntime, PreforkRuntime).

#include "runtime/childprocess.h"
#include "runtime/processchannel.h"
#include "runtime/runcontext.h"

#include <atomic>
#include <climits>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace spindle {

class ChildSupervisor {
public:
    class Owner {
    public:
        virtual ~Owner() = default;
        // It said Ready (checked): it can be given work.
        virtual void childReady(ChildProcess& child) = 0;
        // Any message a child may send besides Ready and Bye; refuse one with violation().
        virtual void childMessage(ChildProcess& child, const ProcessChannel::Frame& frame) = 0;
        // It said Bye, not in the middle of a job; its GIL counters are kept already.
        virtual void childBye(ChildProcess& child, const wire::Bye& bye);
        // It was reaped and its lane closed; its WorkerResult is recorded right after.
        virtual void childEnded(ChildProcess& child, ChildProcess::Ending ending) = 0;
    };

    // SIGTERM lets a child finish its work as cancelled; SIGKILL follows.
    static constexpr std::int64_t kTerminateGraceNs = 300'000'000;

    ChildSupervisor(RunContext& run, Owner& owner);
    // Whatever still runs is killed and reaped (by ~ChildProcess); the launcher stops.
    ~ChildSupervisor();
    ChildSupervisor(const ChildSupervisor&) = delete;
    ChildSupervisor& operator=(const ChildSupervisor&) = delete;

    // Finds spindle-worker and starts the launcher; false (the run's error set) when impossible.
    bool open();
    // Starts a child as lane `info`; nullptr (the run's error set) when it could not be started.
    ChildProcess* start(const WorkerInfo& info, wire::ChildRole role);
    // Waits until something happens - a message, a death, a wake(), a
    // deadline of its own or untilNs (CLOCK_MONOTONIC) - and handles it.
    void waitAndHandle(std::int64_t untilNs = INT64_MAX);
    // Any thread, any time (the callable outlives the supervisor harmlessly):
    // makes waitAndHandle() return.
    std::function<void()> waker() const;
    // The run was cancelled (or timed out): every child is being stopped.
    bool cancelled() const { return m_wake->cancelled.load(); }

    // A PoisonPill: the child finishes what it does, says Bye and exits.
    void sendPill(ChildProcess& child);
    // After a send to the child failed: a protocol violation, unless the child
    // had closed its end (it is leaving; its exit says whether it crashed).
    void sendFailed(ChildProcess& child);
    // Kills a child that broke the protocol; it is reported crashed with `why`.
    void violation(ChildProcess& child, const std::string& why);
    // Stops every child: SIGTERM now, SIGKILL after the grace period.
    void terminateAll();
    bool terminating() const { return m_terminating; }
    bool allEnded() const;
    const std::vector<std::unique_ptr<ChildProcess>>& children() const { return m_children; }

private:
    // What the cancel callback and waker() may touch: they can fire after we are gone.
    struct Wake {
        Wake();
        ~Wake();
        void signal() const;
        void drain() const;
        int fd = -1;
        std::atomic<bool> cancelled {false};
    };

    std::int64_t nextDeadline(std::int64_t untilNs) const;
    void readMessages(ChildProcess& child);
    void onMessage(ChildProcess& child, const ProcessChannel::Frame& frame);
    void onExited(ChildProcess& child);
    void checkTimers();

    RunContext& m_run;
    Owner& m_owner;
    std::shared_ptr<Wake> m_wake;
    std::unique_ptr<ProcessLauncher> m_launcher;
    std::vector<std::unique_ptr<ChildProcess>> m_children;
    std::shared_ptr<EventRing> m_proxyRing;
    bool m_terminating = false;
    std::int64_t m_killAtNs = 0;
    std::int64_t m_nextStopCheckNs = 0;
};

} // namespace spindle

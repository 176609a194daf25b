#pragma once
// concurrent.futures.ProcessPoolExecutor on spindle-worker children: a fixed
// number of processes that ask this process for work. The engine side is the
// queue, as in procs.py: a child that asks gets the next submitted task, or
// waits until there is one, or gets a poison pill once the pool shuts down.
// One supervisor thread starts the children (posix_spawn or the fork server),
// and does all the talking, reaping and reporting in a poll loop:
//  - a child that dies or breaks the protocol is reported crashed on its lane
//    and its task lost; the rest carry on (unlike CPython, whose pool then
//    breaks as a whole) until no worker is left;
//  - cancel and the end of the run stop every child (SIGTERM, SIGKILL after a
//    grace period), and shutdown() returns only when each one is reaped;
//  - a child stopped by a signal (SIGSTOP) shows Stopped on its lane until
//    it is continued; it does not hold up a cancel.
// Submissions name a task of the run's spec: work crosses the process
// boundary as data, as pickled calls do in Python.

#include "runtime/future.h"
#include "runtime/processchannel.h"
#include "runtime/runcontext.h"
#include "runtime/threadpoolexecutor.h"

#include <QString>

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

namespace spindle {

class ChildProcess;
class ProcessLauncher;

class ProcessPoolExecutor {
public:
    struct Options {
        int workers = 1;
        QString namePrefix = QStringLiteral("pool process");
        // A spinner child beside the workers (spinner_proc.py), stopped once
        // every worker has ended.
        bool spinnerChild = false;
        // SIGTERM lets a child finish its task as cancelled; SIGKILL follows.
        std::int64_t terminateGraceNs = 300'000'000;
    };

    // Reserves the lanes at once and starts the children on the supervisor thread.
    ProcessPoolExecutor(RunContext& run, Options options);
    // Terminates whatever still runs, then reaps it.
    ~ProcessPoolExecutor();
    ProcessPoolExecutor(const ProcessPoolExecutor&) = delete;
    ProcessPoolExecutor& operator=(const ProcessPoolExecutor&) = delete;

    // Task `taskIndex` of the run's spec. The future fails (std::runtime_error)
    // when the child running it dies, and at once when the pool is broken.
    std::shared_ptr<Future> submit(std::size_t taskIndex);
    // No more submissions; with cancelPending the queued tasks are cancelled.
    // Waits until every child has ended and been reaped.
    void shutdown(bool cancelPending = false);
    ExecutorStats stats() const;

    // The worker lanes' ids, in order (the spinner child's is not among them).
    const std::vector<std::uint32_t>& workerIds() const { return m_workerIds; }

private:
    struct Item {
        std::size_t task = 0;
        std::shared_ptr<Future> future;
    };
    // What the cancel callback may touch: it can fire after we are gone.
    struct Wake {
        Wake();
        ~Wake();
        void signal() const;
        void drain() const;
        int fd = -1;
        std::atomic<bool> cancelled {false};
    };

    void threadMain();
    void startChildren();
    bool startChild(std::uint32_t id, const QString& name, bool spinner);
    void takeRequests();
    void dispatch();
    bool finished() const;
    void waitAndHandle();
    void readMessages(ChildProcess& child);
    void onMessage(ChildProcess& child, const ProcessChannel::Frame& frame);
    void completeJob(
        ChildProcess& child, std::int64_t result, bool cancelled, std::int64_t beginNs, std::int64_t endNs);
    void violation(ChildProcess& child, const std::string& why);
    void onExited(ChildProcess& child);
    void beginTerminate();
    void checkBroken(const QString& lastReason);
    // Settles a task that will not complete: lost (its worker died) or cancelled.
    void failItem(Item& item, const QString& why, bool lost);
    TaskResult taskResult(const ChildProcess& child, std::size_t index) const;
    void sendPill(ChildProcess& child);
    // A send to the child failed: a protocol violation, unless it had closed its end.
    void sendFailed(ChildProcess& child);
    std::int64_t nextDeadline() const;
    void finish();

    RunContext& m_run;
    const Options m_options;
    std::vector<std::uint32_t> m_workerIds;
    std::uint32_t m_spinnerId = 0;
    std::shared_ptr<Wake> m_wake;

    // Guards the members up to m_stats; shared with submitters.
    mutable std::mutex m_mutex;
    std::deque<Item> m_incoming;
    bool m_accepting = true;
    bool m_shutdown = false;
    bool m_cancelPending = false;
    bool m_abandon = false;
    bool m_brokenFlag = false;
    ExecutorStats m_stats;

    // Supervisor thread only.
    std::unique_ptr<ProcessLauncher> m_launcher;
    std::vector<std::unique_ptr<ChildProcess>> m_children;
    std::deque<Item> m_pending;
    std::unordered_map<std::uint32_t, Item> m_inFlight;
    std::deque<ChildProcess*> m_parked;
    std::shared_ptr<EventRing> m_proxyRing;
    std::uint32_t m_nextJobId = 1;
    bool m_shutdownSeen = false;
    bool m_terminating = false;
    bool m_broken = false;
    bool m_spinnerStopped = false;
    std::int64_t m_killAtNs = 0;
    std::int64_t m_nextStopCheckNs = 0;

    std::thread m_thread;
};

} // namespace spindle

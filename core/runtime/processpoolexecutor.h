#pragma once
// concurrent.futures.ProcessPoolExecutor on spindle-worker children: a fixed
// number of processes that ask this process for work. The engine side is the
// queue, as in procs.py: a child that asks gets the next submitted task, or
// waits until there is one, or gets a poison pill once the pool shuts down.
// One thread starts the children and does all the talking in a loop, with a
// ChildSupervisor watching the processes themselves (their protocol, deaths,
// stops, cancel and the end of the run: SIGTERM, then SIGKILL). This class
// adds what makes them a pool:
//  - a child that dies or breaks the protocol is reported crashed on its lane
//    and its task lost; the rest carry on (unlike CPython, whose pool then
//    breaks as a whole) until no worker is left;
//  - shutdown() returns only when each child is reaped;
//  - a spinner child, if asked for, is stopped once every worker has ended.
// Submissions name a task of the run's spec: work crosses the process
// boundary as data, as pickled calls do in Python.

#include "runtime/childsupervisor.h"
#include "runtime/future.h"
#include "runtime/processchannel.h"
#include "runtime/runcontext.h"
#include "runtime/threadpoolexecutor.h"

#include <QString>

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

namespace spindle {

class ProcessPoolExecutor : private ChildSupervisor::Owner {
public:
    struct Options {
        int workers = 1;
        QString namePrefix = QStringLiteral("pool process");
        // A spinner child beside the workers (spinner_proc.py), stopped once
        // every worker has ended.
        bool spinnerChild = false;
    };

    // Reserves the lanes at once and starts the children on the supervisor thread.
    ProcessPoolExecutor(RunContext& run, Options options);
    // Terminates whatever still runs, then reaps it.
    ~ProcessPoolExecutor() override;
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
    // ChildSupervisor::Owner. A worker asks for work with a JobRequest once
    // it is ready, so its Ready needs nothing more.
    void childReady(ChildProcess&) override { }
    void childMessage(ChildProcess& child, const ProcessChannel::Frame& frame) override;
    void childEnded(ChildProcess& child, ChildProcess::Ending ending) override;

    void threadMain();
    void startChildren();
    bool startChild(std::uint32_t id, const QString& name, bool spinner);
    void takeRequests();
    void dispatch();
    bool finished() const;
    void completeJob(
        ChildProcess& child, std::int64_t result, bool cancelled, std::int64_t beginNs, std::int64_t endNs);
    void checkBroken(const QString& lastReason);
    // Settles a task that will not complete: lost (its worker died) or cancelled.
    void failItem(Item& item, const QString& why, bool lost);
    TaskResult taskResult(const ChildProcess& child, std::size_t index) const;
    void finish();

    RunContext& m_run;
    const Options m_options;
    std::vector<std::uint32_t> m_workerIds;
    std::uint32_t m_spinnerId = 0;
    // Made with the pool, so that the cancel is watched and submitters can
    // wake the loop from the start; gone once the loop has finished (the
    // fork server with it), while wakeLoop stays harmless to call.
    std::unique_ptr<ChildSupervisor> m_supervisor;
    std::function<void()> m_wakeLoop;

    // Guards the members up to m_stats; shared with submitters.
    mutable std::mutex m_mutex;
    std::deque<Item> m_incoming;
    bool m_accepting = true;
    bool m_shutdown = false;
    bool m_cancelPending = false;
    bool m_abandon = false;
    bool m_brokenFlag = false;
    ExecutorStats m_stats;

    // The pool's thread only.
    std::deque<Item> m_pending;
    std::unordered_map<std::uint32_t, Item> m_inFlight;
    std::deque<ChildProcess*> m_parked;
    std::uint32_t m_nextJobId = 1;
    bool m_shutdownSeen = false;
    bool m_broken = false;
    bool m_spinnerStopped = false;

    std::thread m_thread;
};

} // namespace spindle

#pragma once
// The outcome of one run as a value: per task, per worker and per run. Built
// by the engine on its controller thread and handed over whole.

#include "gil/gil.h"
#include "model/runspec.h"
#include "model/workerinfo.h"
#include "session/eventstore.h"
#include "workloads/workloadkind.h"

#include <QMetaType>
#include <QString>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace spindle {

struct TaskResult {
    std::uint32_t worker = 0;
    std::uint32_t index = 0; // position in RunSpec::tasks
    WorkloadKind kind = WorkloadKind::IsPrime;
    std::int64_t arg = 0;
    std::int64_t result = 0;
    std::int64_t beginNs = 0;
    std::int64_t endNs = 0;
    bool cancelled = false;

    double elapsedS() const { return static_cast<double>(endNs - beginNs) / 1e9; }
    bool operator==(const TaskResult&) const = default;
};

struct WorkerResult {
    WorkerInfo info;
    std::int64_t cpuNs = 0;      // CPU time of the worker's OS thread, at its end
    std::int64_t spawnNs = 0;    // start cost: request to first event
    std::int64_t startNs = 0;    // first event
    std::int64_t endNs = 0;      // last event
    std::uint64_t tasksDone = 0;
    GilCounters gil;

    bool operator==(const WorkerResult&) const = default;
    // Process workers: how the child ended. crashed = killed by a signal we did
    // not send, exited early, or was killed for breaking the protocol.
    bool crashed = false;
    int exitStatus = 0;   // exit code when the child exited
    int termSignal = 0;   // signal that ended the child, 0 when it exited
    QString exitReason;   // human-readable, e.g. "killed by signal 9 (SIGKILL)"
};

struct SpinnerStats {
    std::uint64_t frames = 0;
    std::int64_t maxGapNs = 0; // longest time without a frame while the spinner was meant to run

    bool operator==(const SpinnerStats&) const = default;
};

struct LoopLagStats {
    std::uint64_t count = 0;
    std::int64_t maxNs = 0;
    std::int64_t totalNs = 0;

    bool operator==(const LoopLagStats&) const = default;
};

// futurist-style statistics of a pool run (Danjou 2.3-2.4): every submission
// ends up executed (failed or not), rejected by the bounded backlog, or
// cancelled before it started.
struct ExecutorStats {
    std::uint64_t submitted = 0; // submissions attempted
    std::uint64_t executed = 0; // calls that ran, failures included
    std::uint64_t failures = 0; // calls that raised
    std::uint64_t cancelled = 0; // queued calls cancelled before they started
    std::uint64_t rejected = 0; // refused at submit: the backlog was full
    std::int64_t runtimeNs = 0; // summed time spent in calls
    std::uint64_t periodicRuns = 0; // ticks of the periodic task
    std::int64_t periodicMaxLateNs = 0; // latest tick, against its fixed-rate schedule

    bool operator==(const ExecutorStats&) const = default;
};

// A supervised run (daemons: Danjou 2.5, Cotyledon): what the master saw
// and did. Every item the producer put on the queue is consumed exactly once
// in the end: one whose consumer died is handed out again (redelivered).
struct SupervisorStats {
    std::uint64_t produced = 0; // items the producer put on the queue
    std::uint64_t consumed = 0; // items a consumer reported done
    std::uint64_t redelivered = 0; // items handed out again because their consumer died
    std::uint64_t crashed = 0; // children (consumers or the producer) that died
    std::uint64_t killed = 0; // of those, killed on purpose by the run's kill-every
    std::uint64_t restarts = 0; // children started in place of a dead one
    std::uint64_t reconfigures = 0; // worker-count changes applied while running
    int consumersAtEnd = 0; // the wanted consumer count when the run ended
    int consumersPeak = 0; // most consumers alive at once

    bool operator==(const SupervisorStats&) const = default;
};

// A prefork run: the server's listening socket and what the built-in client
// saw. Requests served per server process are the servers' tasksDone.
struct PreforkStats {
    std::uint16_t port = 0; // the listening socket's ephemeral port on 127.0.0.1
    std::uint64_t requests = 0; // sent by the client
    std::uint64_t answered = 0; // answered with a well-formed response
    std::uint64_t failed = 0; // refused, reset, timed out or answered wrongly
    std::int64_t clientNs = 0; // from the client's first connect to its last answer

    double requestsPerS() const
    {
        return clientNs > 0 ? static_cast<double>(answered) * 1e9 / static_cast<double>(clientNs) : 0.0;
    }
    bool operator==(const PreforkStats&) const = default;
};

// Resident and virtual size of the engine's process, from /proc/self/statm:
// just before the run's workers started, and the highest seen while they ran.
// Peak minus before is what the run's workers cost, Spindle's bookkeeping
// (rings, recorded events) included.
struct MemoryStats {
    std::int64_t rssBeforeBytes = 0;
    std::int64_t rssPeakBytes = 0;
    std::int64_t vmBeforeBytes = 0;
    std::int64_t vmPeakBytes = 0;

    std::int64_t rssDeltaBytes() const { return std::max<std::int64_t>(0, rssPeakBytes - rssBeforeBytes); }
    std::int64_t vmDeltaBytes() const { return std::max<std::int64_t>(0, vmPeakBytes - vmBeforeBytes); }
    bool operator==(const MemoryStats&) const = default;
};

struct RunResult {
    std::uint64_t runId = 0;
    RunSpec spec;
    int workerCount = 0;     // resolved worker count
    int cores = 0;
    std::int64_t startNs = 0;
    std::int64_t endNs = 0;
    bool cancelled = false;
    bool timedOut = false;
    QString error;           // non-empty when the run failed
    std::vector<TaskResult> tasks;     // sorted by task index
    std::vector<WorkerResult> workers; // sorted by worker id
    std::int64_t processCpuNs = 0;     // CPU time of the whole run's threads
    std::uint64_t eventsRecorded = 0;
    std::uint64_t eventsDropped = 0;
    std::optional<SpinnerStats> spinner;
    std::optional<LoopLagStats> loopLag;
    // The run's recording: every event and CPU sample (shared, read-only once finished).
    std::shared_ptr<const EventStore> recording;
    // Indices (into spec.tasks) of tasks that never finished because the
    // worker process running them crashed, or because no worker was left.
    std::vector<std::uint32_t> lostTasks;
    // Pool runs: the executor's statistics, and the indices of the tasks its
    // bounded backlog refused (they never ran).
    std::optional<ExecutorStats> executor;
    std::vector<std::uint32_t> rejectedTasks;
    // The process's memory before the run and at its peak (sampled by the CPU sampler).
    std::optional<MemoryStats> memory;
    // Supervised and prefork runs of the processes model.
    std::optional<SupervisorStats> supervisor;
    std::optional<PreforkStats> prefork;

    double wallS() const { return static_cast<double>(endNs - startNs) / 1e9; }
    double cpuS() const { return static_cast<double>(processCpuNs) / 1e9; }
    // 100 % = one core busy for the whole wall time.
    double cpuPct() const { return endNs > startNs ? 100.0 * static_cast<double>(processCpuNs) / static_cast<double>(endNs - startNs) : 0.0; }
    bool succeeded() const { return error.isEmpty() && !cancelled && !timedOut; }
};

using RunResultPtr = std::shared_ptr<const RunResult>;

} // namespace spindle

Q_DECLARE_METATYPE(spindle::RunResultPtr)

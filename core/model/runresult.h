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

    double wallS() const { return static_cast<double>(endNs - startNs) / 1e9; }
    double cpuS() const { return static_cast<double>(processCpuNs) / 1e9; }
    // 100 % = one core busy for the whole wall time.
    double cpuPct() const { return endNs > startNs ? 100.0 * static_cast<double>(processCpuNs) / static_cast<double>(endNs - startNs) : 0.0; }
    bool succeeded() const { return error.isEmpty() && !cancelled && !timedOut; }
};

using RunResultPtr = std::shared_ptr<const RunResult>;

} // namespace spindle

Q_DECLARE_METATYPE(spindle::RunResultPtr)

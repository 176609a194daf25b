#pragma once
// The recording of one run: every event, kept per worker lane in time order so
// that a query for a time range is a binary search, never a scan of the run,
// and the CPU samples taken during it. Lanes store events in 15 bytes each
// (EventLane).
// Written by the collector thread; read by anyone through short locked calls
// that copy out only what was asked for.

#include "model/event.h"
#include "model/workerinfo.h"
#include "sampling/cpusample.h"
#include "session/eventlane.h"

#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

namespace spindle {

// One state held over [beginNs, endNs) by a worker.
struct StateSegment {
    std::int64_t beginNs = 0;
    std::int64_t endNs = 0;
    WorkerState state = WorkerState::Idle;
    bool operator==(const StateSegment&) const = default;
};

class EventStore {
public:
    void addWorkers(const std::vector<WorkerInfo>& workers);
    // Events of a lane may come in any order; each lane keeps time order
    // (events of equal time stay in the order they came).
    void append(const std::vector<Event>& events);
    void appendCpu(const std::vector<ThreadCpuSample>& threads, const std::vector<CoreCpuSample>& cores);

    std::vector<WorkerInfo> workers() const;
    std::uint64_t eventCount() const;
    // Bytes the store holds for events (lanes, chunk index, chunks including
    // the unused part of partly filled ones), not counting CPU samples or
    // worker infos: the memory-per-event figure.
    std::size_t memoryBytes() const;
    // All events of one lane (tests, exports; not for the UI thread).
    std::vector<Event> laneEvents(std::uint32_t worker) const;
    // Events of one lane with tNs in [t0, t1), at most maxEvents (the first ones).
    std::vector<Event> laneEvents(
        std::uint32_t worker, std::int64_t t0, std::int64_t t1, std::size_t maxEvents = SIZE_MAX) const;
    // State segments of one lane overlapping [t0, t1); the open last segment ends at `nowNs`.
    std::vector<StateSegment> segments(
        std::uint32_t worker, std::int64_t t0, std::int64_t t1, std::int64_t nowNs) const;
    std::vector<ThreadCpuSample> threadCpu() const;
    std::vector<CoreCpuSample> coreCpu() const;
    // Time of the first and last event of the whole run.
    std::optional<std::pair<std::int64_t, std::int64_t>> timeSpan() const;

private:
    // Adds lanes up to and including `worker` (m_mutex held).
    void growLanes(std::uint32_t worker);

    mutable std::mutex m_mutex;
    std::vector<WorkerInfo> m_workers;
    std::vector<EventLane> m_lanes; // indexed by worker id
    std::uint64_t m_count = 0;
    std::vector<ThreadCpuSample> m_threadCpu;
    std::vector<CoreCpuSample> m_coreCpu;
};

} // namespace spindle

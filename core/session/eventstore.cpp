#include "session/eventstore.h"

#include <algorithm>

namespace spindle {

// A session file may name any worker id up to its reader's limit: a lane
// nobody writes to should cost no more than it did as a vector of events.
static_assert(sizeof(EventLane) <= sizeof(std::vector<Event>));

void EventStore::growLanes(std::uint32_t worker)
{
    // Never shrinks: a worker announced after a higher-numbered one has
    // already written must not cost that one its lane.
    if (worker >= m_lanes.size())
        m_lanes.resize(static_cast<std::size_t>(worker) + 1);
}

void EventStore::addWorkers(const std::vector<WorkerInfo>& workers)
{
    std::lock_guard lock(m_mutex);
    for (const WorkerInfo& w : workers) {
        growLanes(w.id);
        m_workers.push_back(w);
    }
}

void EventStore::append(const std::vector<Event>& events)
{
    std::lock_guard lock(m_mutex);
    for (const Event& e : events) {
        // The collector and the session reader refuse these first; a lane
        // could not hold them (kind and state share a byte).
        if (!hasKnownKindAndState(e)) [[unlikely]]
            continue;
        if (e.worker >= m_lanes.size())
            growLanes(e.worker);
        m_lanes[e.worker].append(e);
        ++m_count;
    }
}

void EventStore::appendCpu(
    const std::vector<ThreadCpuSample>& threads, const std::vector<CoreCpuSample>& cores)
{
    std::lock_guard lock(m_mutex);
    m_threadCpu.insert(m_threadCpu.end(), threads.begin(), threads.end());
    m_coreCpu.insert(m_coreCpu.end(), cores.begin(), cores.end());
}

std::vector<ThreadCpuSample> EventStore::threadCpu() const
{
    std::lock_guard lock(m_mutex);
    return m_threadCpu;
}

std::vector<CoreCpuSample> EventStore::coreCpu() const
{
    std::lock_guard lock(m_mutex);
    return m_coreCpu;
}

std::vector<WorkerInfo> EventStore::workers() const
{
    std::lock_guard lock(m_mutex);
    return m_workers;
}

std::uint64_t EventStore::eventCount() const
{
    std::lock_guard lock(m_mutex);
    return m_count;
}

std::size_t EventStore::memoryBytes() const
{
    std::lock_guard lock(m_mutex);
    std::size_t bytes = m_lanes.capacity() * sizeof(EventLane);
    for (const EventLane& lane : m_lanes)
        bytes += lane.memoryBytes();
    return bytes;
}

std::vector<Event> EventStore::laneEvents(std::uint32_t worker) const
{
    std::lock_guard lock(m_mutex);
    std::vector<Event> out;
    if (worker >= m_lanes.size())
        return out;
    const EventLane& lane = m_lanes[worker];
    out.reserve(lane.size());
    lane.copy(lane.begin(), lane.end(), SIZE_MAX, worker, out);
    return out;
}

std::vector<Event> EventStore::laneEvents(
    std::uint32_t worker, std::int64_t t0, std::int64_t t1, std::size_t maxEvents) const
{
    std::lock_guard lock(m_mutex);
    std::vector<Event> out;
    if (worker >= m_lanes.size() || t1 <= t0)
        return out;
    const EventLane& lane = m_lanes[worker];
    lane.copy(lane.lowerBound(t0), lane.lowerBound(t1), maxEvents, worker, out);
    return out;
}

std::vector<StateSegment> EventStore::segments(
    std::uint32_t worker, std::int64_t t0, std::int64_t t1, std::int64_t nowNs) const
{
    std::lock_guard lock(m_mutex);
    std::vector<StateSegment> out;
    if (worker >= m_lanes.size())
        return out;
    const EventLane& lane = m_lanes[worker];
    const EventLane::Pos end = lane.end();
    // Start from the last state change at or before t0: it is still in force at t0.
    EventLane::Pos it = lane.lowerBound(t0);
    while (it != lane.begin()) {
        it = lane.prev(it);
        if (lane.at(it, worker).kind == EventKind::State)
            break;
    }
    std::optional<StateSegment> open;
    for (; it != end && lane.timeAt(it) < t1; it = lane.next(it)) {
        const Event e = lane.at(it, worker);
        if (e.kind != EventKind::State)
            continue;
        if (open) {
            open->endNs = e.tNs;
            if (open->endNs > t0)
                out.push_back(*open);
        }
        open = StateSegment {e.tNs, e.tNs, e.workerState()};
    }
    if (open) {
        // The segment is open until the next state change (after t1) or now.
        while (it != end && lane.at(it, worker).kind != EventKind::State)
            it = lane.next(it);
        open->endNs = it != end ? lane.timeAt(it) : std::max(open->beginNs, nowNs);
        if (open->endNs > t0 || open->beginNs >= t0)
            out.push_back(*open);
    }
    return out;
}

std::optional<std::pair<std::int64_t, std::int64_t>> EventStore::timeSpan() const
{
    std::lock_guard lock(m_mutex);
    std::optional<std::pair<std::int64_t, std::int64_t>> span;
    for (const EventLane& lane : m_lanes) {
        if (lane.empty())
            continue;
        if (!span)
            span = {lane.firstNs(), lane.lastNs()};
        span->first = std::min(span->first, lane.firstNs());
        span->second = std::max(span->second, lane.lastNs());
    }
    return span;
}

} // namespace spindle

#include "session/eventstore.h"

#include <algorithm>

namespace spindle {

void EventStore::addWorkers(const std::vector<WorkerInfo>& workers)
{
    std::lock_guard lock(m_mutex);
    for (const WorkerInfo& w : workers) {
        if (w.id >= m_lanes.size())
            m_lanes.resize(w.id + 1);
        m_workers.push_back(w);
    }
}

void EventStore::append(const std::vector<Event>& events)
{
    std::lock_guard lock(m_mutex);
    for (const Event& e : events) {
        if (e.worker >= m_lanes.size())
            m_lanes.resize(e.worker + 1);
        m_lanes[e.worker].push_back(e);
    }
    m_count += events.size();
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
    std::size_t bytes = m_lanes.capacity() * sizeof(m_lanes[0]);
    for (const auto& lane : m_lanes)
        bytes += lane.capacity() * sizeof(Event);
    return bytes;
}

std::vector<Event> EventStore::laneEvents(std::uint32_t worker) const
{
    std::lock_guard lock(m_mutex);
    if (worker >= m_lanes.size())
        return {};
    return m_lanes[worker];
}

namespace {
const auto byTime = [](const Event& e, std::int64_t t) { return e.tNs < t; };
} // namespace

std::vector<Event> EventStore::laneEvents(
    std::uint32_t worker, std::int64_t t0, std::int64_t t1, std::size_t maxEvents) const
{
    std::lock_guard lock(m_mutex);
    if (worker >= m_lanes.size())
        return {};
    const auto& lane = m_lanes[worker];
    auto first = std::lower_bound(lane.begin(), lane.end(), t0, byTime);
    auto last = std::lower_bound(first, lane.end(), t1, byTime);
    if (static_cast<std::size_t>(last - first) > maxEvents)
        last = first + static_cast<std::ptrdiff_t>(maxEvents);
    return {first, last};
}

std::vector<StateSegment> EventStore::segments(
    std::uint32_t worker, std::int64_t t0, std::int64_t t1, std::int64_t nowNs) const
{
    std::lock_guard lock(m_mutex);
    std::vector<StateSegment> out;
    if (worker >= m_lanes.size())
        return out;
    const auto& lane = m_lanes[worker];
    // Start from the last state change at or before t0: it is still in force at t0.
    auto it = std::lower_bound(lane.begin(), lane.end(), t0, byTime);
    while (it != lane.begin()) {
        --it;
        if (it->kind == EventKind::State)
            break;
    }
    std::optional<StateSegment> open;
    for (; it != lane.end() && it->tNs < t1; ++it) {
        if (it->kind != EventKind::State)
            continue;
        if (open) {
            open->endNs = it->tNs;
            if (open->endNs > t0)
                out.push_back(*open);
        }
        open = StateSegment {it->tNs, it->tNs, it->workerState()};
    }
    if (open) {
        // The segment is open until the next state change (after t1) or now.
        const auto next
            = std::find_if(it, lane.end(), [](const Event& e) { return e.kind == EventKind::State; });
        open->endNs = next != lane.end() ? next->tNs : std::max(open->beginNs, nowNs);
        if (open->endNs > t0 || open->beginNs >= t0)
            out.push_back(*open);
    }
    return out;
}

std::optional<std::pair<std::int64_t, std::int64_t>> EventStore::timeSpan() const
{
    std::lock_guard lock(m_mutex);
    std::optional<std::pair<std::int64_t, std::int64_t>> span;
    for (const auto& lane : m_lanes) {
        if (lane.empty())
            continue;
        if (!span)
            span = {lane.front().tNs, lane.back().tNs};
        span->first = std::min(span->first, lane.front().tNs);
        span->second = std::max(span->second, lane.back().tNs);
    }
    return span;
}

} // namespace spindle

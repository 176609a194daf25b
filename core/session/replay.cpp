#include "session/replay.h"

#include <algorithm>
#include <limits>
#include <unordered_map>

namespace spindle {

namespace {

// The last recorded moment: the run's end, or a later event or sample.
std::int64_t endOf(const RunResult& run, const std::vector<Event>& events,
    const std::vector<ThreadCpuSample>& threads, const std::vector<CoreCpuSample>& cores)
{
    std::int64_t end = run.endNs;
    if (!events.empty())
        end = std::max(end, events.back().tNs);
    for (const ThreadCpuSample& s : threads)
        end = std::max(end, s.tNs);
    for (const CoreCpuSample& s : cores)
        end = std::max(end, s.tNs);
    return end;
}

std::vector<Event> allEvents(const EventStore& store, const std::vector<WorkerInfo>& workers)
{
    std::vector<Event> events;
    events.reserve(store.eventCount());
    for (const WorkerInfo& w : workers) {
        const std::vector<Event> lane = store.laneEvents(w.id);
        events.insert(events.end(), lane.begin(), lane.end());
    }
    // Stable: a lane's rare step back in time keeps its recorded order.
    std::stable_sort(
        events.begin(), events.end(), [](const Event& a, const Event& b) { return a.tNs < b.tNs; });
    return events;
}

} // namespace

std::int64_t Replay::originOf(const RunResult& run)
{
    std::int64_t origin = run.startNs > 0 ? run.startNs : std::numeric_limits<std::int64_t>::max();
    if (run.recording) {
        if (const auto span = run.recording->timeSpan())
            origin = std::min(origin, span->first);
    }
    return origin == std::numeric_limits<std::int64_t>::max() ? 0 : origin;
}

std::vector<EventBatch> Replay::toBatches(const RunResult& run, std::int64_t batchNs)
{
    std::vector<EventBatch> batches;
    if (!run.recording)
        return batches;
    batchNs = std::max<std::int64_t>(1, batchNs);
    const EventStore& store = *run.recording;
    const std::vector<WorkerInfo> workers = store.workers();
    const std::vector<Event> events = allEvents(store, workers);
    std::vector<ThreadCpuSample> threads = store.threadCpu();
    std::vector<CoreCpuSample> cores = store.coreCpu();
    const auto byTime = [](const auto& a, const auto& b) { return a.tNs < b.tNs; };
    std::stable_sort(threads.begin(), threads.end(), byTime);
    std::stable_sort(cores.begin(), cores.end(), byTime);
    const std::int64_t origin = originOf(run);
    const std::int64_t end = std::max(origin, endOf(run, events, threads, cores));

    // Each worker's entry travels with its first event, as it did live.
    std::unordered_map<std::uint32_t, std::int64_t> firstEvent;
    for (const Event& ev : events)
        firstEvent.try_emplace(ev.worker, ev.tNs);
    std::vector<std::pair<std::int64_t, WorkerInfo>> entries;
    for (const WorkerInfo& w : workers) {
        const auto it = firstEvent.find(w.id);
        entries.emplace_back(it == firstEvent.end() ? origin : it->second, w);
    }
    std::stable_sort(
        entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });

    std::size_t e = 0, t = 0, c = 0, w = 0;
    // The earliest time still to send; `end` when everything is sent.
    const auto nextPending = [&] {
        std::int64_t next = end;
        if (w < entries.size())
            next = std::min(next, entries[w].first);
        if (e < events.size())
            next = std::min(next, events[e].tNs);
        if (t < threads.size())
            next = std::min(next, threads[t].tNs);
        if (c < cores.size())
            next = std::min(next, cores[c].tNs);
        return next;
    };
    // Batches close every batchNs after the origin. Offsets from it are
    // unsigned: a damaged file's times may span more than int64 can hold.
    const auto offsetOf = [origin](std::int64_t tNs) {
        return static_cast<std::uint64_t>(tNs) - static_cast<std::uint64_t>(origin);
    };
    const auto step = static_cast<std::uint64_t>(batchNs);
    const std::uint64_t length = offsetOf(end);
    const auto saturatedAdd = [](std::uint64_t a, std::uint64_t b) {
        return a > std::numeric_limits<std::uint64_t>::max() - b ? std::numeric_limits<std::uint64_t>::max()
                                                                 : a + b;
    };
    std::uint64_t closeOffset = 0;
    std::uint64_t sequence = 0;
    for (;;) {
        // The next batch that has anything in it: a quiet stretch of the run
        // is skipped, not sent as empty batches, so a long pause (or a far-off
        // time in a damaged file) costs nothing.
        closeOffset = saturatedAdd(closeOffset, step);
        if (const std::int64_t next = nextPending(); next > origin && offsetOf(next) > closeOffset) {
            const std::uint64_t n = offsetOf(next);
            closeOffset = n % step == 0 ? n : saturatedAdd(n - n % step, step);
        }
        const bool last = closeOffset >= length;
        const std::int64_t close
            = last ? end : static_cast<std::int64_t>(static_cast<std::uint64_t>(origin) + closeOffset);
        EventBatch b;
        b.runId = run.runId;
        b.tNs = close;
        b.last = last;
        for (; w < entries.size() && (last || entries[w].first <= close); ++w)
            b.newWorkers.push_back(entries[w].second);
        for (; e < events.size() && (last || events[e].tNs <= close); ++e)
            b.events.push_back(events[e]);
        for (; t < threads.size() && (last || threads[t].tNs <= close); ++t)
            b.threadCpu.push_back(threads[t]);
        for (; c < cores.size() && (last || cores[c].tNs <= close); ++c)
            b.coreCpu.push_back(cores[c]);
        if (last || !b.newWorkers.empty() || !b.events.empty() || !b.threadCpu.empty()
            || !b.coreCpu.empty()) {
            b.sequence = sequence++;
            batches.push_back(std::move(b));
        }
        if (last)
            break;
    }
    return batches;
}

Replay::Replay(const RunResult& run, std::size_t checkpoints)
    : m_batches(toBatches(run)),
      m_model(std::make_shared<TimelineModel>()),
      m_runId(run.runId),
      m_originNs(originOf(run))
{
    m_durationNs = m_batches.empty() ? 0 : std::max<std::int64_t>(0, m_batches.back().tNs - m_originNs);
    m_model->setOriginNs(m_originNs);
    std::uint64_t total = 0;
    for (const EventBatch& b : m_batches)
        total += b.events.size();
    const std::uint64_t every = std::max<std::uint64_t>(1, total / std::max<std::size_t>(1, checkpoints));
    m_checkpoints.push_back(Checkpoint {0, *m_model});
    std::uint64_t sinceCheckpoint = 0;
    for (std::size_t i = 0; i < m_batches.size(); ++i) {
        m_model->ingest(m_batches[i]);
        sinceCheckpoint += m_batches[i].events.size();
        if (sinceCheckpoint >= every && i + 1 < m_batches.size()) {
            m_checkpoints.push_back(Checkpoint {i + 1, *m_model});
            sinceCheckpoint = 0;
        }
    }
    m_nextBatch = m_batches.size();
    m_cursorNs = m_durationNs;
}

void Replay::ingestUpTo(std::size_t batches)
{
    for (; m_nextBatch < batches; ++m_nextBatch) {
        m_model->ingest(m_batches[m_nextBatch]);
        m_lastSeekEvents += m_batches[m_nextBatch].events.size();
    }
}

void Replay::seek(std::int64_t cursorNs)
{
    m_lastSeekEvents = 0;
    m_cursorNs = std::clamp<std::int64_t>(cursorNs, 0, m_durationNs);
    const std::int64_t target = m_originNs + m_cursorNs;
    // Batches closed at or before the cursor are shown.
    const auto upTo
        = static_cast<std::size_t>(std::upper_bound(m_batches.begin(), m_batches.end(), target,
                                       [](std::int64_t t, const EventBatch& b) { return t < b.tNs; })
            - m_batches.begin());
    if (upTo < m_nextBatch || m_model->nowNs() > target) {
        // Back in time: a model cannot forget, so start again from a copy.
        auto cp = std::upper_bound(m_checkpoints.begin(), m_checkpoints.end(), upTo,
            [](std::size_t n, const Checkpoint& c) { return n < c.nextBatch; });
        --cp; // the first checkpoint is at batch 0
        *m_model = cp->model;
        m_nextBatch = cp->nextBatch;
    }
    ingestUpTo(upTo);
    if (upTo < m_batches.size() && m_model->nowNs() < target) {
        // "Now" is the cursor, between two batches.
        EventBatch cursor;
        cursor.runId = m_runId;
        cursor.tNs = target;
        m_model->ingest(cursor);
    }
}

} // namespace spindle

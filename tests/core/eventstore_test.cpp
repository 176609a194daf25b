// The session store keeps events in 16 bytes each: round trips must give back
// exactly what was appended (every field, long gaps, chunk boundaries, late
// events), queries must agree with a plain sorted vector, and the memory per
// event must stay near 16 bytes.

#include "session/eventstore.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <optional>
#include <random>
#include <thread>
#include <vector>

using namespace spindle;

namespace {

constexpr std::int64_t kT0 = 5'000'000'000'000; // a plausible CLOCK_MONOTONIC value
constexpr std::int64_t kMaxDelta = 4'294'967'295; // the longest gap one chunk can hold
constexpr std::size_t kChunk = EventLane::kChunkEvents;

Event event(std::uint32_t worker, std::int64_t t, EventKind kind, std::int64_t arg = 0,
    std::uint8_t state = 0, std::uint16_t aux = 0)
{
    Event e;
    e.tNs = t;
    e.arg = arg;
    e.worker = worker;
    e.kind = kind;
    e.state = state;
    e.aux = aux;
    return e;
}

// A lane's events in time order, cycling through every kind and state, with
// negative and extreme arguments and auxes, and gaps from 0 ns to minutes
// (or, without longGaps, up to 1 ms: full chunks).
std::vector<Event> variedLane(
    std::uint32_t worker, std::size_t count, std::mt19937_64& rng, bool longGaps = true)
{
    const std::vector<std::int64_t> args {0, -1, 1, INT64_MIN, INT64_MAX, -123'456'789'012, 42};
    const std::vector<std::int64_t> gaps = longGaps
        ? std::vector<std::int64_t> {0, 1, 999, 1'000'000, kMaxDelta, kMaxDelta + 1, 5'000'000'001,
            300'000'000'000}
        : std::vector<std::int64_t> {0, 1, 999, 1'000, 250'000, 1'000'000};
    std::vector<Event> out;
    std::int64_t t = kT0;
    for (std::size_t i = 0; i < count; ++i) {
        const auto kind = static_cast<EventKind>(i % (static_cast<int>(EventKind::LoopLag) + 1));
        const auto state = static_cast<std::uint8_t>(i % kWorkerStateCount);
        out.push_back(event(worker, t, kind, args[i % args.size()] ^ static_cast<std::int64_t>(rng() & 0xff),
            state, static_cast<std::uint16_t>(i % 3 == 0 ? 0xffff : rng() & 0xffff)));
        t += gaps[rng() % gaps.size()];
    }
    return out;
}

std::vector<Event> sortedByTime(std::vector<Event> events)
{
    std::stable_sort(
        events.begin(), events.end(), [](const Event& a, const Event& b) { return a.tNs < b.tNs; });
    return events;
}

// What laneEvents(worker, t0, t1, max) must return, from a plain sorted vector.
std::vector<Event> reference(
    const std::vector<Event>& lane, std::int64_t t0, std::int64_t t1, std::size_t max)
{
    std::vector<Event> out;
    for (const Event& e : lane) {
        if (e.tNs >= t0 && e.tNs < t1 && out.size() < max)
            out.push_back(e);
    }
    return out;
}

// The segment query over a plain sorted vector (the store's former algorithm).
std::vector<StateSegment> referenceSegments(
    const std::vector<Event>& lane, std::int64_t t0, std::int64_t t1, std::int64_t nowNs)
{
    std::vector<StateSegment> out;
    auto it = std::lower_bound(
        lane.begin(), lane.end(), t0, [](const Event& e, std::int64_t t) { return e.tNs < t; });
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
        const auto next
            = std::find_if(it, lane.end(), [](const Event& e) { return e.kind == EventKind::State; });
        open->endNs = next != lane.end() ? next->tNs : std::max(open->beginNs, nowNs);
        if (open->endNs > t0 || open->beginNs >= t0)
            out.push_back(*open);
    }
    return out;
}

// Random ranges (and some at the exact times of events) must agree with the reference.
void expectQueriesAgree(
    const EventStore& store, std::uint32_t worker, const std::vector<Event>& lane, std::mt19937_64& rng)
{
    ASSERT_FALSE(lane.empty());
    const std::int64_t first = lane.front().tNs;
    const std::int64_t last = lane.back().tNs;
    const std::int64_t span = last - first + 2;
    for (int q = 0; q < 300; ++q) {
        std::int64_t t0 = 0;
        std::int64_t t1 = 0;
        if (q % 3 == 0) {
            t0 = lane[rng() % lane.size()].tNs;
            t1 = lane[rng() % lane.size()].tNs;
        } else {
            t0 = first - 1 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(span));
            t1 = first - 1 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(span));
        }
        if (t1 < t0)
            std::swap(t0, t1);
        const std::size_t max = q % 4 == 0 ? rng() % 50 : SIZE_MAX;
        ASSERT_EQ(store.laneEvents(worker, t0, t1, max), reference(lane, t0, t1, max))
            << "[" << t0 << ", " << t1 << ")";
        const std::int64_t now = last + static_cast<std::int64_t>(rng() % 1000);
        ASSERT_EQ(store.segments(worker, t0, t1, now), referenceSegments(lane, t0, t1, now))
            << "[" << t0 << ", " << t1 << ")";
    }
}

} // namespace

TEST(EventStore, RoundTripKeepsEveryFieldAcrossChunksAndLongGaps)
{
    std::mt19937_64 rng(1);
    EventStore store;
    // Sizes around the chunk size, so lanes end just before, on and after a boundary.
    const std::vector<std::size_t> sizes {
        1, kChunk - 1, kChunk, kChunk + 1, 3 * kChunk, 3 * kChunk + 1, 5000};
    std::vector<std::vector<Event>> lanes;
    for (std::uint32_t w = 0; w < sizes.size(); ++w)
        lanes.push_back(variedLane(w, sizes[w], rng));
    // Appended in batches that interleave the lanes, as the collector does.
    std::vector<std::size_t> at(lanes.size(), 0);
    for (bool more = true; more;) {
        more = false;
        std::vector<Event> batch;
        for (std::size_t w = 0; w < lanes.size(); ++w) {
            const std::size_t n = std::min<std::size_t>(rng() % 300, lanes[w].size() - at[w]);
            batch.insert(batch.end(), lanes[w].begin() + static_cast<std::ptrdiff_t>(at[w]),
                lanes[w].begin() + static_cast<std::ptrdiff_t>(at[w] + n));
            at[w] += n;
            more = more || at[w] < lanes[w].size();
        }
        store.append(batch);
    }
    std::uint64_t total = 0;
    for (std::uint32_t w = 0; w < lanes.size(); ++w) {
        SCOPED_TRACE(w);
        EXPECT_EQ(store.laneEvents(w), lanes[w]);
        expectQueriesAgree(store, w, lanes[w], rng);
        total += lanes[w].size();
    }
    EXPECT_EQ(store.eventCount(), total);
    const auto span = store.timeSpan();
    ASSERT_TRUE(span);
    EXPECT_EQ(span->first, kT0);
    std::int64_t last = 0;
    for (const auto& lane : lanes)
        last = std::max(last, lane.back().tNs);
    EXPECT_EQ(span->second, last);
}

TEST(EventStore, GapsAtTheLimitOfOneChunkStillRoundTrip)
{
    EventStore store;
    std::vector<Event> lane;
    std::int64_t t = -kMaxDelta; // negative times too: the store only needs order
    // Offsets from a chunk's base of exactly kMaxDelta (fits) and kMaxDelta + 1 (does not).
    for (std::int64_t gap : {kMaxDelta + 1, std::int64_t {0}, kMaxDelta, std::int64_t {1}, kMaxDelta - 1,
             std::int64_t {1}, std::int64_t {10'000'000'000}}) {
        lane.push_back(event(0, t, EventKind::Marker, t));
        t += gap;
    }
    lane.push_back(event(0, t, EventKind::Exit, -7));
    store.append(lane);
    EXPECT_EQ(store.laneEvents(0), lane);
    for (const Event& e : lane) {
        const auto one = store.laneEvents(0, e.tNs, e.tNs + 1);
        ASSERT_FALSE(one.empty());
        EXPECT_EQ(one.front(), e);
    }
}

TEST(EventStore, TimesAtTheEndsOfTheRangeRoundTrip)
{
    // A damaged session file can hold any time; far-apart ones must not overflow.
    EventStore store;
    std::vector<Event> arrival {event(0, 0, EventKind::Marker, 1), event(0, INT64_MAX, EventKind::Marker, 2),
        event(0, INT64_MIN, EventKind::Marker, 3), event(0, INT64_MIN + 1, EventKind::Marker, 4),
        event(0, INT64_MAX - 1, EventKind::Marker, 5), event(0, -1, EventKind::Marker, 6)};
    store.append(arrival);
    const std::vector<Event> expected = sortedByTime(arrival);
    EXPECT_EQ(store.laneEvents(0), expected);
    EXPECT_EQ(
        store.laneEvents(0, INT64_MIN, INT64_MAX), std::vector<Event>(expected.begin(), expected.end() - 1));
    EXPECT_EQ(store.laneEvents(0, -1, 1).size(), 2u);
    EXPECT_EQ(store.segments(0, INT64_MIN, INT64_MAX, INT64_MAX).size(), 0u); // markers only: no state
    EXPECT_EQ(store.timeSpan()->first, INT64_MIN);
    EXPECT_EQ(store.timeSpan()->second, INT64_MAX);
}

TEST(EventStore, LateEventsAreInsertedInTimeOrder)
{
    std::mt19937_64 rng(7);
    for (int trial = 0; trial < 40; ++trial) {
        SCOPED_TRACE(trial);
        EventStore store;
        // Mostly in order, with displaced events: a little late, far late
        // (into full chunks), before the first event, and across long gaps.
        std::vector<Event> arrival = variedLane(0, 300 + rng() % 2000, rng, trial % 2 == 0);
        const std::size_t displaced = 1 + rng() % 60;
        for (std::size_t k = 0; k < displaced; ++k) {
            const std::size_t from = rng() % arrival.size();
            const std::size_t to
                = std::min(arrival.size() - 1, from + (k % 2 == 0 ? rng() % 5 : rng() % arrival.size()));
            std::swap(arrival[from], arrival[to]);
        }
        if (trial % 4 == 0 || trial % 4 == 3)
            arrival.push_back(
                event(0, kT0 - 1 - static_cast<std::int64_t>(rng() % (3 * kMaxDelta)), EventKind::State));
        if (trial % 4 == 1 || trial % 4 == 2) // many events at one time, split over several appends
            for (int k = 0; k < 600; ++k)
                arrival.insert(arrival.begin() + static_cast<std::ptrdiff_t>(rng() % arrival.size()),
                    event(0, kT0 + 1'000, EventKind::Frame, k));
        for (std::size_t i = 0; i < arrival.size(); i += 97)
            store.append({arrival.begin() + static_cast<std::ptrdiff_t>(i),
                arrival.begin() + static_cast<std::ptrdiff_t>(std::min(i + 97, arrival.size()))});
        const std::vector<Event> expected = sortedByTime(arrival);
        ASSERT_EQ(store.laneEvents(0), expected);
        expectQueriesAgree(store, 0, expected, rng);
        EXPECT_EQ(store.timeSpan()->first, expected.front().tNs);
        EXPECT_EQ(store.timeSpan()->second, expected.back().tNs);
    }
}

TEST(EventStore, ReversedLaneIsStoredInTimeOrder)
{
    // The worst order: every event earlier than all before it.
    EventStore store;
    std::vector<Event> arrival;
    for (std::int64_t i = 0; i < 2000; ++i)
        arrival.push_back(event(3, kT0 + (2000 - i) * 3'000'000, EventKind::Frame, i));
    store.append(arrival);
    EXPECT_EQ(store.laneEvents(3), sortedByTime(arrival));
}

TEST(EventStore, MemoryPerEventStaysNearFifteenBytes)
{
    constexpr std::uint32_t kLanes = 64;
    constexpr std::size_t kEvents = 1'000'000;
    EventStore store;
    std::mt19937_64 rng(3);
    std::vector<std::int64_t> next(kLanes, kT0);
    std::vector<Event> batch;
    for (std::size_t i = 0; i < kEvents; ++i) {
        const auto w = static_cast<std::uint32_t>(rng() % kLanes);
        next[w] += 1 + static_cast<std::int64_t>(rng() % 2'000'000);
        batch.push_back(event(w, next[w], EventKind::State, 0, 1));
        if (batch.size() == 4096 || i + 1 == kEvents) {
            store.append(batch);
            batch.clear();
        }
    }
    ASSERT_EQ(store.eventCount(), kEvents);
    const double perEvent = static_cast<double>(store.memoryBytes()) / kEvents;
    EXPECT_LE(perEvent, 15.5);
    EXPECT_GE(perEvent, 15.0); // every event really is counted
}

TEST(EventStore, SmallLanesCostLittleAndLongGapsWasteNoRoom)
{
    // 2000 coroutines of 3 events each (the many-tasks scenario): a lane must
    // not cost a whole chunk, or the store would blur the memory lesson.
    EventStore many;
    std::vector<Event> batch;
    for (std::uint32_t w = 0; w < 2000; ++w) {
        for (std::int64_t i = 0; i < 3; ++i)
            batch.push_back(event(w, kT0 + i * 1'000'000, EventKind::State, 0, 1));
    }
    many.append(batch);
    EXPECT_LE(static_cast<double>(many.memoryBytes()) / 2000, 256.0);

    // Bursts of 10 events 10 s apart: each burst has a chunk of its own,
    // trimmed to its events once the next one starts.
    EventStore gaps;
    std::vector<Event> bursts;
    for (std::int64_t b = 0; b < 50; ++b) {
        for (std::int64_t i = 0; i < 10; ++i)
            bursts.push_back(event(0, kT0 + b * 10'000'000'000 + i * 1000, EventKind::Frame, i));
    }
    gaps.append(bursts);
    EXPECT_EQ(gaps.laneEvents(0), bursts);
    const double perEvent = static_cast<double>(gaps.memoryBytes()) / 500;
    EXPECT_GE(perEvent, 15.0);
    EXPECT_LE(perEvent, 21.0); // 15 + the chunk index; untrimmed chunks would make it ~30

    // A dense lane: full chunks hold exactly their events.
    EventStore dense;
    std::vector<Event> lane;
    for (std::int64_t i = 0; i < static_cast<std::int64_t>(40 * kChunk); ++i)
        lane.push_back(event(0, kT0 + i * 1000, EventKind::Frame, i));
    dense.append(lane);
    const double densePerEvent = static_cast<double>(dense.memoryBytes()) / static_cast<double>(lane.size());
    EXPECT_GE(densePerEvent, 15.0);
    EXPECT_LE(densePerEvent, 15.25);
}

TEST(EventStore, AWorkerAnnouncedLateKeepsTheLanesOfHigherIds)
{
    // A thread writes before the collector has seen its WorkerInfo; a process
    // with a lower id is announced later. Its lane must not cut the others.
    EventStore store;
    const std::vector<Event> spinner {event(2, kT0, EventKind::Spawn, 5),
        event(2, kT0, EventKind::State, 0, 0), event(2, kT0 + 10, EventKind::Frame, 0)};
    store.append(spinner);
    WorkerInfo early;
    early.id = 0;
    store.addWorkers({early});
    WorkerInfo spinnerInfo;
    spinnerInfo.id = 2;
    store.addWorkers({spinnerInfo});
    EXPECT_EQ(store.laneEvents(2), spinner);
    EXPECT_EQ(store.eventCount(), spinner.size());
}

TEST(EventStore, EveryKindAndStateSurvivesTheSharedByteAndUnknownOnesAreNotStored)
{
    // Kind and state share a byte in the lane: each known pair must come out
    // as it went in, with the largest aux and the extreme args beside it.
    EventStore store;
    std::vector<Event> known;
    std::int64_t t = kT0;
    for (int k = 0; k < kEventKindCount; ++k) {
        for (int s = 0; s < kWorkerStateCount; ++s) {
            Event e = event(7, t += 1000, static_cast<EventKind>(k), (k + s) % 2 == 0 ? INT64_MIN : INT64_MAX,
                static_cast<std::uint8_t>(s));
            e.aux = static_cast<std::uint16_t>(0xffff - s);
            known.push_back(e);
        }
    }
    store.append(known);
    EXPECT_EQ(store.laneEvents(7), known);

    Event badKind = event(7, t + 1000, EventKind::Frame, 1);
    badKind.kind = static_cast<EventKind>(kEventKindCount);
    Event badState = event(7, t + 2000, EventKind::State, 0, static_cast<std::uint8_t>(kWorkerStateCount));
    store.append({badKind, badState});
    EXPECT_EQ(store.eventCount(), known.size());
    EXPECT_EQ(store.laneEvents(7), known);
}

TEST(EventStore, ReadersSeeAConsistentLaneWhileTheCollectorWrites)
{
    EventStore store;
    std::atomic<bool> done {false};
    std::thread writer([&] {
        std::int64_t t = kT0;
        for (int b = 0; b < 400; ++b) {
            std::vector<Event> batch;
            for (int i = 0; i < 500; ++i)
                batch.push_back(event(static_cast<std::uint32_t>(i % 4), t += 1000, EventKind::Frame, i));
            store.append(batch);
        }
        done = true;
    });
    std::uint64_t lastCount = 0;
    int reads = 0;
    while (!done || reads == 0) {
        const std::uint64_t count = store.eventCount();
        EXPECT_GE(count, lastCount);
        lastCount = count;
        const auto lane = store.laneEvents(1, kT0, kT0 + 1'000'000'000'000);
        EXPECT_TRUE(std::is_sorted(
            lane.begin(), lane.end(), [](const Event& a, const Event& b) { return a.tNs < b.tNs; }));
        for (const Event& e : lane)
            ASSERT_EQ(e.worker, 1u);
        (void)store.memoryBytes();
        (void)store.timeSpan();
        ++reads;
    }
    writer.join();
    EXPECT_EQ(store.eventCount(), 400u * 500u);
    EXPECT_EQ(store.laneEvents(2).size(), 400u * 500u / 4);
}

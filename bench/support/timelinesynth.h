#pragma once
// A made-up run for the UI benchmarks, as the collector would deliver it: 16 ms
// of simulated time per batch for `lanes` workers that change state every
// 50-200 us (about half the changes back to running, as in a busy program),
// run tasks of 5-30 state changes and are sampled for CPU at 20 Hz; the
// clock starts at 10 s. The same seed gives the same run.

#include "model/event.h"
#include "session/timelinemodel.h"
#include "stream/eventbatch.h"

#include <cstdint>
#include <memory>
#include <random>
#include <vector>

namespace spindle {

class TimelineSynth {
public:
    static constexpr std::int64_t kStartNs = 10'000'000'000;
    static constexpr std::int64_t kBatchNs = 16'000'000;
    static constexpr std::int64_t kSampleNs = 50'000'000;

    TimelineSynth(int lanes, std::uint64_t seed);

    std::int64_t nowNs() const { return m_batchEnd; }
    std::uint64_t events() const { return m_events; }
    // The next batch; the first one also announces every worker.
    EventBatchPtr next();
    // A model fed from this generator until it has written `events` events.
    std::shared_ptr<TimelineModel> modelWith(std::uint64_t events);

private:
    struct LaneGen {
        std::int64_t nextNs = 0;
        std::int64_t sinceNs = kStartNs;
        std::int64_t cpuNs = 0;
        WorkerState state = WorkerState::Starting;
        int untilTask = 1;
        bool inTask = false;
    };

    std::int64_t gap();
    WorkerState pickState(WorkerState current);
    void push(EventBatch& b, const Event& e);

    std::mt19937_64 m_rng;
    std::vector<LaneGen> m_lanes;
    std::int64_t m_batchEnd = kStartNs;
    std::int64_t m_nextSampleNs = kStartNs + kSampleNs;
    std::uint64_t m_sequence = 0;
    std::uint64_t m_events = 0;
};

} // namespace spindle

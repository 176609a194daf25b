#pragma once
// Plays a recorded run back. The recording is cut into batches as the
// collector would have sent them (one per 16 ms of recorded time, each
// worker's side-table entry in the batch of its first event), and a
// TimelineModel shows the run up to a cursor time: the charts then draw a
// replay exactly as they drew the live run, "now" line and frozen spinners
// included.
//
// Building a Replay folds in the whole recording once (do it off the UI
// thread) and keeps a copy of the model every so many events. A seek forward
// folds in only the batches it passes; a seek back restarts from the nearest
// copy, so no seek costs more than a copy and 1/checkpoints of the recording.

#include "model/runresult.h"
#include "session/timelinemodel.h"
#include "stream/eventbatch.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace spindle {

class Replay {
public:
    static constexpr std::int64_t kBatchNs = 16'000'000;

    // The run's recording as batches of batchNs recorded time, in time order;
    // only the last one has `last` set. Empty when the run has no recording.
    static std::vector<EventBatch> toBatches(const RunResult& run, std::int64_t batchNs = kBatchNs);
    // Time zero of a replay: the run's start, or its first event if earlier.
    static std::int64_t originOf(const RunResult& run);

    explicit Replay(const RunResult& run, std::size_t checkpoints = 16);

    std::int64_t originNs() const { return m_originNs; }
    // From time zero to the last recorded moment (the run's end at the latest).
    std::int64_t durationNs() const { return m_durationNs; }
    // The model the charts draw; the same object for the Replay's whole life.
    std::shared_ptr<const TimelineModel> model() const { return m_model; }

    // Shows the recording up to cursorNs (ns since time zero, clamped to the duration).
    void seek(std::int64_t cursorNs);
    std::int64_t cursorNs() const { return m_cursorNs; }
    bool atEnd() const { return m_cursorNs >= m_durationNs; }

    std::size_t batchCount() const { return m_batches.size(); }
    std::size_t checkpointCount() const { return m_checkpoints.size(); }
    // Events folded in by the latest seek (tests: a seek never replays the whole run).
    std::uint64_t lastSeekEvents() const { return m_lastSeekEvents; }

private:
    struct Checkpoint {
        std::size_t nextBatch = 0; // batches [0, nextBatch) are in `model`
        TimelineModel model;
    };

    void ingestUpTo(std::size_t batches);

    std::vector<EventBatch> m_batches;
    std::vector<Checkpoint> m_checkpoints;
    std::shared_ptr<TimelineModel> m_model;
    std::uint64_t m_runId = 0;
    std::int64_t m_originNs = 0;
    std::int64_t m_durationNs = 0;
    std::int64_t m_cursorNs = 0;
    std::size_t m_nextBatch = 0;
    std::uint64_t m_lastSeekEvents = 0;
};

} // namespace spindle

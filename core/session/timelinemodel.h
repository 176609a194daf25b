#pragma once
// The window's picture of one run, built as batches arrive: every event is
// touched once, on arrival, and folded into per-lane state segments, task
// spans, spinner frames and CPU series. Drawing then asks for one lane and one
// time range at one pixel width and gets at most a couple of items per pixel,
// so a frame costs what is visible, never what was recorded (DESIGN.md).
//
// Memory is bounded by Budget: a lane over its segment budget has its oldest
// half coarsened (neighbours merged pairwise into "mixed" segments carrying
// the dominant state); old task spans are thinned, old frame times dropped,
// old CPU points merged pairwise. The recent past always keeps full detail.
//
// Each lane also keeps an overview: its segments merged into runs of about a
// grain, the grain doubling to keep the overview within a sixteenth of the
// segment budget. A zoomed-out query (pixels of a grain or more, where the
// overview holds a third as many pieces as the stored segments or fewer)
// reads the overview, a few thousand entries, instead of every stored
// segment, so such a frame costs the same after ten minutes as after ten
// seconds.

#include "model/event.h"
#include "model/workerinfo.h"
#include "session/cpuseries.h"
#include "session/laneoverview.h"
#include "session/runcpubins.h"
#include "stream/eventbatch.h"
#include "workloads/workloadkind.h"

#include <array>
#include <cstdint>
#include <deque>
#include <limits>
#include <map>
#include <optional>
#include <unordered_map>
#include <vector>

namespace spindle {

// One drawable piece of a lane: a state segment, or several segments shorter
// than a pixel merged into one that shows the state covering most of it.
struct TimelineItem {
    std::int64_t beginNs = 0;
    std::int64_t endNs = 0;
    WorkerState state = WorkerState::Idle;
    bool mixed = false; // merged from several segments; `state` is the dominant one
};

// One task as its worker ran it.
struct TimelineTask {
    std::int64_t beginNs = 0;
    std::int64_t endNs = -1; // -1 while it runs
    std::int64_t arg = 0;
    std::int64_t result = 0;
    WorkloadKind kind = WorkloadKind::IsPrime;
    bool cancelled = false;

    bool running() const { return endNs < 0; }
};

// A point marker: a task began (value = argument) or ended (value = result).
struct TimelineMarker {
    std::int64_t tNs = 0;
    bool begin = true;
    std::int64_t value = 0;
    WorkloadKind kind = WorkloadKind::IsPrime;
};

class TimelineModel {
public:
    // Documented bounds. With the defaults one lane holds at most about
    // 64 Ki segments × 32 B = 2 MiB (+ 4 Ki overview entries × 32 B = 128 KiB),
    // 16 Ki tasks × 40 B = 640 KiB,
    // 8 Ki frames × 8 B = 64 KiB and 8 Ki CPU points × 32 B = 256 KiB, plus
    // one series per core; a coroutine lane of a few tasks costs a few hundred bytes.
    struct Budget {
        std::size_t segmentsPerLane = 65'536;
        std::size_t tasksPerLane = 16'384;
        std::size_t framesPerLane = 8'192;
        std::size_t pointsPerSeries = 8'192; // at 20 Hz: ~7 min at full detail
    };
    // Samples of one thread closer than this are folded into the next one, so
    // that a CPU % is never the quotient of two clock jitters.
    static constexpr std::int64_t kMinCpuIntervalNs = 10'000'000;
    // The whole run's CPU is binned: what a thread used between two of its
    // samples is spread evenly over the bins that interval covers, so threads
    // sampled at slightly different moments still add up. A bin is final once
    // the samples have moved kRunBinLagNs past it, or the run has ended.
    static constexpr std::int64_t kRunBinNs = 50'000'000;
    static constexpr std::int64_t kRunBinLagNs = 100'000'000;

    TimelineModel();
    explicit TimelineModel(const Budget& budget);

    const Budget& budget() const { return m_budget; }
    void clear();
    // Folds in one batch; costs O(batch), whatever was recorded before.
    void ingest(const EventBatch& batch);

    std::uint64_t runId() const { return m_runId; }
    // Time zero of the axis: set by the caller at run start, else the first event.
    void setOriginNs(std::int64_t originNs) { m_originNs = originNs; }
    std::int64_t originNs() const { return m_originNs.value_or(m_firstNs.value_or(0)); }
    // The latest time the data speaks for (a batch's close or a later event).
    std::int64_t nowNs() const { return m_nowNs; }
    // The run's final batch has been ingested.
    bool finished() const { return m_finished; }
    std::uint64_t eventCount() const { return m_eventCount; }

    // Lanes in display order: grouped by process (groups in order of their
    // lowest worker id), by worker id within a group.
    int laneCount() const { return static_cast<int>(m_order.size()); }
    const WorkerInfo& laneInfo(int lane) const;
    int laneOf(std::uint32_t worker) const;
    // True when the lane starts a new process group (the first lane does).
    bool startsGroup(int lane) const;
    int groupCount() const;
    // Changes whenever lanes are added, renamed or reordered.
    std::uint64_t layoutVersion() const { return m_layoutVersion; }
    std::optional<std::int64_t> laneStartNs(int lane) const;
    // When the lane exited or crashed.
    std::optional<std::int64_t> laneEndNs(int lane) const;

    // Segments of a lane overlapping [t0, t1) for drawing at pixelWidthNs per
    // pixel; the open segment extends to nowNs(). Runs of segments shorter than
    // a pixel come back as one mixed item per pixel column, so there are at
    // most 2 items per pixel (2 × (t1 - t0) / pixelWidthNs + 2 in all).
    // Segments of a pixel or longer come back whole. Zoomed out (see the top
    // of this file) the runs come from the overview, which keeps the shares
    // of each run's four main states: the dominant state of a pixel can then
    // differ where states are near even or a run straddles a pixel boundary.
    std::vector<TimelineItem> segments(
        int lane, std::int64_t t0, std::int64_t t1, std::int64_t pixelWidthNs) const;
    // The stored segment at t (full detail unless coarsened), for tooltips.
    std::optional<TimelineItem> segmentAt(int lane, std::int64_t t) const;
    std::size_t storedSegments(int lane) const;
    std::size_t storedOverview(int lane) const;

    // Task markers in [t0, t1], evenly thinned to at most maxMarkers.
    std::vector<TimelineMarker> markers(
        int lane, std::int64_t t0, std::int64_t t1, std::size_t maxMarkers = 1000) const;
    std::optional<TimelineTask> taskAt(int lane, std::int64_t t) const;
    std::size_t storedTasks(int lane) const;
    // Tasks that ended without being cancelled, over every lane.
    std::uint64_t tasksDone() const { return m_tasksDone; }

    // Spinner frames of a lane.
    std::uint64_t frameCount(int lane) const;
    std::optional<std::int64_t> lastFrameNs(int lane) const;
    // Longest time without a frame: from the lane's start to its first frame,
    // between frames, and from the last frame to now (or the lane's end).
    std::int64_t longestFrameGapNs(int lane) const;
    // Frame times in [t0, t1] (the most recent Budget::framesPerLane are kept).
    std::vector<std::int64_t> frames(
        int lane, std::int64_t t0, std::int64_t t1, std::size_t maxFrames = 2000) const;
    // Lanes that are spinners (WorkerRole::Spinner), in display order.
    std::vector<int> spinnerLanes() const;

    // CPU series, decimated to at most maxPoints buckets with min / max.
    // Per worker: from consecutive cumulative samples of its thread.
    std::vector<CpuPoint> workerCpu(
        int lane, std::int64_t t0, std::int64_t t1, std::size_t maxPoints = 300) const;
    // The whole run: the rate of the sum of every worker's cumulative CPU time.
    std::vector<CpuPoint> runCpu(std::int64_t t0, std::int64_t t1, std::size_t maxPoints = 300) const;
    // Per core (0 …) from /proc/stat; core -1 is the whole machine (100 × cores at most).
    std::vector<CpuPoint> coreCpu(
        int core, std::int64_t t0, std::int64_t t1, std::size_t maxPoints = 300) const;
    // Cores seen in the samples (the whole-machine series not counted).
    int coreCount() const;
    // Lanes that have a CPU series, in display order.
    std::vector<int> cpuLanes() const;
    std::size_t storedCpuPoints(int lane) const;

private:
    using Segment = LaneSegment;
    // A query reads the overview instead of the stored segments where these
    // are over kOverviewMinDensity a pixel and the overview holds fewer than
    // 1 / kOverviewCostRatio as many pieces for the same time.
    static constexpr std::uint64_t kOverviewMinDensity = 2;
    static constexpr std::uint64_t kOverviewCostRatio = 3;
    struct ThreadCpu {
        bool haveBase = false;
        std::int64_t baseNs = 0;
        std::int64_t baseCpuNs = 0;
        std::int64_t lastCpuNs = 0; // latest cumulative figure, for the run's sum
        CpuSeries series;
    };
    struct Lane {
        WorkerInfo info;
        std::optional<std::int64_t> startNs;
        std::optional<std::int64_t> endNs;
        std::int64_t lastNs = 0;
        std::vector<Segment> segments; // closed, contiguous, in time order
        LaneOverview overview;
        bool hasOpen = false;
        std::int64_t openSinceNs = 0;
        WorkerState openState = WorkerState::Idle;
        std::vector<TimelineTask> tasks; // in time order, never overlapping
        std::vector<std::int64_t> frames;
        std::uint64_t frameCount = 0;
        std::optional<std::int64_t> lastFrameNs;
        std::int64_t maxFrameGapNs = 0;
        int cpu = -1; // index into m_threadCpu
    };

    Lane& laneFor(std::uint32_t worker);
    const Lane* laneAt(int lane) const;
    void addWorker(const WorkerInfo& info);
    void apply(Lane& lane, const Event& e);
    void setState(Lane& lane, std::int64_t t, WorkerState state);
    void addThreadSample(const ThreadCpuSample& s);
    void coarsenSegments(Lane& lane) const;
    // Folds the closed segments but the newest (which a zero-length state may
    // still reopen) into the overview.
    static void updateOverview(Lane& lane);
    std::size_t overviewBudget() const;
    // Two neighbouring segments as one of half the detail, keeping the dominant state.
    static Segment merged(const Segment& a, const Segment& b);
    void relayout();

    Budget m_budget;
    std::uint64_t m_runId = 0;
    std::optional<std::int64_t> m_originNs;
    std::optional<std::int64_t> m_firstNs;
    std::int64_t m_nowNs = 0;
    bool m_finished = false;
    std::uint64_t m_eventCount = 0;
    std::uint64_t m_tasksDone = 0;

    std::vector<Lane> m_lanes; // in order of first appearance
    std::unordered_map<std::uint32_t, std::size_t> m_byWorker;
    std::vector<std::size_t> m_order; // display position -> index into m_lanes
    std::vector<int> m_position; // index into m_lanes -> display position
    std::vector<bool> m_groupStart; // per display position
    int m_groups = 0;
    std::uint64_t m_layoutVersion = 0;
    bool m_layoutDirty = false;

    std::vector<ThreadCpu> m_threadCpu;
    RunCpuBins m_runCpu {kRunBinNs, kMinCpuIntervalNs};
    std::map<int, CpuSeries> m_cores; // core -> series; -1 = whole machine
};

} // namespace spindle

// The lane overview behind zoomed-out timeline frames: bounded, contiguous,
// faithful to how long each state lasted, and giving the same picture as the
// raw segments in nearly every pixel column.

#include "session/laneoverview.h"
#include "session/timelinemodel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <random>

using namespace spindle;

namespace {

constexpr std::int64_t kUs = 1'000;
constexpr std::int64_t kMs = 1'000'000;
constexpr std::int64_t kT0 = 5'000 * kMs;

// Segments of 50-200 us in phases of 40 ms, each phase favouring one state
// (as a GIL-bound thread alternates running and waiting): the picture has
// structure a viewer would see, and noise within each phase.
class SegmentSource {
public:
    explicit SegmentSource(std::uint32_t seed) : m_rng(seed) { }

    LaneSegment next()
    {
        constexpr std::array<WorkerState, 3> kStates {
            WorkerState::Running, WorkerState::WaitingGil, WorkerState::Sleeping};
        const std::int64_t phase = (m_t - kT0) / (40 * kMs);
        const auto favoured = static_cast<std::size_t>(phase % 3);
        const auto roll = std::uniform_int_distribution<int>(0, 99)(m_rng);
        const WorkerState s = roll < 70 ? kStates[favoured] : kStates[static_cast<std::size_t>(roll % 3)];
        const std::int64_t d = std::uniform_int_distribution<std::int64_t>(50 * kUs, 200 * kUs)(m_rng);
        const LaneSegment seg {m_t, m_t + d, d, s, false};
        m_t += d;
        return seg;
    }

private:
    std::mt19937 m_rng;
    std::int64_t m_t = kT0;
};

// One lane of `count` segments from `seed`, ingested as state events.
std::vector<LaneSegment> ingestLane(TimelineModel& model, std::uint32_t seed, int count)
{
    SegmentSource source(seed);
    std::vector<LaneSegment> raw;
    EventBatch b;
    b.runId = 1;
    WorkerInfo w;
    w.id = 0;
    w.pid = 10;
    w.name = QStringLiteral("thread 0");
    b.newWorkers.push_back(w);
    for (int i = 0; i < count; ++i) {
        const LaneSegment s = source.next();
        raw.push_back(s);
        Event e;
        e.worker = 0;
        e.tNs = s.beginNs;
        e.kind = EventKind::State;
        e.state = static_cast<std::uint8_t>(s.state);
        b.events.push_back(e);
    }
    b.tNs = raw.back().endNs;
    model.ingest(b);
    return raw;
}

// The share of whole pixel columns of [t0, t0 + columns * px) whose item shows
// the state that lasted longest in that column of the raw segments.
double columnsAgreeing(const std::vector<LaneSegment>& raw, const std::vector<TimelineItem>& items,
    std::int64_t t0, int columns, std::int64_t px)
{
    std::vector<std::array<std::int64_t, kWorkerStateCount>> cover(static_cast<std::size_t>(columns));
    const std::int64_t t1 = t0 + columns * px;
    for (const LaneSegment& s : raw) {
        for (std::int64_t t = std::max(s.beginNs, t0); t < std::min(s.endNs, t1);) {
            const auto c = static_cast<std::size_t>((t - t0) / px);
            const std::int64_t stop = std::min(s.endNs, t0 + static_cast<std::int64_t>(c + 1) * px);
            cover[c][static_cast<std::size_t>(s.state)] += stop - t;
            t = stop;
        }
    }
    int agree = 0;
    for (std::size_t c = 0; c < cover.size(); ++c) {
        const std::int64_t mid = t0 + static_cast<std::int64_t>(c) * px + px / 2;
        const auto it = std::find_if(items.begin(), items.end(),
            [mid](const TimelineItem& i) { return i.beginNs <= mid && mid < i.endNs; });
        if (it == items.end()) {
            ADD_FAILURE() << "column " << c << " not covered";
            return 0.0;
        }
        const auto best
            = static_cast<WorkerState>(std::max_element(cover[c].begin(), cover[c].end()) - cover[c].begin());
        agree += it->state == best ? 1 : 0;
    }
    return static_cast<double>(agree) / static_cast<double>(columns);
}

} // namespace

TEST(LaneOverview, StaysWithinItsBudgetAndContiguous)
{
    LaneOverview overview(256);
    SegmentSource source(1);
    LaneSegment first = source.next();
    overview.fold(first);
    LaneSegment last = first;
    for (int i = 0; i < 400'000; ++i) {
        last = source.next();
        overview.fold(last);
    }
    const auto& entries = overview.entries();
    ASSERT_FALSE(entries.empty());
    EXPECT_LE(entries.size(), 256u);
    EXPECT_GT(overview.grainNs(), LaneOverview::kFirstGrainNs)
        << "400k segments must have coarsened the grain";
    EXPECT_EQ(entries.front().beginNs, first.beginNs);
    EXPECT_EQ(overview.foldedToNs(), last.endNs);
    EXPECT_LE(entries.back().endNs, last.endNs);
    for (std::size_t i = 1; i < entries.size(); ++i)
        ASSERT_EQ(entries[i - 1].endNs, entries[i].beginNs) << "entry " << i;
}

TEST(LaneOverview, SharesKeepHowLongEachStateLasted)
{
    LaneOverview overview(512);
    SegmentSource source(2);
    std::array<double, kWorkerStateCount> truth {};
    std::int64_t coveredTo = 0;
    for (int i = 0; i < 200'000; ++i) {
        const LaneSegment s = source.next();
        overview.fold(s);
        truth[static_cast<std::size_t>(s.state)] += static_cast<double>(s.dominantNs);
        coveredTo = s.endNs;
    }
    std::array<double, kWorkerStateCount> kept {};
    for (const OverviewEntry& e : overview.entries()) {
        int sum = 0;
        for (std::size_t i = 0; i < kOverviewStates; ++i) {
            kept[static_cast<std::size_t>(e.state[i])]
                += static_cast<double>(e.share[i]) / 255.0 * static_cast<double>(e.endNs - e.beginNs);
            sum += e.share[i];
        }
        // Three states in play, each share rounded once.
        EXPECT_EQ(sum, 255);
    }
    // The entries stop where the run still gathering begins: compare shares of
    // the time they cover.
    const double keptNs = static_cast<double>(overview.entries().back().endNs - kT0);
    const double allNs = static_cast<double>(coveredTo - kT0);
    for (const WorkerState s : {WorkerState::Running, WorkerState::WaitingGil, WorkerState::Sleeping}) {
        const auto i = static_cast<std::size_t>(s);
        EXPECT_NEAR(kept[i] / keptNs, truth[i] / allNs, 0.01) << "state " << i;
    }
}

TEST(LaneOverview, ZoomedOutFrameMatchesTheRawSegmentsColumnByColumn)
{
    // One lane of 300k state changes, whole run at 1200 pixels: hundreds of
    // segments a pixel, so the query reads the overview.
    TimelineModel model;
    const std::vector<LaneSegment> raw = ingestLane(model, 3, 300'000);
    ASSERT_GT(model.storedOverview(0), 0u);

    constexpr int kPixels = 1200;
    const std::int64_t end = raw.back().endNs;
    const std::int64_t px = (end - kT0) / kPixels + 1;
    const auto items = model.segments(0, kT0, end, px);
    EXPECT_LE(items.size(), 2u * kPixels + 2);
    // Where two states are near even in a column, an approximate share may pick
    // the other one. Measured: 96 % here, where the coarsened stored segments
    // alone give 93 % and an overview without splitting entries at pixel
    // boundaries gave 74 %.
    EXPECT_GE(columnsAgreeing(raw, items, kT0, (end - kT0) / px, px), 0.94);
}

TEST(LaneOverview, AFewSegmentsAPixelReadTheOverviewOnlyWhereItsGrainFits)
{
    // 20k state changes make about 6,800 segments (0.37 ms on average) over
    // 2.5 s. With an overview budget of 2 Ki entries the grain is 2.1 ms:
    // a view at 2.5 ms a pixel has about 7 segments a pixel but only 1-2
    // entries, so it reads the overview. With a budget of 512 the grain
    // (8.4 ms) is coarser than that pixel, so the same view reads the segments.
    TimelineModel::Budget budget;
    budget.segmentsPerLane = 16 * 2048;
    TimelineModel model(budget);
    const std::vector<LaneSegment> raw = ingestLane(model, 4, 20'000);
    TimelineModel::Budget coarse;
    coarse.segmentsPerLane = 16 * 512;
    TimelineModel segmentsOnly(coarse);
    ingestLane(segmentsOnly, 4, 20'000);
    ASSERT_EQ(model.storedSegments(0), segmentsOnly.storedSegments(0)) << "neither may coarsen";

    const auto same = [](const std::vector<TimelineItem>& a, const std::vector<TimelineItem>& b) {
        return std::equal(
            a.begin(), a.end(), b.begin(), b.end(), [](const TimelineItem& x, const TimelineItem& y) {
                return x.beginNs == y.beginNs && x.endNs == y.endNs && x.state == y.state
                    && x.mixed == y.mixed;
            });
    };
    constexpr int kPixels = 800;
    const std::int64_t t0 = kT0 + 50 * kMs; // on both pixel grids
    // Finer than the grain: the segments, exactly as without an overview.
    constexpr std::int64_t kFine = 1 * kMs;
    EXPECT_TRUE(same(model.segments(0, t0, t0 + kPixels * kFine, kFine),
        segmentsOnly.segments(0, t0, t0 + kPixels * kFine, kFine)));

    constexpr std::int64_t kPx = 2500 * kUs;
    const auto fromOverview = model.segments(0, t0, t0 + kPixels * kPx, kPx);
    const auto fromSegments = segmentsOnly.segments(0, t0, t0 + kPixels * kPx, kPx);
    EXPECT_FALSE(same(fromOverview, fromSegments)) << "the overview was not read";
    EXPECT_LE(fromOverview.size(), 2u * kPixels + 2);
    const double overviewAgrees = columnsAgreeing(raw, fromOverview, t0, kPixels, kPx);
    const double segmentsAgree = columnsAgreeing(raw, fromSegments, t0, kPixels, kPx);
    // Measured: 99.9 % against 99.4 % from the segments.
    EXPECT_GE(overviewAgrees, segmentsAgree - 0.05);
}

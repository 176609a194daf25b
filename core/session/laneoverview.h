#pragma once
// One timeline lane at a coarse grain: its closed segments merged into runs of
// about a grain, the grain doubling whenever the runs exceed their budget. A
// zoomed-out query reads these few thousand entries instead of every stored
// segment, so such a frame costs the same after ten minutes as after ten
// seconds (TimelineModel::segments).

#include "session/segmentrunmerger.h"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace spindle {

class LaneOverview {
public:
    // The first grain is about a pixel of a 100 ms view; finer views read the segments.
    static constexpr std::int64_t kFirstGrainNs = 65'536;

    explicit LaneOverview(std::size_t budget = 4096);

    // Folds one closed segment in; segments come in time order, each starting
    // where the one before ended.
    void fold(const LaneSegment& s);

    std::int64_t grainNs() const { return m_grainNs; }
    // End of the last segment folded in (min() before the first).
    std::int64_t foldedToNs() const { return m_foldedToNs; }
    // Contiguous, in time order; a run still gathering is not among them yet.
    const std::vector<OverviewEntry>& entries() const { return m_entries; }

private:
    void keep(std::int64_t begin, std::int64_t end, bool mixed, const StateCover& cover);

    std::size_t m_budget;
    std::int64_t m_grainNs = kFirstGrainNs;
    std::int64_t m_foldedToNs = std::numeric_limits<std::int64_t>::min();
    std::vector<OverviewEntry> m_entries;
    SegmentRunMerger m_run {kFirstGrainNs};
};

} // namespace spindle

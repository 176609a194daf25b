#include "session/laneoverview.h"

#include <algorithm>

namespace spindle {

LaneOverview::LaneOverview(std::size_t budget) : m_budget(std::max<std::size_t>(budget, 4))
{
}

void LaneOverview::keep(std::int64_t begin, std::int64_t end, bool mixed, const StateCover& cover)
{
    // The main states, longest first, in one pass; most states are absent.
    // The earliest state wins a tie, as in StateCover::dominant().
    OverviewEntry e {begin, end, {}, {}, mixed};
    std::array<double, kOverviewStates> top {};
    for (std::size_t s = 0; s < kWorkerStateCount; ++s) {
        const double v = cover.of(s);
        if (v <= top.back())
            continue;
        std::size_t i = kOverviewStates - 1;
        for (; i > 0 && v > top[i - 1]; --i) {
            top[i] = top[i - 1];
            e.state[i] = e.state[i - 1];
        }
        top[i] = v;
        e.state[i] = static_cast<WorkerState>(s);
    }
    // Shares of what the cover holds, not of end - begin: regrains merge
    // approximate shares again and again, and rounding must not pile up. The
    // largest share absorbs the rounding, so the four add up to the kept part.
    double total = 0;
    for (std::size_t s = 0; s < kWorkerStateCount; ++s)
        total += cover.of(s);
    if (total <= 0)
        total = static_cast<double>(end - begin);
    const double perNs = 255.0 / total;
    int sum = 0;
    double kept = 0;
    for (std::size_t i = 0; i < kOverviewStates; ++i) {
        e.share[i] = static_cast<std::uint8_t>(std::min(255.0, top[i] * perNs + 0.5));
        sum += e.share[i];
        kept += top[i];
    }
    const int target = static_cast<int>(std::min(255.0, kept * perNs + 0.5));
    e.share[0] = static_cast<std::uint8_t>(std::clamp(e.share[0] + target - sum, 0, 255));
    m_entries.push_back(e);
}

void LaneOverview::fold(const LaneSegment& s)
{
    const auto sink = [this](std::int64_t begin, std::int64_t end, bool mixed, const StateCover& cover) {
        keep(begin, end, mixed, cover);
    };
    m_run.add(s, sink);
    m_foldedToNs = s.endNs;
    // Over budget: twice the grain, and the entries merged again at it. Each
    // time roughly halves them, so this runs once per doubling of the data.
    constexpr std::int64_t kMaxGrainNs = std::int64_t {1} << 60;
    while (m_entries.size() > m_budget && m_grainNs < kMaxGrainNs) {
        m_run.flush(sink);
        m_grainNs *= 2;
        std::vector<OverviewEntry> old;
        old.swap(m_entries);
        m_entries.reserve(m_budget + 1);
        SegmentRunMerger run(m_grainNs);
        for (const OverviewEntry& e : old)
            run.add(e, sink);
        m_run = run;
    }
}

} // namespace spindle

#include "session/runcpubins.h"

#include "model/intmath.h"

#include <algorithm>

namespace spindle {

void RunCpuBins::spread(std::int64_t fromNs, std::int64_t toNs, std::int64_t cpuNs)
{
    if (toNs <= fromNs
        || static_cast<std::uint64_t>(toNs) - static_cast<std::uint64_t>(fromNs)
            > static_cast<std::uint64_t>(kMaxIntervalNs))
        return;
    const std::int64_t firstInInterval = floorDiv(fromNs, m_binNs);
    const std::int64_t first = std::max(firstInInterval, m_finalBin);
    const std::int64_t last = floorDiv(toNs - 1, m_binNs);
    if (last < first)
        return; // only bins already drawn as final: too late to change them
    const double rate = static_cast<double>(cpuNs) / static_cast<double>(toNs - fromNs);
    for (std::int64_t i = first; i <= last; ++i) {
        Bin& bin = m_bins[i];
        // The part of bin i inside the interval; bin edges are computed only
        // where they lie inside it, so even a time near the int64 limits
        // cannot overflow.
        const std::int64_t b0 = i == firstInInterval ? fromNs : i * m_binNs;
        const std::int64_t b1 = i == last ? toNs : (i + 1) * m_binNs;
        bin.cpuNs += rate * static_cast<double>(b1 - b0);
        if (bin.coverEndNs <= bin.coverBeginNs) {
            bin.coverBeginNs = b0;
            bin.coverEndNs = b1;
        } else {
            bin.coverBeginNs = std::min(bin.coverBeginNs, b0);
            bin.coverEndNs = std::max(bin.coverEndNs, b1);
        }
    }
}

void RunCpuBins::finalize(std::int64_t upToNs, std::size_t budget)
{
    while (!m_bins.empty()) {
        const auto [index, bin] = *m_bins.begin();
        // The bin ends at (index + 1) * binNs: compared as index < upTo / binNs, which cannot overflow.
        if (upToNs != std::numeric_limits<std::int64_t>::max() && index + 1 > floorDiv(upToNs, m_binNs))
            break;
        // A bin the samples only grazed (the run's first or last few ms) says nothing reliable.
        const std::int64_t covered = bin.coverEndNs - bin.coverBeginNs;
        if (covered >= m_minCoverNs) {
            const double pct = 100.0 * bin.cpuNs / static_cast<double>(covered);
            m_series.append(CpuPoint {bin.coverBeginNs + covered / 2, pct, pct, pct}, budget);
        }
        m_finalBin = index + 1;
        m_bins.erase(m_bins.begin());
    }
}

} // namespace spindle

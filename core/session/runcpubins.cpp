#include "session/runcpubins.h"

#include "model/intmath.h"

#include <algorithm>

namespace spindle {

void RunCpuBins::spread(std::int64_t fromNs, std::int64_t toNs, std::int64_t cpuNs)
{
    if (toNs <= fromNs)
        return;
    const std::int64_t first = std::max(floorDiv(fromNs, m_binNs), m_finalBin);
    const std::int64_t last = floorDiv(toNs - 1, m_binNs);
    if (last < first)
        return; // only bins already drawn as final: too late to change them
    if (m_bins.empty())
        m_bins.push_back(Bin {first, 0, 0, 0});
    while (m_bins.front().index > first)
        m_bins.push_front(Bin {m_bins.front().index - 1, 0, 0, 0});
    while (m_bins.back().index < last)
        m_bins.push_back(Bin {m_bins.back().index + 1, 0, 0, 0});
    const double rate = static_cast<double>(cpuNs) / static_cast<double>(toNs - fromNs);
    for (std::int64_t i = first; i <= last; ++i) {
        Bin& bin = m_bins[static_cast<std::size_t>(i - m_bins.front().index)];
        const std::int64_t b0 = std::max(fromNs, i * m_binNs);
        const std::int64_t b1 = std::min(toNs, (i + 1) * m_binNs);
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
        const Bin& bin = m_bins.front();
        if (upToNs != std::numeric_limits<std::int64_t>::max() && (bin.index + 1) * m_binNs > upToNs)
            break;
        // A bin the samples only grazed (the run's first or last few ms) says nothing reliable.
        const std::int64_t covered = bin.coverEndNs - bin.coverBeginNs;
        if (covered >= m_minCoverNs) {
            const double pct = 100.0 * bin.cpuNs / static_cast<double>(covered);
            m_series.append(CpuPoint {bin.coverBeginNs + covered / 2, pct, pct, pct}, budget);
        }
        m_finalBin = bin.index + 1;
        m_bins.pop_front();
    }
}

} // namespace spindle

#include "session/cpuline.h"

#include <cmath>

namespace spindle {

std::vector<CpuLinePoint> cpuMinMaxLine(const std::vector<CpuPoint>& buckets, double scale)
{
    std::vector<CpuLinePoint> out;
    out.reserve(2 * buckets.size());
    for (const CpuPoint& b : buckets) {
        const double lo = b.minPct * scale;
        const double hi = b.maxPct * scale;
        // Raw samples carry min = max = pct; merged ones may round a hair apart.
        if (!(hi - lo > 1e-9 * std::max(1.0, std::abs(hi)))) {
            out.push_back(CpuLinePoint {b.tNs, b.pct * scale});
            continue;
        }
        const bool lowFirst = out.empty() || std::abs(out.back().pct - lo) <= std::abs(out.back().pct - hi);
        out.push_back(CpuLinePoint {b.tNs, lowFirst ? lo : hi});
        out.push_back(CpuLinePoint {b.tNs, lowFirst ? hi : lo});
    }
    return out;
}

} // namespace spindle

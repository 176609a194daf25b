#pragma once
// A CPU % series kept within a point budget: when full, the older half is
// merged pairwise (halving its detail, keeping each pair's extremes), and a
// query returns at most maxPoints points, bucketed on a grid fixed in
// absolute time so that a scrolling view keeps its shape.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace spindle {

// One point of a CPU series; after decimation, the mean of a bucket with its extremes.
struct CpuPoint {
    std::int64_t tNs = 0;
    double pct = 0; // 100 = one core
    double minPct = 0;
    double maxPct = 0;
};

class CpuSeries {
public:
    void append(const CpuPoint& p, std::size_t budget);
    std::vector<CpuPoint> query(std::int64_t t0, std::int64_t t1, std::size_t maxPoints) const;
    std::size_t size() const { return points.size(); }
    bool empty() const { return points.empty(); }

    std::vector<CpuPoint> points; // in time order
};

} // namespace spindle

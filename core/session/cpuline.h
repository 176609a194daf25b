#pragma once
// A decimated CPU series (CpuSeries::query: one point per bucket, its mean
// with the extremes) as the polyline a chart draws: min and max per bucket,
// so a spike narrower than a pixel column still reaches its height, and a
// query of one bucket per pixel column gives at most two points a column.

#include "session/cpuseries.h"

#include <cstdint>
#include <vector>

namespace spindle {

struct CpuLinePoint {
    std::int64_t tNs = 0;
    double pct = 0;
};

// A bucket whose extremes differ becomes two points at its time, the extreme
// nearer the point before first (so the line does not cross the column
// twice); a bucket without spread, or a raw sample, stays one point at its
// value. pct, minPct and maxPct are multiplied by scale.
std::vector<CpuLinePoint> cpuMinMaxLine(const std::vector<CpuPoint>& buckets, double scale = 1.0);

} // namespace spindle

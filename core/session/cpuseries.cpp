#include "session/cpuseries.h"

#include "model/intmath.h"

#include <algorithm>
#include <limits>

namespace spindle {

namespace {

// Two neighbouring CPU points as one of half the detail.
CpuPoint mergePair(const CpuPoint& a, const CpuPoint& b)
{
    return CpuPoint {b.tNs, (a.pct + b.pct) / 2, std::min(a.minPct, b.minPct), std::max(a.maxPct, b.maxPct)};
}

} // namespace

void CpuSeries::append(const CpuPoint& p, std::size_t budget)
{
    if (points.size() >= budget) {
        const std::size_t half = (points.size() / 2) & ~std::size_t {1};
        std::size_t w = 0;
        for (std::size_t r = 0; r < half; r += 2)
            points[w++] = mergePair(points[r], points[r + 1]);
        for (std::size_t r = half; r < points.size(); ++r)
            points[w++] = points[r];
        points.resize(w);
    }
    points.push_back(p);
}

std::vector<CpuPoint> CpuSeries::query(std::int64_t t0, std::int64_t t1, std::size_t maxPoints) const
{
    std::vector<CpuPoint> out;
    if (points.empty() || t1 < t0)
        return out;
    const auto byTime = [](const CpuPoint& p, std::int64_t t) { return p.tNs < t; };
    auto first = std::lower_bound(points.begin(), points.end(), t0, byTime);
    auto last = std::upper_bound(
        first, points.end(), t1, [](std::int64_t t, const CpuPoint& p) { return t < p.tNs; });
    // One point either side, so a line reaches the edges of the range.
    if (first != points.begin())
        --first;
    if (last != points.end())
        ++last;
    const std::size_t n = static_cast<std::size_t>(last - first);
    maxPoints = std::max<std::size_t>(maxPoints, 1);
    if (n <= maxPoints) {
        out.assign(first, last);
        return out;
    }
    // Buckets on a grid fixed in absolute time: a scrolling view keeps its shape.
    // With the two edge points and a grid that need not start at t0, this
    // gives at most maxPoints buckets.
    const std::int64_t span = std::max<std::int64_t>(1, t1 - t0);
    const std::int64_t buckets = std::max<std::int64_t>(1, static_cast<std::int64_t>(maxPoints) - 3);
    const std::int64_t bucketNs = std::max<std::int64_t>(1, (span + buckets - 1) / buckets);
    std::int64_t bucket = std::numeric_limits<std::int64_t>::min();
    double sumT = 0;
    double sumPct = 0;
    int count = 0;
    CpuPoint acc;
    const auto flush = [&] {
        if (count == 0)
            return;
        acc.tNs = static_cast<std::int64_t>(sumT / count);
        acc.pct = sumPct / count;
        out.push_back(acc);
        count = 0;
    };
    for (auto it = first; it != last; ++it) {
        const std::int64_t b = floorDiv(it->tNs, bucketNs);
        if (b != bucket) {
            flush();
            bucket = b;
            sumT = 0;
            sumPct = 0;
            acc.minPct = it->minPct;
            acc.maxPct = it->maxPct;
        }
        sumT += static_cast<double>(it->tNs);
        sumPct += it->pct;
        acc.minPct = std::min(acc.minPct, it->minPct);
        acc.maxPct = std::max(acc.maxPct, it->maxPct);
        ++count;
    }
    flush();
    return out;
}

} // namespace spindle

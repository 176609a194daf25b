// The CPU chart's polylines: min and max of each bucket, at most two points a
// bucket, nothing a bucket reached left out, raw samples drawn as they are.

#include "session/cpuline.h"
#include "session/cpuseries.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace spindle;

namespace {
constexpr std::int64_t kMs = 1'000'000;
constexpr std::int64_t kT0 = 1'000 * kMs;
} // namespace

TEST(CpuMinMaxLine, RawSamplesPassThroughAsOnePointEach)
{
    const std::vector<CpuPoint> raw {{kT0, 40, 40, 40}, {kT0 + 50 * kMs, 60, 60, 60}};
    const auto line = cpuMinMaxLine(raw);
    ASSERT_EQ(line.size(), 2u);
    EXPECT_EQ(line[0].tNs, kT0);
    EXPECT_DOUBLE_EQ(line[0].pct, 40);
    EXPECT_EQ(line[1].tNs, kT0 + 50 * kMs);
    EXPECT_DOUBLE_EQ(line[1].pct, 60);
}

TEST(CpuMinMaxLine, ABucketWithSpreadGivesItsExtremesNearerFirst)
{
    const std::vector<CpuPoint> buckets {
        {kT0, 90, 90, 90}, {kT0 + 10 * kMs, 50, 10, 95}, {kT0 + 20 * kMs, 50, 5, 80}};
    const auto line = cpuMinMaxLine(buckets);
    ASSERT_EQ(line.size(), 5u);
    // From 90 the maximum (95) is nearer, so the line goes up before it goes down.
    EXPECT_DOUBLE_EQ(line[1].pct, 95);
    EXPECT_DOUBLE_EQ(line[2].pct, 10);
    // From 10 the minimum (5) is nearer.
    EXPECT_DOUBLE_EQ(line[3].pct, 5);
    EXPECT_DOUBLE_EQ(line[4].pct, 80);
    EXPECT_EQ(line[1].tNs, line[2].tNs);
}

TEST(CpuMinMaxLine, ScaleAppliesToEveryValue)
{
    const auto line = cpuMinMaxLine({{kT0, 100, 50, 200}}, 0.5);
    ASSERT_EQ(line.size(), 2u);
    EXPECT_DOUBLE_EQ(line[0].pct, 25);
    EXPECT_DOUBLE_EQ(line[1].pct, 100);
}

TEST(CpuMinMaxLine, ASpikeNarrowerThanABucketKeepsItsHeight)
{
    // A 20 Hz series for 100 s at 50 %, one sample at 100 %, queried as 300
    // buckets (one per pixel column of a 300 px chart).
    CpuSeries series;
    for (int i = 0; i < 2000; ++i) {
        const double pct = i == 1234 ? 100.0 : 50.0;
        series.append(CpuPoint {kT0 + i * 50 * kMs, pct, pct, pct}, 8192);
    }
    const auto buckets = series.query(kT0, kT0 + 100'000 * kMs, 300);
    const auto line = cpuMinMaxLine(buckets);
    EXPECT_LE(line.size(), 2 * buckets.size());
    EXPECT_LE(line.size(), 600u);
    double highest = 0;
    double lowest = 1e9;
    for (const CpuLinePoint& p : line) {
        highest = std::max(highest, p.pct);
        lowest = std::min(lowest, p.pct);
    }
    EXPECT_DOUBLE_EQ(highest, 100.0);
    EXPECT_DOUBLE_EQ(lowest, 50.0);
    // The bucket means would have hidden it.
    double highestMean = 0;
    for (const CpuPoint& b : buckets)
        highestMean = std::max(highestMean, b.pct);
    EXPECT_LT(highestMean, 90.0);
}

TEST(CpuMinMaxLine, KeepsTimeOrder)
{
    CpuSeries series;
    for (int i = 0; i < 5000; ++i) {
        const double pct = (i * 37) % 101;
        series.append(CpuPoint {kT0 + i * 20 * kMs, pct, pct, pct}, 8192);
    }
    const auto line = cpuMinMaxLine(series.query(kT0, kT0 + 100'000 * kMs, 200));
    ASSERT_FALSE(line.empty());
    for (std::size_t i = 1; i < line.size(); ++i)
        EXPECT_LE(line[i - 1].tNs, line[i].tNs) << i;
}

#pragma once
// The whole run's CPU % as a series: each thread's CPU between two of its
// samples is spread evenly over fixed time bins, and a bin becomes a point
// once no later sample can change it. Summing each thread's latest sample
// instead gives false dips and spikes, because threads are sampled at
// different moments. Only bins some interval covers are kept, so a quiet
// stretch of the run costs nothing.

#include "session/cpuseries.h"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>

namespace spindle {

class RunCpuBins {
public:
    // binNs: bin width; minCoverNs: a bin the samples covered less than this
    // (the run's first or last few ms) gives no point.
    RunCpuBins(std::int64_t binNs, std::int64_t minCoverNs) : m_binNs(binNs), m_minCoverNs(minCoverNs) { }

    // A thread unsampled for longer than this (the sampler visits each one
    // ~20 times a second) is a gap in the recording - a damaged file, a
    // stopped sampler - not CPU use to spread: a flat guess over it would
    // show what nobody measured, and cost a bin per 50 ms of it.
    static constexpr std::int64_t kMaxIntervalNs = 60'000'000'000;

    // cpuNs of CPU time used evenly over [fromNs, toNs).
    void spread(std::int64_t fromNs, std::int64_t toNs, std::int64_t cpuNs);
    // Turns every bin ending at or before upToNs into a point of the series.
    void finalize(std::int64_t upToNs, std::size_t budget);
    const CpuSeries& series() const { return m_series; }

private:
    struct Bin {
        double cpuNs;
        std::int64_t coverBeginNs; // the part of the bin some thread's interval covered
        std::int64_t coverEndNs;
    };

    std::int64_t m_binNs;
    std::int64_t m_minCoverNs;
    CpuSeries m_series;
    std::map<std::int64_t, Bin> m_bins; // not final yet, by index
    std::int64_t m_finalBin = std::numeric_limits<std::int64_t>::min(); // bins below are final
};

} // namespace spindle

#pragma once
// The sampler's output records: cumulative per-thread CPU figures and per-core
// busy shares, both stamped with CLOCK_MONOTONIC like every event.

#include <cstdint>

namespace spindle {

// Cumulative since the thread started, from /proc/<pid>/task/<tid>/schedstat:
// consecutive samples of one worker give its CPU % and its run-queue delay.
struct ThreadCpuSample {
    std::int64_t tNs; // CLOCK_MONOTONIC at the read
    std::uint32_t worker; // the id given to CpuSampler::addThread
    std::int64_t cpuNs; // time on a CPU
    std::int64_t runDelayNs; // time runnable but waiting on a run queue

    bool operator==(const ThreadCpuSample&) const = default;
};

// One /proc/stat interval; already a rate, unlike ThreadCpuSample.
struct CoreCpuSample {
    std::int64_t tNs; // CLOCK_MONOTONIC at the end of the interval
    std::int16_t core; // -1 = all cores
    float busyPct; // 100 = that core fully busy; for core -1, 100 * cores = whole machine

    bool operator==(const CoreCpuSample&) const = default;
};

} // namespace spindle

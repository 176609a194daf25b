#pragma once
// The single time base of Spindle: CLOCK_MONOTONIC is shared by every process
// on the machine, so lanes of different processes line up without conversion.

#include <cstdint>
#include <ctime>

namespace spindle {

inline std::int64_t monotonicNs()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// CPU time consumed by the calling thread, in ns (ground truth for the sampler).
inline std::int64_t threadCpuNs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

} // namespace spindle

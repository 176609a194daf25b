#pragma once
// What process_bench's fork witness (forkwitness.cpp, a library loaded into
// spindle-worker with LD_PRELOAD) shares with the benchmark: a page in a file
// named by SPINDLE_FORK_WITNESS, where each child the fork server makes
// stamps its first call of close(), which it makes right after Spindle's
// own stamp of its first instruction.

#include <atomic>
#include <cstdint>

namespace spindle {

struct ForkWitnessSlot {
    std::atomic<std::int32_t> pid; // set last: a slot with a pid is complete
    std::int64_t firstNs; // CLOCK_MONOTONIC
};

struct ForkWitnessPage {
    static constexpr std::uint32_t kSlots = 200;
    std::atomic<std::uint32_t> count;
    ForkWitnessSlot entry[kSlots]; // not "slots": a Qt keyword
};
static_assert(
    std::atomic<std::int32_t>::is_always_lock_free && std::atomic<std::uint32_t>::is_always_lock_free,
    "the page is shared between processes");

inline constexpr const char* kForkWitnessEnv = "SPINDLE_FORK_WITNESS";

} // namespace spindle

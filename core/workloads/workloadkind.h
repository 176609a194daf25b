#pragma once
// The workloads of SPEC.md "Vocabulary" and their command-line names.

#include <cstdint>
#include <optional>
#include <string_view>

namespace spindle {

enum class WorkloadKind : std::uint8_t {
    IsPrime,       // arg = n; result = 1 when n is prime
    SumRandom,     // arg = count; result = sum of `count` random ints in 1..100
    Sleep,         // arg = ms; releases the GIL; cooperative on a coroutine loop
    BlockingSleep, // arg = ms; blocks the coroutine loop it runs on
    Io,            // arg = bytes written to and read back from a real file
    Nap,           // arg = n; is_prime that yields to its loop every K iterations
};
constexpr int kWorkloadKindCount = static_cast<int>(WorkloadKind::Nap) + 1;

std::string_view toString(WorkloadKind kind);
std::optional<WorkloadKind> parseWorkloadKind(std::string_view name);

} // namespace spindle

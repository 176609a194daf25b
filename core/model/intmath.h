#pragma once
// Integer helpers for time arithmetic on both sides of zero.

#include <cstdint>

namespace spindle {

// Division rounding towards minus infinity: the bin or pixel a time falls in.
inline std::int64_t floorDiv(std::int64_t a, std::int64_t b)
{
    const std::int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

} // namespace spindle

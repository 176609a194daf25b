#pragma once
// Choosing the n for "is_prime(n) takes about S seconds on this machine": the
// spinner scenario's cpu and nap variants need work of a given length, as the
// book's is_prime(5_000_111_000_222_021) took ~3 s in CPython.

#include <cstdint>

namespace spindle {

// Deterministic Miller-Rabin for 64-bit n (to find primes quickly; the
// workload itself stays the book's trial division).
bool millerRabin(std::uint64_t n);
// Trial-division iterations per second on this machine (measured once, ~20 ms).
double primeIterationsPerSecond();
// The smallest prime whose is_prime takes about `seconds` here; seconds in (0, 10].
std::int64_t primeTakingSeconds(double seconds);

} // namespace spindle

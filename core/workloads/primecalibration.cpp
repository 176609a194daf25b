#include "workloads/primecalibration.h"

#include "model/clock.h"
#include "workloads/primestepper.h"

#include <algorithm>
#include <cmath>

namespace spindle {

namespace {

std::uint64_t mulmod(std::uint64_t a, std::uint64_t b, std::uint64_t m)
{
    __extension__ typedef unsigned __int128 Wide;
    return static_cast<std::uint64_t>(static_cast<Wide>(a) * b % m);
}

std::uint64_t powmod(std::uint64_t a, std::uint64_t e, std::uint64_t m)
{
    std::uint64_t r = 1;
    for (a %= m; e > 0; e >>= 1, a = mulmod(a, a, m)) {
        if ((e & 1) != 0)
            r = mulmod(r, a, m);
    }
    return r;
}

} // namespace

bool millerRabin(std::uint64_t n)
{
    if (n < 2)
        return false;
    for (std::uint64_t p : {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37}) {
        if (n % p == 0)
            return n == p;
    }
    std::uint64_t d = n - 1;
    int s = 0;
    for (; (d & 1) == 0; d >>= 1)
        ++s;
    for (std::uint64_t a : {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37}) {
        std::uint64_t x = powmod(a, d, n);
        if (x == 1 || x == n - 1)
            continue;
        bool composite = true;
        for (int r = 1; r < s && composite; ++r) {
            x = mulmod(x, x, n);
            composite = x != n - 1;
        }
        if (composite)
            return false;
    }
    return true;
}

double primeIterationsPerSecond()
{
    static const double rate = [] {
        // The book's 5_000_111_000_222_021 is prime: it never stops early.
        PrimeStepper stepper(5'000'111'000'222'021);
        constexpr std::int64_t kChunk = 1 << 16;
        std::int64_t iterations = 0;
        const std::int64_t start = monotonicNs();
        std::int64_t elapsed = 0;
        do {
            (void)stepper.step(kChunk);
            iterations += kChunk;
            elapsed = monotonicNs() - start;
        } while (elapsed < 20'000'000);
        return static_cast<double>(iterations) * 1e9 / static_cast<double>(elapsed);
    }();
    return rate;
}

std::int64_t primeTakingSeconds(double seconds)
{
    seconds = std::clamp(seconds, 0.001, 10.0);
    // is_prime(p) of a prime runs (isqrt(p) - 1) / 2 iterations.
    const double iterations = seconds * primeIterationsPerSecond();
    const double root = 2.0 * iterations + 3.0;
    auto n = static_cast<std::uint64_t>(std::min(root * root, 9.2e18));
    n |= 1;
    while (!millerRabin(n))
        n += 2;
    return static_cast<std::int64_t>(n);
}

} // namespace spindle

#pragma once
// The book's is_prime (Fluent Python, primes.py) as a resumable loop, so the
// plain, the GIL-checking and the napping coroutine versions share one
// algorithm:
//     if n < 2: return False
//     if n == 2: return True
//     if n % 2 == 0: return False
//     root = math.isqrt(n)
//     for i in range(3, root + 1, 2):
//         if n % i == 0: return False
//     return True

#include <cstdint>
#include <optional>

namespace spindle {

std::int64_t isqrt(std::int64_t n);

class PrimeStepper {
public:
    explicit PrimeStepper(std::int64_t n);

    // Runs at most maxIterations loop iterations; returns the verdict once known.
    std::optional<bool> step(std::int64_t maxIterations)
    {
        if (m_verdict)
            return m_verdict;
        std::int64_t i = m_next;
        const std::int64_t last = m_root;
        for (std::int64_t k = 0; k < maxIterations; ++k, i += 2) {
            if (i > last) {
                m_verdict = true;
                return m_verdict;
            }
            if (m_n % i == 0) {
                m_verdict = false;
                return m_verdict;
            }
        }
        m_next = i;
        return std::nullopt;
    }
    // Like step(), but also tests `i % napEvery == 1` on every iteration as the
    // book's napping version does, and stops early (returning nullopt) right
    // after an iteration where that test is true, so the caller can nap.
    std::optional<bool> stepNapping(std::int64_t maxIterations, std::int64_t napEvery, bool* napNow);

    std::int64_t n() const { return m_n; }

private:
    std::int64_t m_n;
    std::int64_t m_root = 0;
    std::int64_t m_next = 3;
    std::optional<bool> m_verdict;
};

} // namespace spindle

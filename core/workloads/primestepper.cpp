#include "workloads/primestepper.h"

#include <cmath>

namespace spindle {

std::int64_t isqrt(std::int64_t n)
{
    if (n < 2)
        return n < 0 ? 0 : n;
    auto r = static_cast<std::int64_t>(std::sqrt(static_cast<long double>(n)));
    // Correct the floating-point estimate to the exact floor(sqrt(n)).
    while (r > 0 && r > n / r)
        --r;
    while ((r + 1) <= n / (r + 1))
        ++r;
    return r;
}

PrimeStepper::PrimeStepper(std::int64_t n) : m_n(n)
{
    if (n < 2)
        m_verdict = false;
    else if (n == 2)
        m_verdict = true;
    else if (n % 2 == 0)
        m_verdict = false;
    else
        m_root = isqrt(n);
}

std::optional<bool> PrimeStepper::stepNapping(std::int64_t maxIterations, std::int64_t napEvery, bool* napNow)
{
    *napNow = false;
    if (m_verdict)
        return m_verdict;
    std::int64_t i = m_next;
    for (std::int64_t k = 0; k < maxIterations; ++k) {
        if (i > m_root) {
            m_verdict = true;
            return m_verdict;
        }
        if (m_n % i == 0) {
            m_verdict = false;
            return m_verdict;
        }
        const bool nap = i % napEvery == 1;
        i += 2;
        if (nap) {
            *napNow = true;
            break;
        }
    }
    m_next = i;
    return std::nullopt;
}

} // namespace spindle

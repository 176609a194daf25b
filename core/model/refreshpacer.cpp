#include "model/refreshpacer.h"

#include <algorithm>

namespace spindle {

RefreshPacer::RefreshPacer(std::int64_t intervalNs) : m_intervalNs(std::max<std::int64_t>(0, intervalNs))
{
}

std::optional<std::int64_t> RefreshPacer::arrived(std::int64_t nowNs)
{
    if (m_pending)
        return std::nullopt;
    m_pending = true;
    if (!m_lastRefreshNs)
        return 0;
    // A clock read before the last refresh (callers on another clock) waits a whole frame at most.
    return std::clamp<std::int64_t>(*m_lastRefreshNs + m_intervalNs - nowNs, 0, m_intervalNs);
}

void RefreshPacer::refreshed(std::int64_t nowNs)
{
    m_pending = false;
    m_lastRefreshNs = nowNs;
}

} // namespace spindle

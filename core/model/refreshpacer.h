#pragma once
// When a live view should redraw: as soon as new data arrives, but at most
// once a frame. A fixed timer made an event wait up to two frames before a
// replot was even scheduled; this draws the first batch after a quiet spell
// at once and coalesces the ones that come faster than the frame rate into
// the next frame. Pure logic on a caller's clock, so a core test can drive it;
// the UI wraps it in a single-shot timer (ui/charts/replotpacer.h).

#include <cstdint>
#include <optional>

namespace spindle {

class RefreshPacer {
public:
    // 60 Hz.
    static constexpr std::int64_t kFrameNs = 16'666'667;

    explicit RefreshPacer(std::int64_t intervalNs = kFrameNs);

    std::int64_t intervalNs() const { return m_intervalNs; }
    // Data arrived at nowNs. Returns the delay after which to refresh, from
    // now: 0 when the last refresh is a frame or more ago, else what is left
    // of that frame. Empty while a refresh is scheduled already: that one will
    // show this data too, so nothing more is to be scheduled.
    std::optional<std::int64_t> arrived(std::int64_t nowNs);
    // A refresh ran at nowNs (scheduled or not): it showed everything that had
    // arrived, so nothing is pending, and the next one waits a frame from now.
    void refreshed(std::int64_t nowNs);
    // The scheduled refresh will not run (the view went away or stopped).
    void cancel() { m_pending = false; }
    bool pending() const { return m_pending; }

private:
    std::int64_t m_intervalNs;
    std::optional<std::int64_t> m_lastRefreshNs;
    bool m_pending = false;
};

} // namespace spindle

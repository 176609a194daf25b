#pragma once
// Follows every event from the worker's clock read to the end of the first
// timeline replot that could include it (ui_bench's event-to-pixel figure).
// Connected after the page, so for each batch the page has ingested it
// before this probe sees it.

#include "engine.h"
#include "pages/runpage.h"

#include <QObject>

#include <cstdint>
#include <vector>

namespace spindle {

class LatencyProbe : public QObject {
    Q_OBJECT
public:
    static constexpr double kFrameMs = 1000.0 / 60.0;
    static constexpr double kGoalMs = 3 * kFrameMs;

    // refreshOnArrival: what the latency would be if the page refreshed its
    // views when a batch arrives instead of on its own pacing.
    LatencyProbe(Engine& engine, RunPage& page, bool refreshOnArrival = false);

    // Only an active probe records (and refreshes): two can take turns on one page.
    void setActive(bool active);
    // Adds its rows to the result table; `judged` rows carry the goal.
    void report(const char* what, bool judged = true) const;
    const std::vector<double>& eventMs() const { return m_eventMs; }

private:
    struct Pending {
        std::int64_t tNs;
        std::int64_t batchNs;
        std::int64_t arrivedNs;
    };

    void drawn();

    RunPage& m_page;
    std::vector<Pending> m_pending;
    std::vector<double> m_eventMs;
    std::vector<double> m_newestMs;
    std::vector<double> m_batchMs;
    std::vector<double> m_queueMs;
    std::vector<double> m_drawMs;
    bool m_modelBehind = false;
    bool m_active = true;
};

} // namespace spindle

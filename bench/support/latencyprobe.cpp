#include "support/latencyprobe.h"

#include "charts/cpuchart.h"
#include "charts/timelinechart.h"
#include "model/clock.h"
#include "support/resulttable.h"

#include <algorithm>
#include <string>

namespace spindle {

LatencyProbe::LatencyProbe(Engine& engine, RunPage& page, bool refreshOnArrival) : m_page(page)
{
    connect(&engine, &Engine::batchReady, this, [this, refreshOnArrival](const EventBatchPtr& batch) {
        const std::int64_t arrived = monotonicNs();
        if (!batch || !m_active)
            return;
        m_queueMs.push_back(static_cast<double>(arrived - batch->tNs) / 1e6);
        for (const Event& e : batch->events)
            m_pending.push_back(Pending {e.tNs, batch->tNs, arrived});
        if (refreshOnArrival) {
            m_page.timeline()->refresh();
            m_page.cpuChart()->refresh();
        }
    });
    connect(page.timeline(), &QCustomPlot::afterReplot, this, [this] { drawn(); });
}

void LatencyProbe::setActive(bool active)
{
    m_active = active;
    m_pending.clear();
}

void LatencyProbe::report(const char* what, bool judged) const
{
    const double p50 = percentile(m_eventMs, 0.5);
    const double p99 = percentile(m_eventMs, 0.99);
    auto& t = resultTable();
    t.push_back({std::string("event-to-pixel, ") + what + " (p50 / p99 ms; frames)",
        fmt("%.1f / %.1f ms; ", p50, p99) + fmt("%.1f / %.1f", p50 / kFrameMs, p99 / kFrameMs),
        judged ? fmt("p99 <= %.0f ms (3 frames)", kGoalMs) : std::string(),
        judged ? (p99 <= kGoalMs ? 1 : 0) : -1});
    t.push_back({std::string("  newest event per replot, ") + what + " (p50 / p99 ms)",
        fmt("%.1f / %.1f", percentile(m_newestMs, 0.5), percentile(m_newestMs, 0.99)), "", -1});
    t.push_back({std::string("  stages: wait for batch / queue / ingest->drawn (p50; p99 ms)"),
        fmt("%.1f / %.1f / ", percentile(m_batchMs, 0.5), percentile(m_queueMs, 0.5),
            percentile(m_drawMs, 0.5))
            + fmt("%.1f; %.1f / %.1f / ", percentile(m_drawMs, 0.5), percentile(m_batchMs, 0.99),
                percentile(m_queueMs, 0.99))
            + fmt("%.1f", percentile(m_drawMs, 0.99)),
        "", -1});
    t.push_back({std::string("  events / replots with new events, ") + what,
        fmt("%.0f / %.0f", static_cast<double>(m_eventMs.size()), static_cast<double>(m_newestMs.size())), "",
        -1});
    if (m_modelBehind)
        t.push_back({"  WARNING: a replot ran before the model had ingested what the probe saw", "", "", 0});
}

void LatencyProbe::drawn()
{
    const std::int64_t now = monotonicNs();
    if (!m_active || m_pending.empty())
        return;
    const auto model = m_page.shownModel();
    if (!model || model->eventCount() < m_pending.size())
        m_modelBehind = true;
    std::int64_t newest = 0;
    for (const Pending& p : m_pending) {
        m_eventMs.push_back(static_cast<double>(now - p.tNs) / 1e6);
        m_batchMs.push_back(static_cast<double>(p.batchNs - p.tNs) / 1e6);
        m_drawMs.push_back(static_cast<double>(now - p.arrivedNs) / 1e6);
        newest = std::max(newest, p.tNs);
    }
    m_newestMs.push_back(static_cast<double>(now - newest) / 1e6);
    m_pending.clear();
}

} // namespace spindle

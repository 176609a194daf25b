#pragma once
// Merging a lane's state segments into runs about a pixel long, shared by the
// timeline's segment queries and by each lane's overview (laneoverview.h).
// Header-only: the sink is a lambda, called once per run, in a hot loop.

#include "model/event.h"
#include "model/intmath.h"

#include <array>
#include <cstddef>
#include <cstdint>

namespace spindle {

// A closed state segment as a lane stores it; coarsening merges neighbours
// into "mixed" segments that keep the dominant state.
struct LaneSegment {
    std::int64_t beginNs;
    std::int64_t endNs;
    std::int64_t dominantNs; // time covered by `state` (all of it unless mixed)
    WorkerState state;
    bool mixed;
};

// A run of segments as the overview keeps it: the shares of its (up to) four
// main states in 255ths, plenty to pick a pixel's colour, in 32 bytes like a
// segment; a query adds four numbers per entry, not twelve.
inline constexpr std::size_t kOverviewStates = 4;
struct OverviewEntry {
    std::int64_t beginNs;
    std::int64_t endNs;
    std::array<WorkerState, kOverviewStates> state;
    std::array<std::uint8_t, kOverviewStates> share; // 0 = unused
    bool mixed;
};

// How long each state lasted in a run. One array of doubles serves both kinds
// of piece: a stored segment's nanoseconds add up exactly (a double holds
// whole numbers to 2^53 ns, 104 days), an overview entry's shares
// approximately, which they are anyway. One array, not an exact and an
// approximate one, halves what each pixel column clears and scans.
struct StateCover {
    std::array<double, kWorkerStateCount> ns;

    void clear() { ns.fill(0.0); }
    double of(std::size_t state) const { return ns[state]; }
    // The state that lasted longest; the earliest state wins a tie.
    WorkerState dominant() const
    {
        std::size_t best = 0;
        for (std::size_t s = 1; s < ns.size(); ++s) {
            if (ns[s] > ns[best])
                best = s;
        }
        return static_cast<WorkerState>(best);
    }
};

// Gathers consecutive pieces shorter than `px` until they reach the next
// multiple of px, a pixel boundary of a grid fixed in absolute time (so
// panning does not reshuffle them), and hands each run to the sink as
// (begin, end, mixed, cover); longer pieces pass through whole.
class SegmentRunMerger {
public:
    explicit SegmentRunMerger(std::int64_t px = 1) : m_px(px < 1 ? 1 : px) { }
    std::int64_t px() const { return m_px; }

    template <class Sink>
    void add(const LaneSegment& s, Sink&& sink)
    {
        if (s.endNs - s.beginNs >= m_px) {
            flush(sink);
            StateCover one {};
            one.ns[static_cast<std::size_t>(s.state)] = static_cast<double>(s.dominantNs);
            sink(s.beginNs, s.endNs, s.mixed, one);
            return;
        }
        if (!m_pending)
            start(s.beginNs);
        m_cover.ns[static_cast<std::size_t>(s.state)] += static_cast<double>(s.dominantNs);
        grow(s.endNs, s.mixed, sink);
    }

    template <class Sink>
    void add(const OverviewEntry& e, Sink&& sink)
    {
        const auto addTo = [&e](StateCover& c, std::int64_t ns) {
            const double unit = static_cast<double>(ns) / 255.0;
            for (std::size_t i = 0; i < kOverviewStates; ++i)
                c.ns[static_cast<std::size_t>(e.state[i])] += static_cast<double>(e.share[i]) * unit;
        };
        if (e.endNs - e.beginNs >= m_px) {
            flush(sink);
            StateCover whole {};
            addTo(whole, e.endNs - e.beginNs);
            sink(e.beginNs, e.endNs, e.mixed, whole);
            return;
        }
        if (!m_pending)
            start(e.beginNs);
        if (e.endNs > m_boundaryNs && e.beginNs < m_boundaryNs) {
            // An entry is a blend already: the part past the pixel boundary
            // goes to the next pixel, so runs stay on the pixel grid instead of
            // smearing a grain's worth of the neighbour into each column.
            addTo(m_cover, m_boundaryNs - e.beginNs);
            m_mixed = true;
            grow(m_boundaryNs, e.mixed, sink);
            start(m_endNs);
            addTo(m_cover, e.endNs - m_beginNs);
            m_mixed = true;
            grow(e.endNs, e.mixed, sink);
            return;
        }
        addTo(m_cover, e.endNs - e.beginNs);
        grow(e.endNs, e.mixed, sink);
    }

    template <class Sink>
    void flush(Sink&& sink)
    {
        if (!m_pending)
            return;
        m_pending = false;
        sink(m_beginNs, m_endNs, m_mixed || m_count > 1, m_cover);
    }

private:
    void start(std::int64_t begin)
    {
        m_pending = true;
        m_beginNs = begin;
        // Runs mostly start in the pixel after the last one: the next
        // boundary then follows without a 64-bit division, once per pixel
        // column of every lane in a dense frame. (The boundary is always a
        // multiple of px, 0 included, so the shortcut is exact.)
        if (begin >= m_boundaryNs && begin - m_boundaryNs < m_px)
            m_boundaryNs += m_px;
        else
            m_boundaryNs = (floorDiv(begin, m_px) + 1) * m_px;
        m_count = 0;
        m_mixed = false;
        m_cover.clear();
    }

    template <class Sink>
    void grow(std::int64_t end, bool pieceMixed, Sink&& sink)
    {
        m_endNs = end;
        ++m_count;
        m_mixed = m_mixed || pieceMixed;
        if (m_endNs >= m_boundaryNs)
            flush(sink);
    }

    std::int64_t m_px = 1;
    bool m_pending = false;
    std::int64_t m_beginNs = 0;
    std::int64_t m_endNs = 0;
    std::int64_t m_boundaryNs = 0;
    int m_count = 0;
    bool m_mixed = false;
    StateCover m_cover {};
};

} // namespace spindle

#pragma once
// What a worker holds to record its timeline: its id and the ring it writes to.
// Every call stamps CLOCK_MONOTONIC and pushes one Event; nothing else.

#include "model/clock.h"
#include "model/event.h"
#include "stream/eventring.h"

namespace spindle {

class EventWriter {
public:
    EventWriter() = default;
    EventWriter(EventRing* ring, std::uint32_t worker) : m_ring(ring), m_worker(worker) { }

    std::uint32_t worker() const { return m_worker; }
    EventRing* ring() const { return m_ring; }
    // The same ring, recorded as another worker (coroutines on one loop thread).
    EventWriter as(std::uint32_t worker) const { return EventWriter(m_ring, worker); }

    void record(EventKind kind, std::int64_t arg = 0, std::uint8_t state = 0, std::uint16_t aux = 0) const
    {
        recordAt(monotonicNs(), kind, arg, state, aux);
    }
    void recordAt(std::int64_t tNs, EventKind kind, std::int64_t arg = 0, std::uint8_t state = 0,
        std::uint16_t aux = 0) const
    {
        if (m_ring == nullptr)
            return;
        // Full: the cold path waits for the collector.
        if (!m_ring->tryEmplace(tNs, arg, m_worker, kind, state, aux)) [[unlikely]]
            m_ring->push(Event {tNs, arg, m_worker, kind, state, aux});
    }
    void state(WorkerState s) const { record(EventKind::State, 0, static_cast<std::uint8_t>(s)); }
    void stateAt(std::int64_t tNs, WorkerState s) const
    {
        recordAt(tNs, EventKind::State, 0, static_cast<std::uint8_t>(s));
    }

private:
    EventRing* m_ring = nullptr;
    std::uint32_t m_worker = 0;
};

} // namespace spindle

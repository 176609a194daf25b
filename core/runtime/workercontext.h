#pragma once
// Everything a workload needs from the run it belongs to: where to record
// events, the run's cancel flag, and (python flavour) the GIL of its process.
// checkpoint() is the "bytecode boundary" a workload passes every few hundred
// iterations.

#include "gil/gil.h"
#include "model/event.h"
#include "runtime/canceltoken.h"
#include "stream/eventwriter.h"

#include <cstdint>

namespace spindle {

class WorkerContext {
public:
    WorkerContext(EventWriter events, CancelToken* cancel, Gil* gil = nullptr)
        : m_events(events), m_cancel(cancel), m_gil(gil)
    {
    }

    const EventWriter& events() const { return m_events; }
    CancelToken* cancelToken() const { return m_cancel; }
    Gil* gil() const { return m_gil; }
    bool cancelled() const { return m_cancel != nullptr && m_cancel->cancelled(); }

    // Honours a GIL drop request; returns false once the run is cancelled.
    bool checkpoint()
    {
        if (m_gil != nullptr)
            m_gil->checkpoint(m_events, m_gilCounters);
        return !cancelled();
    }

    // Start running Python code: take the GIL (python flavour), then Running.
    void enterInterpreter()
    {
        if (m_gil != nullptr)
            m_gil->acquire(m_events, m_gilCounters);
        else
            m_events.state(WorkerState::Running);
    }
    // Stop running Python code, e.g. before exiting; records `next`.
    void leaveInterpreter(WorkerState next)
    {
        // Stamp before releasing: once the GIL is free another worker may be
        // recorded as running, and the two lanes must not appear to overlap.
        const std::int64_t t = monotonicNs();
        if (m_gil != nullptr)
            m_gil->release(m_events, m_gilCounters);
        m_events.stateAt(t, next);
    }

    const GilCounters& gilCounters() const { return m_gilCounters; }

private:
    EventWriter m_events;
    CancelToken* m_cancel;
    Gil* m_gil;
    GilCounters m_gilCounters;
};

// Releases the GIL for a blocking call (sleep, I/O, a queue wait) and takes it
// back afterwards, as CPython's Py_BEGIN_ALLOW_THREADS does.
class BlockingSection {
public:
    BlockingSection(WorkerContext& ctx, WorkerState state) : m_ctx(ctx) { m_ctx.leaveInterpreter(state); }
    ~BlockingSection() { m_ctx.enterInterpreter(); }
    BlockingSection(const BlockingSection&) = delete;
    BlockingSection& operator=(const BlockingSection&) = delete;

private:
    WorkerContext& m_ctx;
};

} // namespace spindle

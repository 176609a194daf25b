#pragma once
// The one record every worker writes: small, fixed-size and free of strings so
// that writing it costs no more than a clock read (DESIGN.md "Events").

#include <cstdint>

namespace spindle {

enum class EventKind : std::uint8_t {
    State, // state = new WorkerState
    TaskBegin, // arg = task argument, aux = workload kind
    TaskEnd, // arg = task result, aux = 1 when the task was cancelled
    Frame, // spinner frame; arg = frame number
    Spawn, // worker started; arg = start cost in ns (request to first event)
    Exit, // arg = exit status
    Crash, // arg = signal or exit status, aux = 1 when arg is a signal
    Marker, // free-form marker; arg = marker id from a side table
    SwitchRequest, // GIL drop request set by this worker
    GilSwitch, // this worker took the GIL from another one; arg = previous holder
    LoopLag, // coroutine loop timer lag; arg = lag in ns
};

enum class WorkerState : std::uint8_t {
    Starting,
    Running, // on CPU; with the python flavour, holding the GIL
    WaitingGil,
    WaitingCpu, // runnable but not on a CPU (from the OS sampler)
    Ready, // coroutine: runnable, waiting for its loop
    Sleeping,
    BlockedIo,
    WaitingQueue,
    WaitingLock,
    Idle,
    Exited,
    Crashed,
    // Stopped by a signal (SIGSTOP, SIGTSTP, a debugger) as the OS reports it;
    // a process's supervisor records it. Last, so that session files written
    // before it existed keep their numbers.
    Stopped,
};
constexpr int kWorkerStateCount = static_cast<int>(WorkerState::Stopped) + 1;
constexpr int kEventKindCount = static_cast<int>(EventKind::LoopLag) + 1;

struct Event {
    std::int64_t tNs = 0; // CLOCK_MONOTONIC nanoseconds
    std::int64_t arg = 0;
    std::uint32_t worker = 0;
    EventKind kind = EventKind::State;
    std::uint8_t state = 0; // WorkerState for EventKind::State
    std::uint16_t aux = 0;

    WorkerState workerState() const { return static_cast<WorkerState>(state); }
    bool operator==(const Event&) const = default;
};
static_assert(sizeof(Event) == 24, "events must stay 24 bytes (DESIGN.md)");

// True when the kind and the state are ones this build knows. Events from
// outside the process (a worker child's ring, a session file) are checked
// before they are stored; the session store packs both into one byte.
constexpr bool hasKnownKindAndState(const Event& e)
{
    return static_cast<int>(e.kind) < kEventKindCount && e.state < kWorkerStateCount;
}

const char* toString(EventKind kind);
const char* toString(WorkerState state);
// Inverse of toString(WorkerState); returns false for an unknown name.
bool parseWorkerState(const char* name, WorkerState* out);

} // namespace spindle

#include "model/event.h"

#include <cstring>

namespace spindle {

const char* toString(EventKind kind)
{
    switch (kind) {
    case EventKind::State: return "state";
    case EventKind::TaskBegin: return "task-begin";
    case EventKind::TaskEnd: return "task-end";
    case EventKind::Frame: return "frame";
    case EventKind::Spawn: return "spawn";
    case EventKind::Exit: return "exit";
    case EventKind::Crash: return "crash";
    case EventKind::Marker: return "marker";
    case EventKind::SwitchRequest: return "switch-request";
    case EventKind::GilSwitch: return "gil-switch";
    case EventKind::LoopLag: return "loop-lag";
    }
    return "unknown";
}

const char* toString(WorkerState state)
{
    switch (state) {
    case WorkerState::Starting: return "starting";
    case WorkerState::Running: return "running";
    case WorkerState::WaitingGil: return "waiting-gil";
    case WorkerState::WaitingCpu: return "waiting-cpu";
    case WorkerState::Ready: return "ready";
    case WorkerState::Sleeping: return "sleeping";
    case WorkerState::BlockedIo: return "blocked-io";
    case WorkerState::WaitingQueue: return "waiting-queue";
    case WorkerState::WaitingLock: return "waiting-lock";
    case WorkerState::Idle: return "idle";
    case WorkerState::Exited: return "exited";
    case WorkerState::Crashed: return "crashed";
    case WorkerState::Stopped: return "stopped";
    }
    return "unknown";
}

bool parseWorkerState(const char* name, WorkerState* out)
{
    for (int i = 0; i < kWorkerStateCount; ++i) {
        const auto s = static_cast<WorkerState>(i);
        if (std::strcmp(name, toString(s)) == 0) {
            *out = s;
            return true;
        }
    }
    return false;
}

} // namespace spindle

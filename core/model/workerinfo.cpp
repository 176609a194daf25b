#include "model/workerinfo.h"

namespace spindle {

const char* toString(WorkerKind kind)
{
    switch (kind) {
    case WorkerKind::Thread: return "thread";
    case WorkerKind::Process: return "process";
    case WorkerKind::Coroutine: return "coroutine";
    case WorkerKind::Loop: return "loop";
    }
    return "unknown";
}

const char* toString(WorkerRole role)
{
    switch (role) {
    case WorkerRole::Worker: return "worker";
    case WorkerRole::Spinner: return "spinner";
    case WorkerRole::Main: return "main";
    }
    return "unknown";
}

} // namespace spindle

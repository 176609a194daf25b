#pragma once
// The side table entry of one worker: its name and identity live here, once,
// so that events can stay small and string-free.

#include <QString>

#include <cstdint>
#include <sys/types.h>

namespace spindle {

enum class WorkerKind : std::uint8_t { Thread, Process, Coroutine, Loop };
enum class WorkerRole : std::uint8_t { Worker, Spinner, Main };

const char* toString(WorkerKind kind);
const char* toString(WorkerRole role);

struct WorkerInfo {
    std::uint32_t id = 0;
    WorkerKind kind = WorkerKind::Thread;
    WorkerRole role = WorkerRole::Worker;
    QString name;    // "thread 2", "spinner", "coroutine 17"
    pid_t pid = 0;   // process that runs it (lanes are grouped by it)
    pid_t tid = 0;   // OS thread that runs it (0 when not known yet)

    bool operator==(const WorkerInfo&) const = default;
};

} // namespace spindle

#pragma once
// How a child process comes to life: posix_spawn of spindle-worker
// (SpawnLauncher) or a fork by `spindle-worker --fork-server`
// (ForkServerClient). Either way the child is a child of this process, so the
// engine reaps it itself with wait4 and reads its CPU time from the rusage.

#include "model/runspec.h"

#include <QString>

#include <cstdint>
#include <memory>
#include <optional>
#include <sys/types.h>
#include <vector>

namespace spindle {

class ProcessLauncher {
public:
    struct Launched {
        pid_t pid = -1;
        int pidfd = -1; // owned by the caller from now on
        std::int64_t requestNs = 0; // CLOCK_MONOTONIC right before the start was requested
    };

    virtual ~ProcessLauncher() = default;

    // A launcher for `method`, with any helper it needs already running.
    static std::unique_ptr<ProcessLauncher> make(
        StartMethod method, const QString& workerPath, QString* error);

    // Starts worker `workerId` as a child that finds socketFd and ringFd (both
    // stay the caller's). The child learns its id and requestNs at birth, so
    // that it can write its first event before anything else.
    virtual std::optional<Launched> launch(int socketFd, int ringFd, std::uint32_t workerId, QString* error)
        = 0;
    // Fds that become readable when a helper dies (none for posix_spawn).
    virtual std::vector<int> watchFds() const { return {}; }
    // After a watched fd became readable: why the helper is gone, or nullopt.
    virtual std::optional<QString> checkHealth() { return std::nullopt; }
    // Ends and reaps any helper; launch() fails afterwards.
    virtual void stop() { }

    // "exited with status 3", "killed by signal 9 (SIGKILL)".
    static QString describeStatus(int waitStatus);
};

} // namespace spindle

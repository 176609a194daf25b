#pragma once
// Python's "spawn" start method: every child is a fresh spindle-worker started
// with posix_spawn, never a fork of this (multi-threaded) process. The child
// gets its socket and ring at fds 3 and 4 and nothing else, SIGTERM blocked
// (it turns SIGTERM into a cancel), every other signal at its default.

#include "runtime/processlauncher.h"

#include <QByteArray>
#include <QByteArrayList>

#include <functional>
#include <signal.h>
#include <spawn.h>

namespace spindle {

class SpawnLauncher : public ProcessLauncher {
public:
    explicit SpawnLauncher(const QString& workerPath);
    std::optional<Launched> launch(int socketFd, int ringFd, std::uint32_t workerId, QString* error) override;

    // posix_spawn of `path mode --parent=<our pid> extraArgs...` with `fds`
    // placed at 3, 4, ... Shared with the fork server's start. requestNs is
    // stamped first, and handed to makeArgs for the child's command line.
    static std::optional<Launched> spawnWorker(const QByteArray& path, const char* mode, const int* fds,
        int fdCount, const std::function<QByteArrayList(std::int64_t)>& makeArgs, QString* error);

private:
    QByteArray m_path;
};

} // namespace spindle

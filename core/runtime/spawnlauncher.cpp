#include "runtime/spawnlauncher.h"

#include "model/clock.h"
#include "runtime/pidfd.h"

#include <QFile>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace spindle {

namespace {

// Owns the spawn attribute objects for the length of one call.
struct SpawnSetup {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    SpawnSetup()
    {
        posix_spawn_file_actions_init(&actions);
        posix_spawnattr_init(&attr);
    }
    ~SpawnSetup()
    {
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attr);
    }
    SpawnSetup(const SpawnSetup&) = delete;
    SpawnSetup& operator=(const SpawnSetup&) = delete;
};

} // namespace

SpawnLauncher::SpawnLauncher(const QString& workerPath) : m_path(QFile::encodeName(workerPath))
{
}

std::optional<ProcessLauncher::Launched> SpawnLauncher::launch(
    int socketFd, int ringFd, std::uint32_t workerId, QString* error)
{
    const int fds[2] = {socketFd, ringFd};
    return spawnWorker(
        m_path, "--child", fds, 2,
        [workerId](std::int64_t requestNs) {
            return QByteArrayList {"--worker=" + QByteArray::number(workerId),
                "--request-ns=" + QByteArray::number(static_cast<qlonglong>(requestNs))};
        },
        error);
}

std::optional<ProcessLauncher::Launched> SpawnLauncher::spawnWorker(const QByteArray& path, const char* mode,
    const int* fds, int fdCount, const std::function<QByteArrayList(std::int64_t)>& makeArgs, QString* error)
{
    // dup2 onto 3, 4 ... must not clobber a source that already sits there, so
    // sources below the targets are moved up first (closed after the spawn).
    constexpr int kFirstTarget = 3;
    std::vector<int> sources;
    std::vector<int> moved;
    for (int i = 0; i < fdCount; ++i) {
        int fd = fds[i];
        if (fd < kFirstTarget + fdCount) {
            fd = ::fcntl(fd, F_DUPFD_CLOEXEC, kFirstTarget + fdCount);
            if (fd < 0) {
                *error
                    = QStringLiteral("fcntl(F_DUPFD): %1").arg(QString::fromLocal8Bit(std::strerror(errno)));
                for (int m : moved)
                    ::close(m);
                return std::nullopt;
            }
            moved.push_back(fd);
        }
        sources.push_back(fd);
    }
    SpawnSetup setup;
    for (int i = 0; i < fdCount; ++i)
        posix_spawn_file_actions_adddup2(
            &setup.actions, sources[static_cast<std::size_t>(i)], kFirstTarget + i);
    posix_spawn_file_actions_addclosefrom_np(&setup.actions, kFirstTarget + fdCount);

    // The child starts with SIGTERM (its cancel), SIGINT (a terminal's Ctrl-C
    // is for us, not for it) and SIGUSR2 (its internal wake-up) blocked, and
    // every signal at its default disposition whatever this process set up.
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGUSR2);
    posix_spawnattr_setsigmask(&setup.attr, &mask);
    sigset_t defaults;
    sigfillset(&defaults);
    posix_spawnattr_setsigdefault(&setup.attr, &defaults);
    posix_spawnattr_setflags(&setup.attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    Launched launched;
    launched.requestNs = monotonicNs();
    QByteArrayList args {path, mode, "--parent=" + QByteArray::number(::getpid())};
    if (makeArgs)
        args += makeArgs(launched.requestNs);
    std::vector<char*> argv;
    for (QByteArray& arg : args)
        argv.push_back(arg.data());
    argv.push_back(nullptr);
    const int rc
        = ::posix_spawn(&launched.pid, path.constData(), &setup.actions, &setup.attr, argv.data(), environ);
    for (int m : moved)
        ::close(m);
    if (rc != 0) {
        *error = QStringLiteral("posix_spawn %1: %2")
                     .arg(QFile::decodeName(path), QString::fromLocal8Bit(std::strerror(rc)));
        return std::nullopt;
    }
    launched.pidfd = Pidfd::open(launched.pid);
    if (launched.pidfd < 0) {
        *error = QStringLiteral("pidfd_open: %1").arg(QString::fromLocal8Bit(std::strerror(errno)));
        ::kill(launched.pid, SIGKILL);
        ::waitpid(launched.pid, nullptr, 0);
        return std::nullopt;
    }
    return launched;
}

} // namespace spindle

#pragma once
// Python's "fork" / "forkserver" start methods without forking this
// multi-threaded process: a single-threaded `spindle-worker --fork-server`,
// spawned once per run, forks each child on request. It forks with
// CLONE_PARENT, so every child is *our* child: we reap it, read its rusage,
// and it survives the server's death (which is reported, not fatal to the
// children already running). The child's socket and ring travel to the
// server with SCM_RIGHTS.

#include "runtime/processchannel.h"
#include "runtime/processlauncher.h"

namespace spindle {

class ForkServerClient : public ProcessLauncher {
public:
    // How long the server may take to start or to answer one fork request.
    static constexpr int kReplyTimeoutMs = 10'000;

    // Spawns the server and waits for its ServerReady. nullptr with *error on failure.
    static std::unique_ptr<ForkServerClient> start(const QString& workerPath, QString* error);
    ~ForkServerClient() override;

    std::optional<Launched> launch(int socketFd, int ringFd, std::uint32_t workerId, QString* error) override;
    std::vector<int> watchFds() const override;
    std::optional<QString> checkHealth() override;
    void stop() override;

    pid_t pid() const { return m_pid; }

private:
    ForkServerClient(pid_t pid, int pidfd, ProcessChannel channel);
    // Waits for the server's next message; false (with *error) when it died or timed out.
    bool awaitReply(ProcessChannel::Frame* frame, QString* error);
    // The server is gone: reap it and remember why.
    QString buryServer(const QString& context);

    pid_t m_pid;
    int m_pidfd;
    ProcessChannel m_channel;
    std::uint32_t m_nextRequest = 1;
    bool m_reaped = false;
    QString m_deathReason;
};

} // namespace spindle

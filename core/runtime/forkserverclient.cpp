#include "runtime/forkserverclient.h"

#include "model/clock.h"
#include "runtime/pidfd.h"
#include "runtime/spawnlauncher.h"

#include <QFile>

#include <cerrno>
#include <cstring>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

namespace spindle {

namespace {

QString fromStd(const std::string& text)
{
    return QString::fromStdString(text);
}

} // namespace

ForkServerClient::ForkServerClient(pid_t pid, int pidfd, ProcessChannel channel)
    : m_pid(pid), m_pidfd(pidfd), m_channel(std::move(channel))
{
}

ForkServerClient::~ForkServerClient()
{
    stop();
}

std::unique_ptr<ForkServerClient> ForkServerClient::start(const QString& workerPath, QString* error)
{
    ProcessChannel channel;
    int theirs = -1;
    std::string why;
    if (!ProcessChannel::makePair(&channel, &theirs, &why)) {
        *error = QStringLiteral("fork server: %1").arg(fromStd(why));
        return nullptr;
    }
    const auto launched
        = SpawnLauncher::spawnWorker(QFile::encodeName(workerPath), "--fork-server", &theirs, 1, {}, error);
    ::close(theirs);
    if (!launched)
        return nullptr;
    std::unique_ptr<ForkServerClient> client(
        new ForkServerClient(launched->pid, launched->pidfd, std::move(channel)));
    ProcessChannel::Frame frame;
    if (!client->awaitReply(&frame, error)) {
        *error = QStringLiteral("the fork server did not start: %1").arg(*error);
        return nullptr;
    }
    if (frame.type != wire::MessageType::ServerReady) {
        *error = QStringLiteral("the fork server did not start: it sent %1 instead of ServerReady")
                     .arg(QLatin1String(wire::typeName(frame.type)));
        return nullptr;
    }
    return client;
}

bool ForkServerClient::awaitReply(ProcessChannel::Frame* frame, QString* error)
{
    if (!m_deathReason.isEmpty()) {
        *error = m_deathReason;
        return false;
    }
    const std::int64_t deadline = monotonicNs() + std::int64_t {kReplyTimeoutMs} * 1'000'000;
    for (;;) {
        pollfd fds[2] = {{m_channel.fd(), POLLIN, 0}, {m_pidfd, POLLIN, 0}};
        const std::int64_t leftNs = deadline - monotonicNs();
        if (leftNs <= 0) {
            *error = QStringLiteral("the fork server (pid %1) did not answer within %2 ms")
                         .arg(m_pid)
                         .arg(kReplyTimeoutMs);
            return false;
        }
        const int ready = ::poll(fds, 2, static_cast<int>(leftNs / 1'000'000) + 1);
        if (ready < 0 && errno != EINTR) {
            *error = QStringLiteral("poll: %1").arg(QString::fromLocal8Bit(std::strerror(errno)));
            return false;
        }
        if (ready <= 0)
            continue;
        // A reply already sent is read even when the server died right after.
        if (fds[0].revents != 0) {
            const auto status = m_channel.receiveWithin(frame, 0);
            if (status == ProcessChannel::Status::Message)
                return true;
            if (status == ProcessChannel::Status::Malformed) {
                *error = buryServer(
                    QStringLiteral("sent a malformed message (%1)").arg(fromStd(m_channel.error())));
                return false;
            }
            if (status != ProcessChannel::Status::WouldBlock) {
                *error = buryServer(QStringLiteral("closed its socket"));
                return false;
            }
        }
        if (fds[1].revents != 0) {
            *error = buryServer(QStringLiteral("died"));
            return false;
        }
    }
}

std::optional<ProcessLauncher::Launched> ForkServerClient::launch(
    int socketFd, int ringFd, std::uint32_t workerId, QString* error)
{
    if (!m_deathReason.isEmpty() || !m_channel.isOpen()) {
        *error = m_deathReason.isEmpty() ? QStringLiteral("the fork server was stopped") : m_deathReason;
        return std::nullopt;
    }
    const int fds[2] = {socketFd, ringFd};
    Launched launched;
    launched.requestNs = monotonicNs();
    const wire::Fork request {m_nextRequest++, workerId, launched.requestNs};
    if (!m_channel.send(request, fds, 2)) {
        *error = buryServer(QStringLiteral("refused a fork request (%1)").arg(fromStd(m_channel.error())));
        return std::nullopt;
    }
    ProcessChannel::Frame reply;
    if (!awaitReply(&reply, error))
        return std::nullopt;
    if (reply.type == wire::MessageType::ForkFailed) {
        const auto failed = reply.as<wire::ForkFailed>();
        *error = QStringLiteral("the fork server could not fork: %1")
                     .arg(QString::fromLocal8Bit(std::strerror(failed.error)));
        return std::nullopt;
    }
    const auto forked = reply.as<wire::Forked>();
    if (reply.type != wire::MessageType::Forked || forked.requestId != request.requestId || forked.pid <= 0) {
        *error = buryServer(
            QStringLiteral("answered a fork request with %1").arg(QLatin1String(wire::typeName(reply.type))));
        return std::nullopt;
    }
    launched.pid = forked.pid;
    // CLONE_PARENT made it our child; never adopt a pid that is not, since
    // we could neither reap it nor trust that the pid is still the same process.
    siginfo_t info {};
    if (::waitid(P_PID, static_cast<id_t>(launched.pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
        *error
            = buryServer(QStringLiteral("reported pid %1, which is not a child of ours").arg(launched.pid));
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

std::vector<int> ForkServerClient::watchFds() const
{
    if (m_reaped)
        return {};
    return {m_channel.fd(), m_pidfd};
}

std::optional<QString> ForkServerClient::checkHealth()
{
    if (!m_deathReason.isEmpty())
        return m_deathReason;
    pollfd fds[2] = {{m_channel.fd(), POLLIN, 0}, {m_pidfd, POLLIN, 0}};
    if (::poll(fds, 2, 0) <= 0)
        return std::nullopt;
    // The server never speaks unasked: readable means closed or dying.
    if (fds[1].revents != 0)
        return buryServer(QStringLiteral("died"));
    ProcessChannel::Frame frame;
    const auto status = m_channel.receiveWithin(&frame, 0);
    frame.closeFds();
    if (status == ProcessChannel::Status::WouldBlock)
        return std::nullopt;
    return buryServer(status == ProcessChannel::Status::Message ? QStringLiteral("spoke out of turn")
                                                                : QStringLiteral("closed its socket"));
}

QString ForkServerClient::buryServer(const QString& context)
{
    if (!m_deathReason.isEmpty())
        return m_deathReason;
    // Make sure it is really gone before reaping it, whatever state it is in.
    Pidfd::sendSignal(m_pidfd, SIGKILL);
    int status = 0;
    pid_t reaped = -1;
    do
        reaped = ::waitpid(m_pid, &status, 0);
    while (reaped < 0 && errno == EINTR);
    m_reaped = true;
    m_deathReason
        = QStringLiteral("the fork server (pid %1) %2: %3")
              .arg(m_pid)
              .arg(context, reaped == m_pid ? describeStatus(status) : QStringLiteral("status unknown"));
    m_channel.close();
    return m_deathReason;
}

void ForkServerClient::stop()
{
    if (!m_reaped) {
        // EOF on its socket is the server's signal to exit.
        m_channel.close();
        pollfd pfd {m_pidfd, POLLIN, 0};
        if (::poll(&pfd, 1, 2000) <= 0)
            Pidfd::sendSignal(m_pidfd, SIGKILL);
        int status = 0;
        while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) { }
        m_reaped = true;
    }
    if (m_pidfd >= 0)
        ::close(m_pidfd);
    m_pidfd = -1;
}

} // namespace spindle

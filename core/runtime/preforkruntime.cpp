#include "runtime/preforkruntime.h"

#include "runtime/childsupervisor.h"
#include "runtime/loadclient.h"
#include "runtime/runcontext.h"

#include <arpa/inet.h>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <optional>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace spindle {

namespace {

class PreforkMaster : public ChildSupervisor::Owner {
public:
    explicit PreforkMaster(RunContext& run) : m_run(run), m_children(run, *this) { }
    ~PreforkMaster() override { closeListener(); }

    void run();

    void childReady(ChildProcess& child) override;
    void childMessage(ChildProcess& child, const ProcessChannel::Frame& frame) override;
    void childBye(ChildProcess& child, const wire::Bye& bye) override;
    void childEnded(ChildProcess&, ChildProcess::Ending) override { }

private:
    // A TCP socket listening on 127.0.0.1, on a port the kernel picks.
    bool listen(QString* error);
    void closeListener();
    bool anyServer(ChildProcess::Phase phase) const;
    bool anyServerAlive() const;

    RunContext& m_run;
    ChildSupervisor m_children;
    int m_listenFd = -1;
    std::uint16_t m_port = 0;
};

bool PreforkMaster::listen(QString* error)
{
    const auto fail = [&](const char* what) {
        *error = QStringLiteral("the prefork server's listening socket: %1: %2")
                     .arg(QLatin1String(what), QString::fromLocal8Bit(std::strerror(errno)));
        closeListener();
        return false;
    };
    // Non-blocking: the servers share it, and the one that loses the race to
    // accept() a connection must not sleep in accept() for the next one.
    m_listenFd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (m_listenFd < 0)
        return fail("socket");
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_port = 0;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(m_listenFd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0)
        return fail("bind 127.0.0.1:0");
    if (::listen(m_listenFd, SOMAXCONN) != 0)
        return fail("listen");
    socklen_t length = sizeof address;
    if (::getsockname(m_listenFd, reinterpret_cast<sockaddr*>(&address), &length) != 0)
        return fail("getsockname");
    m_port = ntohs(address.sin_port);
    return true;
}

void PreforkMaster::closeListener()
{
    if (m_listenFd >= 0)
        ::close(m_listenFd);
    m_listenFd = -1;
}

bool PreforkMaster::anyServer(ChildProcess::Phase phase) const
{
    for (const auto& child : m_children.children()) {
        if (child->phase == phase)
            return true;
    }
    return false;
}

bool PreforkMaster::anyServerAlive() const
{
    return !m_children.allEnded();
}

void PreforkMaster::run()
{
    QString error;
    if (!listen(&error)) {
        m_run.setError(error);
        return;
    }
    if (!m_children.open())
        return;
    const int servers = m_run.spec().effectiveWorkers();
    LoadClient::Options options;
    options.port = m_port;
    options.connections = m_run.spec().clientConnections > 0 ? m_run.spec().clientConnections : 2 * servers;
    for (int s = 0; s < servers; ++s) {
        WorkerInfo info;
        info.id = m_run.reserveWorkerId();
        info.kind = WorkerKind::Process;
        info.role = WorkerRole::Worker;
        info.name = QStringLiteral("server %1").arg(s + 1);
        if (m_children.start(info, wire::ChildRole::Server) == nullptr)
            break;
        options.serverIds.insert(info.id);
    }
    // The client starts once every server waits on the socket, so that the
    // figures are those of serving, not of starting processes.
    while (!m_children.terminating() && anyServer(ChildProcess::Phase::Starting))
        m_children.waitAndHandle();

    std::optional<LoadClient> client;
    std::thread clientThread;
    std::atomic<bool> clientDone {false};
    if (!m_children.terminating() && anyServer(ChildProcess::Phase::Idle)) {
        client.emplace(m_run, options);
        WorkerInfo info;
        info.id = m_run.reserveWorkerId();
        info.role = WorkerRole::Main;
        info.name = QStringLiteral("client");
        clientThread = m_run.startWorkerThread(
            info, [&client, &clientDone, wake = m_children.waker()](WorkerContext& ctx, WorkerResult&) {
                client->run(ctx);
                clientDone = true;
                wake();
            });
        while (!clientDone && !m_children.terminating()) {
            if (!anyServerAlive()) {
                m_run.setError(QStringLiteral("every server process has ended before the client was done"));
                client->stop();
                break;
            }
            m_children.waitAndHandle();
        }
    } else if (!m_children.terminating()) {
        m_run.setError(QStringLiteral("no server process could be started; the client sent nothing"));
    }
    // No new connection from here on; each server finishes its request and leaves.
    closeListener();
    for (const auto& child : m_children.children())
        m_children.sendPill(*child);
    while (!m_children.allEnded())
        m_children.waitAndHandle();
    PreforkStats stats;
    if (client) {
        client->stop();
        clientThread.join();
        stats = client->stats();
    }
    stats.port = m_port;
    m_run.setPreforkStats(stats);
}

void PreforkMaster::childReady(ChildProcess& child)
{
    // The socket travels like a pickled socket in multiprocessing: SCM_RIGHTS.
    if (m_listenFd < 0 || !child.channel().send(wire::Serve {}, &m_listenFd, 1))
        m_children.violation(
            child, "it could not be handed the listening socket (" + child.channel().error() + ")");
}

void PreforkMaster::childMessage(ChildProcess& child, const ProcessChannel::Frame& frame)
{
    m_children.violation(child,
        std::string("it sent a ") + wire::typeName(frame.type) + " message, which a server has no use for");
}

void PreforkMaster::childBye(ChildProcess& child, const wire::Bye& bye)
{
    child.result().tasksDone = bye.tasksDone;
}

} // namespace

void PreforkRuntime::execute(RunContext& run)
{
    PreforkMaster master(run);
    master.run();
}

} // namespace spindle

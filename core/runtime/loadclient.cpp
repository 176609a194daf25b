#include "runtime/loadclient.h"

#include "model/clock.h"
#include "runtime/processprotocol.h"
#include "runtime/runcontext.h"

#include <arpa/inet.h>
#include <cerrno>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace spindle {

namespace {

// How often the client looks at its stop and cancel flags while it waits.
constexpr int kPollMs = 50;

} // namespace

struct LoadClient::Connection {
    int fd = -1;
    std::uint32_t index = 0;
    std::int64_t startNs = 0;
    wire::Request request {};
    std::size_t sent = 0;
    wire::Response response {};
    std::size_t received = 0;
};

void LoadClient::run(WorkerContext& ctx)
{
    const auto total = static_cast<std::uint32_t>(m_run.spec().tasks.size());
    std::vector<Connection> connections;
    std::uint32_t next = 0;
    std::int64_t firstNs = 0;
    while ((next < total || !connections.empty()) && !m_stop && !ctx.cancelled()) {
        while (static_cast<int>(connections.size()) < m_options.connections && next < total) {
            Connection c;
            if (open(c, next++))
                connections.push_back(c);
            if (firstNs == 0)
                firstNs = c.startNs;
        }
        if (connections.empty())
            continue;
        std::vector<pollfd> fds;
        for (const Connection& c : connections)
            fds.push_back({c.fd, static_cast<short>(c.sent < sizeof c.request ? POLLOUT : POLLIN), 0});
        {
            BlockingSection waiting(ctx, WorkerState::BlockedIo);
            while (::poll(fds.data(), fds.size(), kPollMs) < 0 && errno == EINTR) { }
        }
        const std::int64_t now = monotonicNs();
        std::vector<Connection> still;
        for (std::size_t i = 0; i < connections.size(); ++i) {
            Connection& c = connections[i];
            if (fds[i].revents != 0) {
                if (advance(c, fds[i].revents))
                    still.push_back(c);
            } else if (now - c.startNs > m_options.requestTimeoutNs) {
                finish(c, false);
            } else {
                still.push_back(c);
            }
        }
        connections.swap(still);
    }
    for (Connection& c : connections)
        finish(c, false);
    m_stats.port = m_options.port;
    m_stats.clientNs = m_lastAnswerNs > firstNs && firstNs > 0 ? m_lastAnswerNs - firstNs : 0;
}

bool LoadClient::open(Connection& c, std::uint32_t index)
{
    ++m_stats.requests;
    c.index = index;
    c.startNs = monotonicNs();
    c.request = wire::Request {
        wire::kRequestMagic, index, m_run.spec().tasks[index].arg, m_run.spec().seed + index};
    c.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c.fd < 0) {
        ++m_stats.failed;
        return false;
    }
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_port = htons(m_options.port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(c.fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0
        && errno != EINPROGRESS) {
        finish(c, false);
        return false;
    }
    return true;
}

bool LoadClient::advance(Connection& c, short revents)
{
    if (c.sent < sizeof c.request) {
        int error = 0;
        socklen_t length = sizeof error;
        if (c.sent == 0 && (::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0 || error != 0)) {
            finish(c, false); // the connect failed: nobody listens
            return false;
        }
        const ssize_t n = ::send(c.fd, reinterpret_cast<const char*>(&c.request) + c.sent,
            sizeof c.request - c.sent, MSG_NOSIGNAL);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            return true;
        if (n <= 0) {
            finish(c, false);
            return false;
        }
        c.sent += static_cast<std::size_t>(n);
        return true;
    }
    if ((revents & (POLLIN | POLLHUP | POLLERR)) == 0)
        return true;
    const ssize_t n
        = ::recv(c.fd, reinterpret_cast<char*>(&c.response) + c.received, sizeof c.response - c.received, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return true;
    if (n <= 0) {
        finish(c, false); // reset, or closed before the whole answer
        return false;
    }
    c.received += static_cast<std::size_t>(n);
    if (c.received < sizeof c.response)
        return true;
    const wire::Response& r = c.response;
    const bool valid = r.magic == wire::kResponseMagic && r.index == c.index
        && m_options.serverIds.count(r.workerId) == 1 && r.beginNs <= r.endNs;
    if (valid) {
        const TaskSpec& spec = m_run.spec().tasks[c.index];
        TaskResult task;
        task.worker = r.workerId;
        task.index = c.index;
        task.kind = spec.kind;
        task.arg = spec.arg;
        task.result = r.result;
        task.beginNs = r.beginNs;
        task.endNs = r.endNs;
        m_run.recordTask(task);
        m_lastAnswerNs = monotonicNs();
    }
    finish(c, valid);
    return false;
}

void LoadClient::finish(Connection& c, bool answered)
{
    if (c.fd >= 0)
        ::close(c.fd);
    c.fd = -1;
    ++(answered ? m_stats.answered : m_stats.failed);
}

} // namespace spindle

#include "preforkserver.h"

#include "childworker.h"
#include "model/runspec.h"
#include "runtime/processchannel.h"
#include "runtime/workercontext.h"
#include "workloads/workloads.h"

#include <cerrno>
#include <cstdio>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace spindle {

namespace {

// A connection that does not deliver its request by then is dropped.
constexpr int kRequestTimeoutMs = 2000;

int complain(const char* what, int code)
{
    std::fprintf(stderr, "spindle-worker[%d] (server): %s\n", static_cast<int>(::getpid()), what);
    return code;
}

// Reads exactly `size` bytes within timeoutMs; false on EOF, error or timeout.
bool readExactly(int fd, void* data, std::size_t size, int timeoutMs)
{
    auto* bytes = static_cast<char*>(data);
    std::size_t got = 0;
    while (got < size) {
        pollfd pfd {fd, POLLIN, 0};
        const int ready = ::poll(&pfd, 1, timeoutMs);
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0)
            return false;
        const ssize_t n = ::recv(fd, bytes + got, size - got, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        got += static_cast<std::size_t>(n);
    }
    return true;
}

bool writeAll(int fd, const void* data, std::size_t size)
{
    const auto* bytes = static_cast<const char*>(data);
    while (size > 0) {
        const ssize_t n = ::send(fd, bytes, size, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        bytes += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

} // namespace

PreforkServer::~PreforkServer()
{
    if (m_listenFd >= 0)
        ::close(m_listenFd);
}

int PreforkServer::run()
{
    int code = 0;
    const int got = awaitServe(&code);
    if (got < 0)
        return 0;
    if (got > 0)
        return code;
    return serve();
}

int PreforkServer::awaitServe(int* code)
{
    {
        BlockingSection waiting(m_ctx, WorkerState::Idle);
        pollfd fds[2] = {{m_channel.fd(), POLLIN, 0}, {m_cancelFd, POLLIN, 0}};
        while (::poll(fds, 2, -1) < 0 && errno == EINTR) { }
    }
    if (m_ctx.cancelled())
        return -1;
    ProcessChannel::Frame frame;
    const auto status = m_channel.receive(&frame);
    if (status == ProcessChannel::Status::Message && frame.type == wire::MessageType::Serve) {
        m_listenFd = frame.takeFd(0);
        return 0;
    }
    frame.closeFds();
    if (status == ProcessChannel::Status::Closed)
        *code = ChildWorker::kExitEngineGone;
    else if (status == ProcessChannel::Status::Message && frame.type == wire::MessageType::PoisonPill)
        *code = 0;
    else
        *code = complain("the engine sent something else than Serve", ChildWorker::kExitProtocol);
    return 1;
}

int PreforkServer::serve()
{
    const int ep = ::epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0)
        return complain("epoll_create1 failed", ChildWorker::kExitSetup);
    epoll_event listen {};
    listen.events = EPOLLIN | EPOLLEXCLUSIVE;
    listen.data.fd = m_listenFd;
    epoll_event control {};
    control.events = EPOLLIN;
    control.data.fd = m_channel.fd();
    epoll_event cancel {};
    cancel.events = EPOLLIN;
    cancel.data.fd = m_cancelFd;
    if (::epoll_ctl(ep, EPOLL_CTL_ADD, m_listenFd, &listen) != 0
        || ::epoll_ctl(ep, EPOLL_CTL_ADD, m_channel.fd(), &control) != 0
        || ::epoll_ctl(ep, EPOLL_CTL_ADD, m_cancelFd, &cancel) != 0) {
        ::close(ep);
        return complain("the Serve did not carry a listening socket", ChildWorker::kExitProtocol);
    }
    int code = 0;
    for (bool serving = true; serving;) {
        epoll_event events[3];
        int n = 0;
        {
            // accept(): waiting for a client, as blocked on I/O as a read.
            BlockingSection waiting(m_ctx, WorkerState::BlockedIo);
            do
                n = ::epoll_wait(ep, events, 3, -1);
            while (n < 0 && errno == EINTR);
        }
        if (m_ctx.cancelled() || n < 0)
            break;
        for (int i = 0; i < n && serving; ++i) {
            if (events[i].data.fd == m_channel.fd()) {
                ProcessChannel::Frame frame;
                const auto status = m_channel.receive(&frame);
                frame.closeFds();
                if (status == ProcessChannel::Status::Closed)
                    code = ChildWorker::kExitEngineGone;
                else if (status != ProcessChannel::Status::Message
                    || frame.type != wire::MessageType::PoisonPill)
                    code = complain("the engine sent an unexpected message", ChildWorker::kExitProtocol);
                serving = false;
            } else if (events[i].data.fd == m_listenFd) {
                // Non-blocking: another server may have taken the connection first.
                const int fd = ::accept4(m_listenFd, nullptr, nullptr, SOCK_CLOEXEC);
                if (fd >= 0)
                    handleConnection(fd);
            }
        }
    }
    ::close(ep);
    return code;
}

void PreforkServer::handleConnection(int fd)
{
    wire::Request request {};
    bool ok = false;
    {
        BlockingSection reading(m_ctx, WorkerState::BlockedIo);
        ok = readExactly(fd, &request, sizeof request, kRequestTimeoutMs);
    }
    // Anyone on this machine can connect: what is not our client's request is dropped.
    if (!ok || request.magic != wire::kRequestMagic || request.count < 1
        || request.count > RunLimits::kMaxSumCount) {
        ::close(fd);
        return;
    }
    wire::Response response {};
    response.magic = wire::kResponseMagic;
    response.index = request.index;
    response.workerId = m_workerId;
    response.pid = static_cast<std::int32_t>(::getpid());
    response.beginNs = monotonicNs();
    m_ctx.events().recordAt(response.beginNs, EventKind::TaskBegin, request.count, 0,
        static_cast<std::uint16_t>(WorkloadKind::SumRandom));
    const WorkOutcome outcome = sumRandom(request.count, request.seed, m_ctx);
    response.endNs = monotonicNs();
    response.result = outcome.result;
    m_ctx.events().recordAt(response.endNs, EventKind::TaskEnd, outcome.result, 0, outcome.cancelled ? 1 : 0);
    if (!outcome.cancelled) {
        BlockingSection writing(m_ctx, WorkerState::BlockedIo);
        if (writeAll(fd, &response, sizeof response))
            ++m_served;
    }
    ::close(fd);
}

} // namespace spindle

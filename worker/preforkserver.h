#pragma once
// A server process of the prefork scenario (the preforking pattern: several
// processes accept() on one listening socket they share). The engine hands
// it the socket in a Serve message; it then waits for a connection, reads one
// Request, does its work (sum_random, recorded as a task on its lane),
// writes the Response and closes, until a PoisonPill or a cancel. Waiting
// uses epoll with EPOLLEXCLUSIVE, so a connection wakes one idle server, not
// all of them; one that loses the race to accept() simply waits again.

#include <cstdint>

namespace spindle {

class ProcessChannel;
class WorkerContext;

class PreforkServer {
public:
    PreforkServer(ProcessChannel& channel, WorkerContext& ctx, int cancelFd, std::uint32_t workerId)
        : m_channel(channel), m_ctx(ctx), m_cancelFd(cancelFd), m_workerId(workerId)
    {
    }
    ~PreforkServer();
    PreforkServer(const PreforkServer&) = delete;
    PreforkServer& operator=(const PreforkServer&) = delete;

    // Serves until told to stop; returns the exit code (ChildWorker's codes).
    int run();
    // Requests answered.
    std::uint64_t served() const { return m_served; }

private:
    // 1 = a message came and *code is set, 0 = the Serve arrived, -1 = cancelled.
    int awaitServe(int* code);
    int serve();
    void handleConnection(int fd);

    ProcessChannel& m_channel;
    WorkerContext& m_ctx;
    int m_cancelFd;
    std::uint32_t m_workerId;
    int m_listenFd = -1;
    std::uint64_t m_served = 0;
};

} // namespace spindle

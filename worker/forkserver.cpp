#include "forkserver.h"

#include "childworker.h"
#include "model/clock.h"
#include "runtime/processchannel.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace spindle {

namespace {

// fork() with CLONE_PARENT: the new process is a sibling of the server, a
// child of the engine. glibc has no wrapper for that; in a single-threaded
// process the raw system call is as safe as fork(), and the child calls only
// async-signal-safe code until it has set itself up.
pid_t forkAsSibling()
{
    return static_cast<pid_t>(
        ::syscall(SYS_clone, CLONE_PARENT | SIGCHLD, nullptr, nullptr, nullptr, nullptr));
}

} // namespace

int ForkServer::run()
{
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || ::getppid() != m_parentPid) {
        std::fprintf(stderr, "spindle-worker --fork-server: the engine that started it is gone\n");
        return ChildWorker::kExitSetup;
    }
    ProcessChannel control(m_controlFd);
    if (!control.send(wire::ServerReady {static_cast<std::int32_t>(::getpid()), 0}))
        return ChildWorker::kExitSetup;
    for (;;) {
        ProcessChannel::Frame frame;
        const auto status = control.receive(&frame);
        if (status == ProcessChannel::Status::Closed)
            return 0;
        if (status != ProcessChannel::Status::Message || frame.type != wire::MessageType::Fork) {
            frame.closeFds();
            std::fprintf(stderr, "spindle-worker --fork-server: %s\n",
                status == ProcessChannel::Status::Message ? "unexpected message" : control.error().c_str());
            return ChildWorker::kExitProtocol;
        }
        const auto request = frame.as<wire::Fork>();
        const int socketFd = frame.takeFd(0);
        const int ringFd = frame.takeFd(1);
        const pid_t pid = forkAsSibling();
        if (pid == 0) {
            // The child's first instruction: its start cost ends here, as a
            // thread's ends where it enters its function.
            const std::int64_t firstNs = monotonicNs();
            ::close(control.fd());
            ChildWorker::Options options;
            options.firstNs = firstNs;
            options.socketFd = socketFd;
            options.ringFd = ringFd;
            options.workerId = request.workerId;
            options.requestNs = request.requestNs;
            options.parentPid = m_parentPid;
            options.misbehave = m_misbehave;
            // _exit: the server's atexit handlers and static objects are not the child's to run.
            ::_exit(ChildWorker(options).run());
        }
        const int forkErrno = errno;
        ::close(socketFd);
        ::close(ringFd);
        const bool sent = pid > 0 ? control.send(wire::Forked {request.requestId, pid})
                                  : control.send(wire::ForkFailed {request.requestId, forkErrno});
        if (!sent)
            return 0; // the engine is gone
    }
}

} // namespace spindle

#include "childworker.h"

#include "cancelwatcher.h"
#include "gil/gil.h"
#include "misbehaviour.h"
#include "preforkserver.h"
#include "runtime/processchannel.h"
#include "runtime/workercontext.h"
#include "stream/sharedring.h"
#include "workloads/workloads.h"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <memory>
#include <optional>
#include <poll.h>
#include <sys/prctl.h>
#include <unistd.h>

namespace spindle {

namespace {

std::int64_t processCpuNs()
{
    timespec ts {};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

int complain(const char* what, int code)
{
    std::fprintf(stderr, "spindle-worker[%d]: %s\n", static_cast<int>(::getpid()), what);
    return code;
}

} // namespace

int ChildWorker::run()
{
    // Dies with the thread that started it, so an engine killed outright
    // leaves no orphan; the check closes the race with a parent that died first.
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || ::getppid() != m_options.parentPid)
        return complain("the engine that started this worker is gone", kExitSetup);
    sigset_t blocked;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGTERM);
    sigaddset(&blocked, SIGINT);
    sigaddset(&blocked, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &blocked, nullptr);

    ProcessChannel channel(m_options.socketFd);
    const std::unique_ptr<SharedRing> shared = SharedRing::attach(m_options.ringFd);
    ::close(m_options.ringFd);
    if (!shared)
        return complain("fd 4 is not an event ring", kExitSetup);
    // The first event, as soon as there is a ring for it. The start cost ends
    // at the child's first instruction, stamped by the fork server's child
    // as the clone returns, or here, once a spawned child can first be seen;
    // not when it got its Hello.
    const std::int64_t startNs = m_options.firstNs > 0 ? m_options.firstNs : monotonicNs();
    EventWriter events(&shared->ring(), m_options.workerId);
    events.recordAt(startNs, EventKind::Spawn, startNs - m_options.requestNs);
    events.stateAt(startNs, WorkerState::Starting);

    ProcessChannel::Frame frame;
    if (channel.receive(&frame) != ProcessChannel::Status::Message || frame.type != wire::MessageType::Hello)
        return complain("the engine did not say Hello", kExitSetup);
    const auto hello = frame.as<wire::Hello>();
    if (hello.workerId != m_options.workerId || hello.requestNs != m_options.requestNs)
        return complain("the Hello is for another worker", kExitProtocol);
    if (hello.role >= wire::kChildRoleCount)
        return complain("the Hello names an unknown role", kExitProtocol);

    if (!m_options.misbehave.empty() && !Misbehaviour::exitsEarly(m_options.misbehave))
        return Misbehaviour::actInsteadOfReady(m_options.misbehave, channel);

    const wire::Ready ready {static_cast<std::int32_t>(::getpid()), hello.workerId, startNs};
    if (!channel.send(ready))
        return complain("the engine closed the socket", kExitEngineGone);

    CancelToken cancel;
    CancelWatcher watcher(cancel);
    std::optional<Gil> gil;
    if (hello.flavour == 0)
        gil.emplace(hello.switchIntervalNs);
    WorkerContext ctx(events, &cancel, gil ? &*gil : nullptr);
    ctx.enterInterpreter();
    int code = 0;
    switch (static_cast<wire::ChildRole>(hello.role)) {
    case wire::ChildRole::Worker:
        code = workLoop(channel, ctx, hello.napEvery);
        break;
    case wire::ChildRole::Spinner:
        code = spinnerLoop(channel, ctx, hello.spinnerIntervalNs, watcher.fd());
        break;
    case wire::ChildRole::Producer:
        code = producerLoop(channel, ctx, watcher.fd());
        break;
    case wire::ChildRole::Server: {
        PreforkServer server(channel, ctx, watcher.fd(), hello.workerId);
        code = server.run();
        m_tasksDone = server.served();
        break;
    }
    }
    if (code == wire::kExitTerminatedFromOutside) {
        // No Bye and no exit on the lane: it ends as a process killed by
        // SIGTERM would, and the engine closes the lane as crashed.
        watcher.stop();
        return code;
    }
    ctx.leaveInterpreter(WorkerState::Exited);
    events.record(EventKind::Exit, code);

    const GilCounters& g = ctx.gilCounters();
    const wire::Bye bye {m_tasksDone, processCpuNs(), g.acquisitions, g.switches, g.dropRequests, g.waitNs};
    channel.send(bye);
    watcher.stop();
    return code;
}

int ChildWorker::workLoop(ProcessChannel& channel, WorkerContext& ctx, std::int64_t napEvery)
{
    for (;;) {
        if (!channel.send(wire::JobRequest {}))
            return kExitEngineGone;
        ProcessChannel::Frame frame;
        ProcessChannel::Status status;
        {
            // jobs.get() in procs.py: the queue lives in the engine.
            BlockingSection waiting(ctx, WorkerState::WaitingQueue);
            status = channel.receive(&frame);
        }
        if (status == ProcessChannel::Status::Closed)
            return kExitEngineGone;
        if (status != ProcessChannel::Status::Message)
            return complain(channel.error().c_str(), kExitProtocol);
        if (frame.type == wire::MessageType::PoisonPill)
            return 0;
        if (frame.type != wire::MessageType::Job)
            return complain("the engine sent an unexpected message", kExitProtocol);
        if (ctx.cancelled())
            return wire::kExitTerminatedFromOutside; // the engine holds the job and hands it out again
        const auto job = frame.as<wire::Job>();
        if (job.kind >= kWorkloadKindCount)
            return complain("the engine sent an unknown workload", kExitProtocol);
        if (Misbehaviour::exitsEarly(m_options.misbehave))
            ::_exit(3);

        const auto kind = static_cast<WorkloadKind>(job.kind);
        wire::Result result {};
        result.jobId = job.jobId;
        result.beginNs = monotonicNs();
        ctx.events().recordAt(result.beginNs, EventKind::TaskBegin, job.arg, 0, job.kind);
        const WorkOutcome outcome = runBlocking(kind, job.arg, job.seed, ctx, napEvery);
        result.endNs = monotonicNs();
        result.result = outcome.result;
        result.cancelled = outcome.cancelled ? 1 : 0;
        ctx.events().recordAt(result.endNs, EventKind::TaskEnd, outcome.result, 0, outcome.cancelled ? 1 : 0);
        if (!outcome.cancelled)
            ++m_tasksDone;
        if (!channel.send(result))
            return kExitEngineGone;
    }
}

int ChildWorker::spinnerLoop(
    ProcessChannel& channel, WorkerContext& ctx, std::int64_t intervalNs, int cancelFd)
{
    const int intervalMs = static_cast<int>(std::max<std::int64_t>(1, intervalNs / 1'000'000));
    for (std::int64_t frameNo = 0;; ++frameNo) {
        ctx.events().record(EventKind::Frame, frameNo);
        // done.wait(interval) of spinner_proc.py: the "done" event is a
        // message from the engine (or a cancel).
        BlockingSection sleeping(ctx, WorkerState::Sleeping);
        pollfd fds[2] = {{channel.fd(), POLLIN, 0}, {cancelFd, POLLIN, 0}};
        const int ready = ::poll(fds, 2, intervalMs);
        if (ctx.cancelled())
            return 0;
        if (ready > 0 && fds[0].revents != 0) {
            ProcessChannel::Frame frame;
            const auto status = channel.receive(&frame);
            if (status == ProcessChannel::Status::Closed)
                return kExitEngineGone;
            if (status != ProcessChannel::Status::Message || frame.type != wire::MessageType::PoisonPill)
                return complain("the engine sent an unexpected message", kExitProtocol);
            return 0;
        }
    }
}

int ChildWorker::producerLoop(ProcessChannel& channel, WorkerContext& ctx, int cancelFd)
{
    // Waits up to timeoutMs (-1: for ever) for the engine; 1 = it spoke, 0 =
    // the time is up, -1 = cancelled. Sleeping, as time.sleep() between two puts.
    const auto await = [&](int timeoutMs) {
        BlockingSection sleeping(ctx, WorkerState::Sleeping);
        pollfd fds[2] = {{channel.fd(), POLLIN, 0}, {cancelFd, POLLIN, 0}};
        const int ready = ::poll(fds, 2, timeoutMs);
        if (ctx.cancelled())
            return -1;
        return ready > 0 && fds[0].revents != 0 ? 1 : 0;
    };
    // The engine's words besides Produce can only be "stop" (a PoisonPill).
    const auto stopCode = [&](const ProcessChannel::Frame& frame, ProcessChannel::Status status) {
        if (status == ProcessChannel::Status::Closed)
            return kExitEngineGone;
        if (status != ProcessChannel::Status::Message || frame.type != wire::MessageType::PoisonPill)
            return complain("the engine sent an unexpected message", kExitProtocol);
        return 0;
    };
    ProcessChannel::Frame frame;
    if (await(-1) < 0)
        return 0;
    auto status = channel.receive(&frame);
    if (status != ProcessChannel::Status::Message || frame.type != wire::MessageType::Produce)
        return stopCode(frame, status);
    const auto produce = frame.as<wire::Produce>();
    const int intervalMs
        = static_cast<int>(std::clamp<std::int64_t>(produce.intervalNs / 1'000'000, 0, 60'000));
    for (std::uint32_t i = 0; i < produce.count; ++i) {
        const int heard = await(intervalMs);
        if (heard < 0)
            return 0;
        if (heard > 0)
            return stopCode(frame, channel.receive(&frame));
        // queue.put(i) of Danjou's producer; the marker's argument is the item.
        const std::uint32_t seq = produce.first + i;
        const std::int64_t now = monotonicNs();
        ctx.events().recordAt(now, EventKind::Marker, seq);
        if (!channel.send(wire::Item {seq, 0, now}))
            return kExitEngineGone;
    }
    return 0;
}

} // namespace spindle

#include "runtime/supervisedruntime.h"

#include "model/clock.h"
#include "runtime/childsupervisor.h"
#include "runtime/runcontext.h"
#include "runtime/runcontrol.h"

#include <algorithm>
#include <csignal>
#include <deque>

namespace spindle {

namespace {

// A slot whose consumers keep dying before they consume anything, on their
// own (not killed on purpose), is broken: it is not restarted past this.
constexpr int kMaxCrashesInARow = 3;

class Master : public ChildSupervisor::Owner {
public:
    explicit Master(RunContext& run) : m_run(run), m_children(run, *this) { }

    void run();

    void childReady(ChildProcess& child) override;
    void childMessage(ChildProcess& child, const ProcessChannel::Frame& frame) override;
    void childEnded(ChildProcess& child, ChildProcess::Ending ending) override;

private:
    // One consumer's place: "consumer 3" and the children that held it in turn.
    struct Slot {
        ChildProcess* live = nullptr; // the consumer holding it now
        int restarts = 0;
        int crashesInARow = 0;
        bool restartNext = false; // the last holder crashed: the next one is a restart
        bool givenUp = false;
    };
    // Who sent a consumer the signal that ended it, if anyone did.
    enum class KilledBy : std::uint8_t { Nobody, KillEvery, Request };
    struct Consumer {
        ChildProcess* child = nullptr;
        int slot = 0;
        bool retiring = false; // past the wanted count: a pill at its next request
        KilledBy killedBy = KilledBy::Nobody;
        std::uint64_t consumed = 0;
    };

    std::uint64_t total() const { return m_run.spec().tasks.size(); }
    bool finishing() const { return m_stats.consumed == total(); }
    Consumer* consumerOf(const ChildProcess& child);
    void startProducer();
    void startConsumer(int slot);
    void applyRequests();
    void setWanted(int wanted);
    void keepConsumers();
    void dispatch();
    void onResult(ChildProcess& child, const wire::Result& result);
    void onItem(ChildProcess& child, const wire::Item& item);
    // A busy consumer (any live one if none is busy) gets `signal`; false when there is none.
    bool killOneConsumer(int signal, KilledBy by);
    void killOnRequest(std::uint32_t worker, int signal);
    void started(ChildProcess* child);
    int aliveConsumers() const;

    RunContext& m_run;
    ChildSupervisor m_children;
    ChildProcess* m_producer = nullptr;
    int m_producerRestarts = 0;
    bool m_producerRestartNext = false;
    bool m_producerKilledOnRequest = false;
    std::vector<Slot> m_slots;
    std::vector<Consumer> m_consumers;
    int m_wanted = 0;
    bool m_resized = false;
    bool m_failed = false;
    std::deque<std::uint32_t> m_queue; // item numbers, oldest first
    std::deque<ChildProcess*> m_parked; // consumers waiting in queue.get()
    std::uint32_t m_nextJobId = 1;
    SupervisorStats m_stats;
};

void Master::run()
{
    RunControl* control = m_run.control();
    if (m_children.open()) {
        if (control != nullptr)
            control->setWake(m_children.waker());
        m_wanted = m_run.spec().effectiveWorkers();
        if (control != nullptr)
            control->reportWorkers(m_wanted);
        startProducer();
        for (int slot = 0; slot < m_wanted && !m_failed; ++slot)
            startConsumer(slot);
        for (;;) {
            applyRequests();
            keepConsumers();
            dispatch();
            if (m_children.allEnded() && (finishing() || m_children.terminating()))
                break;
            m_children.waitAndHandle();
        }
    }
    if (control != nullptr)
        control->setWake(nullptr);
    m_stats.consumersAtEnd = m_wanted;
    m_run.setSupervisorStats(m_stats);
}

Master::Consumer* Master::consumerOf(const ChildProcess& child)
{
    for (Consumer& c : m_consumers) {
        if (c.child == &child)
            return &c;
    }
    return nullptr;
}

int Master::aliveConsumers() const
{
    return static_cast<int>(std::count_if(m_consumers.begin(), m_consumers.end(),
        [](const Consumer& c) { return c.child->phase != ChildProcess::Phase::Ended; }));
}

void Master::startProducer()
{
    WorkerInfo info;
    info.id = m_run.reserveWorkerId();
    info.kind = WorkerKind::Process;
    info.role = WorkerRole::Main;
    info.name = m_producerRestartNext ? QStringLiteral("producer (restart %1)").arg(m_producerRestarts)
                                      : QStringLiteral("producer");
    m_producerRestartNext = false;
    m_producerKilledOnRequest = false;
    m_producer = m_children.start(info, wire::ChildRole::Producer);
    if (m_producer == nullptr)
        m_failed = true;
    started(m_producer);
}

void Master::started(ChildProcess* child)
{
    RunControl* control = m_run.control();
    if (child != nullptr && control != nullptr)
        control->childStarted(child->info().id, child->isWorker());
}

void Master::startConsumer(int slot)
{
    if (static_cast<int>(m_slots.size()) <= slot)
        m_slots.resize(static_cast<std::size_t>(slot) + 1);
    Slot& s = m_slots[static_cast<std::size_t>(slot)];
    WorkerInfo info;
    info.id = m_run.reserveWorkerId();
    info.kind = WorkerKind::Process;
    info.role = WorkerRole::Worker;
    info.name = QStringLiteral("consumer %1").arg(slot + 1);
    if (s.restartNext)
        info.name += QStringLiteral(" (restart %1)").arg(s.restarts);
    s.restartNext = false;
    ChildProcess* child = m_children.start(info, wire::ChildRole::Worker);
    if (child == nullptr) {
        s.givenUp = true;
        m_failed = true;
        return;
    }
    s.live = child;
    m_consumers.push_back(Consumer {child, slot});
    started(child);
    m_stats.consumersPeak = std::max(m_stats.consumersPeak, aliveConsumers());
}

void Master::applyRequests()
{
    if (m_children.terminating() || finishing())
        return;
    if (RunControl* control = m_run.control()) {
        if (const auto workers = control->takeWorkersRequest())
            setWanted(*workers);
        for (const RunControl::KillRequest& kill : control->takeKillRequests()) {
            if (kill.worker)
                killOnRequest(*kill.worker, kill.signal);
            else
                killOneConsumer(kill.signal, KilledBy::Request);
        }
    }
    // The spec's own reconfigure, so that a headless run shows one too.
    const int resizeTo = m_run.spec().resizeTo;
    if (resizeTo > 0 && !m_resized && m_stats.consumed * 2 >= total()) {
        m_resized = true;
        setWanted(resizeTo);
    }
}

void Master::setWanted(int wanted)
{
    if (wanted == m_wanted)
        return;
    ++m_stats.reconfigures;
    m_wanted = wanted;
    if (RunControl* control = m_run.control())
        control->reportWorkers(m_wanted);
    for (Consumer& c : m_consumers) {
        if (c.slot < m_wanted || c.retiring || c.child->phase == ChildProcess::Phase::Ended)
            continue;
        // It finishes its item first; the slot is free for a new one at once.
        c.retiring = true;
        m_slots[static_cast<std::size_t>(c.slot)].live = nullptr;
    }
}

void Master::keepConsumers()
{
    if (m_children.terminating() || finishing())
        return;
    if (m_producer == nullptr && m_stats.produced < total() && !m_failed) {
        ++m_producerRestarts;
        ++m_stats.restarts;
        m_producerRestartNext = true;
        startProducer();
    }
    for (int slot = 0; slot < m_wanted && !m_failed; ++slot) {
        if (static_cast<int>(m_slots.size()) <= slot)
            m_slots.resize(static_cast<std::size_t>(slot) + 1);
        const Slot& s = m_slots[static_cast<std::size_t>(slot)];
        if (s.live == nullptr && !s.givenUp)
            startConsumer(slot);
    }
    if (aliveConsumers() == 0 || (m_failed && m_producer == nullptr)) {
        // Nobody is left to consume (or to produce) what remains.
        m_run.setError(
            QStringLiteral("the supervisor has no %1 left; %2 of %3 items were consumed")
                .arg(aliveConsumers() == 0 ? QStringLiteral("consumer") : QStringLiteral("producer"))
                .arg(m_stats.consumed)
                .arg(total()));
        m_children.terminateAll();
    }
}

void Master::dispatch()
{
    while (!m_parked.empty()) {
        ChildProcess& child = *m_parked.front();
        Consumer* c = consumerOf(child);
        if (child.phase != ChildProcess::Phase::Parked || c == nullptr) {
            m_parked.pop_front();
            continue;
        }
        if (m_children.terminating() || finishing() || c->retiring) {
            m_children.sendPill(child);
            m_parked.pop_front();
            continue;
        }
        if (m_queue.empty())
            break;
        const std::uint32_t item = m_queue.front();
        const TaskSpec& task = m_run.spec().tasks.at(item);
        wire::Job job {};
        job.jobId = m_nextJobId++;
        job.kind = static_cast<std::uint8_t>(task.kind);
        job.arg = task.arg;
        job.seed = m_run.spec().seed + item;
        if (!child.channel().send(job)) {
            m_children.sendFailed(child);
            m_parked.pop_front();
            continue;
        }
        m_queue.pop_front();
        child.job = ChildProcess::Job {job.jobId, item, monotonicNs()};
        child.phase = ChildProcess::Phase::Busy;
        m_parked.pop_front();
    }
    if (finishing() && m_producer != nullptr)
        m_children.sendPill(*m_producer);
}

void Master::childReady(ChildProcess& child)
{
    if (&child != m_producer)
        return; // a consumer asks for its first item itself
    const auto first = static_cast<std::uint32_t>(m_stats.produced);
    const wire::Produce produce {
        first, static_cast<std::uint32_t>(total()) - first, m_run.spec().produceIntervalMs * 1'000'000};
    if (!child.channel().send(produce))
        m_children.sendFailed(child);
}

void Master::childMessage(ChildProcess& child, const ProcessChannel::Frame& frame)
{
    using Phase = ChildProcess::Phase;
    const bool producer = &child == m_producer;
    switch (frame.type) {
    case wire::MessageType::Item:
        if (!producer)
            return m_children.violation(child, "a consumer sent an Item");
        return onItem(child, frame.as<wire::Item>());
    case wire::MessageType::JobRequest:
        if (!producer && child.phase == Phase::Draining)
            return; // its poison pill is on the way
        if (producer || child.phase != Phase::Idle)
            return m_children.violation(child, "it asked for an item while it could not take one");
        child.phase = Phase::Parked;
        m_parked.push_back(&child);
        return;
    case wire::MessageType::Result:
        if (producer)
            return m_children.violation(child, "the producer sent a Result");
        return onResult(child, frame.as<wire::Result>());
    default:
        return m_children.violation(child,
            std::string("it sent a ") + wire::typeName(frame.type) + " message, which it has no use for");
    }
}

void Master::onItem(ChildProcess& child, const wire::Item& item)
{
    if (item.seq != m_stats.produced || m_stats.produced >= total())
        return m_children.violation(child,
            "it put item " + std::to_string(item.seq) + " on the queue; the next one is "
                + std::to_string(m_stats.produced) + " of " + std::to_string(total()));
    m_queue.push_back(item.seq);
    ++m_stats.produced;
}

void Master::onResult(ChildProcess& child, const wire::Result& result)
{
    if (child.phase != ChildProcess::Phase::Busy || !child.job || child.job->jobId != result.jobId)
        return m_children.violation(
            child, "it sent a Result for job " + std::to_string(result.jobId) + ", which it was not given");
    if (result.endNs < result.beginNs || result.cancelled > 1)
        return m_children.violation(
            child, "its Result for job " + std::to_string(result.jobId) + " is inconsistent");
    const std::size_t item = child.job->task;
    child.job.reset();
    child.phase = ChildProcess::Phase::Idle;
    if (result.cancelled != 0) {
        // Stopped by a cancel in the middle: it stays on the queue for nobody.
        m_queue.push_front(static_cast<std::uint32_t>(item));
        return;
    }
    const TaskSpec& spec = m_run.spec().tasks[item];
    TaskResult task;
    task.worker = child.info().id;
    task.index = static_cast<std::uint32_t>(item);
    task.kind = spec.kind;
    task.arg = spec.arg;
    task.result = result.result;
    task.beginNs = result.beginNs;
    task.endNs = result.endNs;
    m_run.recordTask(task);
    ++child.result().tasksDone;
    ++m_stats.consumed;
    if (Consumer* c = consumerOf(child)) {
        ++c->consumed;
        m_slots[static_cast<std::size_t>(c->slot)].crashesInARow = 0;
    }
    const std::int64_t every = m_run.spec().killEvery;
    if (every > 0 && m_stats.consumed % static_cast<std::uint64_t>(every) == 0 && !finishing())
        killOneConsumer(SIGKILL, KilledBy::KillEvery);
}

bool Master::killOneConsumer(int signal, KilledBy by)
{
    // A busy one, so that the redelivery shows; any live one otherwise.
    Consumer* victim = nullptr;
    for (Consumer& c : m_consumers) {
        const auto phase = c.child->phase;
        if (c.retiring || c.killedBy != KilledBy::Nobody || phase == ChildProcess::Phase::Ended
            || phase == ChildProcess::Phase::Draining || phase == ChildProcess::Phase::Starting)
            continue;
        if (victim == nullptr || (phase == ChildProcess::Phase::Busy && victim->child->phase != phase))
            victim = &c;
    }
    if (victim == nullptr || !victim->child->signal(signal))
        return false;
    if (signal == SIGKILL)
        victim->killedBy = by;
    return true;
}

void Master::killOnRequest(std::uint32_t worker, int signal)
{
    for (const auto& child : m_children.children()) {
        if (child->info().id != worker || child->phase == ChildProcess::Phase::Ended)
            continue;
        // Through the pidfd, from the thread that reaps it: never a recycled pid.
        if (!child->signal(signal))
            return;
        if (signal != SIGKILL)
            return; // a stop or a continue: its lane shows it, nothing else changes
        if (Consumer* c = consumerOf(*child); c != nullptr && c->killedBy == KilledBy::Nobody)
            c->killedBy = KilledBy::Request;
        if (child.get() == m_producer)
            m_producerKilledOnRequest = true;
        return;
    }
}

void Master::childEnded(ChildProcess& child, ChildProcess::Ending ending)
{
    const bool crashed = ending == ChildProcess::Ending::Crashed;
    if (crashed)
        ++m_stats.crashed;
    if (RunControl* control = m_run.control())
        control->childEnded(child.info().id);
    if (&child == m_producer) {
        if (m_producerKilledOnRequest)
            child.result().exitReason
                = QStringLiteral("killed on request: %1").arg(child.result().exitReason);
        m_producer = nullptr;
        m_producerRestartNext = crashed;
        return; // keepConsumers() starts another while items are missing
    }
    Consumer* c = consumerOf(child);
    if (c == nullptr)
        return;
    if (child.job) {
        // The queue kept no copy of it but the master's: it goes out again.
        m_queue.push_front(static_cast<std::uint32_t>(child.job->task));
        ++m_stats.redelivered;
        child.job.reset();
    }
    Slot& slot = m_slots[static_cast<std::size_t>(c->slot)];
    if (slot.live == &child)
        slot.live = nullptr;
    if (c->killedBy == KilledBy::Request)
        child.result().exitReason = QStringLiteral("killed on request: %1").arg(child.result().exitReason);
    if (!crashed)
        return;
    if (c->killedBy == KilledBy::KillEvery) {
        ++m_stats.killed;
        child.result().exitReason
            = QStringLiteral("killed on purpose by the run (kill-every): %1").arg(child.result().exitReason);
    } else if (c->killedBy == KilledBy::Nobody && c->consumed == 0
        && ++slot.crashesInARow >= kMaxCrashesInARow) {
        // A kill on request says nothing about the slot; dying on its own, again and again, does.
        slot.givenUp = true;
        m_run.setError(
            QStringLiteral("consumer %1 died %2 times in a row before consuming an item, the last one "
                           "%3; it is not restarted again")
                .arg(c->slot + 1)
                .arg(kMaxCrashesInARow)
                .arg(child.result().exitReason));
        return;
    }
    if (c->retiring || c->slot >= m_wanted || m_children.terminating() || finishing())
        return;
    ++slot.restarts;
    ++m_stats.restarts;
    slot.restartNext = true;
}

} // namespace

void SupervisedRuntime::execute(RunContext& run)
{
    Master master(run);
    master.run();
}

} // namespace spindle

#include "daemonsrun.h"

#include "testsupport.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <set>
#include <sys/wait.h>

namespace spindle::test {

RunSpec daemonsSpec(const QStringList& params, int workers)
{
    return scenarioSpec(QStringLiteral("daemons"), params, workers);
}

bool isConsumer(const WorkerInfo& info)
{
    return info.kind == WorkerKind::Process && info.role == WorkerRole::Worker;
}

// A consumer lane that is inside an item right now: its latest task event is a TaskBegin.
std::optional<WorkerInfo> consumerInItem(const EventStore& store)
{
    for (const WorkerInfo& info : store.workers()) {
        if (!isConsumer(info))
            continue;
        const auto lane = store.laneEvents(info.id);
        const auto last = std::find_if(lane.rbegin(), lane.rend(),
            [](const Event& e) { return e.kind == EventKind::TaskBegin || e.kind == EventKind::TaskEnd; });
        if (last != lane.rend() && last->kind == EventKind::TaskBegin)
            return info;
    }
    return std::nullopt;
}

std::size_t itemsDone(const EventStore& store)
{
    std::size_t done = 0;
    for (const WorkerInfo& info : store.workers()) {
        for (const Event& e : store.laneEvents(info.id))
            done += e.kind == EventKind::TaskEnd && e.aux == 0 ? 1 : 0;
    }
    return done;
}

// Every item once, none twice.
void expectEachItemOnce(const RunResult& r)
{
    std::set<std::uint32_t> items;
    for (const TaskResult& t : r.tasks) {
        EXPECT_FALSE(t.cancelled);
        EXPECT_TRUE(items.insert(t.index).second) << "item " << t.index << " consumed twice";
    }
    EXPECT_EQ(items.size(), r.spec.tasks.size());
}

// Every lane is in time order and closed: exited, or crashed for a child that crashed.
void expectLanesClosed(const EventStore& store, const RunResult& r)
{
    for (const WorkerResult& w : r.workers) {
        SCOPED_TRACE(w.info.name.toStdString());
        const auto lane = store.laneEvents(w.info.id);
        ASSERT_FALSE(lane.empty());
        EXPECT_TRUE(std::is_sorted(
            lane.begin(), lane.end(), [](const Event& a, const Event& b) { return a.tNs < b.tNs; }));
        const auto last = std::find_if(
            lane.rbegin(), lane.rend(), [](const Event& e) { return e.kind == EventKind::State; });
        ASSERT_NE(last, lane.rend());
        EXPECT_EQ(last->workerState(), w.crashed ? WorkerState::Crashed : WorkerState::Exited);
    }
}

// Nothing the run started is alive, or a zombie of ours.
void expectNoChildLeft(const RunResult& r)
{
    for (const WorkerResult& w : r.workers) {
        if (w.info.kind != WorkerKind::Process)
            continue;
        SCOPED_TRACE(w.info.name.toStdString());
        EXPECT_EQ(::kill(w.info.pid, 0), -1);
        EXPECT_EQ(errno, ESRCH);
        EXPECT_EQ(::waitpid(w.info.pid, nullptr, WNOHANG), -1);
        EXPECT_EQ(errno, ECHILD);
    }
}

const WorkerResult* workerById(const RunResult& r, std::uint32_t id)
{
    for (const WorkerResult& w : r.workers) {
        if (w.info.id == id)
            return &w;
    }
    return nullptr;
}

void runAndSignalAConsumer(Engine& engine, int items, int signal, SignalledRun* out)
{
    const RunSpec spec = daemonsSpec(
        {QStringLiteral("items=%1").arg(items), QStringLiteral("item-ms=200"),
            QStringLiteral("produce-ms=10"), QStringLiteral("kill-every=0"), QStringLiteral("resize-to=0")},
        2);
    EXPECT_EQ(spec.pattern, ProcessPattern::Supervised);
    QSignalSpy batches(&engine, &Engine::batchReady);
    QSignalSpy finished(&engine, &Engine::runFinished);
    ASSERT_TRUE(engine.start(spec).isEmpty());
    std::optional<WorkerInfo> victim;
    ASSERT_TRUE(waitUntil(engine, batches, [&](const EventStore& store) {
        victim = consumerInItem(store);
        return victim.has_value();
    })) << "no consumer began an item";
    out->victim = *victim;
    out->signalNs = monotonicNs();
    ASSERT_EQ(::kill(victim->pid, signal), 0);
    ASSERT_TRUE(finished.wait(60'000));
    out->result = finished.takeFirst().at(0).value<RunResultPtr>();
    ASSERT_TRUE(out->result->succeeded()) << out->result->error.toStdString();
    ASSERT_TRUE(out->result->supervisor);
}

} // namespace spindle::test

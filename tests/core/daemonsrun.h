#pragma once
// What the daemons scenario's tests share: a run spec from the scenario's
// parameters, waiting on the live recording, and the checks every run must
// pass (each item once, every lane closed, no child left).

#include "engine.h"
#include "model/clock.h"
#include "model/runresult.h"
#include "model/workerinfo.h"
#include "session/eventstore.h"

#include <QSignalSpy>
#include <QStringList>

#include <cstdint>
#include <optional>

namespace spindle::test {

RunSpec daemonsSpec(const QStringList& params, int workers);
bool isConsumer(const WorkerInfo& info);

// Waits (processing events) until `ready` holds for the recording; false on timeout.
template <typename Pred>
bool waitUntil(Engine& engine, QSignalSpy& batches, Pred ready, int timeoutMs = 20'000)
{
    const std::int64_t deadline = monotonicNs() + std::int64_t {timeoutMs} * 1'000'000;
    while (monotonicNs() < deadline) {
        if (ready(*engine.store()))
            return true;
        batches.wait(100);
    }
    return false;
}

// A consumer lane that is inside an item right now: its latest task event is a TaskBegin.
std::optional<WorkerInfo> consumerInItem(const EventStore& store);
std::size_t itemsDone(const EventStore& store);
// Every item once, none twice.
void expectEachItemOnce(const RunResult& r);
// Every lane is in time order and closed: exited, or crashed for a child that crashed.
void expectLanesClosed(const EventStore& store, const RunResult& r);
// Nothing the run started is alive, or a zombie of ours.
void expectNoChildLeft(const RunResult& r);
const WorkerResult* workerById(const RunResult& r, std::uint32_t id);

// A run of `items` items of 200 ms on two consumers, one of which gets
// `signal` from outside the engine while inside an item.
struct SignalledRun {
    RunResultPtr result;
    WorkerInfo victim;
    std::int64_t signalNs = 0;
};
void runAndSignalAConsumer(Engine& engine, int items, int signal, SignalledRun* out);

} // namespace spindle::test

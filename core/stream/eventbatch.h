#pragma once
// What the collector hands to the UI at most once per frame: the events that
// arrived since the previous batch, new side-table entries, and CPU samples.
// Shared and immutable, so a queued signal copies a pointer, not the events.

#include "model/event.h"
#include "model/workerinfo.h"
#include "sampling/cpusample.h"

#include <QMetaType>

#include <cstdint>
#include <memory>
#include <vector>

namespace spindle {

struct EventBatch {
    std::uint64_t runId = 0;
    std::uint64_t sequence = 0;   // 0, 1, 2 ... within a run
    std::int64_t tNs = 0;         // when the collector closed the batch
    bool last = false;            // the run's final batch
    std::vector<WorkerInfo> newWorkers;
    std::vector<Event> events;    // per worker in time order
    std::vector<ThreadCpuSample> threadCpu;
    std::vector<CoreCpuSample> coreCpu;
};

using EventBatchPtr = std::shared_ptr<const EventBatch>;

} // namespace spindle

Q_DECLARE_METATYPE(spindle::EventBatchPtr)

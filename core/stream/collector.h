#pragma once
// The one thread that drains every worker's ring. It appends what it finds to
// the run's EventStore and, at most once per batch interval (one UI frame,
// 16 ms), hands everything new to the sink as a single EventBatch. Producers
// never wait for it: it polls every millisecond, which keeps rings far from full.

#include "session/eventstore.h"
#include "stream/eventbatch.h"
#include "stream/eventring.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace spindle {

class CpuSampler;

class Collector {
public:
    using BatchSink = std::function<void(EventBatchPtr)>;
    struct Options {
        std::int64_t batchIntervalNs = 16'000'000;
        std::int64_t pollIntervalNs = 1'000'000;
    };

    Collector(std::uint64_t runId, std::shared_ptr<EventStore> store, BatchSink sink);
    Collector(std::uint64_t runId, std::shared_ptr<EventStore> store, BatchSink sink, Options options);
    ~Collector();
    Collector(const Collector&) = delete;
    Collector& operator=(const Collector&) = delete;

    // Thread-safe. Rings and workers may be added while the collector runs.
    void addRing(std::shared_ptr<EventRing> ring);
    void addWorker(const WorkerInfo& worker);
    void setSampler(CpuSampler* sampler);

    void start();
    // Drains every ring one last time, emits the final batch (last = true), joins.
    void stop();

    std::uint64_t eventsCollected() const { return m_collected.load(std::memory_order_relaxed); }
    std::uint64_t batchesEmitted() const { return m_batches.load(std::memory_order_relaxed); }
    std::uint64_t eventsDropped() const;
    // Events naming a worker id no run can have (a corrupt child's ring):
    // dropped before they reach the store or the window.
    std::uint64_t eventsRejected() const { return m_rejected.load(std::memory_order_relaxed); }
    static constexpr std::uint32_t kMaxWorkerId = 1u << 18;

private:
    void threadMain();
    // Drains every ring into m_pending; returns how many events were moved.
    std::size_t drainOnce();
    void emitBatch(bool last);

    const std::uint64_t m_runId;
    const std::shared_ptr<EventStore> m_store;
    const BatchSink m_sink;
    const Options m_options;

    mutable std::mutex m_mutex; // guards m_rings, m_newWorkers, m_sampler, m_stop
    std::condition_variable m_wake;
    std::vector<std::shared_ptr<EventRing>> m_rings;
    std::vector<WorkerInfo> m_newWorkers;
    CpuSampler* m_sampler = nullptr;
    bool m_stop = false;

    // Collector-thread state.
    std::vector<std::shared_ptr<EventRing>> m_ringsSnapshot;
    std::vector<Event> m_scratch;
    std::shared_ptr<EventBatch> m_pending;
    std::uint64_t m_sequence = 0;

    std::atomic<std::uint64_t> m_collected{0};
    std::atomic<std::uint64_t> m_batches{0};
    std::atomic<std::uint64_t> m_rejected{0};
    std::thread m_thread;
};

} // namespace spindle

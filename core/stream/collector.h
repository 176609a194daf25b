#pragma once
// The one thread that drains every worker's ring. It appends what it finds to
// the run's EventStore and, at most once per batch interval (one UI frame,
// 16 ms), hands everything new to the sink as a single EventBatch. Producers
// never wait for it: it polls every millisecond while any ring fills fast,
// which keeps rings far from full, and backs off to once per batch interval
// while they stay nearly empty. A wake-up every millisecond is what a
// CPU-bound worker pays for on a busy machine (it preempts the worker), so
// quiet runs, the usual case, should not pay it.

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
        std::int64_t pollIntervalNs = 1'000'000; // while a ring fills fast
        std::int64_t maxPollIntervalNs = 16'000'000; // while every ring stays nearly empty
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
    // Events naming a worker id no run can have, or a kind or state this
    // build does not know (a corrupt child's ring):
    // dropped before they reach the store or the window.
    std::uint64_t eventsRejected() const { return m_rejected.load(std::memory_order_relaxed); }
    // Passes over the rings so far (each one a wake-up of the collector thread).
    std::uint64_t drainPasses() const { return m_passes.load(std::memory_order_relaxed); }
    // The poll interval after a pass that drained `fullest` (the largest share
    // of one ring's capacity it took from that ring): back to the shortest
    // when a ring was a quarter full, twice as long (up to the longest) when
    // every ring held under an eighth.
    static std::int64_t nextPollNs(std::int64_t currentNs, double fullest, const Options& options);
    static constexpr std::uint32_t kMaxWorkerId = 1u << 18;

private:
    void threadMain();
    // Drains every ring into m_pending; returns the largest share of one
    // ring's capacity taken from it (0 when all were empty).
    double drainOnce();
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

    std::atomic<std::uint64_t> m_collected {0};
    std::atomic<std::uint64_t> m_batches {0};
    std::atomic<std::uint64_t> m_rejected {0};
    std::atomic<std::uint64_t> m_passes {0};
    std::thread m_thread;
};

} // namespace spindle

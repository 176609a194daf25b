#include "stream/collector.h"

#include "model/clock.h"
#include "sampling/cpusampler.h"

#include <algorithm>
#include <chrono>

namespace spindle {

Collector::Collector(std::uint64_t runId, std::shared_ptr<EventStore> store, BatchSink sink)
    : Collector(runId, std::move(store), std::move(sink), Options {})
{
}

Collector::Collector(std::uint64_t runId, std::shared_ptr<EventStore> store, BatchSink sink, Options options)
    : m_runId(runId),
      m_store(std::move(store)),
      m_sink(std::move(sink)),
      m_options(options),
      m_pending(std::make_shared<EventBatch>())
{
}

Collector::~Collector()
{
    stop();
}

void Collector::addRing(std::shared_ptr<EventRing> ring)
{
    std::lock_guard lock(m_mutex);
    m_rings.push_back(std::move(ring));
}

void Collector::addWorker(const WorkerInfo& worker)
{
    std::lock_guard lock(m_mutex);
    m_newWorkers.push_back(worker);
}

void Collector::setSampler(CpuSampler* sampler)
{
    std::lock_guard lock(m_mutex);
    m_sampler = sampler;
}

void Collector::start()
{
    if (!m_thread.joinable())
        m_thread = std::thread([this] { threadMain(); });
}

void Collector::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

std::uint64_t Collector::eventsDropped() const
{
    std::lock_guard lock(m_mutex);
    std::uint64_t dropped = 0;
    for (const auto& ring : m_rings)
        dropped += ring->dropped();
    return dropped;
}

std::int64_t Collector::nextPollNs(std::int64_t currentNs, double fullest, const Options& options)
{
    if (fullest >= 0.25)
        return options.pollIntervalNs;
    if (fullest < 0.125)
        return std::clamp(currentNs * 2, options.pollIntervalNs,
            std::max(options.pollIntervalNs, options.maxPollIntervalNs));
    return currentNs;
}

double Collector::drainOnce()
{
    CpuSampler* sampler = nullptr;
    {
        std::lock_guard lock(m_mutex);
        if (m_ringsSnapshot.size() != m_rings.size())
            m_ringsSnapshot = m_rings;
        if (!m_newWorkers.empty()) {
            m_store->addWorkers(m_newWorkers);
            m_pending->newWorkers.insert(
                m_pending->newWorkers.end(), m_newWorkers.begin(), m_newWorkers.end());
            m_newWorkers.clear();
        }
        sampler = m_sampler;
    }
    m_passes.fetch_add(1, std::memory_order_relaxed);
    m_scratch.clear();
    double fullest = 0;
    for (const auto& ring : m_ringsSnapshot) {
        const std::size_t n = ring->drainInto(m_scratch);
        if (n > 0 && ring->capacity() > 0)
            fullest = std::max(fullest, static_cast<double>(n) / ring->capacity());
    }
    const auto impossible = std::remove_if(m_scratch.begin(), m_scratch.end(),
        [](const Event& e) { return e.worker >= kMaxWorkerId || !hasKnownKindAndState(e); });
    if (impossible != m_scratch.end()) {
        m_rejected.fetch_add(
            static_cast<std::uint64_t>(m_scratch.end() - impossible), std::memory_order_relaxed);
        m_scratch.erase(impossible, m_scratch.end());
    }
    if (!m_scratch.empty()) {
        m_store->append(m_scratch);
        m_pending->events.insert(m_pending->events.end(), m_scratch.begin(), m_scratch.end());
        m_collected.fetch_add(m_scratch.size(), std::memory_order_relaxed);
    }
    if (sampler != nullptr) {
        const std::size_t threadsBefore = m_pending->threadCpu.size();
        const std::size_t coresBefore = m_pending->coreCpu.size();
        sampler->takeSamples(m_pending->threadCpu, m_pending->coreCpu);
        if (m_pending->threadCpu.size() != threadsBefore || m_pending->coreCpu.size() != coresBefore) {
            m_store->appendCpu({m_pending->threadCpu.begin() + static_cast<std::ptrdiff_t>(threadsBefore),
                                   m_pending->threadCpu.end()},
                {m_pending->coreCpu.begin() + static_cast<std::ptrdiff_t>(coresBefore),
                    m_pending->coreCpu.end()});
        }
    }
    return fullest;
}

void Collector::emitBatch(bool last)
{
    const bool empty = m_pending->events.empty() && m_pending->newWorkers.empty()
        && m_pending->threadCpu.empty() && m_pending->coreCpu.empty();
    if (empty && !last)
        return;
    m_pending->runId = m_runId;
    m_pending->sequence = m_sequence++;
    m_pending->tNs = monotonicNs();
    m_pending->last = last;
    EventBatchPtr batch = std::move(m_pending);
    m_pending = std::make_shared<EventBatch>();
    m_batches.fetch_add(1, std::memory_order_relaxed);
    if (m_sink)
        m_sink(std::move(batch));
}

void Collector::threadMain()
{
    std::int64_t nextBatch = monotonicNs() + m_options.batchIntervalNs;
    // Rings start empty: poll slowly until one fills.
    std::int64_t pollNs = std::max(m_options.pollIntervalNs, m_options.maxPollIntervalNs);
    for (;;) {
        bool stopping = false;
        {
            // Never past the next batch: a slow poll must not delay the UI's frame.
            const std::int64_t waitNs
                = std::min(pollNs, std::max<std::int64_t>(nextBatch - monotonicNs(), 0));
            std::unique_lock lock(m_mutex);
            m_wake.wait_for(lock, std::chrono::nanoseconds(waitNs), [this] { return m_stop; });
            stopping = m_stop;
        }
        pollNs = nextPollNs(pollNs, drainOnce(), m_options);
        if (stopping) {
            // Producers have all been joined by now: one more pass catches the
            // events they wrote between the previous pass and their exit.
            drainOnce();
            emitBatch(true);
            return;
        }
        const std::int64_t now = monotonicNs();
        if (now >= nextBatch) {
            emitBatch(false);
            nextBatch = now + m_options.batchIntervalNs;
        }
    }
}

} // namespace spindle

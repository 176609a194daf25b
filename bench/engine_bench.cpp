// The engine's hot paths, each measured against its reference in the same run:
//  - writing an event vs reading the clock once (goal: ratio <= 1.2);
//  - the collector's throughput from several rings (goal: >= 10 M events/s);
//  - delivering events to the GUI thread batched vs one queued call per event.
// Ratios alternate A and B in short blocks and take medians, because this
// machine is shared and noisy.

#include "model/clock.h"
#include "stream/collector.h"
#include "stream/eventwriter.h"

#include <QCoreApplication>
#include <QMetaObject>
#include <QObject>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

using namespace spindle;

namespace {

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
}

// A consumer that keeps a ring from filling, as the collector does: a pass
// every millisecond (pollNs = 0 spins, the worst case for the producer's
// cache lines).
class Drainer {
public:
    explicit Drainer(EventRing& ring, std::int64_t pollNs = 1'000'000)
        : m_ring(ring), m_pollNs(pollNs), m_thread([this] { run(); })
    {
    }
    ~Drainer()
    {
        m_stop = true;
        m_thread.join();
    }

private:
    void run()
    {
        std::vector<Event> sink;
        while (!m_stop.load(std::memory_order_relaxed)) {
            sink.clear();
            m_ring.drainInto(sink);
            if (m_pollNs > 0)
                std::this_thread::sleep_for(std::chrono::nanoseconds(m_pollNs));
        }
    }
    EventRing& m_ring;
    std::int64_t m_pollNs;
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

void BM_ClockRead(benchmark::State& state)
{
    for (auto _ : state)
        benchmark::DoNotOptimize(monotonicNs());
}
BENCHMARK(BM_ClockRead);

void BM_EventWrite(benchmark::State& state)
{
    EventRing ring(1 << 16);
    Drainer drainer(ring, state.range(0));
    const EventWriter writer(&ring, 1);
    std::int64_t i = 0;
    for (auto _ : state)
        writer.record(EventKind::Frame, ++i);
    state.counters["dropped"] = static_cast<double>(ring.dropped());
}
BENCHMARK(BM_EventWrite)->Arg(1'000'000)->Arg(0);

// A/B in one run: blocks of clock reads and of event writes, alternated.
void BM_EventWriteOverClockRatio(benchmark::State& state)
{
    EventRing ring(1 << 16);
    Drainer drainer(ring);
    const EventWriter writer(&ring, 1);
    constexpr int kBlock = 20'000;
    std::vector<double> clockNs;
    std::vector<double> writeNs;
    std::vector<double> sameNs; // clock against clock: the noise floor
    for (auto _ : state) {
        std::int64_t t0 = monotonicNs();
        for (int i = 0; i < kBlock; ++i)
            benchmark::DoNotOptimize(monotonicNs());
        std::int64_t t1 = monotonicNs();
        for (int i = 0; i < kBlock; ++i)
            writer.record(EventKind::Frame, i);
        std::int64_t t2 = monotonicNs();
        for (int i = 0; i < kBlock; ++i)
            benchmark::DoNotOptimize(monotonicNs());
        std::int64_t t3 = monotonicNs();
        clockNs.push_back(static_cast<double>(t1 - t0) / kBlock);
        writeNs.push_back(static_cast<double>(t2 - t1) / kBlock);
        sameNs.push_back(static_cast<double>(t3 - t2) / kBlock);
    }
    const double clock = median(clockNs);
    state.counters["clock_ns"] = clock;
    state.counters["write_ns"] = median(writeNs);
    state.counters["ratio"] = median(writeNs) / clock;
    state.counters["same_vs_same"] = median(sameNs) / clock;
}
BENCHMARK(BM_EventWriteOverClockRatio)->Iterations(200);

void BM_CollectorThroughput(benchmark::State& state)
{
    const int producers = static_cast<int>(state.range(0));
    constexpr std::int64_t kPerProducer = 2'000'000;
    double eventsPerSecond = 0;
    for (auto _ : state) {
        auto store = std::make_shared<EventStore>();
        Collector collector(1, store, [](EventBatchPtr) {});
        std::vector<std::shared_ptr<EventRing>> rings;
        for (int p = 0; p < producers; ++p) {
            rings.push_back(std::make_shared<EventRing>(1 << 16));
            collector.addRing(rings.back());
        }
        const std::int64_t start = monotonicNs();
        collector.start();
        std::vector<std::thread> threads;
        for (int p = 0; p < producers; ++p) {
            threads.emplace_back([&, p] {
                Event e;
                e.worker = static_cast<std::uint32_t>(p);
                for (std::int64_t i = 0; i < kPerProducer; ++i) {
                    e.tNs = i;
                    rings[p]->push(e, INT64_MAX);
                }
            });
        }
        for (auto& t : threads)
            t.join();
        collector.stop();
        const std::int64_t elapsed = monotonicNs() - start;
        if (collector.eventsCollected() != static_cast<std::uint64_t>(producers * kPerProducer))
            state.SkipWithError("events lost");
        eventsPerSecond = static_cast<double>(collector.eventsCollected()) * 1e9 / static_cast<double>(elapsed);
    }
    state.counters["events_per_s"] = eventsPerSecond;
}
BENCHMARK(BM_CollectorThroughput)->Arg(1)->Arg(2)->Arg(4)->Iterations(3)->Unit(benchmark::kMillisecond);

class Receiver : public QObject {
public:
    std::uint64_t received = 0;
};

// Delivers `total` events from a worker thread to the main thread, either
// one queued call per event or one per batch; returns events per second.
double deliver(std::size_t total, std::size_t batch)
{
    Receiver receiver;
    const std::int64_t start = monotonicNs();
    std::thread sender([&] {
        for (std::size_t sent = 0; sent < total; sent += batch) {
            auto events = std::make_shared<std::vector<Event>>(batch);
            QMetaObject::invokeMethod(
                &receiver, [&receiver, events] { receiver.received += events->size(); }, Qt::QueuedConnection);
        }
    });
    while (receiver.received < total)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    sender.join();
    return static_cast<double>(total) * 1e9 / static_cast<double>(monotonicNs() - start);
}

void BM_DeliveryBatchedOverPerEvent(benchmark::State& state)
{
    std::vector<double> perEvent;
    std::vector<double> batched;
    for (auto _ : state) {
        perEvent.push_back(deliver(100'000, 1));
        batched.push_back(deliver(1'000'000, 1000));
    }
    state.counters["per_event_per_s"] = median(perEvent);
    state.counters["batched_per_s"] = median(batched);
    state.counters["gain"] = median(batched) / median(perEvent);
}
BENCHMARK(BM_DeliveryBatchedOverPerEvent)->Iterations(5)->Unit(benchmark::kMillisecond);

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}

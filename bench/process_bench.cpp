// Start cost per worker kind and the shared-memory ring, each against a
// measurement the benchmark makes itself in the same run:
//  - start cost as Spindle reports it (WorkerResult::spawnNs, the Spawn
//    event's argument) for a thread, a posix_spawn'ed process, a process
//    forked by the fork server and a coroutine, over the time this program
//    measures around the same start until the worker's first event is
//    visible - printed as a ratio (goal 1.00 +- 0.05);
//  - events per second through a SharedRing, the producer a thread or a
//    forked child, the consumer draining it as fast as it can.
// Medians of alternating A/B samples: the machine is shared and noisy.

#include "engine.h"
#include "loop/eventloop.h"
#include "model/clock.h"
#include "runtime/forkserverclient.h"
#include "runtime/processchannel.h"
#include "runtime/workerlocator.h"
#include "stream/sharedring.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <csignal>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

extern char** environ;

using namespace spindle;

namespace {

constexpr int kSamples = 25;

enum class StartKind { Thread, Spawn, ForkServer, Coroutine };

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
}

// One engine run to its end; nullptr if it could not start.
RunResultPtr runEngine(Engine& engine, const RunSpec& spec)
{
    RunResultPtr out;
    QEventLoop loop;
    const auto connection
        = QObject::connect(&engine, &Engine::runFinished, &loop, [&](const RunResultPtr& r) {
              out = r;
              loop.quit();
          });
    if (engine.start(spec).isEmpty())
        loop.exec();
    QObject::disconnect(connection);
    return out;
}

// Spindle's own figure: the start cost of the run's one worker.
double spindleStartNs(Engine& engine, StartKind kind)
{
    RunSpec spec;
    spec.workers = 1;
    spec.flavour = Flavour::Native;
    spec.tasks = {{WorkloadKind::IsPrime, 2}};
    switch (kind) {
    case StartKind::Thread:
        spec.model = Model::Threads;
        break;
    case StartKind::Spawn:
        spec.model = Model::Processes;
        break;
    case StartKind::ForkServer:
        spec.model = Model::Processes;
        spec.startMethod = StartMethod::ForkServer;
        break;
    case StartKind::Coroutine:
        spec.model = Model::Coroutines;
        break;
    }
    const RunResultPtr result = runEngine(engine, spec);
    if (!result || !result->succeeded())
        return -1;
    for (const WorkerResult& w : result->workers) {
        if (w.info.role == WorkerRole::Worker && w.info.kind != WorkerKind::Loop)
            return static_cast<double>(w.spawnNs);
    }
    return -1;
}

// Waits for the first event in `ring`; returns when it became visible. Spins
// without yielding at first - the worker starts on the other core, and a
// yield would put the observer's own scheduling into the figure - then
// yields, so that a worker sharing our core (a busy machine) can run.
std::int64_t firstEventSeen(EventRing& ring)
{
    const std::int64_t spinUntil = monotonicNs() + 100'000;
    while (ring.empty()) {
        if (monotonicNs() > spinUntil)
            std::this_thread::yield();
    }
    return monotonicNs();
}

// Records a coroutine's transitions the way the coroutine runtime does, so
// that the loop does the same work in both measurements.
class LaneObserver : public EventLoop::Observer {
public:
    explicit LaneObserver(EventRing& ring) : m_ring(ring) { }
    void taskStateChanged(std::uint32_t tag, WorkerState state, std::int64_t tNs) override
    {
        EventWriter(&m_ring, tag).stateAt(tNs, state);
    }
    void timerLag(std::uint32_t, std::int64_t, std::int64_t) override { }

private:
    EventRing& m_ring;
};

// Talks a started child through to its end: Hello, then a poison pill for
// its first request, then reaps it.
bool finishChild(
    ProcessChannel& channel, pid_t pid, std::int64_t requestNs, std::int64_t* firstSeenNs, EventRing& ring)
{
    *firstSeenNs = firstEventSeen(ring);
    wire::Hello hello {};
    hello.workerId = 0;
    hello.flavour = 1;
    hello.requestNs = requestNs;
    hello.napEvery = 100'000;
    hello.spinnerIntervalNs = 100'000'000;
    bool ok = channel.send(hello);
    ProcessChannel::Frame frame;
    while (ok && channel.receive(&frame) == ProcessChannel::Status::Message) {
        if (frame.type == wire::MessageType::JobRequest)
            ok = channel.send(wire::PoisonPill {});
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return ok && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// The benchmark's own measurement: request -> first event visible.
double independentStartNs(StartKind kind, const QByteArray& workerPath)
{
    switch (kind) {
    case StartKind::Thread: {
        EventRing ring(64);
        const std::int64_t t0 = monotonicNs();
        std::thread worker([&ring] {
            Event e;
            e.tNs = monotonicNs();
            ring.push(e);
        });
        const std::int64_t t1 = firstEventSeen(ring);
        worker.join();
        return static_cast<double>(t1 - t0);
    }
    case StartKind::Coroutine: {
        EventLoop loop;
        EventRing ring(64);
        EventRing lanes(64);
        LaneObserver observer(lanes);
        loop.setObserver(&observer);
        const std::int64_t t0 = monotonicNs();
        loop.spawn(
            [](EventRing& r) -> Task<void> {
                Event e;
                e.tNs = monotonicNs();
                r.push(e);
                co_return;
            }(ring),
            1);
        loop.run();
        std::vector<Event> out;
        ring.drainInto(out);
        return out.empty() ? -1 : static_cast<double>(out.front().tNs - t0);
    }
    case StartKind::Spawn: {
        QString error;
        auto shared = SharedRing::create(SharedRing::kDefaultCapacity, &error);
        int fds[2];
        if (!shared || ::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) != 0)
            return -1;
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, fds[1], 3);
        posix_spawn_file_actions_adddup2(&actions, shared->fd(), 4);
        pid_t pid = -1;
        const std::int64_t t0 = monotonicNs();
        QByteArray parent = "--parent=" + QByteArray::number(::getpid());
        QByteArray request = "--request-ns=" + QByteArray::number(static_cast<qlonglong>(t0));
        char* argv[] = {const_cast<char*>(workerPath.constData()), const_cast<char*>("--child"),
            parent.data(), const_cast<char*>("--worker=0"), request.data(), nullptr};
        const int rc = ::posix_spawn(&pid, workerPath.constData(), &actions, nullptr, argv, environ);
        posix_spawn_file_actions_destroy(&actions);
        ::close(fds[1]);
        shared->closeFd();
        ProcessChannel channel(fds[0]);
        if (rc != 0)
            return -1;
        std::int64_t t1 = 0;
        if (!finishChild(channel, pid, t0, &t1, shared->ring()))
            return -1;
        return static_cast<double>(t1 - t0);
    }
    case StartKind::ForkServer: {
        QString error;
        auto server = ForkServerClient::start(QFile::decodeName(workerPath), &error);
        auto shared = SharedRing::create(SharedRing::kDefaultCapacity, &error);
        ProcessChannel channel;
        int theirs = -1;
        std::string why;
        if (!server || !shared || !ProcessChannel::makePair(&channel, &theirs, &why))
            return -1;
        const std::int64_t t0 = monotonicNs();
        const auto launched = server->launch(theirs, shared->fd(), 0, &error);
        ::close(theirs);
        shared->closeFd();
        if (!launched)
            return -1;
        ::close(launched->pidfd);
        std::int64_t t1 = 0;
        const bool ok = finishChild(channel, launched->pid, launched->requestNs, &t1, shared->ring());
        server->stop();
        return ok ? static_cast<double>(t1 - t0) : -1;
    }
    }
    return -1;
}

void BM_StartCostReportedOverMeasured(benchmark::State& state)
{
    const auto kind = static_cast<StartKind>(state.range(0));
    QString error;
    const QByteArray workerPath = QFile::encodeName(WorkerLocator::find(&error));
    if (workerPath.isEmpty()) {
        state.SkipWithError(error.toStdString().c_str());
        return;
    }
    Engine engine;
    std::vector<double> reported;
    std::vector<double> measured;
    for (auto _ : state) {
        const double a = spindleStartNs(engine, kind);
        const double b = independentStartNs(kind, workerPath);
        if (a < 0 || b < 0) {
            state.SkipWithError("a start failed");
            return;
        }
        reported.push_back(a);
        measured.push_back(b);
    }
    state.counters["spindle_us"] = median(reported) / 1e3;
    state.counters["measured_us"] = median(measured) / 1e3;
    state.counters["ratio"] = median(reported) / median(measured);
}
BENCHMARK(BM_StartCostReportedOverMeasured)
    ->ArgName("kind")
    ->Arg(static_cast<int>(StartKind::Thread))
    ->Arg(static_cast<int>(StartKind::Spawn))
    ->Arg(static_cast<int>(StartKind::ForkServer))
    ->Arg(static_cast<int>(StartKind::Coroutine))
    ->Iterations(kSamples)
    ->Unit(benchmark::kMicrosecond);

// Producer: a thread (0) or a forked child (1) pushing kEvents into a shared
// ring; the consumer drains until it has them all.
void BM_SharedRingThroughput(benchmark::State& state)
{
    constexpr std::int64_t kEvents = 20'000'000;
    const bool child = state.range(0) == 1;
    std::vector<double> rates;
    for (auto _ : state) {
        QString error;
        auto shared = SharedRing::create(SharedRing::kDefaultCapacity, &error);
        if (!shared) {
            state.SkipWithError(error.toStdString().c_str());
            return;
        }
        EventRing& ring = shared->ring();
        auto produce = [&ring] {
            Event e;
            for (std::int64_t i = 0; i < kEvents; ++i) {
                e.tNs = i;
                ring.push(e, INT64_MAX);
            }
        };
        std::vector<Event> sink;
        sink.reserve(SharedRing::kDefaultCapacity);
        const std::int64_t start = monotonicNs();
        std::thread producerThread;
        pid_t pid = -1;
        if (child) {
            // The mapping is MAP_SHARED, so a forked child writes into the same
            // memory; it touches nothing else and leaves with _exit.
            pid = ::fork();
            if (pid == 0) {
                produce();
                ::_exit(0);
            }
        } else {
            producerThread = std::thread(produce);
        }
        std::int64_t received = 0;
        std::int64_t lastSeen = -1;
        bool ordered = true;
        while (received < kEvents) {
            sink.clear();
            ring.drainInto(sink);
            for (const Event& e : sink) {
                ordered = ordered && e.tNs == lastSeen + 1;
                lastSeen = e.tNs;
            }
            received += static_cast<std::int64_t>(sink.size());
        }
        const std::int64_t elapsed = monotonicNs() - start;
        if (child)
            ::waitpid(pid, nullptr, 0);
        else
            producerThread.join();
        if (!ordered || ring.dropped() != 0)
            state.SkipWithError("events lost or reordered");
        rates.push_back(static_cast<double>(kEvents) * 1e9 / static_cast<double>(elapsed));
    }
    state.counters["events_per_s"] = median(rates);
}
BENCHMARK(BM_SharedRingThroughput)
    ->ArgName("child")
    ->Arg(0)
    ->Arg(1)
    ->Iterations(5)
    ->Unit(benchmark::kMillisecond);

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}

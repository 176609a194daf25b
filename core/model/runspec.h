#pragma once
// What to run: a model, a flavour, a number of workers and a list of tasks.
// Scenarios build RunSpecs; the engine validates one before anything starts.

#include "workloads/workloadkind.h"

#include <QMetaType>
#include <QString>

#include <climits>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace spindle {

enum class Model : std::uint8_t {
    Sequential,
    Threads,
    ThreadPool,
    Coroutines,
    Processes,
    ProcessPool,
    CoroutinesExecutor,
};
constexpr int kModelCount = static_cast<int>(Model::CoroutinesExecutor) + 1;

enum class Flavour : std::uint8_t { Python, Native };

// How the process models start a child (Python's multiprocessing start
// methods): posix_spawn of spindle-worker ("spawn"), or a fork of a
// single-threaded `spindle-worker --fork-server` ("fork" / "forkserver").
enum class StartMethod : std::uint8_t { Spawn, ForkServer };
constexpr int kStartMethodCount = static_cast<int>(StartMethod::ForkServer) + 1;

// Where coroutines+executor runs the work it offloads (loop.run_in_executor
// with a ThreadPoolExecutor or a ProcessPoolExecutor).
enum class ExecutorKind : std::uint8_t { Thread, Process };
constexpr int kExecutorKindCount = static_cast<int>(ExecutorKind::Process) + 1;

// What the children of the processes model are for: jobs from the engine's
// queue (procs.py, the default); a producer and consumers over a queue under
// a supervisor that restarts the dead (Cotyledon, the daemons scenario); or
// server processes accept()ing on one listening socket (prefork).
enum class ProcessPattern : std::uint8_t { Jobs, Supervised, Prefork };
constexpr int kProcessPatternCount = static_cast<int>(ProcessPattern::Prefork) + 1;

std::string_view toString(Model model);
std::optional<Model> parseModel(std::string_view name);
std::string_view toString(Flavour flavour);
std::optional<Flavour> parseFlavour(std::string_view name);
std::string_view toString(StartMethod method); // "spawn", "fork-server"
std::optional<StartMethod> parseStartMethod(std::string_view name);
std::string_view toString(ExecutorKind kind); // "thread", "process"
std::optional<ExecutorKind> parseExecutorKind(std::string_view name);
std::string_view toString(ProcessPattern pattern); // "jobs", "supervised", "prefork"
std::optional<ProcessPattern> parseProcessPattern(std::string_view name);

struct TaskSpec {
    WorkloadKind kind = WorkloadKind::IsPrime;
    std::int64_t arg = 0;
};

struct RunSpec {
    QString label; // shown in the window and reports; free text
    Model model = Model::Sequential;
    Flavour flavour = Flavour::Python;
    int workers = 0; // 0 = one per CPU core
    std::vector<TaskSpec> tasks;
    std::int64_t timeoutMs = 0; // 0 = no timeout
    std::int64_t switchIntervalUs = 5000; // sys.setswitchinterval, python flavour
    std::int64_t napEvery = 100'000; // the nap workload's yield period (iterations)
    bool spinner = false; // run a spinner of the model's own kind
    std::int64_t spinnerIntervalMs = 100;
    std::uint64_t seed = 1; // sum_random's generator seed
    StartMethod startMethod = StartMethod::Spawn; // processes, process-pool, process executor
    ExecutorKind executor = ExecutorKind::Thread; // coroutines+executor only
    // thread-pool only: futurist-style backpressure and periodics (pools scenario).
    std::int64_t backlog = 0; // calls that may wait for a busy worker; more are rejected (0 = unbounded)
    std::int64_t submitIntervalMs = 0; // pause between two submissions (0 = all at once)
    std::int64_t failEvery = 0; // task i raises after its work when (i + 1) % failEvery == 0 (0 = never)
    std::int64_t periodicMs = 0; // a periodic task at this fixed rate while the pool works (0 = none)
    // processes only: what the children are for. Supervised: the tasks are the
    // items the producer puts on the queue, workers the consumers. Prefork:
    // the tasks are the built-in client's requests, workers the servers.
    ProcessPattern pattern = ProcessPattern::Jobs;
    std::int64_t produceIntervalMs = 0; // supervised: the producer's pause between two items
    std::int64_t killEvery = 0; // supervised: SIGKILL a busy consumer after every n-th item (0 = never)
    int resizeTo = 0; // supervised: consumers once half the items are consumed (0 = unchanged)
    int clientConnections = 0; // prefork: requests the client keeps in flight (0 = two per server)

    // The worker count this spec resolves to on this machine.
    int effectiveWorkers() const;

    // The nap workload's period in this build's iterations. One iteration of
    // the book's is_prime loop costs CPython about eight times what it costs
    // here (bench/python/fidelity.py: 38.8 s against 4.9 s on the book's
    // numbers). The python flavour therefore naps every napEvery x 8 native
    // iterations, so that sleep(0) comes as often per second as in CPython
    // (every few ms): at native pace it would come every ~0.25 ms, and its
    // 4,000 syscalls and GIL hand-overs a second would cost the computation
    // far more than the book's 40-50 %.
    std::int64_t effectiveNapEvery() const;
    static constexpr std::int64_t kCpythonIterationCost = 8;
};

// The documented limits (docs/limits.md); validate() names them in its messages.
struct RunLimits {
    static constexpr int kMaxThreads = 1024;
    static constexpr int kMaxCoroutines = 100'000;
    static constexpr int kMaxProcesses = 64;
    static constexpr std::int64_t kMaxTasks = 1'000'000;
    static constexpr std::int64_t kMaxPrime = INT64_MAX; // the largest take ~10 s each
    static constexpr std::int64_t kMaxSumCount = 100'000'000;
    static constexpr std::int64_t kMaxSleepMs = 600'000;
    static constexpr std::int64_t kMaxIoBytes = std::int64_t {1} << 30;
    static constexpr std::int64_t kMaxTimeoutMs = 3'600'000;
    static constexpr std::int64_t kMinSwitchIntervalUs = 100;
    static constexpr std::int64_t kMaxSwitchIntervalUs = 1'000'000;
    static constexpr std::int64_t kMaxNapEvery = 1'000'000'000;
    static constexpr std::int64_t kMinSpinnerIntervalMs = 10;
    static constexpr std::int64_t kMaxSpinnerIntervalMs = 1000;
    static constexpr std::int64_t kMaxBacklog = kMaxTasks;
    static constexpr std::int64_t kMaxSubmitIntervalMs = 60'000;
    static constexpr std::int64_t kMinPeriodicMs = 10;
    static constexpr std::int64_t kMaxPeriodicMs = 60'000;
    static constexpr std::int64_t kMaxProduceIntervalMs = 60'000;
    static constexpr int kMaxClientConnections = 256;
};

// nullopt when the spec can run; otherwise a message naming the parameter,
// the value given and what is allowed.
std::optional<QString> validate(const RunSpec& spec);
// The highest worker count a model accepts.
int maxWorkers(Model model);
// Models this build can run (all of SPEC's, once the processes work landed).
bool isModelAvailable(Model model);

} // namespace spindle

Q_DECLARE_METATYPE(spindle::RunSpec)

#pragma once
// Helpers shared by the test suites: an independent primality reference, a
// count of this process's threads, running an Engine to completion, the
// run-queue time of a run's workers, the shared and memfd mappings of this
// process, and a file-size limit that makes the
// kernel refuse writes part-way (EFBIG).

#include "engine.h"
#include "scenarios/runplan.h"
#include "scenarios/scenariocatalogue.h"
#include "workloads/primecalibration.h"

#include <QSignalSpy>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <dirent.h>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <thread>
#include <vector>

namespace spindle::test {

// Primes and composites big enough to take a few ms each, small enough for
// CI: the engine and processes suites run every model over them.
inline const std::vector<std::int64_t> kPrimesAndComposites
    = {2, 3, 4, 25, 999'999'000'001, 1'000'000'007, 1'000'000'000'039, 1'000'000'000'037, 999'999'999'989,
        12'345'678'987, 100'000'000'003, 999'983LL * 999'979LL, 1'000'003LL * 1'000'033LL};

// How many times longer a sanitizer build takes to start threads (each sets
// up shadow state for a new thread): a test whose lesson is "all of them
// overlap" stretches its sleeps and bounds by this, so it still asserts the
// overlap. Measured with 1,000 threads: ~4 ms a thread under TSan; 0.3-0.4 ms
// under ASan on a quiet machine and 1.07 ms on a busy one, which left 1,000
// starts longer than a 600 ms sleep.
#if defined(__SANITIZE_THREAD__)
inline constexpr int kThreadStartSlowdown = 10;
#elif defined(__SANITIZE_ADDRESS__)
inline constexpr int kThreadStartSlowdown = 4;
#else
inline constexpr int kThreadStartSlowdown = 1;
#endif

// Miller-Rabin (core/workloads/primecalibration): an answer that shares no
// code with the trial division under test. It is itself checked against
// brute force and Python-verified primes in workloads_test.cpp.
inline bool referenceIsPrime(std::uint64_t n)
{
    return millerRabin(n);
}

inline int countEntries(const char* dir)
{
    int n = 0;
    if (DIR* d = opendir(dir)) {
        while (dirent* e = readdir(d)) {
            if (e->d_name[0] != '.')
                ++n;
        }
        closedir(d);
    }
    return n;
}
inline int threadCount()
{
    return countEntries("/proc/self/task");
}
// The thread count once it is down to `expected`, or whatever it is after a
// second. A joined thread can still be listed for a moment: pthread_join
// returns when the kernel clears its tid, before the task is reaped (13 % of
// joins here). A thread truly left running stays, and is counted.
inline int threadCountSettledTo(int expected)
{
    int n = threadCount();
    for (int i = 0; i < 1000 && n > expected; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        n = threadCount();
    }
    return n;
}
inline int fdCount()
{
    return countEntries("/proc/self/fd");
}

// This process's mappings (/proc/self/maps) that are shared with another
// process (permissions "rw-s"), and those backed by a memfd ("/memfd:..."):
// a ring left mapped after its run shows here even once its fd is closed.
struct Mappings {
    int shared = 0;
    int memfd = 0;
};
inline Mappings mappings()
{
    Mappings m;
    std::ifstream maps("/proc/self/maps");
    std::string line;
    while (std::getline(maps, line)) {
        std::istringstream fields(line);
        std::string range;
        std::string perms;
        fields >> range >> perms;
        m.shared += perms.size() >= 4 && perms[3] == 's' ? 1 : 0;
        m.memfd += line.find("/memfd:") != std::string::npos ? 1 : 0;
    }
    return m;
}

// The one run a scenario plans for these parameters and this many workers;
// a plan that is refused, or that makes more than one run, fails the test.
inline RunSpec scenarioSpec(const QString& scenario, const QStringList& params, int workers)
{
    RunPlanInput input;
    input.scenario = scenario;
    input.workers = QString::number(workers);
    input.params = params;
    RunPlan plan;
    const auto error = makeRunPlan(input, ScenarioCatalogue::builtin(), &plan);
    EXPECT_FALSE(error) << error->toStdString();
    EXPECT_EQ(plan.runs.size(), 1);
    return plan.runs.value(0);
}

// Starts spec and waits (processing events) for runFinished.
inline RunResultPtr runToEnd(Engine& engine, const RunSpec& spec, int timeoutMs = 60'000)
{
    QSignalSpy finished(&engine, &Engine::runFinished);
    const QString error = engine.start(spec);
    EXPECT_TRUE(error.isEmpty()) << error.toStdString();
    if (!error.isEmpty())
        return nullptr;
    if (!finished.wait(timeoutMs))
        return nullptr;
    return finished.takeFirst().at(0).value<RunResultPtr>();
}

// Run-queue time of a run's workers, from the sampler's samples in the
// engine's batches: time they were runnable but the machine gave the CPU to
// someone else. CPU time plus this is what they asked for; a GIL moves time
// to waiting, which neither counts.
inline std::int64_t runQueueNs(const QSignalSpy& batches)
{
    std::map<std::uint32_t, std::int64_t> last;
    for (const auto& args : batches) {
        for (const ThreadCpuSample& s : args.at(0).value<EventBatchPtr>()->threadCpu)
            last[s.worker] = std::max(last[s.worker], s.runDelayNs);
    }
    std::int64_t total = 0;
    for (const auto& [worker, ns] : last)
        total += ns;
    return total;
}

// Regular files may grow to `bytes` in this process while it lives; a write
// past that fails with EFBIG (SIGXFSZ ignored) as one on a full disk fails
// with ENOSPC: the kernel refuses it part-way through the file.
class FileSizeLimit {
public:
    explicit FileSizeLimit(rlim_t bytes)
    {
        ::getrlimit(RLIMIT_FSIZE, &m_saved);
        m_oldHandler = std::signal(SIGXFSZ, SIG_IGN);
        rlimit lowered = m_saved;
        lowered.rlim_cur = bytes;
        m_ok = ::setrlimit(RLIMIT_FSIZE, &lowered) == 0;
    }
    ~FileSizeLimit()
    {
        ::setrlimit(RLIMIT_FSIZE, &m_saved);
        std::signal(SIGXFSZ, m_oldHandler);
    }
    FileSizeLimit(const FileSizeLimit&) = delete;
    FileSizeLimit& operator=(const FileSizeLimit&) = delete;
    bool ok() const { return m_ok; }

private:
    rlimit m_saved {};
    void (*m_oldHandler)(int) = nullptr;
    bool m_ok = false;
};

} // namespace spindle::test

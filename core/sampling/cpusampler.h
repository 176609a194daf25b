#pragma once
// Measures CPU use from the OS instead of guessing it (DESIGN.md "CPU usage is
// measured"): its own thread reads every registered worker thread's schedstat
// about 20 times a second and the per-core /proc/stat counters 10 times a
// second, and queues the samples until the collector takes them. On the same
// ticks it reads this process's memory (/proc/self/statm) and keeps the peak,
// so that what a run's workers cost in memory is measured too (the many-tasks
// scenario).
//
// Why cores at half the rate: /proc/stat counts in 10 ms clock ticks, so a
// 50 ms window of one core can only read 0, 20, 40 ... 100 % (a quarter of the
// figure is quantisation), while a 100 ms window halves that error; and
// /proc/stat is the dearest file read here (the kernel sums every interrupt
// counter to produce it, ~40-70 us on a cold cache), so reading it at 20 Hz
// alone cost more than the sampler's whole budget of 0.25 % of a core.

#include "sampling/cpusample.h"
#include "sampling/procreader.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <sys/types.h>
#include <thread>
#include <unordered_map>
#include <vector>

namespace spindle {

// Resident and virtual size of this process.
struct ProcessMemory {
    std::int64_t rssBytes = 0;
    std::int64_t vmBytes = 0;
};

class CpuSampler {
public:
    // Threads are read every periodNs, cores every coreIntervalNs (never more
    // often than the threads).
    explicit CpuSampler(std::int64_t periodNs = 50'000'000, std::int64_t coreIntervalNs = 100'000'000);
    ~CpuSampler();
    CpuSampler(const CpuSampler&) = delete;
    CpuSampler& operator=(const CpuSampler&) = delete;

    std::int64_t periodNs() const { return m_periodNs; }
    std::int64_t coreIntervalNs() const { return m_coreIntervalNs; }

    // Registers a thread (of this or any other process); the same worker id
    // again replaces the previous registration. A thread that exits is dropped
    // at the first sample that cannot read it.
    void addThread(std::uint32_t worker, pid_t pid, pid_t tid);
    void removeThread(std::uint32_t worker);
    // Takes one last sample of a worker's thread and stops tracking it. Called
    // by the thread itself just before it exits, when /proc still has it; it
    // reads one file, so a thousand exiting threads cost a thousand reads.
    void sampleAndRemoveThread(std::uint32_t worker);

    // Starts / stops the sampling thread (from the owning thread); stop()
    // wakes it at once and joins.
    void start();
    void stop();
    bool running() const { return m_thread.joinable(); }

    // One synchronous sample of every registered thread, and of the cores when
    // their interval has (about) passed since their last read (the first core
    // read only sets the baseline). Safe alongside the thread.
    void sampleNow();
    // Appends everything sampled since the last call to the two vectors.
    void takeSamples(std::vector<ThreadCpuSample>& threads, std::vector<CoreCpuSample>& cores);
    // Samples discarded because nobody took them (the queue is bounded).
    std::uint64_t droppedSamples() const { return m_dropped.load(std::memory_order_relaxed); }

    // CPU time the sampling thread itself has used, as of its latest sample.
    std::int64_t ownCpuNs() const { return m_ownCpuNs.load(std::memory_order_relaxed); }

    // CPU % between two samples of one thread; 100 = one core.
    static double cpuPercent(const ThreadCpuSample& a, const ThreadCpuSample& b);

    // This process's memory when start() was called, and the highest resident
    // and virtual sizes (each on its own) seen by any sample since.
    ProcessMemory memoryAtStart() const;
    ProcessMemory memoryPeak() const;
    // Reads /proc/self/statm; zeros when it cannot be read.
    static ProcessMemory readProcessMemory();
    // The same from an open statm file, re-read from its start.
    static ProcessMemory readStatm(int fd);

private:
    struct Tracked {
        std::uint32_t worker;
        pid_t pid;
        pid_t tid;
        std::int64_t lastCpuNs; // schedstat never decreases for one thread
    };

    void run();
    void sampleCores(std::int64_t tNs);
    void sampleMemory();
    // Reads one tracked thread through its cached open file (m_sampleMutex held).
    bool readTracked(const Tracked& t, SchedStat* out);
    void closeFile(const Tracked& t);

    const std::int64_t m_periodNs;
    const std::int64_t m_coreIntervalNs;

    // Serialises sampleNow() callers; guards everything below up to m_mutex.
    mutable std::mutex m_sampleMutex;
    std::vector<Tracked> m_scratchThreads;
    std::vector<ThreadCpuSample> m_scratchSamples;
    std::vector<CoreCpuSample> m_scratchCores;
    std::vector<std::uint32_t> m_gone; // indexes into m_scratchThreads
    CpuTicks m_prevAll;
    CpuTicks m_curAll;
    std::vector<CpuTicks> m_prevCores;
    std::vector<CpuTicks> m_curCores;
    bool m_havePrevCores = false;
    std::int64_t m_coresReadNs = 0; // when m_prevCores was read
    // Open schedstat files by (pid, tid), with the tick that last used them.
    struct OpenFile {
        int fd;
        std::uint64_t tick;
    };
    std::unordered_map<std::uint64_t, OpenFile> m_files;
    std::uint64_t m_tick = 0;
    int m_statFd = -1; // /proc/stat, kept open
    int m_statmFd = -1; // /proc/self/statm, kept open
    ProcessMemory m_memoryStart;
    ProcessMemory m_memoryPeak;

    mutable std::mutex m_mutex; // guards the members below
    std::condition_variable m_wake;
    bool m_stopRequested = false;
    std::vector<Tracked> m_threads;
    std::vector<ThreadCpuSample> m_pendingThreads;
    std::vector<CoreCpuSample> m_pendingCores;

    std::atomic<std::uint64_t> m_dropped {0};
    std::atomic<std::int64_t> m_ownCpuNs {0};
    std::thread m_thread;
};

} // namespace spindle

#include "sampling/cpusampler.h"

#include "model/clock.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fcntl.h>
#include <malloc.h>
#include <optional>
#include <unistd.h>

namespace spindle {

namespace {
// A collector that stopped taking samples must not grow memory without bound:
// at 20 Hz this is minutes of samples for a hundred threads.
constexpr std::size_t kMaxPendingThreadSamples = 1u << 18;
constexpr std::size_t kMaxPendingCoreSamples = 1u << 16;

// A first read would otherwise allocate on the sampling path.
constexpr std::size_t kInitialCores = 64;

template <typename T>
std::size_t appendBounded(std::vector<T>& to, const std::vector<T>& from, std::size_t max)
{
    const std::size_t room = to.size() < max ? max - to.size() : 0;
    const std::size_t n = std::min(room, from.size());
    to.insert(to.end(), from.begin(), from.begin() + static_cast<std::ptrdiff_t>(n));
    return from.size() - n;
}
} // namespace

CpuSampler::CpuSampler(std::int64_t periodNs, std::int64_t coreIntervalNs)
    : m_periodNs(periodNs > 1'000'000 ? periodNs : 1'000'000),
      m_coreIntervalNs(std::max(coreIntervalNs, m_periodNs))
{
    m_prevCores.reserve(kInitialCores);
    m_curCores.reserve(kInitialCores);
}

CpuSampler::~CpuSampler()
{
    stop();
    for (const auto& [key, file] : m_files)
        ::close(file.fd);
    if (m_statFd >= 0)
        ::close(m_statFd);
    if (m_statmFd >= 0)
        ::close(m_statmFd);
}

namespace {
std::uint64_t fileKey(pid_t pid, pid_t tid)
{
    return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(pid)) << 32)
        | static_cast<std::uint32_t>(tid);
}
} // namespace

bool CpuSampler::readTracked(const Tracked& t, SchedStat* out)
{
    const std::uint64_t key = fileKey(t.pid, t.tid);
    auto it = m_files.find(key);
    if (it == m_files.end()) {
        const int fd = openThreadSchedStat(t.pid, t.tid);
        if (fd < 0)
            return false;
        it = m_files.emplace(key, OpenFile {fd, m_tick}).first;
    }
    it->second.tick = m_tick;
    return readSchedStatFd(it->second.fd, out);
}

void CpuSampler::closeFile(const Tracked& t)
{
    const auto it = m_files.find(fileKey(t.pid, t.tid));
    if (it != m_files.end()) {
        ::close(it->second.fd);
        m_files.erase(it);
    }
}

void CpuSampler::addThread(std::uint32_t worker, pid_t pid, pid_t tid)
{
    std::lock_guard lock(m_mutex);
    for (Tracked& t : m_threads) {
        if (t.worker == worker) {
            t = Tracked {worker, pid, tid, 0};
            return;
        }
    }
    m_threads.push_back(Tracked {worker, pid, tid, 0});
}

void CpuSampler::removeThread(std::uint32_t worker)
{
    std::lock_guard lock(m_mutex);
    std::erase_if(m_threads, [worker](const Tracked& t) { return t.worker == worker; });
}

void CpuSampler::sampleAndRemoveThread(std::uint32_t worker)
{
    // Serialised with sampleNow() so that this sample is the thread's newest.
    std::lock_guard sampling(m_sampleMutex);
    std::optional<Tracked> tracked;
    {
        std::lock_guard lock(m_mutex);
        const auto it = std::find_if(
            m_threads.begin(), m_threads.end(), [worker](const Tracked& t) { return t.worker == worker; });
        if (it == m_threads.end())
            return;
        tracked = *it;
        m_threads.erase(it);
    }
    SchedStat s;
    const bool read = readTracked(*tracked, &s);
    closeFile(*tracked);
    if (!read || s.cpuNs < tracked->lastCpuNs)
        return;
    const std::vector<ThreadCpuSample> one {ThreadCpuSample {monotonicNs(), worker, s.cpuNs, s.runDelayNs}};
    std::lock_guard lock(m_mutex);
    if (appendBounded(m_pendingThreads, one, kMaxPendingThreadSamples) > 0)
        m_dropped.fetch_add(1, std::memory_order_relaxed);
}

void CpuSampler::start()
{
    if (m_thread.joinable())
        return;
    {
        // Heap pages freed by earlier runs but still resident would be reused
        // without raising RSS, and a run would look cheaper than it is: hand
        // them back to the OS before taking the baseline.
        ::malloc_trim(0);
        std::lock_guard sampling(m_sampleMutex);
        m_memoryStart = readProcessMemory();
        m_memoryPeak = m_memoryStart;
    }
    {
        std::lock_guard lock(m_mutex);
        m_stopRequested = false;
    }
    m_thread = std::thread([this] { run(); });
}

void CpuSampler::stop()
{
    if (!m_thread.joinable())
        return;
    {
        std::lock_guard lock(m_mutex);
        m_stopRequested = true;
    }
    m_wake.notify_all();
    m_thread.join();
}

void CpuSampler::run()
{
    const auto period = std::chrono::nanoseconds(m_periodNs);
    auto next = std::chrono::steady_clock::now();
    std::unique_lock lock(m_mutex);
    while (!m_stopRequested) {
        lock.unlock();
        sampleNow();
        m_ownCpuNs.store(threadCpuNs(), std::memory_order_relaxed);
        lock.lock();
        // Ticks stay on a fixed grid so rates do not drift; after a stall
        // (suspend, debugger) the missed ticks are skipped, not replayed.
        next += period;
        const auto now = std::chrono::steady_clock::now();
        if (next < now)
            next = now + period;
        m_wake.wait_until(lock, next, [this] { return m_stopRequested; });
    }
    lock.unlock();
    m_ownCpuNs.store(threadCpuNs(), std::memory_order_relaxed);
}

void CpuSampler::sampleNow()
{
    std::lock_guard sampling(m_sampleMutex);
    {
        std::lock_guard lock(m_mutex);
        m_scratchThreads.assign(m_threads.begin(), m_threads.end());
    }
    m_scratchSamples.clear();
    m_scratchCores.clear();
    m_gone.clear();

    // Files are read outside m_mutex so that addThread() never waits on /proc.
    ++m_tick;
    for (std::size_t i = 0; i < m_scratchThreads.size(); ++i) {
        Tracked& t = m_scratchThreads[i];
        SchedStat s;
        // A decreasing counter means the tid now names another thread.
        if (!readTracked(t, &s) || s.cpuNs < t.lastCpuNs) {
            closeFile(t);
            m_gone.push_back(static_cast<std::uint32_t>(i));
            continue;
        }
        t.lastCpuNs = s.cpuNs;
        m_scratchSamples.push_back(ThreadCpuSample {monotonicNs(), t.worker, s.cpuNs, s.runDelayNs});
    }
    // Half a period of slack: a tick that wakes a little early still reads.
    const std::int64_t coresNs = monotonicNs();
    if (!m_havePrevCores || coresNs - m_coresReadNs >= m_coreIntervalNs - m_periodNs / 2)
        sampleCores(coresNs);
    sampleMemory();
    // Files of threads no longer tracked (removed meanwhile) are closed.
    std::erase_if(m_files, [this](const auto& entry) {
        if (entry.second.tick == m_tick)
            return false;
        ::close(entry.second.fd);
        return true;
    });

    std::lock_guard lock(m_mutex);
    // Match on worker and tid so a registration replaced meanwhile survives.
    for (const Tracked& t : m_scratchThreads) {
        for (Tracked& live : m_threads) {
            if (live.worker == t.worker && live.tid == t.tid && live.pid == t.pid)
                live.lastCpuNs = std::max(live.lastCpuNs, t.lastCpuNs);
        }
    }
    for (std::uint32_t i : m_gone) {
        const Tracked& t = m_scratchThreads[i];
        std::erase_if(m_threads, [&t](const Tracked& live) {
            return live.worker == t.worker && live.tid == t.tid && live.pid == t.pid;
        });
    }
    std::size_t lost = appendBounded(m_pendingThreads, m_scratchSamples, kMaxPendingThreadSamples);
    lost += appendBounded(m_pendingCores, m_scratchCores, kMaxPendingCoreSamples);
    if (lost > 0)
        m_dropped.fetch_add(lost, std::memory_order_relaxed);
}

void CpuSampler::sampleCores(std::int64_t tNs)
{
    if (m_statFd < 0)
        m_statFd = openCpuTicks();
    if (m_statFd < 0 || !readCpuTicksFd(m_statFd, &m_curAll, &m_curCores))
        return;
    if (m_havePrevCores) {
        // Idle and iowait can step backwards on tickless kernels; a negative
        // delta is read as zero rather than as a huge unsigned one.
        const auto delta = [](std::uint64_t now, std::uint64_t before) {
            return now > before ? static_cast<double>(now - before) : 0.0;
        };
        const auto share = [&](const CpuTicks& now, const CpuTicks& before) {
            const double busy = delta(now.busy, before.busy);
            const double idle = delta(now.total - now.busy, before.total - before.busy);
            return busy + idle > 0 ? std::clamp(busy / (busy + idle), 0.0, 1.0) : -1.0;
        };
        int cores = 0;
        const std::size_t n = std::min(m_curCores.size(), m_prevCores.size());
        for (std::size_t i = 0; i < m_curCores.size(); ++i) {
            if (m_curCores[i].total == 0)
                continue; // offline
            ++cores;
            if (i >= n || m_prevCores[i].total == 0)
                continue; // came online since the last read
            const double s = share(m_curCores[i], m_prevCores[i]);
            if (s >= 0)
                m_scratchCores.push_back(
                    CoreCpuSample {tNs, static_cast<std::int16_t>(i), static_cast<float>(100.0 * s)});
        }
        const double all = share(m_curAll, m_prevAll);
        if (all >= 0 && cores > 0)
            m_scratchCores.push_back(CoreCpuSample {tNs, -1, static_cast<float>(100.0 * cores * all)});
    }
    std::swap(m_prevAll, m_curAll);
    std::swap(m_prevCores, m_curCores);
    m_havePrevCores = true;
    m_coresReadNs = tNs;
}

void CpuSampler::sampleMemory()
{
    // Kept open: opening a /proc file costs several times more than re-reading it.
    if (m_statmFd < 0)
        m_statmFd = ::open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    const ProcessMemory memory = readStatm(m_statmFd);
    m_memoryPeak.rssBytes = std::max(m_memoryPeak.rssBytes, memory.rssBytes);
    m_memoryPeak.vmBytes = std::max(m_memoryPeak.vmBytes, memory.vmBytes);
}

void CpuSampler::takeSamples(std::vector<ThreadCpuSample>& threads, std::vector<CoreCpuSample>& cores)
{
    std::lock_guard lock(m_mutex);
    if (threads.empty())
        threads.swap(m_pendingThreads);
    else
        threads.insert(threads.end(), m_pendingThreads.begin(), m_pendingThreads.end());
    if (cores.empty())
        cores.swap(m_pendingCores);
    else
        cores.insert(cores.end(), m_pendingCores.begin(), m_pendingCores.end());
    m_pendingThreads.clear();
    m_pendingCores.clear();
}

ProcessMemory CpuSampler::memoryAtStart() const
{
    std::lock_guard sampling(m_sampleMutex);
    return m_memoryStart;
}

ProcessMemory CpuSampler::memoryPeak() const
{
    std::lock_guard sampling(m_sampleMutex);
    return m_memoryPeak;
}

ProcessMemory CpuSampler::readProcessMemory()
{
    const int fd = ::open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    const ProcessMemory memory = readStatm(fd);
    if (fd >= 0)
        ::close(fd);
    return memory;
}

ProcessMemory CpuSampler::readStatm(int fd)
{
    // statm: size resident shared text lib data dt, in pages.
    if (fd < 0)
        return {};
    char buffer[128];
    const ssize_t n = ::pread(fd, buffer, sizeof buffer - 1, 0);
    if (n <= 0)
        return {};
    buffer[n] = '\0';
    char* end = nullptr;
    const long long sizePages = std::strtoll(buffer, &end, 10);
    const long long residentPages = std::strtoll(end, nullptr, 10);
    const std::int64_t page = ::sysconf(_SC_PAGESIZE);
    return ProcessMemory {residentPages * page, sizePages * page};
}

double CpuSampler::cpuPercent(const ThreadCpuSample& a, const ThreadCpuSample& b)
{
    const std::int64_t dt = b.tNs - a.tNs;
    if (dt <= 0)
        return 0.0;
    return 100.0 * static_cast<double>(b.cpuNs - a.cpuNs) / static_cast<double>(dt);
}

} // namespace spindle

#pragma once
// Readers of the kernel's CPU accounting files for the sampler's 20 Hz path:
// plain open()/read() into stack buffers, no iostreams, no allocation (the
// per-core vector only grows the first time).

#include <cstdint>
#include <sys/types.h>
#include <vector>

namespace spindle {

// First two fields of /proc/<pid>/task/<tid>/schedstat.
struct SchedStat {
    std::int64_t cpuNs = 0; // sum_exec_runtime, the same figure as CLOCK_THREAD_CPUTIME_ID
    std::int64_t runDelayNs = 0; // time spent runnable on a run queue
};

// Cumulative clock ticks of one "cpu" line of /proc/stat.
struct CpuTicks {
    std::uint64_t busy = 0; // user + nice + system + irq + softirq + steal
    std::uint64_t total = 0; // busy + idle + iowait; 0 = core absent (offline)
    std::uint64_t steal = 0; // part of busy: the hypervisor ran someone else
};

// false when the file is gone (the thread exited) or unreadable.
bool readThreadSchedStat(pid_t pid, pid_t tid, SchedStat* out);
// The same file kept open for re-reading with pread: opening a /proc path
// costs several times more than reading it. -1 when the thread is gone.
int openThreadSchedStat(pid_t pid, pid_t tid);
// false once the thread has exited (the open file then reads nothing).
bool readSchedStatFd(int fd, SchedStat* out);

// Fills `all` from the "cpu" line and (*perCore)[n] from each "cpun" line;
// perCore grows to the highest core number + 1 and cores not listed are left
// with total == 0. false when /proc/stat cannot be read or has no "cpu" line.
bool readCpuTicks(CpuTicks* all, std::vector<CpuTicks>* perCore);
// The same from /proc/stat kept open (openCpuTicks(); -1 on failure).
int openCpuTicks();
bool readCpuTicksFd(int fd, CpuTicks* all, std::vector<CpuTicks>* perCore);

} // namespace spindle

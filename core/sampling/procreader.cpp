#include "sampling/procreader.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace spindle {

namespace {

int openReadOnly(const char* path)
{
    int fd = -1;
    do {
        fd = ::open(path, O_RDONLY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    return fd;
}

ssize_t readSome(int fd, char* buf, std::size_t size)
{
    ssize_t n = -1;
    do {
        n = ::read(fd, buf, size);
    } while (n < 0 && errno == EINTR);
    return n;
}

// Parses the next unsigned decimal in [*p, end); false when there is none.
bool nextNumber(const char** p, const char* end, std::uint64_t* out)
{
    const char* s = *p;
    while (s < end && (*s == ' ' || *s == '\t'))
        ++s;
    if (s == end || *s < '0' || *s > '9')
        return false;
    std::uint64_t v = 0;
    while (s < end && *s >= '0' && *s <= '9') {
        v = v * 10 + static_cast<std::uint64_t>(*s - '0');
        ++s;
    }
    *p = s;
    *out = v;
    return true;
}

// One "cpu..." line (without its newline). Returns -2 for a line that is not a
// cpu line, -1 for the aggregate line, else the core number; -3 if malformed.
int parseCpuLine(const char* line, const char* end, CpuTicks* out)
{
    if (end - line < 3 || std::memcmp(line, "cpu", 3) != 0)
        return -2;
    const char* p = line + 3;
    int core = -1;
    if (p < end && *p >= '0' && *p <= '9') {
        std::uint64_t n = 0;
        if (!nextNumber(&p, end, &n) || n > 32767)
            return -3;
        core = static_cast<int>(n);
    }
    // user nice system idle iowait irq softirq steal [guest guest_nice]. Guest
    // time is already counted in user/nice, so the last two are not read.
    std::uint64_t f[8] = {};
    int got = 0;
    while (got < 8 && nextNumber(&p, end, &f[got]))
        ++got;
    if (got < 4)
        return -3;
    out->busy = f[0] + f[1] + f[2] + f[5] + f[6] + f[7];
    out->total = out->busy + f[3] + f[4];
    out->steal = f[7];
    return core;
}

} // namespace

int openThreadSchedStat(pid_t pid, pid_t tid)
{
    char path[64];
    std::snprintf(
        path, sizeof path, "/proc/%d/task/%d/schedstat", static_cast<int>(pid), static_cast<int>(tid));
    return openReadOnly(path);
}

bool readSchedStatFd(int fd, SchedStat* out)
{
    char buf[128];
    ssize_t n = -1;
    do {
        n = ::pread(fd, buf, sizeof buf, 0);
    } while (n < 0 && errno == EINTR);
    if (n <= 0)
        return false;
    const char* p = buf;
    const char* end = buf + n;
    std::uint64_t cpu = 0;
    std::uint64_t delay = 0;
    if (!nextNumber(&p, end, &cpu) || !nextNumber(&p, end, &delay))
        return false;
    out->cpuNs = static_cast<std::int64_t>(cpu);
    out->runDelayNs = static_cast<std::int64_t>(delay);
    return true;
}

bool readThreadSchedStat(pid_t pid, pid_t tid, SchedStat* out)
{
    const int fd = openThreadSchedStat(pid, tid);
    if (fd < 0)
        return false;
    const bool ok = readSchedStatFd(fd, out);
    ::close(fd);
    return ok;
}

bool readCpuTicks(CpuTicks* all, std::vector<CpuTicks>* perCore)
{
    const int fd = openReadOnly("/proc/stat");
    if (fd < 0)
        return false;
    const bool ok = readCpuTicksFd(fd, all, perCore);
    ::close(fd);
    return ok;
}

int openCpuTicks()
{
    return openReadOnly("/proc/stat");
}

bool readCpuTicksFd(int fd, CpuTicks* all, std::vector<CpuTicks>* perCore)
{
    // Rewinding makes the kernel produce the file afresh.
    if (::lseek(fd, 0, SEEK_SET) != 0)
        return false;
    for (CpuTicks& t : *perCore)
        t = CpuTicks {};

    // The cpu lines come first; reading stops at the first other line, so the
    // long "intr" line is never parsed. A partial line is carried over to the
    // next read, which matters on machines with hundreds of cores.
    char buf[4096];
    std::size_t have = 0;
    bool sawAll = false;
    bool done = false;
    while (!done) {
        const ssize_t n = readSome(fd, buf + have, sizeof buf - have);
        if (n <= 0)
            break;
        have += static_cast<std::size_t>(n);
        std::size_t start = 0;
        while (!done) {
            const void* nl = std::memchr(buf + start, '\n', have - start);
            if (nl == nullptr)
                break;
            const char* lineEnd = static_cast<const char*>(nl);
            CpuTicks ticks;
            const int core = parseCpuLine(buf + start, lineEnd, &ticks);
            if (core == -2) {
                done = true;
            } else if (core == -1) {
                *all = ticks;
                sawAll = true;
            } else if (core >= 0) {
                if (static_cast<std::size_t>(core) >= perCore->size())
                    perCore->resize(static_cast<std::size_t>(core) + 1);
                (*perCore)[static_cast<std::size_t>(core)] = ticks;
            }
            start = static_cast<std::size_t>(lineEnd - buf) + 1;
        }
        if (start == 0 && have == sizeof buf)
            break; // a line longer than the buffer cannot be a cpu line
        std::memmove(buf, buf + start, have - start);
        have -= start;
    }
    return sawAll;
}

} // namespace spindle

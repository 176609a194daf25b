// The fork witness: loaded into spindle-worker with LD_PRELOAD by
// process_bench, it interposes libc's close(), which a child of the fork
// server calls first thing (right after Spindle's own stamp of its first
// instruction), and stamps each child's first call into the page of
// forkwitness.h. It stamps after Spindle's stamp rather than before it
// because any write of its own in a new child costs a page fault, which it
// would otherwise put inside the span it measures. Everything else passes
// straight through, so the server and its children behave as without it.

#include "support/forkwitness.h"

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

namespace {

spindle::ForkWitnessPage* g_page = nullptr;
pid_t g_loadedBy = 0; // the process the witness was loaded into: not a child

__attribute__((constructor)) void mapWitnessPage()
{
    const char* path = std::getenv(spindle::kForkWitnessEnv);
    if (path == nullptr || *path == '\0')
        return;
    const int fd = ::open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return;
    void* p = ::mmap(nullptr, sizeof(spindle::ForkWitnessPage), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    ::close(fd);
    if (p == MAP_FAILED)
        return;
    g_loadedBy = ::getpid();
    g_page = static_cast<spindle::ForkWitnessPage*>(p);
}

bool seen(pid_t pid)
{
    const std::uint32_t n
        = std::min(g_page->count.load(std::memory_order_acquire), spindle::ForkWitnessPage::kSlots);
    for (std::uint32_t i = 0; i < n; ++i) {
        if (g_page->entry[i].pid.load(std::memory_order_acquire) == pid)
            return true;
    }
    return false;
}

} // namespace

extern "C" int close(int fd)
{
    // The stamp first: everything after it is the witness's own cost.
    timespec ts {};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    using Real = int (*)(int);
    static const auto real = reinterpret_cast<Real>(::dlsym(RTLD_NEXT, "close"));
    if (g_page != nullptr) {
        const pid_t self = ::getpid();
        if (self != g_loadedBy && !seen(self)) {
            const std::uint32_t slot = g_page->count.fetch_add(1, std::memory_order_acq_rel);
            if (slot < spindle::ForkWitnessPage::kSlots) {
                g_page->entry[slot].firstNs
                    = static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
                g_page->entry[slot].pid.store(static_cast<std::int32_t>(self), std::memory_order_release);
            }
        }
    }
    return real(fd);
}

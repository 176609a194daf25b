#include "support/forkwitnessreader.h"

#include <algorithm>
#include <cstdlib>
#include <sys/mman.h>
#include <unistd.h>

namespace spindle {

ForkWitnessReader::ForkWitnessReader()
{
    char path[] = "/tmp/spindle-fork-witness-XXXXXX";
    const int fd = ::mkstemp(path);
    if (fd < 0)
        return;
    m_path = path;
    if (::ftruncate(fd, sizeof(ForkWitnessPage)) == 0) {
        void* p = ::mmap(nullptr, sizeof(ForkWitnessPage), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (p != MAP_FAILED)
            m_page = static_cast<ForkWitnessPage*>(p);
    }
    ::close(fd);
    // Next to this program, as CMake puts it.
    char self[4096];
    const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
    if (m_page == nullptr || n <= 0)
        return;
    self[n] = '\0';
    std::string library(self);
    library = library.substr(0, library.rfind('/') + 1) + "libspindle_fork_witness.so";
    if (::access(library.c_str(), R_OK) != 0)
        return;
    // Set while no other thread of the program reads the environment (the
    // header says when), which is what makes these calls safe here.
    // NOLINTBEGIN(concurrency-mt-unsafe)
    const char* before = std::getenv("LD_PRELOAD");
    m_preloadBefore = before != nullptr ? std::optional<std::string>(before) : std::nullopt;
    ::setenv("LD_PRELOAD", library.c_str(), 1);
    ::setenv(kForkWitnessEnv, m_path.c_str(), 1);
    // NOLINTEND(concurrency-mt-unsafe)
    m_ready = true;
}

ForkWitnessReader::~ForkWitnessReader()
{
    if (m_ready) {
        // NOLINTBEGIN(concurrency-mt-unsafe): as in the constructor
        if (m_preloadBefore)
            ::setenv("LD_PRELOAD", m_preloadBefore->c_str(), 1);
        else
            ::unsetenv("LD_PRELOAD");
        ::unsetenv(kForkWitnessEnv);
        // NOLINTEND(concurrency-mt-unsafe)
    }
    if (m_page != nullptr)
        ::munmap(m_page, sizeof(ForkWitnessPage));
    if (!m_path.empty())
        ::unlink(m_path.c_str());
}

std::int64_t ForkWitnessReader::firstNs(pid_t pid) const
{
    if (m_page == nullptr)
        return -1;
    const std::uint32_t n = std::min(m_page->count.load(std::memory_order_acquire), ForkWitnessPage::kSlots);
    for (std::uint32_t i = 0; i < n; ++i) {
        if (m_page->entry[i].pid.load(std::memory_order_acquire) == pid)
            return m_page->entry[i].firstNs;
    }
    return -1;
}

} // namespace spindle

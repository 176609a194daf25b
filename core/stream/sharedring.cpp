#include "stream/sharedring.h"

#include <bit>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace spindle {

namespace {

QString errnoText(const char* what)
{
    return QStringLiteral("%1: %2").arg(QLatin1String(what), QString::fromLocal8Bit(std::strerror(errno)));
}

} // namespace

SharedRing::SharedRing(void* memory, std::size_t bytes, int fd, bool initialize)
    : m_memory(memory), m_bytes(bytes), m_fd(fd), m_ring(memory, bytes, initialize)
{
}

SharedRing::~SharedRing()
{
    if (m_memory != nullptr)
        ::munmap(m_memory, m_bytes);
    closeFd();
}

void SharedRing::closeFd()
{
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
}

std::shared_ptr<SharedRing> SharedRing::create(std::uint32_t capacity, QString* error)
{
    capacity = std::bit_ceil(capacity < 2 ? 2u : capacity);
    const std::size_t bytes = EventRing::bytesFor(capacity);
    const int fd = ::memfd_create("spindle-ring", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0) {
        *error = errnoText("memfd_create");
        return nullptr;
    }
    // Sealed before the child ever sees it: a child that shrank the file would
    // make every access of ours to the mapping raise SIGBUS.
    if (::ftruncate(fd, static_cast<off_t>(bytes)) != 0
        || ::fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0) {
        *error = errnoText("sizing the ring's memfd");
        ::close(fd);
        return nullptr;
    }
    void* memory = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (memory == MAP_FAILED) {
        *error = errnoText("mmap of the ring");
        ::close(fd);
        return nullptr;
    }
    std::shared_ptr<SharedRing> ring(new SharedRing(memory, bytes, fd, true));
    if (!ring->m_ring.valid()) {
        *error = QStringLiteral("the shared ring could not be initialised");
        return nullptr;
    }
    return ring;
}

std::unique_ptr<SharedRing> SharedRing::attach(int fd)
{
    struct stat st { };
    if (::fstat(fd, &st) != 0 || st.st_size <= 0)
        return nullptr;
    const auto bytes = static_cast<std::size_t>(st.st_size);
    void* memory = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (memory == MAP_FAILED)
        return nullptr;
    std::unique_ptr<SharedRing> ring(new SharedRing(memory, bytes, -1, false));
    if (!ring->m_ring.valid())
        return nullptr;
    return ring;
}

std::shared_ptr<EventRing> SharedRing::share(const std::shared_ptr<SharedRing>& self)
{
    return std::shared_ptr<EventRing>(self, &self->m_ring);
}

SharedRing::Tail SharedRing::inspectTail() const
{
    Tail tail;
    if (!m_ring.valid())
        return tail;
    // Read through our own view of the layout: the child may have scribbled on
    // the shared header, so the capacity we trust is the one we created.
    const auto* layout = static_cast<const RingLayout*>(m_memory);
    const std::uint64_t capacity = (m_bytes - offsetof(RingLayout, entries)) / sizeof(Event);
    const std::uint64_t head = layout->head.load(std::memory_order_acquire);
    tail.wroteAny = head > 0;
    const std::uint64_t mask = std::bit_floor(capacity) - 1;
    const std::uint64_t depth = std::min<std::uint64_t>(head, std::bit_floor(capacity));
    bool taskSeen = false;
    for (std::uint64_t k = 1; k <= depth && (!taskSeen || !tail.lastState); ++k) {
        const Event& e = layout->entries[(head - k) & mask];
        if (!tail.lastState && e.kind == EventKind::State && e.state < kWorkerStateCount) {
            tail.lastState = e.workerState();
            tail.lastStateIndex = head - k;
        }
        if (!taskSeen && (e.kind == EventKind::TaskBegin || e.kind == EventKind::TaskEnd)) {
            taskSeen = true;
            tail.taskOpen = e.kind == EventKind::TaskBegin;
        }
    }
    return tail;
}

} // namespace spindle

#pragma once
// An EventRing in shared memory, for a child process to write and the parent's
// collector to drain (DESIGN.md "Events"). The parent creates it: a memfd
// sized for the ring, sealed against shrinking so that a child cannot make the
// parent's mapping fault, and mapped shared. The child attaches to the same fd.
// The mapping lives as long as this object; share() hands the collector a
// pointer to the ring that keeps the whole mapping alive.

#include "model/event.h"
#include "stream/eventring.h"

#include <QString>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

namespace spindle {

class SharedRing {
public:
    // Default capacity of a child's ring: 16384 events = 384 KiB.
    static constexpr std::uint32_t kDefaultCapacity = 16384;

    // Parent side: a fresh, initialised ring. nullptr (and why) on failure.
    static std::shared_ptr<SharedRing> create(std::uint32_t capacity, QString* error);
    // Child side: maps the ring behind fd (which stays owned by the caller)
    // without resetting it. nullptr when fd is not a ring of ours.
    static std::unique_ptr<SharedRing> attach(int fd);

    ~SharedRing();
    SharedRing(const SharedRing&) = delete;
    SharedRing& operator=(const SharedRing&) = delete;

    EventRing& ring() { return m_ring; }
    // The memfd, or -1 once closed. Parent side: hand it to the child, then close it.
    int fd() const { return m_fd; }
    void closeFd();

    // The ring as the collector wants it, sharing ownership of the mapping.
    static std::shared_ptr<EventRing> share(const std::shared_ptr<SharedRing>& self);

    // Parent side, after the child is gone (or while it is stopped), to close
    // or mark its lane consistently: whether the child ever wrote, the last
    // state it recorded, and whether its last task event was a TaskBegin (a
    // task left open).
    struct Tail {
        bool wroteAny = false;
        std::optional<WorkerState> lastState;
        bool taskOpen = false;
        std::uint64_t lastStateIndex = 0; // lastState's position among all events written
    };
    Tail inspectTail() const;

private:
    SharedRing(void* memory, std::size_t bytes, int fd, bool initialize);

    void* m_memory;
    std::size_t m_bytes;
    int m_fd;
    EventRing m_ring;
};

} // namespace spindle

#pragma once
// Single-producer / single-consumer ring of Events. The producer is one worker
// thread (or a coroutine loop thread, or a child process); the consumer is the
// collector. No lock, no allocation and no syscall on the push path.
//
// The ring is a view over a RingLayout placed in any memory: the heap for
// threads, a shared mapping for child processes. Only lock-free, address-free
// atomics live in the layout, so it works across processes. The consumer never
// trusts the producer's head: a corrupt head is clamped and counted.

#include "model/event.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <vector>

namespace spindle {

struct RingLayout {
    static constexpr std::uint32_t kMagic = 0x53504e44; // "SPND"
    std::uint32_t magic;
    std::uint32_t capacity; // power of two
    alignas(64) std::atomic<std::uint64_t> head; // written by the producer
    std::uint64_t cachedTail; // producer-private cache
    alignas(64) std::atomic<std::uint64_t> tail; // written by the consumer
    alignas(64) std::atomic<std::uint64_t> dropped; // events the producer could not place
    std::atomic<std::uint64_t> corrupt; // bad heads seen by the consumer
    alignas(64) Event entries[1]; // really `capacity` of them
};
static_assert(std::atomic<std::uint64_t>::is_always_lock_free);

class EventRing {
public:
    // A ring with its own heap storage.
    explicit EventRing(std::uint32_t capacity);
    // A view over memory owned elsewhere (e.g. a shared mapping of bytesFor()).
    // With initialize = true the layout is (re)set; the child side passes false.
    EventRing(void* memory, std::size_t bytes, bool initialize);
    EventRing(const EventRing&) = delete;
    EventRing& operator=(const EventRing&) = delete;

    static std::size_t bytesFor(std::uint32_t capacity);
    bool valid() const { return m_layout != nullptr; }
    std::uint32_t capacity() const { return m_capacity; }

    // Producer side. Returns false when the ring is full.
    bool tryPush(const Event& e) { return tryEmplace(e.tNs, e.arg, e.worker, e.kind, e.state, e.aux); }
    // The same from the fields, the writers' hot path: they go straight into
    // the slot. Built as an Event first, the record is stored to the stack
    // field by field and loaded back in wider pieces to be copied, loads the
    // CPU cannot forward from its store buffer: a stall of a dozen cycles an
    // event, a third of what the clock read costs.
    bool tryEmplace(std::int64_t tNs, std::int64_t arg, std::uint32_t worker, EventKind kind,
        std::uint8_t state, std::uint16_t aux)
    {
        RingLayout& l = *m_layout;
        const std::uint64_t h = l.head.load(std::memory_order_relaxed);
        if (h - l.cachedTail >= m_capacity) [[unlikely]] {
            l.cachedTail = l.tail.load(std::memory_order_acquire);
            if (h - l.cachedTail >= m_capacity)
                return false;
        }
        Event& slot = l.entries[h & (m_capacity - 1)];
        slot.tNs = tNs;
        slot.arg = arg;
        slot.worker = worker;
        slot.kind = kind;
        slot.state = state;
        slot.aux = aux;
        l.head.store(h + 1, std::memory_order_release);
        return true;
    }
    // Producer side: tryPush, and when full wait for the collector for up to
    // maxWaitNs (cold path) before dropping the event and counting it.
    void push(const Event& e, std::int64_t maxWaitNs = 50'000'000);

    // Consumer side: appends every available event to out; returns how many.
    std::size_t drainInto(std::vector<Event>& out);
    std::uint64_t dropped() const { return m_layout->dropped.load(std::memory_order_relaxed); }
    std::uint64_t corrupt() const { return m_layout->corrupt.load(std::memory_order_relaxed); }
    bool empty() const
    {
        return m_layout->head.load(std::memory_order_acquire)
            == m_layout->tail.load(std::memory_order_relaxed);
    }

private:
    // The storage is over-aligned for the cache-line members: free it the same way.
    struct AlignedFree {
        void operator()(std::byte* p) const { ::operator delete[](p, std::align_val_t {64}); }
    };
    std::unique_ptr<std::byte[], AlignedFree> m_owned;
    RingLayout* m_layout = nullptr;
    // Checked once and kept here: the layout may live in memory another
    // process can write, and a changed capacity must not move our reads.
    std::uint32_t m_capacity = 0;
};

} // namespace spindle

#include "stream/eventring.h"

#include "model/clock.h"

#include <bit>
#include <climits>
#include <new>
#include <thread>

namespace spindle {

std::size_t EventRing::bytesFor(std::uint32_t capacity)
{
    return offsetof(RingLayout, entries) + sizeof(Event) * static_cast<std::size_t>(capacity);
}

EventRing::EventRing(std::uint32_t capacity)
{
    capacity = std::bit_ceil(capacity < 2 ? 2u : capacity);
    const std::size_t bytes = bytesFor(capacity);
    m_owned.reset(static_cast<std::byte*>(::operator new[](bytes, std::align_val_t{64})));
    m_layout = new (m_owned.get()) RingLayout;
    m_layout->magic = RingLayout::kMagic;
    m_layout->capacity = capacity;
    m_layout->head.store(0);
    m_layout->cachedTail = 0;
    m_layout->tail.store(0);
    m_layout->dropped.store(0);
    m_layout->corrupt.store(0);
    m_capacity = capacity;
}

EventRing::EventRing(void* memory, std::size_t bytes, bool initialize)
{
    if (memory == nullptr || bytes < bytesFor(2))
        return;
    auto* layout = static_cast<RingLayout*>(memory);
    if (initialize) {
        // Largest power of two that fits the mapping.
        const std::size_t fit = (bytes - offsetof(RingLayout, entries)) / sizeof(Event);
        layout = new (memory) RingLayout;
        layout->magic = RingLayout::kMagic;
        layout->capacity = static_cast<std::uint32_t>(std::bit_floor(fit > 0x40000000u ? 0x40000000u : fit));
        layout->head.store(0);
        layout->cachedTail = 0;
        layout->tail.store(0);
        layout->dropped.store(0);
        layout->corrupt.store(0);
    } else if (layout->magic != RingLayout::kMagic || !std::has_single_bit(layout->capacity)
               || bytesFor(layout->capacity) > bytes) {
        return; // not a ring we made: refuse it rather than trust its sizes
    }
    m_layout = layout;
    m_capacity = layout->capacity;
}

void EventRing::push(const Event& e, std::int64_t maxWaitNs)
{
    if (tryPush(e)) [[likely]]
        return;
    const std::int64_t now = monotonicNs();
    const std::int64_t deadline = maxWaitNs > INT64_MAX - now ? INT64_MAX : now + maxWaitNs;
    do {
        std::this_thread::yield();
        if (tryPush(e))
            return;
    } while (monotonicNs() < deadline);
    m_layout->dropped.fetch_add(1, std::memory_order_relaxed);
}

std::size_t EventRing::drainInto(std::vector<Event>& out)
{
    RingLayout& l = *m_layout;
    const std::uint64_t t = l.tail.load(std::memory_order_relaxed);
    std::uint64_t h = l.head.load(std::memory_order_acquire);
    if (h - t > m_capacity) {
        // A producer in another process wrote a head we cannot believe.
        l.corrupt.fetch_add(1, std::memory_order_relaxed);
        l.tail.store(h, std::memory_order_release);
        return 0;
    }
    const std::size_t n = static_cast<std::size_t>(h - t);
    const std::size_t start = out.size();
    out.resize(start + n);
    const std::uint64_t mask = m_capacity - 1;
    for (std::size_t i = 0; i < n; ++i)
        out[start + i] = l.entries[(t + i) & mask];
    l.tail.store(h, std::memory_order_release);
    return n;
}

} // namespace spindle

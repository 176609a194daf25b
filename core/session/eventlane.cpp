#include "session/eventlane.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

namespace spindle {

void EventLane::FreeStorage::operator()(Packed* p) const
{
    std::free(p);
}

EventLane::Chunk EventLane::newChunk(std::int64_t baseNs)
{
    Chunk c;
    c.baseNs = baseNs;
    resize(c, kFirstChunkEvents);
    return c;
}

void EventLane::resize(Chunk& c, std::uint32_t capacity)
{
    // Packed is trivially copyable: realloc may grow the block in place.
    void* grown = std::realloc(c.events.get(), capacity * sizeof(Packed));
    if (grown == nullptr)
        throw std::bad_alloc();
    (void)c.events.release();
    c.events.reset(static_cast<Packed*>(grown));
    c.capacity = capacity;
}

EventLane::Packed EventLane::pack(const Event& e, std::int64_t baseNs)
{
    const auto kindAndState
        = static_cast<std::uint8_t>((static_cast<unsigned>(e.kind) & 0x0fu) | ((e.state & 0x0fu) << 4));
    return {static_cast<std::uint32_t>(e.tNs - baseNs), kindAndState, e.aux, e.arg};
}

Event EventLane::unpack(const Chunk& c, std::uint32_t offset, std::uint32_t worker)
{
    const Packed& p = c.events[offset];
    Event e;
    e.tNs = c.baseNs + p.dtNs;
    e.arg = p.arg;
    e.worker = worker;
    e.kind = static_cast<EventKind>(p.kindAndState & 0x0fu);
    e.state = static_cast<std::uint8_t>(p.kindAndState >> 4);
    e.aux = p.aux;
    return e;
}

std::size_t EventLane::size() const
{
    std::size_t n = 0;
    for (const Chunk& c : m_chunks)
        n += c.count;
    return n;
}

std::int64_t EventLane::lastNs() const
{
    const Chunk& c = m_chunks.back();
    return c.baseNs + c.events[c.count - 1].dtNs;
}

void EventLane::append(const Event& e)
{
    if (!m_chunks.empty() && e.tNs < lastNs()) [[unlikely]]
        insertLate(e);
    else
        appendInOrder(e);
}

void EventLane::appendInOrder(const Event& e)
{
    if (m_chunks.empty() || !fits(m_chunks.back(), e.tNs)) {
        if (!m_chunks.empty() && m_chunks.back().count < m_chunks.back().capacity)
            resize(m_chunks.back(), m_chunks.back().count); // closed by a long gap: trim it
        m_chunks.push_back(newChunk(e.tNs));
    }
    Chunk& c = m_chunks.back();
    makeRoom(c);
    c.events[c.count++] = pack(e, c.baseNs);
}

// Events reach a lane in time order unless two writers record for the same
// worker (a child's ring and the parent's proxy for it, drained in either
// order), so this path is rare and allowed to cost an index insert.
void EventLane::insertLate(const Event& e)
{
    const std::int64_t t = e.tNs;
    for (;;) {
        const Pos p = upperBound(t); // not the end: t < lastNs()
        Chunk& c = m_chunks[p.chunk];
        if (p.offset > 0) {
            if (c.count == kChunkEvents) {
                // Make room: the later half moves to a chunk of its own.
                const std::uint32_t half = kChunkEvents / 2;
                Chunk upper = newChunk(c.baseNs + c.events[half].dtNs);
                resize(upper, kChunkEvents - half);
                const auto shift = static_cast<std::uint32_t>(upper.baseNs - c.baseNs);
                for (std::uint32_t i = half; i < c.count; ++i) {
                    upper.events[i - half] = c.events[i];
                    upper.events[i - half].dtNs -= shift;
                }
                upper.count = c.count - half;
                c.count = half;
                m_chunks.insert(
                    m_chunks.begin() + static_cast<std::ptrdiff_t>(p.chunk) + 1, std::move(upper));
                continue;
            }
            // base <= (time at offset - 1) <= t < (time at offset): the offset fits.
            makeRoom(c);
            std::memmove(&c.events[p.offset + 1], &c.events[p.offset], (c.count - p.offset) * sizeof(Packed));
            c.events[p.offset] = pack(e, c.baseNs);
            ++c.count;
            return;
        }
        // t falls between chunk p.chunk - 1 and chunk p.chunk.
        if (p.chunk > 0 && fits(m_chunks[p.chunk - 1], t)) {
            Chunk& before = m_chunks[p.chunk - 1];
            makeRoom(before);
            before.events[before.count++] = pack(e, before.baseNs);
            return;
        }
        const std::int64_t last = c.baseNs + c.events[c.count - 1].dtNs;
        if (c.count < kChunkEvents && distance(t, last) <= UINT32_MAX) {
            // Move the chunk's base back to t.
            makeRoom(c);
            const auto shift = static_cast<std::uint32_t>(c.baseNs - t);
            std::memmove(&c.events[1], &c.events[0], c.count * sizeof(Packed));
            for (std::uint32_t i = 1; i <= c.count; ++i)
                c.events[i].dtNs += shift;
            c.baseNs = t;
            c.events[0] = pack(e, t);
            ++c.count;
            return;
        }
        Chunk alone = newChunk(t);
        alone.events[0] = pack(e, t);
        alone.count = 1;
        m_chunks.insert(m_chunks.begin() + static_cast<std::ptrdiff_t>(p.chunk), std::move(alone));
        return;
    }
}

EventLane::Pos EventLane::next(Pos p) const
{
    if (++p.offset == m_chunks[p.chunk].count)
        return {p.chunk + 1, 0};
    return p;
}

EventLane::Pos EventLane::prev(Pos p) const
{
    if (p.offset > 0)
        return {p.chunk, p.offset - 1};
    return {p.chunk - 1, m_chunks[p.chunk - 1].count - 1};
}

std::uint32_t EventLane::searchChunk(const Chunk& c, std::int64_t t, bool strict) const
{
    if (t < c.baseNs)
        return 0;
    if (distance(c.baseNs, t) > UINT32_MAX)
        return c.count;
    const auto dt = static_cast<std::uint32_t>(t - c.baseNs);
    const Packed* first = c.events.get();
    const Packed* last = first + c.count;
    const Packed* it = strict
        ? std::upper_bound(first, last, dt, [](std::uint32_t v, const Packed& p) { return v < p.dtNs; })
        : std::lower_bound(first, last, dt, [](const Packed& p, std::uint32_t v) { return p.dtNs < v; });
    return static_cast<std::uint32_t>(it - first);
}

EventLane::Pos EventLane::bound(std::int64_t t, bool strict) const
{
    // Every event of a chunk comes at or after its base and at or before the
    // next chunk's base, so only the chunk before the first one whose base is
    // past t can hold the answer; otherwise it is that chunk's first event.
    const auto it = strict ? std::upper_bound(m_chunks.begin(), m_chunks.end(), t,
                        [](std::int64_t v, const Chunk& c) { return v < c.baseNs; })
                           : std::lower_bound(m_chunks.begin(), m_chunks.end(), t,
                               [](const Chunk& c, std::int64_t v) { return c.baseNs < v; });
    const auto k = static_cast<std::size_t>(it - m_chunks.begin());
    if (k > 0) {
        const std::uint32_t offset = searchChunk(m_chunks[k - 1], t, strict);
        if (offset < m_chunks[k - 1].count)
            return {k - 1, offset};
    }
    return {k, 0};
}

EventLane::Pos EventLane::lowerBound(std::int64_t t) const
{
    return bound(t, false);
}

EventLane::Pos EventLane::upperBound(std::int64_t t) const
{
    return bound(t, true);
}

void EventLane::copy(
    Pos from, Pos to, std::size_t maxEvents, std::uint32_t worker, std::vector<Event>& out) const
{
    for (std::size_t k = from.chunk; k <= to.chunk && k < m_chunks.size() && maxEvents > 0; ++k) {
        const Chunk& c = m_chunks[k];
        const std::uint32_t first = k == from.chunk ? from.offset : 0;
        const std::uint32_t last = k == to.chunk ? to.offset : c.count;
        for (std::uint32_t i = first; i < last && maxEvents > 0; ++i, --maxEvents)
            out.push_back(unpack(c, i, worker));
    }
}

std::size_t EventLane::memoryBytes() const
{
    std::size_t bytes = m_chunks.capacity() * sizeof(Chunk);
    for (const Chunk& c : m_chunks)
        bytes += c.capacity * sizeof(Packed);
    return bytes;
}

} // namespace spindle

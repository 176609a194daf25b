#pragma once
// The events of one worker, compact and in time order. An event is kept in 15
// bytes: no worker id (the lane is the worker), its time as a 32-bit offset
// from the base time of its chunk, and its kind and state in one byte (both
// are below 16; the store only takes events with hasKnownKindAndState()). A chunk holds at most kChunkEvents
// events: its storage doubles from kFirstChunkEvents up to that, so a lane of a few events costs a few
// hundred bytes, and a growing lane never copies more than one chunk (only the small chunk index grows as a
// vector). Full chunks are exact; a chunk closed early by a gap too long for 32 bits (~4.29 s) is trimmed;
// only the open last chunk has room to spare. Lookups are a binary search over chunk base times, then one
// within a chunk. Not thread-safe: EventStore serialises access.

#include "model/event.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace spindle {

class EventLane {
public:
    static constexpr std::uint32_t kChunkEvents = 256;
    static constexpr std::uint32_t kFirstChunkEvents = 8;

    // Where an event sits; chunk == chunkCount() is the end.
    struct Pos {
        std::size_t chunk = 0;
        std::uint32_t offset = 0;
        bool operator==(const Pos&) const = default;
    };

    // Keeps the lane in time order: an event earlier than the last one is
    // inserted after the events of the same time or earlier (a rare path).
    void append(const Event& e);

    // The lane does not know its worker id (the store's index is the id), so
    // events come out with the `worker` their caller names.
    std::size_t size() const;
    bool empty() const { return m_chunks.empty(); }
    std::int64_t firstNs() const { return m_chunks.front().baseNs; }
    std::int64_t lastNs() const;

    Pos begin() const { return {}; }
    Pos end() const { return {m_chunks.size(), 0}; }
    Pos next(Pos p) const;
    Pos prev(Pos p) const;
    // First event with tNs >= t, and first with tNs > t.
    Pos lowerBound(std::int64_t t) const;
    Pos upperBound(std::int64_t t) const;
    Event at(Pos p, std::uint32_t worker) const { return unpack(m_chunks[p.chunk], p.offset, worker); }
    std::int64_t timeAt(Pos p) const
    {
        const Chunk& c = m_chunks[p.chunk];
        return c.baseNs + c.events[p.offset].dtNs;
    }
    // Appends the events in [from, to), at most maxEvents of them, to out.
    void copy(Pos from, Pos to, std::size_t maxEvents, std::uint32_t worker, std::vector<Event>& out) const;

    // Bytes held: chunk storage (with the room left in it) and the index.
    std::size_t memoryBytes() const;
    std::size_t chunkCount() const { return m_chunks.size(); }

private:
    // Unaligned on purpose: x86-64 and AArch64 read unaligned fields at full
    // speed, and the byte saved per event is what keeps the store within its
    // 16-byte budget once the chunk index is counted.
#pragma pack(push, 1)
    struct Packed {
        std::uint32_t dtNs; // from the chunk's base time
        std::uint8_t kindAndState; // kind in the low nibble, state in the high
        std::uint16_t aux;
        std::int64_t arg;
    };
#pragma pack(pop)
    static_assert(sizeof(Packed) == 15, "stored events must stay 15 bytes");
    static_assert(kEventKindCount <= 16 && kWorkerStateCount <= 16, "kind and state share one byte");

    struct FreeStorage {
        void operator()(Packed* p) const;
    };
    struct Chunk {
        std::int64_t baseNs = 0; // time of the chunk's first event
        std::unique_ptr<Packed[], FreeStorage> events;
        std::uint32_t count = 0;
        std::uint32_t capacity = 0;
    };
    static_assert(sizeof(Chunk) == 24);

    static Event unpack(const Chunk& c, std::uint32_t offset, std::uint32_t worker);
    static Packed pack(const Event& e, std::int64_t baseNs);
    // to - from for to >= from: exact even for times far apart (a damaged
    // session file may hold any int64), where the signed difference overflows.
    static std::uint64_t distance(std::int64_t from, std::int64_t to)
    {
        return static_cast<std::uint64_t>(to) - static_cast<std::uint64_t>(from);
    }
    static bool fits(const Chunk& c, std::int64_t t)
    {
        return c.count < kChunkEvents && t >= c.baseNs && distance(c.baseNs, t) <= UINT32_MAX;
    }
    static Chunk newChunk(std::int64_t baseNs);
    // Sets the chunk's storage to `capacity` events (>= its count).
    static void resize(Chunk& c, std::uint32_t capacity);
    // Room for one more event (fits() said the chunk may hold it).
    static void makeRoom(Chunk& c)
    {
        if (c.count == c.capacity)
            resize(c, std::min(2 * c.capacity, kChunkEvents));
    }
    void appendInOrder(const Event& e);
    void insertLate(const Event& e);
    // First offset in chunk c whose time is >= t (strict: > t).
    std::uint32_t searchChunk(const Chunk& c, std::int64_t t, bool strict) const;
    Pos bound(std::int64_t t, bool strict) const;

    std::vector<Chunk> m_chunks; // the whole lane object: as small as an empty vector
};

} // namespace spindle

// The SPSC ring: order, capacity, drops, and refusing memory it did not make.

#include "stream/eventring.h"
#include "stream/eventwriter.h"

#include <gtest/gtest.h>

#include <cstring>
#include <thread>
#include <vector>

using namespace spindle;

namespace {
Event make(std::uint32_t worker, std::int64_t t)
{
    Event e;
    e.worker = worker;
    e.tNs = t;
    e.arg = t * 3;
    return e;
}
} // namespace

TEST(EventRing, EventsComeOutInTheOrderTheyWentIn)
{
    EventRing ring(8);
    EXPECT_EQ(ring.capacity(), 8u);
    std::vector<Event> out;
    for (int round = 0; round < 5; ++round) {
        for (int i = 0; i < 6; ++i)
            ASSERT_TRUE(ring.tryPush(make(1, round * 10 + i)));
        ring.drainInto(out);
    }
    ASSERT_EQ(out.size(), 30u);
    for (std::size_t i = 0; i < out.size(); ++i) {
        EXPECT_EQ(out[i].tNs, static_cast<std::int64_t>((i / 6) * 10 + i % 6));
        EXPECT_EQ(out[i].arg, out[i].tNs * 3);
    }
}

TEST(EventRing, CapacityIsRoundedUpToAPowerOfTwo)
{
    EXPECT_EQ(EventRing(5).capacity(), 8u);
    EXPECT_EQ(EventRing(4096).capacity(), 4096u);
}

TEST(EventRing, AFullRingRefusesAndCountsTheDrop)
{
    EventRing ring(4);
    for (int i = 0; i < 4; ++i)
        EXPECT_TRUE(ring.tryPush(make(0, i)));
    EXPECT_FALSE(ring.tryPush(make(0, 99)));
    ring.push(make(0, 100), 1'000'000); // waits 1 ms for room, then drops
    EXPECT_EQ(ring.dropped(), 1u);
    std::vector<Event> out;
    EXPECT_EQ(ring.drainInto(out), 4u);
    EXPECT_TRUE(ring.tryPush(make(0, 5)));
}

TEST(EventRing, AnEventWrittenFieldByFieldComesOutWhole)
{
    // The writers' path stores the fields into the slot one by one: each
    // must come out as written, extremes included.
    EventRing ring(2);
    ASSERT_TRUE(ring.tryEmplace(-7, std::int64_t {1} << 62, 0xfffffffe, EventKind::LoopLag, 12, 0xbeef));
    ASSERT_TRUE(
        ring.tryEmplace(1, -1, 3, EventKind::State, static_cast<std::uint8_t>(WorkerState::Sleeping), 0));
    EXPECT_FALSE(ring.tryEmplace(2, 0, 0, EventKind::Frame, 0, 0)) << "a full ring must refuse";
    std::vector<Event> out;
    ASSERT_EQ(ring.drainInto(out), 2u);
    EXPECT_EQ(out[0], (Event {-7, std::int64_t {1} << 62, 0xfffffffe, EventKind::LoopLag, 12, 0xbeef}));
    EXPECT_EQ(
        out[1], (Event {1, -1, 3, EventKind::State, static_cast<std::uint8_t>(WorkerState::Sleeping), 0}));
}

TEST(EventRing, OneProducerOneConsumerLoseNothing)
{
    EventRing ring(1024);
    constexpr int kCount = 500'000;
    std::thread producer([&] {
        for (int i = 0; i < kCount; ++i)
            ring.push(make(7, i), INT64_MAX);
    });
    std::vector<Event> out;
    out.reserve(kCount);
    while (out.size() < static_cast<std::size_t>(kCount))
        ring.drainInto(out);
    producer.join();
    ASSERT_EQ(out.size(), static_cast<std::size_t>(kCount));
    for (int i = 0; i < kCount; ++i)
        ASSERT_EQ(out[i].tNs, i);
    EXPECT_EQ(ring.dropped(), 0u);
}

TEST(EventRing, AWriterThatFindsTheRingFullWaitsAndWritesEveryFieldWhole)
{
    // Two slots against a writer flat out: it finds the ring full again and
    // again, and each of those events goes through its cold path.
    EventRing ring(2);
    constexpr int kCount = 20'000;
    std::thread producer([&] {
        const EventWriter writer(&ring, 9);
        for (int i = 0; i < kCount; ++i)
            writer.recordAt(
                i, EventKind::TaskEnd, -i, static_cast<std::uint8_t>(i % 7), static_cast<std::uint16_t>(i));
    });
    std::vector<Event> out;
    out.reserve(kCount);
    while (out.size() < static_cast<std::size_t>(kCount))
        ring.drainInto(out);
    producer.join();
    ASSERT_EQ(out.size(), static_cast<std::size_t>(kCount));
    for (int i = 0; i < kCount; ++i) {
        ASSERT_EQ(out[i],
            (Event {i, -i, 9, EventKind::TaskEnd, static_cast<std::uint8_t>(i % 7),
                static_cast<std::uint16_t>(i)}))
            << "event " << i;
    }
    EXPECT_EQ(ring.dropped(), 0u);
}

TEST(EventRing, AViewOverForeignMemoryIsCheckedBeforeUse)
{
    std::vector<std::byte> memory(EventRing::bytesFor(64) + 64);
    void* aligned = memory.data() + (64 - reinterpret_cast<std::uintptr_t>(memory.data()) % 64) % 64;
    const std::size_t bytes = EventRing::bytesFor(64);
    {
        EventRing writer(aligned, bytes, true);
        ASSERT_TRUE(writer.valid());
        EXPECT_EQ(writer.capacity(), 64u);
        writer.tryPush(make(3, 42));
    }
    EventRing reader(aligned, bytes, false);
    ASSERT_TRUE(reader.valid());
    std::vector<Event> out;
    ASSERT_EQ(reader.drainInto(out), 1u);
    EXPECT_EQ(out[0].tNs, 42);

    // A producer that wrote an impossible head is not believed.
    auto* layout = static_cast<RingLayout*>(aligned);
    layout->head.store(layout->tail.load() + 1'000'000);
    EXPECT_EQ(reader.drainInto(out), 0u);
    EXPECT_EQ(reader.corrupt(), 1u);

    // A producer that rewrites the capacity afterwards does not move our reads
    // (ASan would see an out-of-bounds read here if it did).
    layout->tail.store(layout->head.load());
    layout->capacity = 1u << 30;
    ASSERT_TRUE(EventRing(aligned, bytes, false).valid() == false);
    EXPECT_EQ(reader.capacity(), 64u);
    layout->head.store(layout->tail.load() + 64);
    EXPECT_EQ(reader.drainInto(out), 64u);

    // Memory that is not a ring is refused.
    std::memset(aligned, 0xab, bytes);
    EXPECT_FALSE(EventRing(aligned, bytes, false).valid());
    EXPECT_FALSE(EventRing(aligned, 16, true).valid());
}

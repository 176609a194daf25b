// Refresh on arrival, paced to a frame: the first batch after a quiet spell
// is drawn at once, faster ones are coalesced into the next frame, and a
// refresh made out of band counts like a scheduled one.

#include "model/refreshpacer.h"

#include <gtest/gtest.h>

using namespace spindle;

namespace {
constexpr std::int64_t kMs = 1'000'000;
constexpr std::int64_t kFrame = 16 * kMs;
constexpr std::int64_t kT0 = 1'000 * kMs;
} // namespace

TEST(RefreshPacer, TheFirstArrivalRefreshesAtOnce)
{
    RefreshPacer pacer(kFrame);
    EXPECT_FALSE(pacer.pending());
    EXPECT_EQ(pacer.arrived(kT0), 0);
    EXPECT_TRUE(pacer.pending());
}

TEST(RefreshPacer, ArrivalsWhileOneIsPendingAreCoalesced)
{
    RefreshPacer pacer(kFrame);
    ASSERT_EQ(pacer.arrived(kT0), 0);
    EXPECT_EQ(pacer.arrived(kT0 + 1 * kMs), std::nullopt);
    EXPECT_EQ(pacer.arrived(kT0 + 2 * kMs), std::nullopt);
    pacer.refreshed(kT0 + 3 * kMs);
    EXPECT_FALSE(pacer.pending());
    // The next one waits for the rest of the frame that began at the refresh.
    EXPECT_EQ(pacer.arrived(kT0 + 5 * kMs), kFrame - 2 * kMs);
    EXPECT_EQ(pacer.arrived(kT0 + 6 * kMs), std::nullopt);
}

TEST(RefreshPacer, AnArrivalAFrameAfterTheLastRefreshDoesNotWait)
{
    RefreshPacer pacer(kFrame);
    pacer.arrived(kT0);
    pacer.refreshed(kT0);
    EXPECT_EQ(pacer.arrived(kT0 + kFrame), 0);
    pacer.refreshed(kT0 + kFrame);
    EXPECT_EQ(pacer.arrived(kT0 + 10 * kFrame), 0);
}

TEST(RefreshPacer, RefreshesNeverComeCloserThanAFrame)
{
    // Batches every 5 ms for a second, each refresh run when it falls due:
    // about one refresh a frame, none closer than a frame to the one before,
    // and no batch waits longer than a frame for its refresh.
    RefreshPacer pacer(kFrame);
    // -1 = none (plain integers: gcc 12 warns falsely about optionals in loops).
    std::int64_t due = -1;
    std::int64_t last = -1;
    std::int64_t oldestWaiting = -1;
    int refreshes = 0;
    for (std::int64_t t = kT0; t < kT0 + 1'000 * kMs; t += kMs) {
        if (due >= 0 && t >= due) {
            if (last >= 0) {
                EXPECT_GE(t - last, kFrame);
            }
            EXPECT_LE(t - oldestWaiting, kFrame);
            pacer.refreshed(t);
            last = t;
            due = -1;
            oldestWaiting = -1;
            ++refreshes;
        }
        if ((t - kT0) % (5 * kMs) == 0) {
            if (oldestWaiting < 0)
                oldestWaiting = t;
            if (const auto delay = pacer.arrived(t)) {
                EXPECT_EQ(due, -1);
                due = t + *delay;
            }
        }
    }
    EXPECT_GE(refreshes, 1'000 / 16 - 2);
    EXPECT_LE(refreshes, 1'000 / 16 + 1);
}

TEST(RefreshPacer, AnOutOfBandRefreshClearsThePendingOne)
{
    RefreshPacer pacer(kFrame);
    ASSERT_EQ(pacer.arrived(kT0), 0);
    pacer.refreshed(kT0);
    ASSERT_EQ(pacer.arrived(kT0 + 2 * kMs), kFrame - 2 * kMs);
    // The page redrew by itself (a run finished): the pending one is covered.
    pacer.refreshed(kT0 + 4 * kMs);
    EXPECT_FALSE(pacer.pending());
    EXPECT_EQ(pacer.arrived(kT0 + 5 * kMs), kFrame - kMs);
}

TEST(RefreshPacer, CancelledMeansTheNextArrivalSchedulesAgain)
{
    RefreshPacer pacer(kFrame);
    pacer.arrived(kT0);
    pacer.cancel();
    EXPECT_FALSE(pacer.pending());
    EXPECT_EQ(pacer.arrived(kT0 + kMs), 0);
}

TEST(RefreshPacer, AClockBehindTheLastRefreshWaitsAFrameAtMost)
{
    RefreshPacer pacer(kFrame);
    pacer.refreshed(kT0);
    EXPECT_EQ(pacer.arrived(kT0 - 100 * kMs), kFrame);
}

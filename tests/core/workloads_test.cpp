// The workloads compute what the book's functions compute.

#include "testsupport.h"
#include "workloads/primecalibration.h"
#include "workloads/primestepper.h"
#include "workloads/workloads.h"

#include <gtest/gtest.h>

#include <random>

using namespace spindle;

TEST(Workloads, IsqrtIsExactAroundPerfectSquares)
{
    for (std::int64_t r : {1LL, 2LL, 3LL, 1000LL, 99'999'999LL, 3'037'000'499LL}) {
        EXPECT_EQ(isqrt(r * r), r);
        EXPECT_EQ(isqrt(r * r - 1), r - 1);
        EXPECT_EQ(isqrt(r * r + 1), r);
    }
    EXPECT_EQ(isqrt(0), 0);
    EXPECT_EQ(isqrt(9'223'372'036'854'775'807LL), 3'037'000'499LL);
}

TEST(Workloads, MillerRabinAgreesWithBruteForceAndPython)
{
    for (std::uint64_t n = 0; n < 20'000; ++n) {
        bool prime = n >= 2;
        for (std::uint64_t d = 2; d * d <= n && prime; ++d)
            prime = n % d != 0;
        ASSERT_EQ(millerRabin(n), prime) << n;
    }
    // Checked with CPython: the book's primes, and composites of two large primes.
    for (std::uint64_t n : {142'702'110'479'723ULL, 299'593'572'317'531ULL, 3'333'333'333'333'301ULL,
                            9'999'999'999'999'917ULL, 99'999'999'999'999'997ULL})
        EXPECT_TRUE(millerRabin(n)) << n;
    for (std::uint64_t n : {3'333'335'652'092'209ULL, 4'444'444'488'888'889ULL, 5'555'553'133'149'889ULL,
                            6'666'667'141'414'921ULL, 7'777'777'536'340'681ULL, 999'983ULL * 999'979ULL})
        EXPECT_FALSE(millerRabin(n)) << n;
}

TEST(Workloads, IsPrimeAgreesWithAnIndependentTest)
{
    CancelToken cancel;
    WorkerContext ctx(EventWriter{}, &cancel);
    std::mt19937_64 rng(7);
    std::vector<std::int64_t> numbers = {0, 1, 2, 3, 4, 5, 9, 15, 25, 49, 97, 7919LL * 7919LL, 1'000'000'007};
    for (int i = 0; i < 300; ++i)
        numbers.push_back(static_cast<std::int64_t>(rng() % 10'000'000'000ULL));
    for (std::int64_t n : numbers) {
        const bool expected = spindle::test::referenceIsPrime(static_cast<std::uint64_t>(n));
        EXPECT_EQ(isPrime(n, ctx).result != 0, expected) << n;
        EXPECT_EQ(isPrimeNapping(n, 1000, ctx).result != 0, expected) << n;
    }
}

TEST(Workloads, NappingStopsRightAfterTheBooksTest)
{
    // i % napEvery == 1 is true for i = 1001, 2001, ... : the first nap comes at i = 1001.
    PrimeStepper stepper(1'000'000'007);
    bool nap = false;
    EXPECT_FALSE(stepper.stepNapping(1'000'000, 1000, &nap));
    EXPECT_TRUE(nap);
    int naps = 1;
    std::optional<bool> verdict;
    while (!(verdict = stepper.stepNapping(1'000'000, 1000, &nap)))
        naps += nap ? 1 : 0;
    EXPECT_TRUE(*verdict);
    // Odd i from 3 to isqrt(1e9+7) = 31622 with i % 1000 == 1: 1001, 2001, ..., 31001.
    EXPECT_EQ(naps, 31);
}

TEST(Workloads, SumRandomStaysInRangeAndFollowsItsSeed)
{
    CancelToken cancel;
    WorkerContext ctx(EventWriter{}, &cancel);
    const auto a = sumRandom(1'000'000, 42, ctx);
    const auto b = sumRandom(1'000'000, 42, ctx);
    const auto c = sumRandom(1'000'000, 43, ctx);
    EXPECT_EQ(a.result, b.result);
    EXPECT_NE(a.result, c.result);
    // Mean 50.5 per draw: the sum is within a few standard deviations of 50.5 M.
    EXPECT_NEAR(static_cast<double>(a.result), 50'500'000.0, 100'000.0);
}

TEST(Workloads, CancelStopsCpuWorkAtTheNextCheckpoint)
{
    CancelToken cancel;
    cancel.cancel();
    WorkerContext ctx(EventWriter{}, &cancel);
    EXPECT_TRUE(isPrime(99'999'999'999'999'997, ctx).cancelled);
    EXPECT_TRUE(sumRandom(100'000'000, 1, ctx).cancelled);
    EXPECT_TRUE(sleepMs(60'000, ctx).cancelled);
}

TEST(Workloads, IoWritesAndReadsBackRealBytes)
{
    CancelToken cancel;
    EventRing ring(64);
    WorkerContext ctx(EventWriter(&ring, 0), &cancel);
    const auto outcome = ioBytes(3 * 1024 * 1024 + 5, ctx);
    EXPECT_EQ(outcome.result, 3 * 1024 * 1024 + 5);
    std::vector<Event> events;
    ring.drainInto(events);
    ASSERT_GE(events.size(), 2u);
    EXPECT_EQ(events.front().workerState(), WorkerState::BlockedIo);
    EXPECT_EQ(events.back().workerState(), WorkerState::Running);
}

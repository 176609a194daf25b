// RunControl: live requests reach the runtime that takes them - the latest
// one wins, one made before the runtime listens is not lost, and none wakes
// a runtime that has stopped listening.

#include "runtime/runcontrol.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

using namespace spindle;

TEST(RunControl, TheLatestRequestWinsAndWakesTheRuntime)
{
    RunControl control;
    EXPECT_FALSE(control.takeWorkersRequest());
    int wakes = 0;
    control.setWake([&wakes] { ++wakes; });
    EXPECT_EQ(wakes, 0) << "nothing was pending";
    control.requestWorkers(3);
    control.requestWorkers(5);
    EXPECT_EQ(wakes, 2);
    EXPECT_EQ(control.takeWorkersRequest(), 5);
    EXPECT_FALSE(control.takeWorkersRequest()) << "taken once";
}

TEST(RunControl, ARequestBeforeTheRuntimeListensWakesItAtOnce)
{
    RunControl control;
    control.requestWorkers(2);
    int wakes = 0;
    control.setWake([&wakes] { ++wakes; });
    EXPECT_EQ(wakes, 1);
    EXPECT_EQ(control.takeWorkersRequest(), 2);
}

TEST(RunControl, NoWakeAfterTheRuntimeStoppedListening)
{
    RunControl control;
    std::atomic<int> wakes {0};
    control.setWake([&wakes] { ++wakes; });
    std::thread requester([&control] {
        for (int i = 1; i <= 1000; ++i)
            control.requestWorkers(i);
    });
    control.setWake(nullptr);
    const int seen = wakes.load();
    requester.join();
    EXPECT_EQ(wakes.load(), seen) << "a wake arrived after setWake(nullptr) returned";
    EXPECT_EQ(control.takeWorkersRequest(), 1000);
}

TEST(RunControl, KillRequestsAreKeptInOrderAndWakeTheRuntime)
{
    RunControl control;
    int wakes = 0;
    control.setWake([&wakes] { ++wakes; });
    control.requestKill({7, 9});
    control.requestKill({std::nullopt, 15});
    EXPECT_EQ(wakes, 2);
    const auto kills = control.takeKillRequests();
    ASSERT_EQ(kills.size(), 2u);
    EXPECT_EQ(kills[0].worker, 7u);
    EXPECT_EQ(kills[0].signal, 9);
    EXPECT_FALSE(kills[1].worker) << "the runtime's choice";
    EXPECT_EQ(kills[1].signal, 15);
    EXPECT_TRUE(control.takeKillRequests().empty()) << "taken once";

    // One made before the runtime listens wakes it as soon as it does.
    RunControl early;
    early.requestKill({3, 9});
    int earlyWakes = 0;
    early.setWake([&earlyWakes] { ++earlyWakes; });
    EXPECT_EQ(earlyWakes, 1);
}

TEST(RunControl, KnowsWhichChildrenAreAliveAndTellsTheWorkerCount)
{
    RunControl control;
    control.childStarted(1, false); // a producer
    control.childStarted(2, true);
    control.childStarted(3, true);
    EXPECT_TRUE(control.isLiveChild(1));
    EXPECT_TRUE(control.isLiveChild(2));
    EXPECT_FALSE(control.isLiveChild(4));
    EXPECT_EQ(control.liveWorkerChildren(), 2);
    control.childEnded(2);
    control.childEnded(1);
    EXPECT_FALSE(control.isLiveChild(2));
    EXPECT_FALSE(control.isLiveChild(1));
    EXPECT_EQ(control.liveWorkerChildren(), 1);

    std::vector<int> counts;
    control.reportWorkers(2); // nobody listens: dropped
    control.setWorkersObserver([&counts](int n) { counts.push_back(n); });
    control.reportWorkers(3);
    control.reportWorkers(1);
    EXPECT_EQ(counts, (std::vector<int> {3, 1}));
}

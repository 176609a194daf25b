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

// What a GUI freeze is put down to: the GUI thread's schedstat over the gap
// decides between a blocked loop, a busy window and a busy machine.

#include "model/guifreeze.h"

#include <gtest/gtest.h>

using namespace spindle;

namespace {

constexpr std::int64_t kMs = 1'000'000;

GuiFreeze freeze(std::int64_t gapMs, std::int64_t coveredMs, std::int64_t onCpuMs, std::int64_t waitingMs)
{
    return GuiFreeze {gapMs * kMs, coveredMs * kMs, onCpuMs * kMs, waitingMs * kMs};
}

} // namespace

TEST(GuiFreeze, ASleepingSlotIsABlockedLoop)
{
    const GuiFreeze f = freeze(2000, 1985, 1, 0);
    EXPECT_EQ(f.cause(), GuiFreeze::Cause::Blocked);
    EXPECT_TRUE(f.describe().contains(QLatin1String("frozen for 2000 ms"))) << f.describe().toStdString();
    EXPECT_TRUE(f.describe().contains(QLatin1String("blocked"))) << f.describe().toStdString();
}

TEST(GuiFreeze, RunnableButOffACpuIsABusyMachineNotABlockedLoop)
{
    const GuiFreeze f = freeze(180, 165, 10, 150);
    EXPECT_EQ(f.cause(), GuiFreeze::Cause::WaitingForCpu);
    EXPECT_TRUE(f.describe().contains(QLatin1String("150 ms of it waiting for a CPU")))
        << f.describe().toStdString();
    EXPECT_FALSE(f.describe().contains(QLatin1String(": blocked")));
}

TEST(GuiFreeze, OnACpuMostOfTheTimeIsTheWindowsOwnWork)
{
    const GuiFreeze f = freeze(300, 280, 250, 20);
    EXPECT_EQ(f.cause(), GuiFreeze::Cause::Busy);
    EXPECT_TRUE(f.describe().contains(QLatin1String("250 ms of it on a CPU"))) << f.describe().toStdString();
}

TEST(GuiFreeze, NoShareAtHalfIsBlockedAndNothingCoveredIsUnknown)
{
    // 40 % running and 40 % waiting: neither explains the gap.
    EXPECT_EQ(freeze(200, 200, 80, 80).cause(), GuiFreeze::Cause::Blocked);
    const GuiFreeze unknown = freeze(150, 0, 0, 0);
    EXPECT_EQ(unknown.cause(), GuiFreeze::Cause::Unknown);
    EXPECT_EQ(unknown.describe(), QStringLiteral("frozen for 150 ms"));
}

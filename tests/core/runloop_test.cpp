// A thousand short runs in a row, every model, both flavours and both start
// methods, some with a spinner and some cancelled: whatever a run opens,
// starts or forks, it gives back. Counted from /proc before and after: fds
// (/proc/self/fd), threads (/proc/self/task), children (any process whose
// parent is this one, zombies included) and shared or memfd mappings
// (/proc/self/maps: an event ring unmapped late would pile up there).

#include "engine.h"
#include "processtestsupport.h"
#include "stream/sharedring.h"
#include "testsupport.h"

#include <QSignalSpy>

#include <gtest/gtest.h>

#include <array>
#include <unistd.h>

using namespace spindle;
using namespace spindle::test;

namespace {

constexpr int kRuns = 1000;
// One run in kProcessEvery uses a process model: 200 of the 1000.
constexpr int kProcessEvery = 5;

RunSpec loopRun(int i)
{
    static constexpr std::array<Model, 4> inProcess
        = {Model::Sequential, Model::Threads, Model::ThreadPool, Model::Coroutines};
    static constexpr std::array<Model, 3> processes
        = {Model::Processes, Model::ProcessPool, Model::CoroutinesExecutor};
    const bool process = i % kProcessEvery == 0;
    const Model model = process ? processes[static_cast<std::size_t>(i / kProcessEvery) % processes.size()]
                                : inProcess[static_cast<std::size_t>(i) % inProcess.size()];
    RunSpec s = spec(model, (i / 2) % 2 == 0 ? StartMethod::Spawn : StartMethod::ForkServer, 2,
        primeTasks({7, 1'000'000'007}));
    s.flavour = i % 3 == 0 ? Flavour::Native : Flavour::Python;
    // The executor of the coroutines+executor runs outside the process runs is a thread.
    s.executor = process ? ExecutorKind::Process : ExecutorKind::Thread;
    if (!process && i % 8 == 1)
        s.model = Model::CoroutinesExecutor;
    s.spinner = i % 7 == 0;
    if (s.model == Model::Sequential)
        s.workers = 1;
    return s;
}

} // namespace

TEST(RunLoop, AThousandRunsLeaveNoFdThreadChildOrMappingBehind)
{
    Engine engine;
    // One run of each kind first, so that lazily created process-wide
    // resources (Qt's meta-types, the sampler's files) exist before counting.
    for (int i = 0; i < 2 * kProcessEvery; ++i)
        ASSERT_TRUE(runToEnd(engine, loopRun(i)));
    const int fdsBefore = fdCount();
    const int threadsBefore = threadCount();
    const Mappings mappingsBefore = mappings();
    {
        // What the count would see of a ring a run forgot: its mapping, shared and a memfd.
        QString error;
        const auto ring = SharedRing::create(64, &error);
        ASSERT_TRUE(ring) << error.toStdString();
        EXPECT_EQ(mappings().shared, mappingsBefore.shared + 1);
        EXPECT_EQ(mappings().memfd, mappingsBefore.memfd + 1);
    }
    ASSERT_TRUE(childrenOf(::getpid()).empty()) << describe(childrenOf(::getpid()));

    int processRuns = 0;
    int cancelled = 0;
    for (int i = 0; i < kRuns; ++i) {
        RunSpec s = loopRun(i);
        processRuns += s.model == Model::Processes || s.model == Model::ProcessPool
            || (s.model == Model::CoroutinesExecutor && s.executor == ExecutorKind::Process);
        RunResultPtr result;
        if (i % 50 == 25) {
            // Cancelled while its workers are still starting: the other way a run ends.
            s.tasks = primeTasks({9'223'372'036'854'775'783, 9'223'372'036'854'775'783});
            QSignalSpy finished(&engine, &Engine::runFinished);
            ASSERT_TRUE(engine.start(s).isEmpty()) << "run " << i;
            engine.cancel();
            ASSERT_TRUE(finished.wait(10'000)) << "run " << i << " did not end after its cancel";
            result = finished.takeFirst().at(0).value<RunResultPtr>();
            EXPECT_TRUE(result->cancelled) << "run " << i;
            ++cancelled;
            continue;
        }
        result = runToEnd(engine, s);
        ASSERT_TRUE(result) << "run " << i;
        ASSERT_TRUE(result->succeeded())
            << "run " << i << " (" << toString(s.model) << "): " << result->error.toStdString();
        ASSERT_EQ(result->tasks.size(), 2u) << "run " << i;
        EXPECT_EQ(result->tasks[0].result, 1);
        EXPECT_EQ(result->tasks[1].result, 1);
    }
    EXPECT_EQ(processRuns, kRuns / kProcessEvery);
    EXPECT_EQ(cancelled, kRuns / 50);
    EXPECT_EQ(fdCount(), fdsBefore);
    EXPECT_EQ(threadCountSettledTo(threadsBefore), threadsBefore);
    EXPECT_EQ(mappings().shared, mappingsBefore.shared);
    EXPECT_EQ(mappings().memfd, mappingsBefore.memfd);
    EXPECT_TRUE(childrenOf(::getpid()).empty()) << describe(childrenOf(::getpid()));
}

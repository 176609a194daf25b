// Workers run below the window (runtime/workerpriority.h): each model's
// threads and children are read back from the kernel while they run.
#include "processtestsupport.h"
#include "runtime/workerpriority.h"

#include <QSignalSpy>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <unistd.h>

using namespace spindle;
using namespace spindle::test;

namespace {

// Sets SPINDLE_WORKER_NICE for one scope, then puts back what was there.
class WorkerNiceVariable {
public:
    explicit WorkerNiceVariable(const char* value)
    {
        if (const char* old = std::getenv("SPINDLE_WORKER_NICE"))
            m_old = old;
        if (value != nullptr)
            ::setenv("SPINDLE_WORKER_NICE", value, 1);
        else
            ::unsetenv("SPINDLE_WORKER_NICE");
    }
    ~WorkerNiceVariable()
    {
        if (m_old)
            ::setenv("SPINDLE_WORKER_NICE", m_old->c_str(), 1);
        else
            ::unsetenv("SPINDLE_WORKER_NICE");
    }
    WorkerNiceVariable(const WorkerNiceVariable&) = delete;
    WorkerNiceVariable& operator=(const WorkerNiceVariable&) = delete;

private:
    std::optional<std::string> m_old;
};

// Starts `spec`, waits until `workers` workers are inside their tasks, and
// returns the nice value of each as the kernel reports it (by lane), then
// cancels.
std::map<std::uint32_t, int> workerNices(const RunSpec& spec, int workers)
{
    Engine engine;
    QSignalSpy batches(&engine, &Engine::batchReady);
    QSignalSpy finished(&engine, &Engine::runFinished);
    std::map<std::uint32_t, int> nices;
    EXPECT_TRUE(engine.start(spec).isEmpty());
    const std::int64_t deadline = monotonicNs() + 20'000'000'000;
    while (static_cast<int>(nices.size()) < workers && monotonicNs() < deadline) {
        for (const WorkerInfo& info : engine.store()->workers()) {
            if (info.role != WorkerRole::Worker)
                continue;
            // Once it is in its task: a child lowers itself in its main(),
            // and its pid is known from posix_spawn before that has run.
            const auto lane = engine.store()->laneEvents(info.id);
            const bool inTask = std::any_of(
                lane.begin(), lane.end(), [](const Event& e) { return e.kind == EventKind::TaskBegin; });
            const pid_t id = info.kind == WorkerKind::Process ? info.pid : info.tid;
            if (id > 0 && inTask)
                nices[info.id] = niceOf(id);
        }
        if (static_cast<int>(nices.size()) < workers)
            batches.wait(50);
    }
    engine.cancel();
    EXPECT_TRUE(finished.wait(20'000));
    return nices;
}

std::vector<TaskSpec> sleeps(int n)
{
    return std::vector<TaskSpec>(static_cast<std::size_t>(n), TaskSpec {WorkloadKind::Sleep, 10'000});
}

} // namespace

TEST(WorkerPriority, TheIncrementComesFromTheEnvironmentAndBadValuesAreNamed)
{
    {
        const WorkerNiceVariable unset(nullptr);
        EXPECT_EQ(workerNiceIncrement(), kDefaultWorkerNiceIncrement);
    }
    {
        const WorkerNiceVariable five("5");
        std::string error;
        EXPECT_EQ(workerNiceIncrement(&error), 5);
        EXPECT_TRUE(error.empty()) << error;
    }
    for (const char* bad : {"20", "-1", "ten", "3x"}) {
        const WorkerNiceVariable value(bad);
        std::string error;
        EXPECT_EQ(workerNiceIncrement(&error), kDefaultWorkerNiceIncrement) << bad;
        EXPECT_NE(error.find(std::string("SPINDLE_WORKER_NICE=") + bad), std::string::npos) << error;
        EXPECT_NE(error.find("0 to 19"), std::string::npos) << error;
    }
}

TEST(WorkerPriority, WorkerNiceIsTheEnginesPlusTheIncrementAtMostNineteen)
{
    const WorkerNiceVariable four("4");
    const int engine = niceOf(::getpid());
    EXPECT_EQ(workerNiceFor(::getpid()), std::min(kMaxNice, engine + 4));
}

class WorkerPriorityModels : public ::testing::TestWithParam<Model> { };

TEST_P(WorkerPriorityModels, EveryWorkerRunsBelowTheEngineAndTheEngineStaysWhereItWas)
{
    const int engineBefore = niceOf(::gettid());
    const RunSpec s = spec(GetParam(), StartMethod::Spawn, 2, sleeps(2));
    const auto nices = workerNices(s, 2);
    ASSERT_EQ(nices.size(), 2U) << "the workers never began their tasks";
    for (const auto& [lane, nice] : nices)
        EXPECT_EQ(nice, workerNiceFor(::getpid())) << "lane " << lane;
    EXPECT_EQ(niceOf(::gettid()), engineBefore);
    EXPECT_GT(workerNiceFor(::getpid()), engineBefore) << "a test run at nice 19 cannot tell";
}

INSTANTIATE_TEST_SUITE_P(Models, WorkerPriorityModels,
    ::testing::Values(Model::Threads, Model::ThreadPool, Model::Processes), [](const auto& param) {
        std::string name(toString(param.param));
        std::replace(name.begin(), name.end(), '-', '_');
        return name;
    });

TEST(WorkerPriority, AForkServerAndItsChildrenRunAtTheWorkersNiceNotLowerTwice)
{
    const RunSpec s = spec(Model::Processes, StartMethod::ForkServer, 2, sleeps(2));
    const auto nices = workerNices(s, 2);
    ASSERT_EQ(nices.size(), 2U);
    for (const auto& [lane, nice] : nices)
        EXPECT_EQ(nice, workerNiceFor(::getpid())) << "lane " << lane;
}

TEST(WorkerPriority, ZeroKeepsWorkersAtTheEnginesPriority)
{
    const WorkerNiceVariable zero("0");
    const RunSpec s = spec(Model::Threads, StartMethod::Spawn, 2, sleeps(2));
    const auto nices = workerNices(s, 2);
    ASSERT_EQ(nices.size(), 2U);
    for (const auto& [lane, nice] : nices)
        EXPECT_EQ(nice, niceOf(::getpid())) << "lane " << lane;
}

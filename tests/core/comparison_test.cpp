// The comparison behind the compare page's table and bar chart: one row per
// run, speed-up against the matching sequential run, and the best value of
// each column - lower or higher depending on the column, never a failed run.

#include "model/comparison.h"

#include <gtest/gtest.h>

using namespace spindle;

namespace {

constexpr std::int64_t kS = 1'000'000'000;

std::shared_ptr<RunResult> run(Model model, Flavour flavour, double wallS, double cpuS, int workers = 2)
{
    auto r = std::make_shared<RunResult>();
    r->spec.model = model;
    r->spec.flavour = flavour;
    r->spec.tasks = {TaskSpec {WorkloadKind::IsPrime, 7}, TaskSpec {WorkloadKind::IsPrime, 11}};
    r->workerCount = model == Model::Sequential ? 1 : workers;
    r->startNs = 10 * kS;
    r->endNs = r->startNs + static_cast<std::int64_t>(wallS * 1e9);
    r->processCpuNs = static_cast<std::int64_t>(cpuS * 1e9);
    return r;
}

WorkerResult worker(std::int64_t lifeNs, std::int64_t gilWaitNs)
{
    WorkerResult w;
    w.startNs = kS;
    w.endNs = kS + lifeNs;
    w.gil.waitNs = gilWaitNs;
    return w;
}

} // namespace

TEST(Comparison, RowsFollowTheRunsWithSpeedupAgainstTheSequentialRun)
{
    const auto seq = run(Model::Sequential, Flavour::Native, 4.0, 4.0);
    const auto threads = run(Model::Threads, Flavour::Native, 2.0, 4.0);
    const Comparison c({seq, threads});
    ASSERT_EQ(c.rowCount(), 2);
    EXPECT_EQ(c.rows()[1].run, threads);
    EXPECT_DOUBLE_EQ(*c.value(0, CompareColumn::Wall), 4.0);
    EXPECT_DOUBLE_EQ(*c.value(1, CompareColumn::Speedup), 2.0);
    EXPECT_DOUBLE_EQ(*c.value(1, CompareColumn::Efficiency), 1.0); // 2× on 2 workers
    EXPECT_DOUBLE_EQ(*c.value(0, CompareColumn::Speedup), 1.0);
    EXPECT_DOUBLE_EQ(*c.value(1, CompareColumn::CpuPct), 200.0);
    EXPECT_FALSE(c.value(0, CompareColumn::GilWait)) << "native runs have no GIL";
    EXPECT_FALSE(c.value(0, CompareColumn::SpinnerGap));
    EXPECT_FALSE(c.value(5, CompareColumn::Wall)) << "out of range";
}

TEST(Comparison, BestIsLowestOrHighestDependingOnTheColumn)
{
    const auto seq = run(Model::Sequential, Flavour::Native, 4.0, 3.9);
    const auto threads = run(Model::Threads, Flavour::Native, 2.0, 4.2);
    const auto procs = run(Model::Processes, Flavour::Native, 2.5, 4.5, 4);
    const Comparison c({seq, threads, procs});
    EXPECT_EQ(c.best(CompareColumn::Wall), 1);
    EXPECT_EQ(c.best(CompareColumn::Cpu), 0) << "least CPU time";
    EXPECT_EQ(c.best(CompareColumn::CpuPct), 1) << "210 % beats 180 % and 97.5 %";
    EXPECT_EQ(c.best(CompareColumn::Speedup), 1);
    EXPECT_EQ(c.best(CompareColumn::Efficiency), 0) << "sequential 1.0 ties threads 2.0 / 2: the first wins";
    EXPECT_TRUE(c.isBest(0, CompareColumn::Efficiency));
    EXPECT_TRUE(c.isBest(1, CompareColumn::Efficiency)) << "ties are all marked";
    EXPECT_FALSE(c.isBest(2, CompareColumn::Efficiency)) << "1.6 / 4 = 0.4";
    EXPECT_TRUE(c.isBest(1, CompareColumn::Wall));
    EXPECT_FALSE(c.isBest(0, CompareColumn::Wall));
    EXPECT_TRUE(Comparison::higherIsBetter(CompareColumn::Speedup));
    EXPECT_FALSE(Comparison::higherIsBetter(CompareColumn::GilWait));
    EXPECT_FALSE(Comparison::higherIsBetter(CompareColumn::SpinnerGap));
}

TEST(Comparison, GilWaitAndSpinnerGapPreferTheLowest)
{
    auto seq = run(Model::Sequential, Flavour::Python, 4.0, 4.0);
    seq->workers = {worker(4 * kS, 0)};
    seq->spinner = SpinnerStats {40, 3 * kS};
    auto threads = run(Model::Threads, Flavour::Python, 4.2, 4.2);
    threads->workers = {worker(4 * kS, 2 * kS), worker(4 * kS, 2 * kS)};
    threads->spinner = SpinnerStats {42, 110'000'000};
    const Comparison c({seq, threads});
    EXPECT_DOUBLE_EQ(*c.value(1, CompareColumn::GilWait), 50.0);
    EXPECT_EQ(c.best(CompareColumn::GilWait), 0);
    EXPECT_EQ(c.best(CompareColumn::SpinnerGap), 1);
    EXPECT_DOUBLE_EQ(*c.value(1, CompareColumn::SpinnerGap), 110.0);
}

TEST(Comparison, AFailedOrStoppedRunIsNeverBest)
{
    const auto seq = run(Model::Sequential, Flavour::Native, 4.0, 4.0);
    auto stopped = run(Model::Threads, Flavour::Native, 0.5, 0.9);
    stopped->cancelled = true;
    auto failed = run(Model::Processes, Flavour::Native, 0.1, 0.1);
    failed->error = QStringLiteral("worker crashed");
    const auto threads = run(Model::ThreadPool, Flavour::Native, 2.0, 4.0);
    const Comparison c({seq, stopped, failed, threads});
    EXPECT_EQ(c.best(CompareColumn::Wall), 3);
    EXPECT_FALSE(c.isBest(1, CompareColumn::Wall));
    EXPECT_FALSE(c.isBest(2, CompareColumn::Cpu));
    EXPECT_FALSE(c.value(1, CompareColumn::Speedup)) << "no speed-up for a stopped run";
}

TEST(Comparison, NoBestWithoutTwoValuesToCompare)
{
    const auto threads = run(Model::Threads, Flavour::Native, 2.0, 4.0);
    const Comparison alone({threads});
    EXPECT_FALSE(alone.best(CompareColumn::Wall));
    EXPECT_FALSE(alone.isBest(0, CompareColumn::Wall));
    const auto other = run(Model::Processes, Flavour::Native, 2.5, 4.0);
    const Comparison pair({threads, other});
    EXPECT_TRUE(pair.best(CompareColumn::Wall));
    EXPECT_FALSE(pair.best(CompareColumn::Speedup)) << "no sequential run: no speed-up to compare";
    EXPECT_FALSE(Comparison().best(CompareColumn::Wall));
}

TEST(Comparison, BaselineNeedsTheSameFlavourAndTasks)
{
    const auto seqPython = run(Model::Sequential, Flavour::Python, 4.0, 4.0);
    const auto seqNative = run(Model::Sequential, Flavour::Native, 3.0, 3.0);
    const auto threadsNative = run(Model::Threads, Flavour::Native, 1.5, 3.0);
    auto otherTasks = run(Model::Threads, Flavour::Python, 2.0, 2.0);
    otherTasks->spec.tasks.push_back(TaskSpec {WorkloadKind::IsPrime, 13});
    const QList<RunResultPtr> runs = {seqPython, seqNative, threadsNative, otherTasks};
    EXPECT_EQ(Comparison::baselineFor(*threadsNative, runs), seqNative.get());
    EXPECT_EQ(Comparison::baselineFor(*otherTasks, runs), nullptr);
    const Comparison c(runs);
    EXPECT_DOUBLE_EQ(*c.value(2, CompareColumn::Speedup), 2.0);
}

// ScalingSweep: the figures of fig. 19-2 from fixed run results - medians of
// the repeats, the best count, the speed-up over one worker and the ideal one
// (min(K, cores)) - one series per model and flavour, failed runs left out.

#include "model/scalingsweep.h"

#include <gtest/gtest.h>

using namespace spindle;

namespace {

RunResultPtr fakeRun(Model model, int workers, double wallS, int cores = 4)
{
    auto r = std::make_shared<RunResult>();
    r->spec.model = model;
    r->spec.flavour = Flavour::Python;
    r->spec.workers = workers;
    r->workerCount = workers;
    r->cores = cores;
    r->startNs = 1'000'000'000;
    r->endNs = r->startNs + static_cast<std::int64_t>(wallS * 1e9);
    return r;
}

} // namespace

TEST(ScalingSweep, MediansSpeedupsIdealAndTheBestCount)
{
    QList<RunResultPtr> runs;
    // K = 1: 8, 9, 10 s; K = 2: 4, 4.5, 20 (one noisy repeat); K = 4: 2.5, 2.5; K = 6: 3, 3.4.
    for (double w : {9.0, 8.0, 10.0})
        runs << fakeRun(Model::Processes, 1, w);
    for (double w : {4.5, 20.0, 4.0})
        runs << fakeRun(Model::Processes, 2, w);
    for (double w : {2.5, 2.5})
        runs << fakeRun(Model::Processes, 4, w);
    for (double w : {3.0, 3.4})
        runs << fakeRun(Model::Processes, 6, w);
    const ScalingSweep sweep(runs);
    EXPECT_EQ(sweep.cores(), 4);
    EXPECT_EQ(sweep.maxWorkers(), 6);
    ASSERT_EQ(sweep.series().size(), 1u);
    const ScalingSeries& s = sweep.series().front();
    EXPECT_EQ(s.model, Model::Processes);
    ASSERT_EQ(s.points.size(), 4u);
    EXPECT_EQ(s.points[0].workers, 1);
    EXPECT_EQ(s.points[3].workers, 6);

    const ScalingPoint* k2 = s.at(2);
    ASSERT_NE(k2, nullptr);
    EXPECT_EQ(k2->wallsS, (std::vector<double> {4.5, 20.0, 4.0})) << "every repeat, as it finished";
    EXPECT_DOUBLE_EQ(k2->medianS, 4.5);
    EXPECT_DOUBLE_EQ(k2->minS, 4.0);
    EXPECT_DOUBLE_EQ(k2->maxS, 20.0);
    EXPECT_DOUBLE_EQ(*k2->speedup, 2.0);
    EXPECT_DOUBLE_EQ(*k2->efficiency, 1.0);
    EXPECT_EQ(k2->idealSpeedup, 2);
    EXPECT_DOUBLE_EQ(*k2->idealS, 4.5);

    const ScalingPoint* k6 = s.at(6);
    ASSERT_NE(k6, nullptr);
    EXPECT_DOUBLE_EQ(k6->medianS, 3.2) << "an even count: the mean of the middle two";
    EXPECT_EQ(k6->idealSpeedup, 4) << "no faster than one worker per core";
    EXPECT_DOUBLE_EQ(*k6->idealS, 9.0 / 4);

    EXPECT_EQ(s.best().workers, 4);
    EXPECT_DOUBLE_EQ(*s.best().speedup, 9.0 / 2.5);
    int marked = 0;
    for (const ScalingPoint& p : s.points)
        marked += p.best ? 1 : 0;
    EXPECT_EQ(marked, 1);
    EXPECT_EQ(s.at(3), nullptr);
}

TEST(ScalingSweep, OneSeriesPerModelFailedRunsLeftOutAndNoSpeedupWithoutOneWorker)
{
    QList<RunResultPtr> runs;
    runs << fakeRun(Model::Threads, 1, 2.0) << fakeRun(Model::Processes, 2, 1.0)
         << fakeRun(Model::Threads, 2, 2.0) << fakeRun(Model::Processes, 3, 1.5);
    auto failed = std::make_shared<RunResult>(*fakeRun(Model::Processes, 1, 0.1));
    failed->error = QStringLiteral("it broke");
    runs << failed << nullptr;
    const ScalingSweep sweep(runs);
    ASSERT_EQ(sweep.series().size(), 2u);
    const ScalingSeries& threads = sweep.series()[0];
    const ScalingSeries& processes = sweep.series()[1];
    EXPECT_EQ(threads.model, Model::Threads) << "in the order they first ran";
    EXPECT_EQ(processes.model, Model::Processes);
    EXPECT_EQ(threads.best().workers, 1) << "a tie goes to the fewest workers";
    EXPECT_DOUBLE_EQ(*threads.at(2)->speedup, 1.0);
    ASSERT_EQ(processes.points.size(), 2u) << "the failed K = 1 run does not count";
    EXPECT_FALSE(processes.at(2)->speedup);
    EXPECT_FALSE(processes.at(2)->idealS);
    EXPECT_EQ(processes.best().workers, 2);

    const ScalingSweep none {QList<RunResultPtr> {}};
    EXPECT_TRUE(none.isEmpty());
    EXPECT_EQ(none.maxWorkers(), 0);
}

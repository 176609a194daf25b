// The run page's record of its runs: results in order, the latest batch on
// its own, summary rows mapped to finished runs, and only the latest
// timelines kept.

#include "session/runhistory.h"

#include <gtest/gtest.h>

using namespace spindle;

namespace {
RunResultPtr result(std::uint64_t id)
{
    auto r = std::make_shared<RunResult>();
    r->runId = id;
    return r;
}
} // namespace

TEST(RunHistory, ResultsAreTheFinishedRunsInOrder)
{
    RunHistory history;
    EXPECT_FALSE(history.finishLatest(result(1))); // nothing running
    history.add(std::make_shared<TimelineModel>(), 100);
    EXPECT_TRUE(history.results().isEmpty()); // still running
    ASSERT_TRUE(history.finishLatest(result(1)));
    history.add(std::make_shared<TimelineModel>(), 50);
    ASSERT_TRUE(history.finishLatest(result(2)));
    history.add(std::make_shared<TimelineModel>(), 100); // running
    const auto all = history.results();
    ASSERT_EQ(all.size(), 2);
    EXPECT_EQ(all[0]->runId, 1u);
    EXPECT_EQ(all[1]->runId, 2u);
    ASSERT_NE(history.finishedAt(1), nullptr);
    EXPECT_EQ(history.finishedAt(1)->result->runId, 2u);
    EXPECT_EQ(history.finishedAt(1)->spinnerIntervalMs, 50);
    EXPECT_EQ(history.finishedAt(2), nullptr); // the running one is no row
    EXPECT_EQ(history.finishedAt(-1), nullptr);
}

TEST(RunHistory, ABatchHoldsOnlyItsOwnRuns)
{
    RunHistory history;
    history.startBatch();
    history.add(std::make_shared<TimelineModel>(), 100);
    history.finishLatest(result(1));
    history.startBatch();
    EXPECT_TRUE(history.batchResults().isEmpty());
    history.add(std::make_shared<TimelineModel>(), 100);
    history.finishLatest(result(2));
    history.add(std::make_shared<TimelineModel>(), 100);
    history.finishLatest(result(3));
    const auto batch = history.batchResults();
    ASSERT_EQ(batch.size(), 2);
    EXPECT_EQ(batch[0]->runId, 2u);
    EXPECT_EQ(batch[1]->runId, 3u);
    EXPECT_EQ(history.results().size(), 3);
}

TEST(RunHistory, OnlyTheLatestTimelinesAreKept)
{
    RunHistory history;
    const std::size_t n = RunHistory::kKeptTimelines + 3;
    for (std::size_t i = 0; i < n; ++i) {
        history.add(std::make_shared<TimelineModel>(), 100);
        history.finishLatest(result(i + 1));
    }
    ASSERT_EQ(history.results().size(), static_cast<qsizetype>(n));
    for (std::size_t row = 0; row < n; ++row) {
        const RunHistory::Record* r = history.finishedAt(static_cast<int>(row));
        ASSERT_NE(r, nullptr);
        ASSERT_TRUE(r->result); // every row keeps its figures
        EXPECT_EQ(r->model != nullptr, row >= n - RunHistory::kKeptTimelines) << row;
    }
}

#pragma once
// The runs done on one page, in order: each one's timeline while it runs,
// its result once it has finished. Only the latest kKeptTimelines keep their
// timeline (older rows keep their figures), so a long session of runs holds a
// bounded number of TimelineModels.

#include "model/runresult.h"
#include "session/timelinemodel.h"

#include <QList>

#include <memory>
#include <vector>

namespace spindle {

class RunHistory {
public:
    static constexpr std::size_t kKeptTimelines = 24;

    struct Record {
        RunResultPtr result; // null while the run goes on
        std::shared_ptr<TimelineModel> model; // null once let go
        int spinnerIntervalMs = 100;
    };

    // A press of Run: the batch begins with the next run added.
    void startBatch() { m_batchFirst = m_records.size(); }
    void add(std::shared_ptr<TimelineModel> model, int spinnerIntervalMs);
    // The latest run finished; the timeline kKeptTimelines runs back is let go.
    // False when there is no run to finish.
    bool finishLatest(RunResultPtr result);

    std::size_t size() const { return m_records.size(); }
    // Results of the finished runs, in order: the rows of the page's summary.
    QList<RunResultPtr> results() const;
    // The same for the latest batch only.
    QList<RunResultPtr> batchResults() const;
    // The finished run of summary row `row`, or null.
    const Record* finishedAt(int row) const;

private:
    std::vector<Record> m_records;
    std::size_t m_batchFirst = 0;
};

} // namespace spindle

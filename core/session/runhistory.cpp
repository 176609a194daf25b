#include "session/runhistory.h"

#include <algorithm>

namespace spindle {

void RunHistory::add(std::shared_ptr<TimelineModel> model, int spinnerIntervalMs)
{
    m_records.push_back(Record {nullptr, std::move(model), spinnerIntervalMs});
}

bool RunHistory::finishLatest(RunResultPtr result)
{
    if (m_records.empty())
        return false;
    m_records.back().result = std::move(result);
    if (m_records.size() > kKeptTimelines)
        m_records[m_records.size() - kKeptTimelines - 1].model.reset();
    return true;
}

QList<RunResultPtr> RunHistory::results() const
{
    QList<RunResultPtr> out;
    for (const Record& r : m_records) {
        if (r.result)
            out << r.result;
    }
    return out;
}

QList<RunResultPtr> RunHistory::batchResults() const
{
    QList<RunResultPtr> out;
    for (std::size_t i = std::min(m_batchFirst, m_records.size()); i < m_records.size(); ++i) {
        if (m_records[i].result)
            out << m_records[i].result;
    }
    return out;
}

const RunHistory::Record* RunHistory::finishedAt(int row) const
{
    int seen = -1;
    for (const Record& r : m_records) {
        if (r.result && ++seen == row)
            return &r;
    }
    return nullptr;
}

} // namespace spindle

// pools: a futurist executor - a bounded backlog that rejects what does not
// fit (check_and_reject), statistics (executed, failures, runtime,
// cancelled, rejected) and a periodic task (Danjou 2.3-2.4).
#include "scenarios/scenario.h"

#include <memory>

namespace spindle {

namespace {

class PoolsScenario : public Scenario {
protected:
    std::optional<QString> buildRun(const ScenarioRequest& request, RunSpec* out) const override
    {
        if (request.model != Model::ThreadPool)
            return QStringLiteral("scenario pools needs model thread-pool (a bounded backlog, statistics and "
                                  "periodics are its executor's features); got model %1")
                .arg(QLatin1String(
                    toString(request.model).data(), static_cast<qsizetype>(toString(request.model).size())));
        const int tasks = request.params.value(QStringLiteral("tasks")).toInt();
        const std::int64_t taskMs = request.params.value(QStringLiteral("task-ms")).toLongLong();
        // Sleeping tasks: the lesson is the queue, and sleep keeps it the
        // same on a busy machine and under either flavour.
        for (int i = 0; i < tasks; ++i)
            out->tasks.push_back({WorkloadKind::Sleep, taskMs});
        out->backlog = request.params.value(QStringLiteral("backlog")).toLongLong();
        out->submitIntervalMs = request.params.value(QStringLiteral("arrival-ms")).toLongLong();
        out->failEvery = request.params.value(QStringLiteral("fail-every")).toLongLong();
        out->periodicMs = request.params.value(QStringLiteral("period-ms")).toLongLong();
        return std::nullopt;
    }
};

} // namespace

std::unique_ptr<Scenario> make_scenario_pools()
{
    return std::make_unique<PoolsScenario>();
}

} // namespace spindle

// sum-random: `tasks` workers each sum `count` random ints in 1..100, as
// threads, processes, a process pool and a thread pool (Danjou ex. 2.3, 2.4,
// 2.6, 2.7, 2.9). With the python flavour the threads stay near one core.
#include "scenarios/scenario.h"

#include <memory>

namespace spindle {

namespace {

class SumRandomScenario : public Scenario {
protected:
    std::optional<QString> buildRun(const ScenarioRequest& request, RunSpec* out) const override
    {
        const std::int64_t count = request.params.value(QStringLiteral("count")).toLongLong();
        const int tasks = request.params.value(QStringLiteral("tasks")).toInt();
        for (int i = 0; i < tasks; ++i)
            out->tasks.push_back({WorkloadKind::SumRandom, count});
        // The book starts one worker per task (8 threads, 8 processes,
        // Pool(processes=8), max_workers=8); --workers still sizes the pools.
        if (out->model != Model::Sequential && request.workers <= 0)
            out->workers = tasks;
        return std::nullopt;
    }
};

} // namespace

std::unique_ptr<Scenario> make_scenario_sum_random()
{
    return std::make_unique<SumRandomScenario>();
}

} // namespace spindle

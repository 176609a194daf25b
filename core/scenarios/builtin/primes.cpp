// primes: the book's numbers checked by N workers pulling from a job queue.
#include "scenarios/scenario.h"

#include <memory>

namespace spindle {

namespace {

class PrimesScenario : public Scenario {
protected:
    std::optional<QString> buildRun(const ScenarioRequest& request, RunSpec* out) const override
    {
        const QString numbers = request.params.value(QStringLiteral("numbers"));
        for (std::int64_t n : param(QStringLiteral("numbers"))->intList(numbers))
            out->tasks.push_back({WorkloadKind::IsPrime, n});
        return std::nullopt;
    }
};

} // namespace

std::unique_ptr<Scenario> make_scenario_primes()
{
    return std::make_unique<PrimesScenario>();
}

} // namespace spindle

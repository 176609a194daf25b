// spinner: a 10 frames/s spinner beside slow(), in the model's own thread,
// process or loop (Fluent Python examples 19-1 ... 19-11).
#include "scenarios/scenario.h"
#include "workloads/primecalibration.h"

#include <cmath>
#include <memory>

namespace spindle {

namespace {

class SpinnerScenario : public Scenario {
protected:
    std::optional<QString> buildRun(const ScenarioRequest& request, RunSpec* out) const override
    {
        const QString slow = request.params.value(QStringLiteral("slow"));
        const int seconds = request.params.value(QStringLiteral("seconds")).toInt();
        out->spinner = true;
        out->spinnerIntervalMs = 100;
        out->workers = 1;
        if (slow == QLatin1String("executor-thread") || slow == QLatin1String("executor-process")) {
            if (request.model != Model::CoroutinesExecutor)
                return QStringLiteral("parameter slow = '%1' needs model coroutines+executor (the loop offloads "
                                      "slow() to an executor); got model %2")
                    .arg(slow, QLatin1String(toString(request.model).data(),
                                             static_cast<qsizetype>(toString(request.model).size())));
            // slow() is CPU-bound is_prime (below), run in the executor named here.
            out->executor
                = slow == QLatin1String("executor-process") ? ExecutorKind::Process : ExecutorKind::Thread;
        }
        if (slow == QLatin1String("sleep")) {
            out->tasks.push_back({WorkloadKind::Sleep, seconds * 1000LL});
        } else if (slow == QLatin1String("blocking-sleep")) {
            out->tasks.push_back({WorkloadKind::BlockingSleep, seconds * 1000LL});
        } else {
            // CPU-bound slow(): one is_prime of about a second per second asked.
            const WorkloadKind kind = slow == QLatin1String("nap") ? WorkloadKind::Nap : WorkloadKind::IsPrime;
            const std::int64_t n = primeTakingSeconds(1.0);
            for (int i = 0; i < seconds; ++i)
                out->tasks.push_back({kind, n});
        }
        return std::nullopt;
    }
};

} // namespace

std::unique_ptr<Scenario> make_scenario_spinner()
{
    return std::make_unique<SpinnerScenario>();
}

} // namespace spindle

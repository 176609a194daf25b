// spinner: a 10 frames/s spinner beside slow(), in the model's own thread,
// process or loop (Fluent Python examples 19-1 ... 19-11).
#include "scenarios/scenario.h"
#include "workloads/primecalibration.h"

#include <memory>

namespace spindle {

namespace {

class SpinnerScenario : public Scenario {
protected:
    std::optional<QString> buildRun(const ScenarioRequest& request, RunSpec* out) const override
    {
        const QString slow = request.params.value(QStringLiteral("slow"));
        const int seconds = request.params.value(QStringLiteral("seconds")).toInt();
        const std::int64_t number = request.params.value(QStringLiteral("number")).toLongLong();
        out->spinner = true;
        out->spinnerIntervalMs = 100;
        out->workers = 1;
        const bool offload
            = slow == QLatin1String("executor-thread") || slow == QLatin1String("executor-process");
        // The coroutine variant of these is the loop handing slow() to an
        // executor (run_in_executor), so a coroutine run becomes one of
        // coroutines+executor: each variant is one click with the default
        // models. Threads and processes already run slow() off the spinner's
        // thread or process; for them these are the cpu variant.
        if (offload && (out->model == Model::Coroutines || out->model == Model::CoroutinesExecutor)) {
            out->model = Model::CoroutinesExecutor;
            out->executor
                = slow == QLatin1String("executor-process") ? ExecutorKind::Process : ExecutorKind::Thread;
        }
        if (slow == QLatin1String("sleep")) {
            out->tasks.push_back({WorkloadKind::Sleep, seconds * 1000LL});
        } else if (slow == QLatin1String("blocking-sleep")) {
            out->tasks.push_back({WorkloadKind::BlockingSleep, seconds * 1000LL});
        } else {
            // CPU-bound slow(): is_prime(number) once, as the book checks
            // 5_000_111_000_222_021; or, by default, one is_prime of about a
            // second here per second asked (the prime is calibrated once per
            // process, so runs of one session check the same number).
            const WorkloadKind kind = slow == QLatin1String("nap") ? WorkloadKind::Nap : WorkloadKind::IsPrime;
            if (number > 0) {
                out->tasks.push_back({kind, number});
            } else {
                const std::int64_t n = primeTakingSeconds(1.0);
                for (int i = 0; i < seconds; ++i)
                    out->tasks.push_back({kind, n});
            }
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

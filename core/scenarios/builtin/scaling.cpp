// scaling: the primes with 1 ... K workers, each count repeated R times, the
// median wall time per count and the best count marked, against the ideal
// speed-up (Fluent Python 2nd ed., fig. 19-2).
#include "model/scalingsweep.h"
#include "scenarios/scenario.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>
#include <memory>
#include <thread>

namespace spindle {

namespace {

QString qstr(std::string_view s)
{
    return QString::fromLatin1(s.data(), static_cast<qsizetype>(s.size()));
}

int cores()
{
    return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

double rounded(double v, int decimals)
{
    const double scale = std::pow(10.0, decimals);
    return std::round(v * scale) / scale;
}

class ScalingScenario : public Scenario {
public:
    QJsonObject analyse(const QList<RunResultPtr>& runs) const override
    {
        const ScalingSweep sweep(runs);
        QJsonArray out;
        QStringList headline;
        for (const ScalingSeries& series : sweep.series()) {
            QJsonArray points;
            for (const ScalingPoint& point : series.points) {
                QJsonObject p;
                p[QLatin1String("workers")] = point.workers;
                p[QLatin1String("runs")] = static_cast<int>(point.wallsS.size());
                p[QLatin1String("median_wall_s")] = rounded(point.medianS, 4);
                p[QLatin1String("min_wall_s")] = rounded(point.minS, 4);
                p[QLatin1String("max_wall_s")] = rounded(point.maxS, 4);
                p[QLatin1String("ideal_speedup")] = point.idealSpeedup;
                p[QLatin1String("speedup")]
                    = point.speedup ? QJsonValue(rounded(*point.speedup, 3)) : QJsonValue(QJsonValue::Null);
                p[QLatin1String("efficiency")] = point.efficiency ? QJsonValue(rounded(*point.efficiency, 3))
                                                                  : QJsonValue(QJsonValue::Null);
                p[QLatin1String("best")] = point.best;
                points.append(p);
            }
            const ScalingPoint& best = series.best();
            QJsonObject s;
            s[QLatin1String("model")] = qstr(toString(series.model));
            s[QLatin1String("flavour")] = qstr(toString(series.flavour));
            s[QLatin1String("best_workers")] = best.workers;
            s[QLatin1String("best_median_wall_s")] = rounded(best.medianS, 4);
            s[QLatin1String("points")] = points;
            out.append(s);
            QString line = QStringLiteral("%1 (%2): fastest with %3 worker(s), %4 s")
                               .arg(qstr(toString(series.model)), qstr(toString(series.flavour)))
                               .arg(best.workers)
                               .arg(best.medianS, 0, 'f', 2);
            if (const ScalingPoint* one = series.at(1); one != nullptr && best.medianS > 0)
                line += QStringLiteral(", %1× one worker").arg(one->medianS / best.medianS, 0, 'f', 2);
            headline << line;
        }
        if (out.isEmpty())
            return {};
        QJsonObject analysis;
        analysis[QLatin1String("kind")] = QStringLiteral("scaling");
        analysis[QLatin1String("cores")] = sweep.cores();
        analysis[QLatin1String("series")] = out;
        // One line for the window: the lesson at a glance.
        analysis[QLatin1String("headline")]
            = headline.join(QStringLiteral(" · ")) + QStringLiteral(" (%1 cores)").arg(sweep.cores());
        return analysis;
    }

    bool sweepsWorkers() const override { return true; }

protected:
    std::optional<QString> buildRun(const ScenarioRequest& request, RunSpec* out) const override
    {
        const QString numbers = request.params.value(QStringLiteral("numbers"));
        for (std::int64_t n : param(QStringLiteral("numbers"))->intList(numbers))
            out->tasks.push_back({WorkloadKind::IsPrime, n});
        return std::nullopt;
    }

    std::optional<QString> buildRuns(
        const ScenarioRequest& request, const RunSpec& base, QList<RunSpec>* out) const override
    {
        const int asked = request.params.value(QStringLiteral("max-workers")).toInt();
        const int repeats = request.params.value(QStringLiteral("repeats")).toInt();
        const int limit = base.model == Model::Sequential ? 1 : maxWorkers(base.model);
        const int maxK = std::min(asked > 0 ? asked : 2 * cores(), limit);
        RunSpec work = base;
        if (auto error = buildRun(request, &work))
            return error;
        const QString prefix = QStringLiteral("scaling · %1 · %2")
                                   .arg(qstr(toString(base.model)), qstr(toString(base.flavour)));
        // Repetitions outermost: a machine that gets busier for a while then
        // slows every worker count alike, instead of one count's every run.
        for (int r = 1; r <= repeats; ++r) {
            for (int k = 1; k <= maxK; ++k) {
                RunSpec spec = work;
                spec.workers = base.model == Model::Sequential ? 0 : k;
                spec.label = QStringLiteral("%1 · %2 worker%3 · repeat %4/%5")
                                 .arg(prefix)
                                 .arg(k)
                                 .arg(k == 1 ? QString() : QStringLiteral("s"))
                                 .arg(r)
                                 .arg(repeats);
                out->append(spec);
            }
        }
        return std::nullopt;
    }
};

} // namespace

std::unique_ptr<Scenario> make_scenario_scaling()
{
    return std::make_unique<ScalingScenario>();
}

} // namespace spindle

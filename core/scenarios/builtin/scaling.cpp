// scaling: the primes with 1 ... K workers, each count repeated R times, the
// median wall time per count and the best count marked, against the ideal
// speed-up (Fluent Python 2nd ed., fig. 19-2).
#include "scenarios/scenario.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>
#include <map>
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

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
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
        // One series per model and flavour, in the order they ran: worker count -> wall times.
        using Key = std::pair<Model, Flavour>;
        std::vector<std::pair<Key, std::map<int, std::vector<double>>>> series;
        for (const RunResultPtr& r : runs) {
            if (!r || !r->succeeded())
                continue;
            const Key key {r->spec.model, r->spec.flavour};
            auto it
                = std::find_if(series.begin(), series.end(), [&](const auto& s) { return s.first == key; });
            if (it == series.end())
                it = series.insert(series.end(), {key, {}});
            it->second[r->workerCount].push_back(r->wallS());
        }
        const int machineCores = cores();
        QJsonArray out;
        QStringList headline;
        for (const auto& [key, byWorkers] : series) {
            std::map<int, double> medians;
            for (const auto& [k, walls] : byWorkers)
                medians[k] = median(walls);
            const auto best = std::min_element(medians.begin(), medians.end(),
                [](const auto& a, const auto& b) { return a.second < b.second; });
            const auto one = medians.find(1);
            QJsonArray points;
            for (const auto& [k, wall] : medians) {
                QJsonObject p;
                p[QLatin1String("workers")] = k;
                p[QLatin1String("runs")] = static_cast<int>(byWorkers.at(k).size());
                p[QLatin1String("median_wall_s")] = rounded(wall, 4);
                const auto [lo, hi] = std::minmax_element(byWorkers.at(k).begin(), byWorkers.at(k).end());
                p[QLatin1String("min_wall_s")] = rounded(*lo, 4);
                p[QLatin1String("max_wall_s")] = rounded(*hi, 4);
                // CPU-bound work cannot go faster than one worker per core.
                p[QLatin1String("ideal_speedup")] = std::min(k, machineCores);
                if (one != medians.end() && wall > 0) {
                    const double speedup = one->second / wall;
                    p[QLatin1String("speedup")] = rounded(speedup, 3);
                    p[QLatin1String("efficiency")] = rounded(speedup / k, 3);
                } else {
                    p[QLatin1String("speedup")] = QJsonValue(QJsonValue::Null);
                    p[QLatin1String("efficiency")] = QJsonValue(QJsonValue::Null);
                }
                p[QLatin1String("best")] = k == best->first;
                points.append(p);
            }
            QJsonObject s;
            s[QLatin1String("model")] = qstr(toString(key.first));
            s[QLatin1String("flavour")] = qstr(toString(key.second));
            s[QLatin1String("best_workers")] = best->first;
            s[QLatin1String("best_median_wall_s")] = rounded(best->second, 4);
            s[QLatin1String("points")] = points;
            out.append(s);
            QString line = QStringLiteral("%1 (%2): fastest with %3 worker(s), %4 s")
                               .arg(qstr(toString(key.first)), qstr(toString(key.second)))
                               .arg(best->first)
                               .arg(best->second, 0, 'f', 2);
            if (one != medians.end() && best->second > 0)
                line += QStringLiteral(", %1× one worker").arg(one->second / best->second, 0, 'f', 2);
            headline << line;
        }
        if (out.isEmpty())
            return {};
        QJsonObject analysis;
        analysis[QLatin1String("kind")] = QStringLiteral("scaling");
        analysis[QLatin1String("cores")] = machineCores;
        analysis[QLatin1String("series")] = out;
        // One line for the window: the lesson at a glance.
        analysis[QLatin1String("headline")]
            = headline.join(QStringLiteral(" · ")) + QStringLiteral(" (%1 cores)").arg(machineCores);
        return analysis;
    }

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

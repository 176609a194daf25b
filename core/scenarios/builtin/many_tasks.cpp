// many-tasks: `count` concurrent sleepers as coroutines against threads -
// what one more unit costs in memory and in start-up time, measured.
#include "scenarios/scenario.h"

#include <QJsonArray>
#include <QLocale>

#include <algorithm>
#include <cmath>
#include <memory>

namespace spindle {

namespace {

QString qstr(std::string_view s)
{
    return QString::fromLatin1(s.data(), static_cast<qsizetype>(s.size()));
}

double rounded(double v, int decimals)
{
    const double scale = std::pow(10.0, decimals);
    return std::round(v * scale) / scale;
}

bool isThreadModel(Model m)
{
    return m == Model::Threads || m == Model::ThreadPool;
}

class ManyTasksScenario : public Scenario {
public:
    QJsonObject analyse(const QList<RunResultPtr>& runs) const override
    {
        QJsonArray models;
        QStringList headline;
        double threadKib = 0;
        double coroutineKib = 0;
        // Every run of one invocation asks for the same count; a run with
        // fewer sleepers, exactly its model's limit, was capped (buildRun).
        std::size_t asked = 0;
        for (const RunResultPtr& r : runs) {
            if (r && r->succeeded())
                asked = std::max(asked, r->spec.tasks.size());
        }
        for (const RunResultPtr& r : runs) {
            if (!r || !r->succeeded() || r->spec.tasks.empty())
                continue;
            const int limit = maxWorkers(r->spec.model);
            const bool capped
                = r->spec.tasks.size() < asked && r->spec.tasks.size() == static_cast<std::size_t>(limit);
            // The sleepers are the lanes with a task; loops and spinners are not units.
            std::int64_t firstRequest = INT64_MAX;
            std::int64_t lastStart = 0;
            double spawnSum = 0;
            int units = 0;
            for (const WorkerResult& w : r->workers) {
                if (w.info.role != WorkerRole::Worker || w.info.kind == WorkerKind::Loop)
                    continue;
                ++units;
                firstRequest = std::min(firstRequest, w.startNs - w.spawnNs);
                lastStart = std::max(lastStart, w.startNs);
                spawnSum += static_cast<double>(w.spawnNs);
            }
            if (units == 0)
                continue;
            std::int64_t firstEnd = INT64_MAX;
            std::int64_t lastBegin = 0;
            for (const TaskResult& t : r->tasks) {
                firstEnd = std::min(firstEnd, t.endNs);
                lastBegin = std::max(lastBegin, t.beginNs);
            }
            const double sleepMs = static_cast<double>(r->spec.tasks.front().arg);
            QJsonObject m;
            m[QLatin1String("model")] = qstr(toString(r->spec.model));
            m[QLatin1String("flavour")] = qstr(toString(r->spec.flavour));
            m[QLatin1String("units")] = units;
            if (capped) {
                m[QLatin1String("capped_at")] = limit;
                m[QLatin1String("count_asked")] = static_cast<qint64>(asked);
            }
            m[QLatin1String("sleep_ms")] = sleepMs;
            m[QLatin1String("wall_s")] = rounded(r->wallS(), 4);
            // 1.0 = the run took one sleep; count sleeps in a row would be `count`.
            m[QLatin1String("wall_per_sleep")]
                = sleepMs > 0 ? rounded(r->wallS() * 1000.0 / sleepMs, 3) : 0.0;
            // Every sleeper had begun before the first one woke.
            m[QLatin1String("all_overlapped")] = lastBegin < firstEnd;
            // Amortised: from the first request to the last unit running, per
            // unit. spawn_us_mean is each unit's own request-to-first-event
            // time, which for coroutines includes waiting for the loop to
            // reach it after the earlier ones.
            m[QLatin1String("start_us_per_unit")]
                = rounded(static_cast<double>(lastStart - firstRequest) / 1e3 / units, 2);
            m[QLatin1String("spawn_us_mean")] = rounded(spawnSum / 1e3 / units, 2);
            if (r->memory) {
                const double rssKib = static_cast<double>(r->memory->rssDeltaBytes()) / 1024.0 / units;
                m[QLatin1String("memory_kib_per_unit")] = rounded(rssKib, 2);
                m[QLatin1String("virtual_kib_per_unit")]
                    = rounded(static_cast<double>(r->memory->vmDeltaBytes()) / 1024.0 / units, 1);
                if (isThreadModel(r->spec.model))
                    threadKib = rssKib;
                else if (r->spec.model == Model::Coroutines)
                    coroutineKib = rssKib;
            }
            models.append(m);
            QString line = QStringLiteral("%1%2: %3 µs to start")
                               .arg(qstr(toString(r->spec.model)),
                                   capped ? QStringLiteral(" (capped at %1, its limit)")
                                                .arg(QLocale(QLocale::English).toString(limit))
                                          : QString())
                               .arg(m[QLatin1String("start_us_per_unit")].toDouble(), 0, 'f', 1);
            if (m.contains(QLatin1String("memory_kib_per_unit")))
                line += QStringLiteral(", %1 KiB")
                            .arg(m[QLatin1String("memory_kib_per_unit")].toDouble(), 0, 'f', 1);
            headline << line;
        }
        if (models.isEmpty())
            return {};
        QJsonObject analysis;
        analysis[QLatin1String("kind")] = QStringLiteral("many-tasks");
        analysis[QLatin1String("models")] = models;
        QString text = QStringLiteral("Per unit — ") + headline.join(QStringLiteral(" · "));
        if (threadKib > 0 && coroutineKib > 0) {
            analysis[QLatin1String("thread_to_coroutine_memory")] = rounded(threadKib / coroutineKib, 1);
            text += QStringLiteral(" · a thread costs %1× the memory of a coroutine")
                        .arg(threadKib / coroutineKib, 0, 'f', 1);
        }
        // One line for the window: the lesson at a glance.
        analysis[QLatin1String("headline")] = text;
        return analysis;
    }

protected:
    std::optional<QString> buildRun(const ScenarioRequest& request, RunSpec* out) const override
    {
        const int count = request.params.value(QStringLiteral("count")).toInt();
        const std::int64_t sleepMs = request.params.value(QStringLiteral("sleep-ms")).toLongLong();
        if (request.model == Model::Sequential)
            return QStringLiteral(
                "scenario many-tasks needs concurrent units; model sequential runs one at a time");
        // A model with a lower limit than count (threads: 1,024 OS threads,
        // docs/limits.md) runs at its limit, so that a side-by-side at 100,000
        // coroutines still has its threads; the label says so, and so does
        // the analysis' headline.
        const int units = std::min(count, maxWorkers(request.model));
        if (units < count)
            out->label = QStringLiteral("many-tasks · %1 · %2 · capped at %3 of %4 (docs/limits.md)")
                             .arg(qstr(toString(request.model)), qstr(toString(request.flavour)),
                                 QLocale(QLocale::English).toString(units),
                                 QLocale(QLocale::English).toString(count));
        // One unit per sleeper, each sleeping once: they should all overlap.
        out->workers = units;
        for (int i = 0; i < units; ++i)
            out->tasks.push_back({WorkloadKind::Sleep, sleepMs});
        return std::nullopt;
    }
};

} // namespace

std::unique_ptr<Scenario> make_scenario_many_tasks()
{
    return std::make_unique<ManyTasksScenario>();
}

} // namespace spindle

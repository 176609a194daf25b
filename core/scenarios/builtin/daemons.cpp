// daemons: a master supervising a producer and N consumers over a queue -
// crashes shown and restarted, the worker count changed while it runs
// (Danjou 2.5, Cotyledon). The work is SupervisedRuntime's.
#include "scenarios/scenario.h"

#include <QJsonArray>

#include <memory>
#include <set>

namespace spindle {

namespace {

QString qstr(std::string_view s)
{
    return QString::fromLatin1(s.data(), static_cast<qsizetype>(s.size()));
}

class DaemonsScenario : public Scenario {
public:
    // The lesson checked on each run: every item consumed exactly once, in
    // spite of the crashes, and how many lanes the supervision took.
    QJsonObject analyse(const QList<RunResultPtr>& runs) const override
    {
        QJsonArray out;
        QStringList headline;
        for (const RunResultPtr& r : runs) {
            if (!r || !r->supervisor)
                continue;
            std::set<std::uint32_t> items;
            for (const TaskResult& t : r->tasks) {
                if (!t.cancelled)
                    items.insert(t.index);
            }
            int consumerLanes = 0;
            int crashedLanes = 0;
            for (const WorkerResult& w : r->workers) {
                if (w.info.role != WorkerRole::Worker)
                    continue;
                ++consumerLanes;
                crashedLanes += w.crashed ? 1 : 0;
            }
            QJsonObject run;
            run[QLatin1String("model")] = qstr(toString(r->spec.model));
            run[QLatin1String("flavour")] = qstr(toString(r->spec.flavour));
            run[QLatin1String("items")] = static_cast<qint64>(r->spec.tasks.size());
            run[QLatin1String("every_item_consumed_once")]
                = items.size() == r->spec.tasks.size() && r->tasks.size() == r->spec.tasks.size();
            run[QLatin1String("consumer_lanes")] = consumerLanes;
            run[QLatin1String("crashed_lanes")] = crashedLanes;
            run[QLatin1String("restarts")] = static_cast<qint64>(r->supervisor->restarts);
            run[QLatin1String("consumers")] = QJsonArray {r->workerCount, r->supervisor->consumersAtEnd};
            out.append(run);
            const SupervisorStats& v = *r->supervisor;
            headline << QStringLiteral(
                "%1 of %2 items consumed, %3 · %4 crashed, %5 restarted, %6 handed out again "
                "· consumers %7 → %8")
                            .arg(v.consumed)
                            .arg(r->spec.tasks.size())
                            .arg(run[QLatin1String("every_item_consumed_once")].toBool()
                                    ? QStringLiteral("each exactly once")
                                    : QStringLiteral("not each exactly once"))
                            .arg(v.crashed)
                            .arg(v.restarts)
                            .arg(v.redelivered)
                            .arg(r->workerCount)
                            .arg(v.consumersAtEnd);
        }
        if (out.isEmpty())
            return {};
        QJsonObject analysis;
        analysis[QLatin1String("kind")] = QStringLiteral("daemons");
        analysis[QLatin1String("runs")] = out;
        // One line for the window: the lesson at a glance.
        analysis[QLatin1String("headline")] = headline.join(QStringLiteral(" | "));
        return analysis;
    }

protected:
    std::optional<QString> buildRun(const ScenarioRequest& request, RunSpec* out) const override
    {
        if (request.model != Model::Processes)
            return QStringLiteral("scenario daemons needs model processes (a master supervising child "
                                  "processes); got model %1")
                .arg(qstr(toString(request.model)));
        const int items = request.params.value(QStringLiteral("items")).toInt();
        const std::int64_t itemMs = request.params.value(QStringLiteral("item-ms")).toLongLong();
        // Sleeping consumers: the lesson is the supervision, and sleep keeps it
        // the same on a busy machine.
        for (int i = 0; i < items; ++i)
            out->tasks.push_back({WorkloadKind::Sleep, itemMs});
        out->pattern = ProcessPattern::Supervised;
        out->produceIntervalMs = request.params.value(QStringLiteral("produce-ms")).toLongLong();
        out->killEvery = request.params.value(QStringLiteral("kill-every")).toLongLong();
        out->resizeTo = request.params.value(QStringLiteral("resize-to")).toInt();
        return std::nullopt;
    }
};

} // namespace

std::unique_ptr<Scenario> make_scenario_daemons()
{
    return std::make_unique<DaemonsScenario>();
}

} // namespace spindle

// prefork: N server processes accept() on one listening socket on 127.0.0.1,
// a built-in client sends the requests; who served what, and how fast (the
// preforking pattern). The work is PreforkRuntime's.
#include "scenarios/scenario.h"

#include <QJsonArray>

#include <cmath>
#include <map>
#include <memory>
#include <set>

namespace spindle {

namespace {

QString qstr(std::string_view s)
{
    return QString::fromLatin1(s.data(), static_cast<qsizetype>(s.size()));
}

// Servers named one by one in the headline; more make the line unreadable.
constexpr int kServersNamed = 8;

class PreforkScenario : public Scenario {
public:
    // The lesson checked on each run: every request answered exactly once,
    // and how the kernel spread them over the processes.
    QJsonObject analyse(const QList<RunResultPtr>& runs) const override
    {
        QJsonArray out;
        QStringList headline;
        for (const RunResultPtr& r : runs) {
            if (!r || !r->prefork)
                continue;
            std::set<std::uint32_t> answered;
            std::map<std::uint32_t, std::uint64_t> perLane;
            for (const TaskResult& t : r->tasks) {
                answered.insert(t.index);
                ++perLane[t.worker];
            }
            int servers = 0;
            int served = 0;
            for (const WorkerResult& w : r->workers) {
                if (w.info.role != WorkerRole::Worker)
                    continue;
                ++servers;
                served += perLane[w.info.id] > 0 ? 1 : 0;
            }
            QJsonObject run;
            run[QLatin1String("model")] = qstr(toString(r->spec.model));
            run[QLatin1String("flavour")] = qstr(toString(r->spec.flavour));
            run[QLatin1String("requests")] = static_cast<qint64>(r->spec.tasks.size());
            run[QLatin1String("every_request_answered_once")]
                = answered.size() == r->spec.tasks.size() && r->tasks.size() == r->spec.tasks.size();
            run[QLatin1String("servers")] = servers;
            run[QLatin1String("servers_that_served")] = served;
            run[QLatin1String("requests_per_s")] = std::round(r->prefork->requestsPerS() * 10.0) / 10.0;
            out.append(run);
            QString line
                = QStringLiteral("%1 of %2 requests answered, %3, by %4 of %5 servers: %6 requests/s")
                      .arg(r->prefork->answered)
                      .arg(r->spec.tasks.size())
                      .arg(run[QLatin1String("every_request_answered_once")].toBool()
                              ? QStringLiteral("each exactly once")
                              : QStringLiteral("not each exactly once"))
                      .arg(served)
                      .arg(servers)
                      .arg(r->prefork->requestsPerS(), 0, 'f', 0);
            // Per server, while the list stays readable on one line.
            if (servers <= kServersNamed) {
                const double seconds = static_cast<double>(r->prefork->clientNs) / 1e9;
                for (const WorkerResult& w : r->workers) {
                    if (w.info.role != WorkerRole::Worker)
                        continue;
                    const std::uint64_t n = perLane[w.info.id];
                    line += QStringLiteral(" · %1: %2 (%3/s)")
                                .arg(w.info.name)
                                .arg(n)
                                .arg(seconds > 0 ? static_cast<double>(n) / seconds : 0.0, 0, 'f', 0);
                }
            }
            headline << line;
        }
        if (out.isEmpty())
            return {};
        QJsonObject analysis;
        analysis[QLatin1String("kind")] = QStringLiteral("prefork");
        analysis[QLatin1String("runs")] = out;
        // One line for the window: the lesson at a glance.
        analysis[QLatin1String("headline")] = headline.join(QStringLiteral(" | "));
        return analysis;
    }

protected:
    std::optional<QString> buildRun(const ScenarioRequest& request, RunSpec* out) const override
    {
        if (request.model != Model::Processes)
            return QStringLiteral("scenario prefork needs model processes (server processes sharing one "
                                  "listening socket); got model %1")
                .arg(qstr(toString(request.model)));
        const int requests = request.params.value(QStringLiteral("requests")).toInt();
        const std::int64_t work = request.params.value(QStringLiteral("work")).toLongLong();
        for (int i = 0; i < requests; ++i)
            out->tasks.push_back({WorkloadKind::SumRandom, work});
        out->pattern = ProcessPattern::Prefork;
        out->clientConnections = request.params.value(QStringLiteral("connections")).toInt();
        return std::nullopt;
    }
};

} // namespace

std::unique_ptr<Scenario> make_scenario_prefork()
{
    return std::make_unique<PreforkScenario>();
}

} // namespace spindle

#include "session/report.h"

#include "model/runsummary.h"
#include "scenarios/scenariocatalogue.h"
#include "session/atomicfile.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>
#include <thread>

namespace spindle {

namespace {

QJsonValue optionalNumber(const std::optional<double>& v, int decimals = 3)
{
    if (!v)
        return QJsonValue(QJsonValue::Null);
    const double scale = std::pow(10.0, decimals);
    return std::round(*v * scale) / scale;
}

double rounded(double v, int decimals = 3)
{
    const double scale = std::pow(10.0, decimals);
    return std::round(v * scale) / scale;
}

QString qstr(std::string_view s)
{
    return QString::fromLatin1(s.data(), static_cast<qsizetype>(s.size()));
}

QJsonObject runToJson(const RunResult& r, const RunResult* baseline)
{
    const RunSummary s = summarize(r, baseline);
    QJsonObject run;
    run[QLatin1String("model")] = qstr(toString(r.spec.model));
    run[QLatin1String("flavour")] = qstr(toString(r.spec.flavour));
    run[QLatin1String("workers")] = r.workerCount;
    run[QLatin1String("label")] = r.spec.label;
    run[QLatin1String("status")] = r.succeeded() ? QStringLiteral("ok")
        : r.timedOut                             ? QStringLiteral("timed-out")
        : r.cancelled                            ? QStringLiteral("cancelled")
                                                 : QStringLiteral("failed");
    if (!r.error.isEmpty())
        run[QLatin1String("error")] = r.error;
    run[QLatin1String("wall_s")] = rounded(s.wallS, 4);
    run[QLatin1String("cpu_s")] = rounded(s.cpuS, 4);
    run[QLatin1String("cpu_pct")] = rounded(s.cpuPct, 1);
    run[QLatin1String("speedup")] = optionalNumber(s.speedup);
    run[QLatin1String("efficiency")] = optionalNumber(s.efficiency);
    run[QLatin1String("gil_wait_pct")] = optionalNumber(s.gilWaitPct, 1);
    if (r.spinner) {
        QJsonObject spinner;
        spinner[QLatin1String("frames")] = static_cast<qint64>(r.spinner->frames);
        spinner[QLatin1String("max_gap_ms")] = rounded(static_cast<double>(r.spinner->maxGapNs) / 1e6, 1);
        run[QLatin1String("spinner")] = spinner;
    } else {
        run[QLatin1String("spinner")] = QJsonValue(QJsonValue::Null);
    }
    if (r.loopLag) {
        QJsonObject lag;
        lag[QLatin1String("timers")] = static_cast<qint64>(r.loopLag->count);
        lag[QLatin1String("max_ms")] = rounded(static_cast<double>(r.loopLag->maxNs) / 1e6, 2);
        run[QLatin1String("loop_lag")] = lag;
    }
    QJsonArray tasks;
    for (const TaskResult& t : r.tasks) {
        QJsonObject task;
        task[QLatin1String("worker")] = static_cast<qint64>(t.worker);
        task[QLatin1String("workload")] = qstr(toString(t.kind));
        task[QLatin1String("arg")] = static_cast<qint64>(t.arg);
        if (t.kind == WorkloadKind::IsPrime || t.kind == WorkloadKind::Nap)
            task[QLatin1String("result")] = t.result != 0;
        else
            task[QLatin1String("result")] = static_cast<qint64>(t.result);
        task[QLatin1String("elapsed_s")] = rounded(t.elapsedS(), 6);
        if (t.cancelled)
            task[QLatin1String("cancelled")] = true;
        tasks.append(task);
    }
    run[QLatin1String("tasks")] = tasks;
    QJsonArray workers;
    for (const WorkerResult& w : r.workers) {
        QJsonObject info;
        info[QLatin1String("id")] = static_cast<qint64>(w.info.id);
        info[QLatin1String("kind")] = QLatin1String(toString(w.info.kind));
        info[QLatin1String("role")] = QLatin1String(toString(w.info.role));
        info[QLatin1String("name")] = w.info.name;
        info[QLatin1String("cpu_s")] = rounded(static_cast<double>(w.cpuNs) / 1e9, 4);
        info[QLatin1String("spawn_us")] = rounded(static_cast<double>(w.spawnNs) / 1e3, 1);
        info[QLatin1String("tasks")] = static_cast<qint64>(w.tasksDone);
        if (w.info.kind == WorkerKind::Process) {
            info[QLatin1String("pid")] = static_cast<qint64>(w.info.pid);
            info[QLatin1String("crashed")] = w.crashed;
            if (!w.exitReason.isEmpty())
                info[QLatin1String("exit")] = w.exitReason;
        }
        if (r.spec.flavour == Flavour::Python && w.info.kind != WorkerKind::Coroutine) {
            info[QLatin1String("gil_wait_s")] = rounded(static_cast<double>(w.gil.waitNs) / 1e9, 4);
            info[QLatin1String("gil_switches")] = static_cast<qint64>(w.gil.switches);
            info[QLatin1String("gil_drop_requests")] = static_cast<qint64>(w.gil.dropRequests);
        }
        workers.append(info);
    }
    run[QLatin1String("workers_info")] = workers;
    if (r.executor) {
        const ExecutorStats& e = *r.executor;
        QJsonObject executor;
        executor[QLatin1String("backlog")] = static_cast<qint64>(r.spec.backlog);
        executor[QLatin1String("submitted")] = static_cast<qint64>(e.submitted);
        executor[QLatin1String("executed")] = static_cast<qint64>(e.executed);
        executor[QLatin1String("failures")] = static_cast<qint64>(e.failures);
        executor[QLatin1String("cancelled")] = static_cast<qint64>(e.cancelled);
        executor[QLatin1String("rejected")] = static_cast<qint64>(e.rejected);
        executor[QLatin1String("runtime_s")] = rounded(static_cast<double>(e.runtimeNs) / 1e9, 4);
        executor[QLatin1String("average_runtime_s")] = e.executed > 0
            ? rounded(static_cast<double>(e.runtimeNs) / 1e9 / static_cast<double>(e.executed), 4)
            : 0.0;
        QJsonArray rejected;
        for (std::uint32_t index : r.rejectedTasks)
            rejected.append(static_cast<qint64>(index));
        executor[QLatin1String("rejected_tasks")] = rejected;
        if (r.spec.periodicMs > 0) {
            QJsonObject periodic;
            periodic[QLatin1String("period_ms")] = static_cast<qint64>(r.spec.periodicMs);
            periodic[QLatin1String("runs")] = static_cast<qint64>(e.periodicRuns);
            periodic[QLatin1String("max_late_ms")]
                = rounded(static_cast<double>(e.periodicMaxLateNs) / 1e6, 2);
            executor[QLatin1String("periodic")] = periodic;
        }
        run[QLatin1String("executor")] = executor;
    }
    if (r.supervisor) {
        const SupervisorStats& v = *r.supervisor;
        QJsonObject supervisor;
        supervisor[QLatin1String("produced")] = static_cast<qint64>(v.produced);
        supervisor[QLatin1String("consumed")] = static_cast<qint64>(v.consumed);
        supervisor[QLatin1String("redelivered")] = static_cast<qint64>(v.redelivered);
        supervisor[QLatin1String("crashed")] = static_cast<qint64>(v.crashed);
        supervisor[QLatin1String("killed_on_purpose")] = static_cast<qint64>(v.killed);
        supervisor[QLatin1String("restarts")] = static_cast<qint64>(v.restarts);
        supervisor[QLatin1String("reconfigures")] = static_cast<qint64>(v.reconfigures);
        supervisor[QLatin1String("consumers_at_start")] = r.workerCount;
        supervisor[QLatin1String("consumers_at_end")] = v.consumersAtEnd;
        supervisor[QLatin1String("consumers_peak")] = v.consumersPeak;
        supervisor[QLatin1String("kill_every")] = static_cast<qint64>(r.spec.killEvery);
        run[QLatin1String("supervisor")] = supervisor;
    }
    if (r.prefork) {
        const PreforkStats& p = *r.prefork;
        QJsonObject prefork;
        prefork[QLatin1String("address")] = QStringLiteral("127.0.0.1");
        prefork[QLatin1String("port")] = static_cast<int>(p.port);
        prefork[QLatin1String("requests")] = static_cast<qint64>(p.requests);
        prefork[QLatin1String("answered")] = static_cast<qint64>(p.answered);
        prefork[QLatin1String("failed")] = static_cast<qint64>(p.failed);
        prefork[QLatin1String("client_s")] = rounded(static_cast<double>(p.clientNs) / 1e9, 4);
        prefork[QLatin1String("requests_per_s")] = rounded(p.requestsPerS(), 1);
        // Per server process: what the client got from it, over the client's time.
        QJsonArray servers;
        for (const WorkerResult& w : r.workers) {
            if (w.info.role != WorkerRole::Worker)
                continue;
            std::uint64_t answered = 0;
            for (const TaskResult& t : r.tasks)
                answered += t.worker == w.info.id ? 1 : 0;
            QJsonObject server;
            server[QLatin1String("id")] = static_cast<qint64>(w.info.id);
            server[QLatin1String("name")] = w.info.name;
            server[QLatin1String("pid")] = static_cast<qint64>(w.info.pid);
            server[QLatin1String("requests")] = static_cast<qint64>(answered);
            server[QLatin1String("requests_per_s")] = p.clientNs > 0
                ? rounded(static_cast<double>(answered) * 1e9 / static_cast<double>(p.clientNs), 1)
                : 0.0;
            server[QLatin1String("share_pct")] = p.answered > 0
                ? rounded(100.0 * static_cast<double>(answered) / static_cast<double>(p.answered), 1)
                : 0.0;
            servers.append(server);
        }
        prefork[QLatin1String("servers")] = servers;
        run[QLatin1String("prefork")] = prefork;
    }
    if (r.memory) {
        const MemoryStats& m = *r.memory;
        QJsonObject memory;
        memory[QLatin1String("rss_before_mib")]
            = rounded(static_cast<double>(m.rssBeforeBytes) / 1048576.0, 2);
        memory[QLatin1String("rss_peak_mib")] = rounded(static_cast<double>(m.rssPeakBytes) / 1048576.0, 2);
        memory[QLatin1String("rss_delta_kib")] = rounded(static_cast<double>(m.rssDeltaBytes()) / 1024.0, 1);
        memory[QLatin1String("vm_delta_mib")] = rounded(static_cast<double>(m.vmDeltaBytes()) / 1048576.0, 2);
        run[QLatin1String("memory")] = memory;
    }
    run[QLatin1String("events")] = static_cast<qint64>(r.eventsRecorded);
    run[QLatin1String("events_dropped")] = static_cast<qint64>(r.eventsDropped);
    return run;
}

} // namespace

QJsonObject makeReport(const QString& scenarioId, const QList<RunResultPtr>& runs)
{
    QJsonObject report;
    report[QLatin1String("scenario")] = scenarioId;
    report[QLatin1String("spindle_version")] = QStringLiteral(SPINDLE_VERSION);
    report[QLatin1String("cores")] = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    // Speed-up is measured against the sequential run of the same flavour.
    QJsonArray array;
    for (const RunResultPtr& r : runs) {
        const RunResult* baseline = nullptr;
        for (const RunResultPtr& other : runs) {
            if (other->spec.model == Model::Sequential && other->spec.flavour == r->spec.flavour)
                baseline = other.get();
        }
        array.append(runToJson(*r, baseline));
    }
    report[QLatin1String("runs")] = array;
    if (const Scenario* scenario = ScenarioCatalogue::builtin().find(scenarioId)) {
        const QJsonObject analysis = scenario->analyse(runs);
        if (!analysis.isEmpty())
            report[QLatin1String("analysis")] = analysis;
    }
    return report;
}

bool writeJsonFile(const QString& path, const QJsonObject& json, QString* error)
{
    return AtomicFile::writeWhole(path, QJsonDocument(json).toJson(QJsonDocument::Indented), error);
}

} // namespace spindle

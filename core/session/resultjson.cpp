#include "session/resultjson.h"

#include <QJsonArray>

namespace spindle {

namespace {

QString qstr(std::string_view s)
{
    return QString::fromLatin1(s.data(), static_cast<qsizetype>(s.size()));
}

std::string utf8(const QJsonValue& v)
{
    return v.toString().toStdString();
}

qint64 i64(std::int64_t v)
{
    return static_cast<qint64>(v);
}

std::int64_t get(const QJsonObject& o, const char* key)
{
    return static_cast<std::int64_t>(o.value(QLatin1String(key)).toInteger());
}

QJsonObject gilToJson(const GilCounters& g)
{
    QJsonObject o;
    o[QLatin1String("acquisitions")] = static_cast<qint64>(g.acquisitions);
    o[QLatin1String("switches")] = static_cast<qint64>(g.switches);
    o[QLatin1String("drop_requests")] = static_cast<qint64>(g.dropRequests);
    o[QLatin1String("wait_ns")] = i64(g.waitNs);
    return o;
}

GilCounters gilFromJson(const QJsonObject& o)
{
    GilCounters g;
    g.acquisitions = static_cast<std::uint64_t>(get(o, "acquisitions"));
    g.switches = static_cast<std::uint64_t>(get(o, "switches"));
    g.dropRequests = static_cast<std::uint64_t>(get(o, "drop_requests"));
    g.waitNs = get(o, "wait_ns");
    return g;
}

} // namespace

QJsonObject toJson(const RunSpec& spec)
{
    QJsonObject o;
    o[QLatin1String("label")] = spec.label;
    o[QLatin1String("model")] = qstr(toString(spec.model));
    o[QLatin1String("flavour")] = qstr(toString(spec.flavour));
    o[QLatin1String("workers")] = spec.workers;
    QJsonArray tasks;
    for (const TaskSpec& t : spec.tasks)
        tasks.append(QJsonArray{qstr(toString(t.kind)), i64(t.arg)});
    o[QLatin1String("tasks")] = tasks;
    o[QLatin1String("timeout_ms")] = i64(spec.timeoutMs);
    o[QLatin1String("switch_interval_us")] = i64(spec.switchIntervalUs);
    o[QLatin1String("nap_every")] = i64(spec.napEvery);
    o[QLatin1String("spinner")] = spec.spinner;
    o[QLatin1String("spinner_interval_ms")] = i64(spec.spinnerIntervalMs);
    o[QLatin1String("seed")] = static_cast<qint64>(spec.seed);
    o[QLatin1String("start_method")] = qstr(toString(spec.startMethod));
    o[QLatin1String("executor")] = qstr(toString(spec.executor));
    o[QLatin1String("backlog")] = i64(spec.backlog);
    o[QLatin1String("submit_interval_ms")] = i64(spec.submitIntervalMs);
    o[QLatin1String("fail_every")] = i64(spec.failEvery);
    o[QLatin1String("periodic_ms")] = i64(spec.periodicMs);
    o[QLatin1String("pattern")] = qstr(toString(spec.pattern));
    o[QLatin1String("produce_interval_ms")] = i64(spec.produceIntervalMs);
    o[QLatin1String("kill_every")] = i64(spec.killEvery);
    o[QLatin1String("resize_to")] = spec.resizeTo;
    o[QLatin1String("client_connections")] = spec.clientConnections;
    return o;
}

std::optional<RunSpec> runSpecFromJson(const QJsonObject& o, QString* error)
{
    RunSpec spec;
    spec.label = o.value(QLatin1String("label")).toString();
    const auto model = parseModel(utf8(o.value(QLatin1String("model"))));
    const auto flavour = parseFlavour(utf8(o.value(QLatin1String("flavour"))));
    if (!model || !flavour) {
        *error = QStringLiteral("run spec has an unknown model '%1' or flavour '%2'")
                     .arg(o.value(QLatin1String("model")).toString(), o.value(QLatin1String("flavour")).toString());
        return std::nullopt;
    }
    spec.model = *model;
    spec.flavour = *flavour;
    spec.workers = o.value(QLatin1String("workers")).toInt();
    for (const QJsonValue& t : o.value(QLatin1String("tasks")).toArray()) {
        const QJsonArray pair = t.toArray();
        const auto kind = parseWorkloadKind(utf8(pair.at(0)));
        if (!kind || pair.size() != 2) {
            *error = QStringLiteral("run spec has a malformed task");
            return std::nullopt;
        }
        spec.tasks.push_back({*kind, static_cast<std::int64_t>(pair.at(1).toInteger())});
    }
    spec.timeoutMs = get(o, "timeout_ms");
    spec.switchIntervalUs = get(o, "switch_interval_us");
    spec.napEvery = get(o, "nap_every");
    spec.spinner = o.value(QLatin1String("spinner")).toBool();
    spec.spinnerIntervalMs = get(o, "spinner_interval_ms");
    spec.seed = static_cast<std::uint64_t>(get(o, "seed"));
    // Fields added after the first sessions were written keep their defaults when absent.
    if (o.contains(QLatin1String("start_method"))) {
        const auto method = parseStartMethod(utf8(o.value(QLatin1String("start_method"))));
        const auto executor = parseExecutorKind(utf8(o.value(QLatin1String("executor"))));
        if (!method || !executor) {
            *error = QStringLiteral("run spec has an unknown start method or executor");
            return std::nullopt;
        }
        spec.startMethod = *method;
        spec.executor = *executor;
    }
    spec.backlog = get(o, "backlog");
    spec.submitIntervalMs = get(o, "submit_interval_ms");
    spec.failEvery = get(o, "fail_every");
    spec.periodicMs = get(o, "periodic_ms");
    if (o.contains(QLatin1String("pattern"))) {
        const auto pattern = parseProcessPattern(utf8(o.value(QLatin1String("pattern"))));
        if (!pattern) {
            *error = QStringLiteral("run spec has an unknown process pattern '%1'")
                         .arg(o.value(QLatin1String("pattern")).toString());
            return std::nullopt;
        }
        spec.pattern = *pattern;
    }
    spec.produceIntervalMs = get(o, "produce_interval_ms");
    spec.killEvery = get(o, "kill_every");
    spec.resizeTo = o.value(QLatin1String("resize_to")).toInt();
    spec.clientConnections = o.value(QLatin1String("client_connections")).toInt();
    return spec;
}

QJsonObject toJson(const WorkerInfo& info)
{
    QJsonObject o;
    o[QLatin1String("id")] = static_cast<qint64>(info.id);
    o[QLatin1String("kind")] = QLatin1String(toString(info.kind));
    o[QLatin1String("role")] = QLatin1String(toString(info.role));
    o[QLatin1String("name")] = info.name;
    o[QLatin1String("pid")] = static_cast<qint64>(info.pid);
    o[QLatin1String("tid")] = static_cast<qint64>(info.tid);
    return o;
}

WorkerInfo workerInfoFromJson(const QJsonObject& o)
{
    WorkerInfo info;
    info.id = static_cast<std::uint32_t>(get(o, "id"));
    const QString kind = o.value(QLatin1String("kind")).toString();
    for (WorkerKind k : {WorkerKind::Thread, WorkerKind::Process, WorkerKind::Coroutine, WorkerKind::Loop}) {
        if (kind == QLatin1String(toString(k)))
            info.kind = k;
    }
    const QString role = o.value(QLatin1String("role")).toString();
    for (WorkerRole r : {WorkerRole::Worker, WorkerRole::Spinner, WorkerRole::Main}) {
        if (role == QLatin1String(toString(r)))
            info.role = r;
    }
    info.name = o.value(QLatin1String("name")).toString();
    info.pid = static_cast<pid_t>(get(o, "pid"));
    info.tid = static_cast<pid_t>(get(o, "tid"));
    return info;
}

QJsonObject toJson(const RunResult& r)
{
    QJsonObject o;
    o[QLatin1String("run_id")] = static_cast<qint64>(r.runId);
    o[QLatin1String("spec")] = toJson(r.spec);
    o[QLatin1String("worker_count")] = r.workerCount;
    o[QLatin1String("cores")] = r.cores;
    o[QLatin1String("start_ns")] = i64(r.startNs);
    o[QLatin1String("end_ns")] = i64(r.endNs);
    o[QLatin1String("cancelled")] = r.cancelled;
    o[QLatin1String("timed_out")] = r.timedOut;
    o[QLatin1String("error")] = r.error;
    QJsonArray tasks;
    for (const TaskResult& t : r.tasks) {
        tasks.append(QJsonArray{static_cast<qint64>(t.worker), static_cast<qint64>(t.index), qstr(toString(t.kind)),
                                i64(t.arg), i64(t.result), i64(t.beginNs), i64(t.endNs), t.cancelled});
    }
    o[QLatin1String("tasks")] = tasks;
    QJsonArray workers;
    for (const WorkerResult& w : r.workers) {
        QJsonObject wo;
        wo[QLatin1String("info")] = toJson(w.info);
        wo[QLatin1String("cpu_ns")] = i64(w.cpuNs);
        wo[QLatin1String("spawn_ns")] = i64(w.spawnNs);
        wo[QLatin1String("start_ns")] = i64(w.startNs);
        wo[QLatin1String("end_ns")] = i64(w.endNs);
        wo[QLatin1String("tasks_done")] = static_cast<qint64>(w.tasksDone);
        wo[QLatin1String("gil")] = gilToJson(w.gil);
        if (w.info.kind == WorkerKind::Process) {
            wo[QLatin1String("crashed")] = w.crashed;
            wo[QLatin1String("exit_status")] = w.exitStatus;
            wo[QLatin1String("term_signal")] = w.termSignal;
            wo[QLatin1String("exit_reason")] = w.exitReason;
        }
        workers.append(wo);
    }
    o[QLatin1String("workers")] = workers;
    o[QLatin1String("process_cpu_ns")] = i64(r.processCpuNs);
    o[QLatin1String("events_recorded")] = static_cast<qint64>(r.eventsRecorded);
    o[QLatin1String("events_dropped")] = static_cast<qint64>(r.eventsDropped);
    if (r.spinner)
        o[QLatin1String("spinner")] = QJsonArray{static_cast<qint64>(r.spinner->frames), i64(r.spinner->maxGapNs)};
    const auto ids = [](const std::vector<std::uint32_t>& v) {
        QJsonArray a;
        for (std::uint32_t x : v)
            a.append(static_cast<qint64>(x));
        return a;
    };
    o[QLatin1String("lost_tasks")] = ids(r.lostTasks);
    o[QLatin1String("rejected_tasks")] = ids(r.rejectedTasks);
    if (r.executor) {
        const ExecutorStats& e = *r.executor;
        o[QLatin1String("executor")] = QJsonArray{static_cast<qint64>(e.submitted), static_cast<qint64>(e.executed),
                                                  static_cast<qint64>(e.failures), static_cast<qint64>(e.cancelled),
                                                  static_cast<qint64>(e.rejected), i64(e.runtimeNs),
                                                  static_cast<qint64>(e.periodicRuns), i64(e.periodicMaxLateNs)};
    }
    if (r.memory)
        o[QLatin1String("memory")] = QJsonArray{i64(r.memory->rssBeforeBytes), i64(r.memory->rssPeakBytes),
                                                i64(r.memory->vmBeforeBytes), i64(r.memory->vmPeakBytes)};
    if (r.loopLag)
        o[QLatin1String("loop_lag")] = QJsonArray{static_cast<qint64>(r.loopLag->count), i64(r.loopLag->maxNs),
                                                  i64(r.loopLag->totalNs)};
    if (r.supervisor) {
        const SupervisorStats& v = *r.supervisor;
        o[QLatin1String("supervisor")] = QJsonArray {static_cast<qint64>(v.produced),
            static_cast<qint64>(v.consumed), static_cast<qint64>(v.redelivered),
            static_cast<qint64>(v.crashed), static_cast<qint64>(v.killed), static_cast<qint64>(v.restarts),
            static_cast<qint64>(v.reconfigures), v.consumersAtEnd, v.consumersPeak};
    }
    if (r.prefork) {
        const PreforkStats& p = *r.prefork;
        o[QLatin1String("prefork")] = QJsonArray {static_cast<int>(p.port), static_cast<qint64>(p.requests),
            static_cast<qint64>(p.answered), static_cast<qint64>(p.failed), i64(p.clientNs)};
    }
    return o;
}

std::optional<RunResult> runResultFromJson(const QJsonObject& o, QString* error)
{
    RunResult r;
    auto spec = runSpecFromJson(o.value(QLatin1String("spec")).toObject(), error);
    if (!spec)
        return std::nullopt;
    r.spec = *spec;
    r.runId = static_cast<std::uint64_t>(get(o, "run_id"));
    r.workerCount = o.value(QLatin1String("worker_count")).toInt();
    r.cores = o.value(QLatin1String("cores")).toInt();
    r.startNs = get(o, "start_ns");
    r.endNs = get(o, "end_ns");
    r.cancelled = o.value(QLatin1String("cancelled")).toBool();
    r.timedOut = o.value(QLatin1String("timed_out")).toBool();
    r.error = o.value(QLatin1String("error")).toString();
    for (const QJsonValue& v : o.value(QLatin1String("tasks")).toArray()) {
        const QJsonArray a = v.toArray();
        const auto kind = parseWorkloadKind(utf8(a.at(2)));
        if (a.size() != 8 || !kind) {
            *error = QStringLiteral("run %1 has a malformed task result").arg(r.runId);
            return std::nullopt;
        }
        r.tasks.push_back(TaskResult{static_cast<std::uint32_t>(a.at(0).toInteger()),
                                     static_cast<std::uint32_t>(a.at(1).toInteger()), *kind, a.at(3).toInteger(),
                                     a.at(4).toInteger(), a.at(5).toInteger(), a.at(6).toInteger(), a.at(7).toBool()});
    }
    for (const QJsonValue& v : o.value(QLatin1String("workers")).toArray()) {
        const QJsonObject wo = v.toObject();
        WorkerResult w;
        w.info = workerInfoFromJson(wo.value(QLatin1String("info")).toObject());
        w.cpuNs = get(wo, "cpu_ns");
        w.spawnNs = get(wo, "spawn_ns");
        w.startNs = get(wo, "start_ns");
        w.endNs = get(wo, "end_ns");
        w.tasksDone = static_cast<std::uint64_t>(get(wo, "tasks_done"));
        w.gil = gilFromJson(wo.value(QLatin1String("gil")).toObject());
        w.crashed = wo.value(QLatin1String("crashed")).toBool();
        w.exitStatus = wo.value(QLatin1String("exit_status")).toInt();
        w.termSignal = wo.value(QLatin1String("term_signal")).toInt();
        w.exitReason = wo.value(QLatin1String("exit_reason")).toString();
        r.workers.push_back(w);
    }
    r.processCpuNs = get(o, "process_cpu_ns");
    r.eventsRecorded = static_cast<std::uint64_t>(get(o, "events_recorded"));
    r.eventsDropped = static_cast<std::uint64_t>(get(o, "events_dropped"));
    if (o.contains(QLatin1String("spinner"))) {
        const QJsonArray a = o.value(QLatin1String("spinner")).toArray();
        r.spinner = SpinnerStats{static_cast<std::uint64_t>(a.at(0).toInteger()), a.at(1).toInteger()};
    }
    for (const QJsonValue& v : o.value(QLatin1String("lost_tasks")).toArray())
        r.lostTasks.push_back(static_cast<std::uint32_t>(v.toInteger()));
    for (const QJsonValue& v : o.value(QLatin1String("rejected_tasks")).toArray())
        r.rejectedTasks.push_back(static_cast<std::uint32_t>(v.toInteger()));
    if (o.contains(QLatin1String("executor"))) {
        const QJsonArray a = o.value(QLatin1String("executor")).toArray();
        r.executor = ExecutorStats{static_cast<std::uint64_t>(a.at(0).toInteger()),
                                   static_cast<std::uint64_t>(a.at(1).toInteger()),
                                   static_cast<std::uint64_t>(a.at(2).toInteger()),
                                   static_cast<std::uint64_t>(a.at(3).toInteger()),
                                   static_cast<std::uint64_t>(a.at(4).toInteger()),
                                   a.at(5).toInteger(),
                                   static_cast<std::uint64_t>(a.at(6).toInteger()),
                                   a.at(7).toInteger()};
    }
    if (o.contains(QLatin1String("memory"))) {
        const QJsonArray a = o.value(QLatin1String("memory")).toArray();
        r.memory = MemoryStats{a.at(0).toInteger(), a.at(1).toInteger(), a.at(2).toInteger(), a.at(3).toInteger()};
    }
    if (o.contains(QLatin1String("loop_lag"))) {
        const QJsonArray a = o.value(QLatin1String("loop_lag")).toArray();
        r.loopLag = LoopLagStats{static_cast<std::uint64_t>(a.at(0).toInteger()), a.at(1).toInteger(),
                                 a.at(2).toInteger()};
    }
    const auto u64 = [](const QJsonValue& v) { return static_cast<std::uint64_t>(v.toInteger()); };
    if (o.contains(QLatin1String("supervisor"))) {
        const QJsonArray a = o.value(QLatin1String("supervisor")).toArray();
        r.supervisor = SupervisorStats {u64(a.at(0)), u64(a.at(1)), u64(a.at(2)), u64(a.at(3)), u64(a.at(4)),
            u64(a.at(5)), u64(a.at(6)), a.at(7).toInt(), a.at(8).toInt()};
    }
    if (o.contains(QLatin1String("prefork"))) {
        const QJsonArray a = o.value(QLatin1String("prefork")).toArray();
        r.prefork = PreforkStats {static_cast<std::uint16_t>(a.at(0).toInt()), u64(a.at(1)), u64(a.at(2)),
            u64(a.at(3)), a.at(4).toInteger()};
    }
    return r;
}

} // namespace spindle

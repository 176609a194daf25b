#include "session/traceexport.h"

#include "session/report.h"

#include <QJsonArray>

#include <algorithm>
#include <map>

namespace spindle {

namespace {

QString qstr(std::string_view s)
{
    return QString::fromLatin1(s.data(), static_cast<qsizetype>(s.size()));
}

QJsonObject metadata(const char* name, qint64 pid, qint64 tid, const QJsonObject& args)
{
    QJsonObject e;
    e[QLatin1String("ph")] = QStringLiteral("M");
    e[QLatin1String("name")] = QLatin1String(name);
    e[QLatin1String("pid")] = pid;
    e[QLatin1String("tid")] = tid;
    e[QLatin1String("ts")] = 0;
    e[QLatin1String("args")] = args;
    return e;
}

// Trace "processes" are (run, OS process) pairs so that runs never share a
// track; the OS pid is kept in the name.
class TraceBuilder {
public:
    void addRun(const RunResult& r, double offsetUs, int runIndex);
    QJsonArray take() { return std::move(m_events); }

private:
    qint64 tracePid(int runIndex, pid_t pid)
    {
        const auto key = std::make_pair(runIndex, pid);
        auto it = m_pids.find(key);
        if (it == m_pids.end())
            it = m_pids.emplace(key, static_cast<qint64>(m_pids.size() + 1)).first;
        return it->second;
    }

    QJsonArray m_events;
    std::map<std::pair<int, pid_t>, qint64> m_pids;
};

void TraceBuilder::addRun(const RunResult& r, double offsetUs, int runIndex)
{
    if (!r.recording)
        return;
    const EventStore& store = *r.recording;
    const std::int64_t t0 = r.startNs;
    const auto us = [&](std::int64_t tNs) { return offsetUs + static_cast<double>(tNs - t0) / 1e3; };
    const QString runName = QStringLiteral("%1 · %2").arg(qstr(toString(r.spec.model)), qstr(toString(r.spec.flavour)));

    std::map<std::uint32_t, qint64> pidOf;
    for (const WorkerInfo& w : store.workers()) {
        const qint64 pid = tracePid(runIndex, w.pid);
        pidOf[w.id] = pid;
        QJsonObject pname;
        pname[QLatin1String("name")] = QStringLiteral("%1 · pid %2").arg(runName).arg(w.pid);
        m_events.append(metadata("process_name", pid, 0, pname));
        QJsonObject psort;
        psort[QLatin1String("sort_index")] = pid;
        m_events.append(metadata("process_sort_index", pid, 0, psort));
        QJsonObject tname;
        tname[QLatin1String("name")] = w.name;
        m_events.append(metadata("thread_name", pid, w.id, tname));
        QJsonObject tsort;
        tsort[QLatin1String("sort_index")] = static_cast<qint64>(w.id);
        m_events.append(metadata("thread_sort_index", pid, w.id, tsort));
    }

    for (const WorkerInfo& w : store.workers()) {
        const qint64 pid = pidOf[w.id];
        const auto lane = store.laneEvents(w.id);
        std::optional<Event> open;
        std::optional<Event> task;
        for (const Event& e : lane) {
            if (e.kind == EventKind::State) {
                if (open && open->workerState() != WorkerState::Exited) {
                    QJsonObject x;
                    x[QLatin1String("ph")] = QStringLiteral("X");
                    x[QLatin1String("cat")] = QStringLiteral("state");
                    x[QLatin1String("name")] = QLatin1String(toString(open->workerState()));
                    x[QLatin1String("pid")] = pid;
                    x[QLatin1String("tid")] = static_cast<qint64>(w.id);
                    x[QLatin1String("ts")] = us(open->tNs);
                    x[QLatin1String("dur")] = std::max(0.0, us(e.tNs) - us(open->tNs));
                    m_events.append(x);
                }
                open = e;
                continue;
            }
            if (e.kind != EventKind::TaskBegin && e.kind != EventKind::TaskEnd && e.kind != EventKind::Frame
                && e.kind != EventKind::Crash)
                continue;
            QJsonObject i;
            i[QLatin1String("ph")] = QStringLiteral("i");
            i[QLatin1String("s")] = QStringLiteral("t");
            i[QLatin1String("pid")] = pid;
            i[QLatin1String("tid")] = static_cast<qint64>(w.id);
            i[QLatin1String("ts")] = us(e.tNs);
            QJsonObject args;
            if (e.kind == EventKind::TaskBegin) {
                i[QLatin1String("cat")] = QStringLiteral("task");
                i[QLatin1String("name")] = QStringLiteral("task begin");
                args[QLatin1String("workload")] = qstr(toString(static_cast<WorkloadKind>(e.aux)));
                args[QLatin1String("arg")] = static_cast<qint64>(e.arg);
                task = e;
            } else if (e.kind == EventKind::TaskEnd) {
                i[QLatin1String("cat")] = QStringLiteral("task");
                i[QLatin1String("name")] = QStringLiteral("task end");
                args[QLatin1String("result")] = static_cast<qint64>(e.arg);
                if (task) {
                    args[QLatin1String("arg")] = static_cast<qint64>(task->arg);
                    args[QLatin1String("elapsed_ms")] = static_cast<double>(e.tNs - task->tNs) / 1e6;
                }
                if (e.aux != 0)
                    args[QLatin1String("cancelled")] = true;
            } else if (e.kind == EventKind::Frame) {
                i[QLatin1String("cat")] = QStringLiteral("spinner");
                i[QLatin1String("name")] = QStringLiteral("frame");
                args[QLatin1String("frame")] = static_cast<qint64>(e.arg);
            } else {
                i[QLatin1String("cat")] = QStringLiteral("fault");
                i[QLatin1String("name")] = QStringLiteral("crash");
                args[QLatin1String(e.aux != 0 ? "signal" : "status")] = static_cast<qint64>(e.arg);
            }
            i[QLatin1String("args")] = args;
            m_events.append(i);
        }
    }

    // CPU counters: per worker from consecutive cumulative samples, per core as sampled.
    std::map<std::uint32_t, ThreadCpuSample> previous;
    for (const ThreadCpuSample& s : store.threadCpu()) {
        const auto prev = previous.find(s.worker);
        if (prev != previous.end() && s.tNs > prev->second.tNs && pidOf.count(s.worker) != 0) {
            QJsonObject c;
            c[QLatin1String("ph")] = QStringLiteral("C");
            c[QLatin1String("name")] = QStringLiteral("CPU % worker %1").arg(s.worker);
            c[QLatin1String("pid")] = pidOf[s.worker];
            c[QLatin1String("tid")] = static_cast<qint64>(s.worker);
            c[QLatin1String("ts")] = us(s.tNs);
            QJsonObject args;
            args[QLatin1String("cpu")] = 100.0 * static_cast<double>(s.cpuNs - prev->second.cpuNs)
                / static_cast<double>(s.tNs - prev->second.tNs);
            c[QLatin1String("args")] = args;
            m_events.append(c);
        }
        previous[s.worker] = s;
    }
    const qint64 machinePid = tracePid(runIndex, -1);
    QJsonObject mname;
    mname[QLatin1String("name")] = QStringLiteral("%1 · machine").arg(runName);
    m_events.append(metadata("process_name", machinePid, 0, mname));
    for (const CoreCpuSample& s : store.coreCpu()) {
        QJsonObject c;
        c[QLatin1String("ph")] = QStringLiteral("C");
        c[QLatin1String("name")] = s.core < 0 ? QStringLiteral("CPU % all cores") : QStringLiteral("CPU % core %1").arg(s.core);
        c[QLatin1String("pid")] = machinePid;
        c[QLatin1String("tid")] = 0;
        c[QLatin1String("ts")] = us(s.tNs);
        QJsonObject args;
        args[QLatin1String("busy")] = static_cast<double>(s.busyPct);
        c[QLatin1String("args")] = args;
        m_events.append(c);
    }
}

} // namespace

QJsonObject makeChromeTrace(const QList<RunResultPtr>& runs)
{
    TraceBuilder builder;
    double offsetUs = 0;
    int index = 0;
    QJsonArray runsInfo;
    for (const RunResultPtr& run : runs) {
        builder.addRun(*run, offsetUs, index++);
        // A one-second gap between runs keeps them apart on the shared axis.
        offsetUs += run->wallS() * 1e6 + 1e6;
        QJsonObject info;
        info[QLatin1String("model")] = qstr(toString(run->spec.model));
        info[QLatin1String("flavour")] = qstr(toString(run->spec.flavour));
        info[QLatin1String("label")] = run->spec.label;
        runsInfo.append(info);
    }
    QJsonObject trace;
    trace[QLatin1String("traceEvents")] = builder.take();
    trace[QLatin1String("displayTimeUnit")] = QStringLiteral("ms");
    QJsonObject meta;
    meta[QLatin1String("generator")] = QStringLiteral("Spindle " SPINDLE_VERSION);
    meta[QLatin1String("runs")] = runsInfo;
    trace[QLatin1String("metadata")] = meta;
    return trace;
}

bool writeChromeTrace(const QString& path, const QList<RunResultPtr>& runs, QString* error)
{
    return writeJsonFile(path, makeChromeTrace(runs), error);
}

} // namespace spindle

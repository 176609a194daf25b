#include "session/sessionreader.h"

#include "session/resultjson.h"
#include "session/sessionformat.h"
#include "stream/collector.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <cstring>
#include <map>
#include <memory>

namespace spindle {

namespace fmt = sessionformat;

namespace {

template <typename T>
T take(const char*& p)
{
    T v;
    std::memcpy(&v, p, sizeof v);
    p += sizeof v;
    return v;
}

bool isTime(std::int64_t ns)
{
    return ns >= 0 && ns < fmt::kMaxTimeNs;
}

// The collector drops events of higher ids live; the store keeps a lane per
// id up to the highest, so a bound here bounds what a few bytes can allocate.
bool isWorkerId(std::uint32_t id)
{
    return id < Collector::kMaxWorkerId;
}

struct RunBuilder {
    std::optional<RunSpec> spec;
    std::int64_t startNs = 0;
    std::shared_ptr<EventStore> store = std::make_shared<EventStore>();
    std::optional<RunResult> result;
};

// Applies one verified chunk; returns a problem description or an empty string.
QString apply(fmt::Chunk type, const char* payload, std::uint32_t length, RunBuilder& run)
{
    QString error;
    switch (type) {
    case fmt::Chunk::RunBegin: {
        const QJsonObject o = QJsonDocument::fromJson(QByteArray(payload, length)).object();
        run.spec = runSpecFromJson(o.value(QLatin1String("spec")).toObject(), &error);
        run.startNs = static_cast<std::int64_t>(o.value(QLatin1String("start_ns")).toInteger());
        return run.spec ? QString() : error;
    }
    case fmt::Chunk::Workers: {
        std::vector<WorkerInfo> workers;
        for (const QJsonValue& v : QJsonDocument::fromJson(QByteArray(payload, length)).array()) {
            workers.push_back(workerInfoFromJson(v.toObject()));
            if (!isWorkerId(workers.back().id))
                return QStringLiteral("a worker has id %1, beyond any run's limit").arg(workers.back().id);
        }
        run.store->addWorkers(workers);
        return {};
    }
    case fmt::Chunk::Events: {
        if (length % fmt::kEventBytes != 0)
            return QStringLiteral("an events chunk has %1 bytes, not a multiple of %2")
                .arg(length)
                .arg(fmt::kEventBytes);
        std::vector<Event> events(length / fmt::kEventBytes);
        const char* p = payload;
        for (Event& e : events) {
            e.tNs = take<std::int64_t>(p);
            e.arg = take<std::int64_t>(p);
            e.worker = take<std::uint32_t>(p);
            e.kind = static_cast<EventKind>(take<std::uint8_t>(p));
            e.state = take<std::uint8_t>(p);
            e.aux = take<std::uint16_t>(p);
            if (!isWorkerId(e.worker))
                return QStringLiteral("an event names worker %1, beyond any run's limit").arg(e.worker);
            if (static_cast<int>(e.kind) >= kEventKindCount)
                return QStringLiteral("an event has kind %1; the kinds known are 0 … %2")
                    .arg(static_cast<int>(e.kind))
                    .arg(kEventKindCount - 1);
            if (e.state >= kWorkerStateCount)
                return QStringLiteral("an event has state %1; the states known are 0 … %2")
                    .arg(e.state)
                    .arg(kWorkerStateCount - 1);
            if (!isTime(e.tNs))
                return QStringLiteral("an event has time %1 ns, outside 0 … 2^62").arg(e.tNs);
        }
        run.store->append(events);
        return {};
    }
    case fmt::Chunk::ThreadCpu:
    case fmt::Chunk::CoreCpu: {
        const bool threads = type == fmt::Chunk::ThreadCpu;
        const std::size_t size = threads ? fmt::kThreadCpuBytes : fmt::kCoreCpuBytes;
        if (length % size != 0)
            return QStringLiteral("a CPU chunk has %1 bytes, not a multiple of %2").arg(length).arg(size);
        std::vector<ThreadCpuSample> threadCpu;
        std::vector<CoreCpuSample> coreCpu;
        for (const char* p = payload; p < payload + length;) {
            if (threads) {
                ThreadCpuSample s {};
                s.tNs = take<std::int64_t>(p);
                s.worker = take<std::uint32_t>(p);
                s.cpuNs = take<std::int64_t>(p);
                s.runDelayNs = take<std::int64_t>(p);
                if (!isTime(s.tNs) || !isTime(s.cpuNs) || !isTime(s.runDelayNs))
                    return QStringLiteral("a thread CPU sample has a time or CPU figure outside 0 … 2^62 ns");
                if (!isWorkerId(s.worker))
                    return QStringLiteral("a thread CPU sample names worker %1, beyond any run's limit")
                        .arg(s.worker);
                threadCpu.push_back(s);
            } else {
                CoreCpuSample s {};
                s.tNs = take<std::int64_t>(p);
                s.core = take<std::int16_t>(p);
                s.busyPct = take<float>(p);
                if (!isTime(s.tNs))
                    return QStringLiteral("a core CPU sample has time %1 ns, outside 0 … 2^62").arg(s.tNs);
                coreCpu.push_back(s);
            }
        }
        run.store->appendCpu(threadCpu, coreCpu);
        return {};
    }
    case fmt::Chunk::RunEnd: {
        run.result = runResultFromJson(QJsonDocument::fromJson(QByteArray(payload, length)).object(), &error);
        return run.result ? QString() : error;
    }
    }
    return {}; // unknown chunk types (from a newer minor version) are skipped
}

} // namespace

std::optional<Session> readSession(const QString& path, SessionReadReport* report, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot open session %1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    const QByteArray bytes = file.readAll();
    file.close();
    return readSessionBytes(bytes, path, report, error);
}

std::optional<Session> readSessionBytes(
    const QByteArray& bytes, const QString& name, SessionReadReport* report, QString* error)
{
    *report = SessionReadReport {};
    report->fileBytes = bytes.size();
    if (static_cast<std::size_t>(bytes.size()) < fmt::kHeaderBytes) {
        *error
            = QStringLiteral("%1 is not a Spindle session: it has only %2 bytes").arg(name).arg(bytes.size());
        return std::nullopt;
    }
    if (std::memcmp(bytes.constData(), fmt::kMagic, sizeof fmt::kMagic) != 0) {
        *error = QStringLiteral("%1 is not a Spindle session: it does not start with \"SPINDLES\"").arg(name);
        return std::nullopt;
    }
    const char* h = bytes.constData() + sizeof fmt::kMagic;
    const auto version = take<std::uint32_t>(h);
    if (version > fmt::kVersion) {
        *error = QStringLiteral("%1 was written by a newer Spindle (format %2; this one reads up to %3)")
                     .arg(name)
                     .arg(version)
                     .arg(fmt::kVersion);
        return std::nullopt;
    }

    std::map<std::uint64_t, RunBuilder> runs;
    std::vector<std::uint64_t> order;
    std::size_t at = fmt::kHeaderBytes;
    const auto size = static_cast<std::size_t>(bytes.size());
    while (at < size) {
        if (size - at < fmt::kChunkHeaderBytes + 4) {
            report->problems
                << QStringLiteral("the file ends inside the chunk at byte %1 (truncated)").arg(at);
            break;
        }
        const char* p = bytes.constData() + at;
        const auto type = take<std::uint32_t>(p);
        const auto length = take<std::uint32_t>(p);
        const auto runId = take<std::uint64_t>(p);
        if (length > fmt::kMaxPayload) {
            report->problems << QStringLiteral(
                "the chunk at byte %1 claims %2 bytes, more than any chunk has: "
                "the file is damaged there")
                                    .arg(at)
                                    .arg(length);
            break;
        }
        if (size - at < fmt::kChunkHeaderBytes + length + 4) {
            report->problems << QStringLiteral(
                "the file ends inside the chunk at byte %1 (truncated: %2 of %3 bytes)")
                                    .arg(at)
                                    .arg(size - at)
                                    .arg(fmt::kChunkHeaderBytes + length + 4);
            break;
        }
        const char* crcAt = p + length;
        const auto stored = take<std::uint32_t>(crcAt);
        if (fmt::crc32(bytes.constData() + at, fmt::kChunkHeaderBytes + length) != stored) {
            report->problems << QStringLiteral("the chunk at byte %1 is damaged (checksum mismatch)").arg(at);
            break;
        }
        if (runs.find(runId) == runs.end())
            order.push_back(runId);
        const QString problem = apply(static_cast<fmt::Chunk>(type), p, length, runs[runId]);
        if (!problem.isEmpty()) {
            report->problems << QStringLiteral("the chunk at byte %1 is malformed: %2").arg(at).arg(problem);
            break;
        }
        at += fmt::kChunkHeaderBytes + length + 4;
        report->bytesUsed = static_cast<qint64>(at);
    }
    if (report->bytesUsed == 0)
        report->bytesUsed = fmt::kHeaderBytes;

    Session session;
    for (std::uint64_t id : order) {
        RunBuilder& b = runs[id];
        if (!b.spec && !b.result)
            continue; // events of a run whose beginning is lost: nothing to hang them on
        auto result = std::make_shared<RunResult>();
        if (b.result) {
            *result = *b.result;
        } else {
            // The run never finished writing: rebuild what the recording shows.
            result->runId = id;
            result->spec = *b.spec;
            result->workerCount = b.spec->effectiveWorkers();
            result->startNs = b.startNs;
            const auto span = b.store->timeSpan();
            result->endNs = span ? std::max(span->second, b.startNs) : b.startNs;
            for (const WorkerInfo& w : b.store->workers()) {
                WorkerResult wr;
                wr.info = w;
                result->workers.push_back(wr);
            }
            result->error = QStringLiteral("incomplete: the recording stops %1 s into the run")
                                .arg(static_cast<double>(result->endNs - result->startNs) / 1e9, 0, 'f', 3);
        }
        result->recording = b.store;
        session.runs << result;
    }
    if (session.runs.isEmpty() && !report->problems.isEmpty()) {
        *error = QStringLiteral("%1: no run could be recovered: %2")
                     .arg(name, report->problems.join(QStringLiteral("; ")));
        return std::nullopt;
    }
    return session;
}

} // namespace spindle

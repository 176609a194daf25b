#include "session/sessionwriter.h"

#include "session/atomicfile.h"
#include "session/resultjson.h"
#include "session/sessionformat.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace spindle {

namespace fmt = sessionformat;

namespace {

template <typename T>
void put(QByteArray& out, T value)
{
    // Little-endian on every machine Spindle runs on (x86-64, aarch64).
    out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

QByteArray packEvents(const std::vector<Event>& events)
{
    QByteArray out;
    out.reserve(static_cast<qsizetype>(events.size() * fmt::kEventBytes));
    for (const Event& e : events) {
        put(out, e.tNs);
        put(out, e.arg);
        put(out, e.worker);
        put(out, static_cast<std::uint8_t>(e.kind));
        put(out, e.state);
        put(out, e.aux);
    }
    return out;
}

QByteArray packThreadCpu(const std::vector<ThreadCpuSample>& samples)
{
    QByteArray out;
    for (const ThreadCpuSample& s : samples) {
        put(out, s.tNs);
        put(out, s.worker);
        put(out, s.cpuNs);
        put(out, s.runDelayNs);
    }
    return out;
}

QByteArray packCoreCpu(const std::vector<CoreCpuSample>& samples)
{
    QByteArray out;
    for (const CoreCpuSample& s : samples) {
        put(out, s.tNs);
        put(out, s.core);
        put(out, s.busyPct);
    }
    return out;
}

QByteArray jsonBytes(const QJsonObject& o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QByteArray jsonBytes(const QJsonArray& a)
{
    return QJsonDocument(a).toJson(QJsonDocument::Compact);
}

} // namespace

SessionWriter::~SessionWriter()
{
    close();
}

bool SessionWriter::open(const QString& path, QString* error)
{
    std::lock_guard lock(m_mutex);
    if (m_fd >= 0)
        ::close(m_fd);
    m_path = path;
    m_error.clear();
    m_ownsFd = true;
    m_fd = ::open(QFile::encodeName(path).constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (m_fd < 0) {
        *error = QStringLiteral("cannot write session %1: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    if (!writeHeader(error)) {
        ::close(m_fd);
        m_fd = -1;
        return false;
    }
    return true;
}

bool SessionWriter::writeHeader(QString* error)
{
    QByteArray header(fmt::kMagic, sizeof fmt::kMagic);
    put(header, fmt::kVersion);
    put(header, std::uint32_t{0});
    const ssize_t n = ::write(m_fd, header.constData(), static_cast<std::size_t>(header.size()));
    if (n != header.size()) {
        // A short write of a dozen bytes means the disk is full.
        *error = QStringLiteral("cannot write session %1: %2")
                     .arg(m_path, QString::fromLocal8Bit(std::strerror(n < 0 ? errno : ENOSPC)));
        return false;
    }
    return true;
}

void SessionWriter::close()
{
    std::lock_guard lock(m_mutex);
    if (m_fd < 0)
        return;
    // A network file system may report a full disk only here.
    if (m_ownsFd && ::close(m_fd) != 0 && errno != EINTR && m_error.isEmpty())
        m_error = QStringLiteral("writing session %1 failed: %2")
                      .arg(m_path, QString::fromLocal8Bit(std::strerror(errno)));
    m_fd = -1;
}

bool SessionWriter::isOpen() const
{
    std::lock_guard lock(m_mutex);
    return m_fd >= 0;
}

QString SessionWriter::error() const
{
    std::lock_guard lock(m_mutex);
    return m_error;
}

void SessionWriter::writeChunk(std::uint32_t type, std::uint64_t runId, const QByteArray& payload)
{
    if (m_fd < 0 || !m_error.isEmpty())
        return;
    if (static_cast<std::uint64_t>(payload.size()) > fmt::kMaxPayload) {
        // Split oversized packed payloads at record boundaries.
        const std::size_t record = type == static_cast<std::uint32_t>(fmt::Chunk::Events) ? fmt::kEventBytes
            : type == static_cast<std::uint32_t>(fmt::Chunk::ThreadCpu)                  ? fmt::kThreadCpuBytes
                                                                                          : fmt::kCoreCpuBytes;
        const qsizetype step = static_cast<qsizetype>((fmt::kMaxPayload / record) * record);
        for (qsizetype at = 0; at < payload.size(); at += step)
            writeChunk(type, runId, payload.mid(at, step));
        return;
    }
    QByteArray chunk;
    chunk.reserve(payload.size() + 20);
    put(chunk, type);
    put(chunk, static_cast<std::uint32_t>(payload.size()));
    put(chunk, runId);
    chunk.append(payload);
    put(chunk, fmt::crc32(chunk.constData(), static_cast<std::size_t>(chunk.size())));
    const char* p = chunk.constData();
    std::size_t left = static_cast<std::size_t>(chunk.size());
    while (left > 0) {
        const ssize_t n = ::write(m_fd, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            m_error = QStringLiteral("writing session %1 failed: %2")
                          .arg(m_path, QString::fromLocal8Bit(std::strerror(n < 0 ? errno : ENOSPC)));
            return;
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
}

void SessionWriter::beginRun(std::uint64_t runId, const RunSpec& spec, std::int64_t startNs)
{
    QJsonObject o;
    o[QLatin1String("spec")] = toJson(spec);
    o[QLatin1String("start_ns")] = static_cast<qint64>(startNs);
    std::lock_guard lock(m_mutex);
    writeChunk(static_cast<std::uint32_t>(fmt::Chunk::RunBegin), runId, jsonBytes(o));
}

void SessionWriter::appendBatch(const EventBatch& batch)
{
    std::lock_guard lock(m_mutex);
    if (!batch.newWorkers.empty()) {
        QJsonArray workers;
        for (const WorkerInfo& w : batch.newWorkers)
            workers.append(toJson(w));
        writeChunk(static_cast<std::uint32_t>(fmt::Chunk::Workers), batch.runId, jsonBytes(workers));
    }
    if (!batch.events.empty())
        writeChunk(static_cast<std::uint32_t>(fmt::Chunk::Events), batch.runId, packEvents(batch.events));
    if (!batch.threadCpu.empty())
        writeChunk(static_cast<std::uint32_t>(fmt::Chunk::ThreadCpu), batch.runId, packThreadCpu(batch.threadCpu));
    if (!batch.coreCpu.empty())
        writeChunk(static_cast<std::uint32_t>(fmt::Chunk::CoreCpu), batch.runId, packCoreCpu(batch.coreCpu));
}

void SessionWriter::endRun(const RunResult& result)
{
    std::lock_guard lock(m_mutex);
    writeChunk(static_cast<std::uint32_t>(fmt::Chunk::RunEnd), result.runId, jsonBytes(toJson(result)));
}

bool SessionWriter::save(const QString& path, const QList<RunResultPtr>& runs, QString* error)
{
    // Written beside the target and renamed over it: a failed save leaves an
    // older session at that path as it was.
    AtomicFile file(path);
    if (!file.open(error))
        return false;
    SessionWriter writer;
    writer.m_fd = file.fd();
    writer.m_ownsFd = false;
    writer.m_path = path;
    if (!writer.writeHeader(error))
        return false;
    for (const RunResultPtr& r : runs) {
        writer.beginRun(r->runId, r->spec, r->startNs);
        if (r->recording) {
            EventBatch all;
            all.runId = r->runId;
            all.newWorkers = r->recording->workers();
            for (const WorkerInfo& w : all.newWorkers) {
                const auto lane = r->recording->laneEvents(w.id);
                all.events.insert(all.events.end(), lane.begin(), lane.end());
            }
            all.threadCpu = r->recording->threadCpu();
            all.coreCpu = r->recording->coreCpu();
            writer.appendBatch(all);
        }
        writer.endRun(*r);
    }
    writer.close();
    if (!writer.error().isEmpty()) {
        *error = writer.error();
        return false;
    }
    return file.commit(error);
}

} // namespace spindle

// Session files: what is saved opens equal; a truncated or damaged file gives
// back what it can and says what is wrong; the file is never modified.

#include "engine.h"
#include "session/sessionformat.h"
#include "session/sessionreader.h"
#include "session/sessionwriter.h"
#include "testsupport.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <cstring>

using namespace spindle;

namespace {

void expectSameSpec(const RunSpec& a, const RunSpec& b)
{
    EXPECT_EQ(a.label, b.label);
    EXPECT_EQ(a.model, b.model);
    EXPECT_EQ(a.flavour, b.flavour);
    EXPECT_EQ(a.workers, b.workers);
    ASSERT_EQ(a.tasks.size(), b.tasks.size());
    for (std::size_t i = 0; i < a.tasks.size(); ++i) {
        EXPECT_EQ(a.tasks[i].kind, b.tasks[i].kind);
        EXPECT_EQ(a.tasks[i].arg, b.tasks[i].arg);
    }
    EXPECT_EQ(a.timeoutMs, b.timeoutMs);
    EXPECT_EQ(a.switchIntervalUs, b.switchIntervalUs);
    EXPECT_EQ(a.napEvery, b.napEvery);
    EXPECT_EQ(a.spinner, b.spinner);
    EXPECT_EQ(a.spinnerIntervalMs, b.spinnerIntervalMs);
    EXPECT_EQ(a.seed, b.seed);
    EXPECT_EQ(a.startMethod, b.startMethod);
    EXPECT_EQ(a.executor, b.executor);
    EXPECT_EQ(a.backlog, b.backlog);
    EXPECT_EQ(a.submitIntervalMs, b.submitIntervalMs);
    EXPECT_EQ(a.failEvery, b.failEvery);
    EXPECT_EQ(a.periodicMs, b.periodicMs);
    EXPECT_EQ(a.pattern, b.pattern);
    EXPECT_EQ(a.produceIntervalMs, b.produceIntervalMs);
    EXPECT_EQ(a.killEvery, b.killEvery);
    EXPECT_EQ(a.resizeTo, b.resizeTo);
    EXPECT_EQ(a.clientConnections, b.clientConnections);
}

void expectSameRun(const RunResult& a, const RunResult& b)
{
    expectSameSpec(a.spec, b.spec);
    EXPECT_EQ(a.runId, b.runId);
    EXPECT_EQ(a.workerCount, b.workerCount);
    EXPECT_EQ(a.cores, b.cores);
    EXPECT_EQ(a.startNs, b.startNs);
    EXPECT_EQ(a.endNs, b.endNs);
    EXPECT_EQ(a.cancelled, b.cancelled);
    EXPECT_EQ(a.timedOut, b.timedOut);
    EXPECT_EQ(a.error, b.error);
    EXPECT_EQ(a.tasks, b.tasks);
    EXPECT_EQ(a.workers, b.workers);
    EXPECT_EQ(a.processCpuNs, b.processCpuNs);
    EXPECT_EQ(a.eventsRecorded, b.eventsRecorded);
    EXPECT_EQ(a.eventsDropped, b.eventsDropped);
    EXPECT_EQ(a.spinner, b.spinner);
    EXPECT_EQ(a.loopLag, b.loopLag);
    EXPECT_EQ(a.lostTasks, b.lostTasks);
    EXPECT_EQ(a.rejectedTasks, b.rejectedTasks);
    EXPECT_EQ(a.executor, b.executor);
    EXPECT_EQ(a.memory, b.memory);
    EXPECT_EQ(a.supervisor, b.supervisor);
    EXPECT_EQ(a.prefork, b.prefork);
    ASSERT_TRUE(a.recording && b.recording);
    EXPECT_EQ(a.recording->workers(), b.recording->workers());
    EXPECT_EQ(a.recording->eventCount(), b.recording->eventCount());
    for (const WorkerInfo& w : a.recording->workers())
        EXPECT_EQ(a.recording->laneEvents(w.id), b.recording->laneEvents(w.id)) << w.name.toStdString();
    EXPECT_EQ(a.recording->threadCpu(), b.recording->threadCpu());
    EXPECT_EQ(a.recording->coreCpu(), b.recording->coreCpu());
}

QByteArray fileHash(const QString& path)
{
    QFile f(path);
    f.open(QIODevice::ReadOnly);
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}

class SessionFiles : public ::testing::Test {
protected:
    void SetUp() override
    {
        m_path = m_dir.filePath(QStringLiteral("s.spindle"));
        auto writer = std::make_shared<SessionWriter>();
        QString error;
        ASSERT_TRUE(writer->open(m_path, &error)) << error.toStdString();
        Engine engine(Engine::Options {16'000'000, 20'000'000});
        engine.setSessionWriter(writer);
        RunSpec spec;
        spec.label = QStringLiteral("threads with a spinner");
        spec.model = Model::Threads;
        spec.workers = 2;
        spec.spinner = true;
        spec.tasks = {{WorkloadKind::IsPrime, 1'000'000'000'039}, {WorkloadKind::Sleep, 120},
            {WorkloadKind::SumRandom, 2'000'000}};
        m_runs << spindle::test::runToEnd(engine, spec);
        spec.model = Model::Coroutines;
        spec.tasks[1].kind = WorkloadKind::BlockingSleep;
        m_runs << spindle::test::runToEnd(engine, spec);
        // A bounded pool that rejects, fails and ticks: every optional figure is set.
        RunSpec pool;
        pool.model = Model::ThreadPool;
        pool.workers = 1;
        pool.backlog = 1;
        pool.failEvery = 2;
        pool.periodicMs = 20;
        pool.tasks.assign(5, TaskSpec {WorkloadKind::Sleep, 40});
        m_runs << spindle::test::runToEnd(engine, pool);
        // Supervised children, one killed on purpose and restarted; a prefork server.
        RunSpec daemons;
        daemons.model = Model::Processes;
        daemons.workers = 2;
        daemons.pattern = ProcessPattern::Supervised;
        daemons.produceIntervalMs = 1;
        daemons.killEvery = 2;
        daemons.resizeTo = 1;
        daemons.tasks.assign(4, TaskSpec {WorkloadKind::Sleep, 20});
        m_runs << spindle::test::runToEnd(engine, daemons);
        RunSpec prefork;
        prefork.model = Model::Processes;
        prefork.workers = 2;
        prefork.pattern = ProcessPattern::Prefork;
        prefork.clientConnections = 3;
        prefork.tasks.assign(10, TaskSpec {WorkloadKind::SumRandom, 1000});
        m_runs << spindle::test::runToEnd(engine, prefork);
        for (const RunResultPtr& r : m_runs)
            ASSERT_TRUE(r && r->succeeded()) << (r ? r->error.toStdString() : "no result");
        ASSERT_TRUE(m_runs[3]->supervisor && m_runs[3]->supervisor->crashed > 0);
        ASSERT_TRUE(m_runs[4]->prefork && m_runs[4]->prefork->port > 0);
        writer->close();
        ASSERT_TRUE(writer->error().isEmpty());
    }
    QTemporaryDir m_dir;
    QString m_path;
    QList<RunResultPtr> m_runs;
};

} // namespace

TEST_F(SessionFiles, WrittenDuringTheRunsItOpensEqual)
{
    SessionReadReport report;
    QString error;
    const auto session = readSession(m_path, &report, &error);
    ASSERT_TRUE(session) << error.toStdString();
    EXPECT_TRUE(report.problems.isEmpty()) << report.problems.join(QLatin1Char('\n')).toStdString();
    EXPECT_EQ(report.bytesUsed, report.fileBytes);
    ASSERT_EQ(session->runs.size(), m_runs.size());
    for (int i = 0; i < m_runs.size(); ++i)
        expectSameRun(*m_runs[i], *session->runs[i]);
}

TEST_F(SessionFiles, SavedWholeItOpensEqual)
{
    const QString path = m_dir.filePath(QStringLiteral("whole.spindle"));
    QString error;
    ASSERT_TRUE(SessionWriter::save(path, m_runs, &error)) << error.toStdString();
    SessionReadReport report;
    const auto session = readSession(path, &report, &error);
    ASSERT_TRUE(session) << error.toStdString();
    ASSERT_EQ(session->runs.size(), m_runs.size());
    for (int i = 0; i < m_runs.size(); ++i)
        expectSameRun(*m_runs[i], *session->runs[i]);
}

TEST_F(SessionFiles, ATruncatedFileGivesBackWhatItCanAndIsLeftUntouched)
{
    const QString path = m_dir.filePath(QStringLiteral("cut.spindle"));
    QFile::copy(m_path, path);
    const qint64 full = QFileInfo(path).size();
    {
        QFile f(path);
        ASSERT_TRUE(f.open(QIODevice::ReadWrite));
        ASSERT_TRUE(f.resize(full * 3 / 4));
    }
    const QByteArray before = fileHash(path);
    const QDateTime modified = QFileInfo(path).lastModified();
    SessionReadReport report;
    QString error;
    const auto session = readSession(path, &report, &error);
    ASSERT_TRUE(session) << error.toStdString();
    ASSERT_EQ(report.problems.size(), 1);
    EXPECT_TRUE(report.problems[0].contains(QLatin1String("truncated"))) << report.problems[0].toStdString();
    EXPECT_TRUE(report.problems[0].contains(QLatin1String("byte"))) << report.problems[0].toStdString();
    // Every run before the cut comes back whole; a run the cut went through
    // comes back marked incomplete, with the events it had.
    ASSERT_GE(session->runs.size(), 1);
    ASSERT_LE(session->runs.size(), m_runs.size());
    for (int i = 0; i < session->runs.size(); ++i) {
        const RunResult& got = *session->runs[i];
        if (got.error.startsWith(QLatin1String("incomplete"))) {
            EXPECT_EQ(i, session->runs.size() - 1) << "only the last run can be cut short";
            EXPECT_EQ(got.runId, m_runs[i]->runId);
            EXPECT_LE(got.recording->eventCount(), m_runs[i]->recording->eventCount());
        } else {
            expectSameRun(*m_runs[i], got);
        }
    }
    EXPECT_EQ(fileHash(path), before);
    EXPECT_EQ(QFileInfo(path).lastModified(), modified);
}

TEST_F(SessionFiles, ADamagedChunkIsFoundByItsChecksum)
{
    const QString path = m_dir.filePath(QStringLiteral("bad.spindle"));
    QFile::copy(m_path, path);
    QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
    {
        QFile f(path);
        ASSERT_TRUE(f.open(QIODevice::ReadWrite));
        QByteArray bytes = f.readAll();
        bytes[bytes.size() * 2 / 3] = static_cast<char>(bytes[bytes.size() * 2 / 3] ^ 0x5a);
        f.seek(0);
        f.write(bytes);
    }
    const QByteArray before = fileHash(path);
    SessionReadReport report;
    QString error;
    const auto session = readSession(path, &report, &error);
    ASSERT_TRUE(session) << error.toStdString();
    ASSERT_EQ(report.problems.size(), 1);
    EXPECT_TRUE(report.problems[0].contains(QLatin1String("damaged"))) << report.problems[0].toStdString();
    EXPECT_LT(report.bytesUsed, report.fileBytes);
    EXPECT_GE(session->runs.size(), 1);
    EXPECT_EQ(fileHash(path), before);
}

TEST(SessionReader, RefusesWhatIsNotASessionWithTheReason)
{
    QTemporaryDir dir;
    const auto write = [&](const char* name, const QByteArray& bytes) {
        const QString path = dir.filePath(QLatin1String(name));
        QFile f(path);
        f.open(QIODevice::WriteOnly);
        f.write(bytes);
        return path;
    };
    SessionReadReport report;
    QString error;
    EXPECT_FALSE(readSession(write("empty.spindle", {}), &report, &error));
    EXPECT_TRUE(error.contains(QLatin1String("only 0 bytes"))) << error.toStdString();
    EXPECT_FALSE(readSession(write("text.spindle", QByteArray(100, 'x')), &report, &error));
    EXPECT_TRUE(error.contains(QLatin1String("not a Spindle session"))) << error.toStdString();
    QByteArray newer("SPINDLES");
    newer.append("\x09\x00\x00\x00\x00\x00\x00\x00", 8);
    EXPECT_FALSE(readSession(write("newer.spindle", newer), &report, &error));
    EXPECT_TRUE(error.contains(QLatin1String("newer Spindle"))) << error.toStdString();
    EXPECT_FALSE(readSession(dir.filePath(QStringLiteral("missing.spindle")), &report, &error));
    EXPECT_TRUE(error.contains(QLatin1String("missing.spindle")));
}

TEST(SessionWriter, AnUnwritablePathIsRefusedNamingIt)
{
    SessionWriter writer;
    QString error;
    EXPECT_FALSE(writer.open(QStringLiteral("/nonexistent-dir/s.spindle"), &error));
    EXPECT_TRUE(error.contains(QLatin1String("/nonexistent-dir/s.spindle"))) << error.toStdString();
}

namespace {

// A session file built by hand, chunk by chunk, with valid checksums: what a
// damaged or hostile writer could produce.
class CraftedSession {
public:
    CraftedSession() : m_bytes(sessionformat::kMagic, sizeof sessionformat::kMagic)
    {
        put(sessionformat::kVersion);
        put(std::uint32_t {0});
    }
    void chunk(sessionformat::Chunk type, const QByteArray& payload)
    {
        const auto at = m_bytes.size();
        put(static_cast<std::uint32_t>(type));
        put(static_cast<std::uint32_t>(payload.size()));
        put(std::uint64_t {7});
        m_bytes.append(payload);
        put(sessionformat::crc32(m_bytes.constData() + at, static_cast<std::size_t>(m_bytes.size() - at)));
    }
    void runBegin()
    {
        chunk(sessionformat::Chunk::RunBegin,
            R"({"spec": {"model": "threads", "flavour": "python", "workers": 1}, "start_ns": 1000})");
    }
    const QByteArray& bytes() const { return m_bytes; }

private:
    template <typename T>
    void put(T v)
    {
        m_bytes.append(reinterpret_cast<const char*>(&v), sizeof v);
    }
    QByteArray m_bytes;
};

QByteArray packedEvent(std::int64_t tNs, std::uint32_t worker)
{
    QByteArray event(sessionformat::kEventBytes, '\0');
    std::memcpy(event.data(), &tNs, sizeof tNs);
    std::memcpy(event.data() + 16, &worker, sizeof worker);
    return event;
}

} // namespace

TEST(SessionReader, ATimeNoClockCouldGiveEndsTheRecoveryThere)
{
    // A run's beginning, then events with a negative time: what comes before
    // is kept, the chunk is named as malformed.
    CraftedSession file;
    file.runBegin();
    const auto goodEnd = file.bytes().size();
    file.chunk(sessionformat::Chunk::Events, packedEvent(-5, 0));
    SessionReadReport report;
    QString error;
    const auto session = readSessionBytes(file.bytes(), QStringLiteral("crafted.spindle"), &report, &error);
    ASSERT_TRUE(session) << error.toStdString();
    ASSERT_EQ(session->runs.size(), 1);
    EXPECT_EQ(session->runs[0]->recording->eventCount(), 0u);
    ASSERT_EQ(report.problems.size(), 1);
    EXPECT_TRUE(report.problems[0].contains(QLatin1String("time -5 ns"))) << report.problems[0].toStdString();
    EXPECT_EQ(report.bytesUsed, goodEnd);
}

TEST(SessionReader, AnEventOfAnUnknownKindOrStateEndsTheRecoveryThere)
{
    for (const bool kind : {true, false}) {
        CraftedSession file;
        file.runBegin();
        file.chunk(sessionformat::Chunk::Events, packedEvent(2000, 3));
        const auto goodEnd = file.bytes().size();
        QByteArray bad = packedEvent(3000, 3);
        bad[kind ? 20 : 21] = static_cast<char>(kind ? kEventKindCount : kWorkerStateCount);
        file.chunk(sessionformat::Chunk::Events, bad);
        SessionReadReport report;
        QString error;
        const auto session
            = readSessionBytes(file.bytes(), QStringLiteral("crafted.spindle"), &report, &error);
        ASSERT_TRUE(session) << error.toStdString();
        ASSERT_EQ(report.problems.size(), 1);
        const QString expected = kind ? QStringLiteral("an event has kind %1; the kinds known are 0 … %2")
                                            .arg(kEventKindCount)
                                            .arg(kEventKindCount - 1)
                                      : QStringLiteral("an event has state %1; the states known are 0 … %2")
                                            .arg(kWorkerStateCount)
                                            .arg(kWorkerStateCount - 1);
        EXPECT_TRUE(report.problems[0].contains(expected)) << report.problems[0].toStdString();
        EXPECT_EQ(report.bytesUsed, goodEnd);
        EXPECT_EQ(session->runs[0]->recording->eventCount(), 1u);
    }
}

TEST(SessionReader, AWorkerIdNoRunCouldHaveIsRefusedBeforeAnyLaneIsMade)
{
    // The store keeps a lane per worker id up to the highest: ids past the
    // collector's limit would let a few bytes claim gigabytes.
    for (const bool inEvents : {true, false}) {
        CraftedSession file;
        file.runBegin();
        file.chunk(sessionformat::Chunk::Events, packedEvent(2000, 3));
        const auto goodEnd = file.bytes().size();
        if (inEvents)
            file.chunk(sessionformat::Chunk::Events, packedEvent(3000, 4'000'000'000u));
        else
            file.chunk(
                sessionformat::Chunk::Workers, R"([{"id": 4000000000, "kind": "thread", "name": "w"}])");
        SessionReadReport report;
        QString error;
        const auto session
            = readSessionBytes(file.bytes(), QStringLiteral("crafted.spindle"), &report, &error);
        ASSERT_TRUE(session) << error.toStdString();
        ASSERT_EQ(report.problems.size(), 1);
        EXPECT_TRUE(report.problems[0].contains(QLatin1String("4000000000, beyond any run's limit")))
            << report.problems[0].toStdString();
        EXPECT_EQ(report.bytesUsed, goodEnd);
        EXPECT_EQ(session->runs[0]->recording->eventCount(), 1u);
    }
}

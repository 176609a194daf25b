// Saving and exporting when the file system says no: a path under a regular
// file (ENOTDIR; chmod would not stop root), a full device (/dev/full gives
// ENOSPC on write), and a write that fails half-way through the file (a
// lowered RLIMIT_FSIZE with SIGXFSZ ignored makes the kernel refuse the write
// with EFBIG, as a disk filling up mid-file would). Every writer must say so
// naming the path and the OS's reason, leave an older file at the path as it
// was and no temporary file behind, and keep the runs in memory so that the
// next save, somewhere else, succeeds and reads back the same. And a real
// full disk: a tiny tmpfs in a private mount namespace (root only), filled up.

#include "engine.h"
#include "privatetmpfs.h"
#include "session/atomicfile.h"
#include "session/csvsummary.h"
#include "session/report.h"
#include "session/sessionreader.h"
#include "session/sessionwriter.h"
#include "session/traceexport.h"
#include "testsupport.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <functional>
#include <sys/stat.h>

using namespace spindle;

namespace {

struct Writer {
    const char* name;
    const char* suffix;
    std::function<bool(const QString&, const QList<RunResultPtr>&, QString*)> write;
};

const std::vector<Writer>& writers()
{
    static const std::vector<Writer> all = {
        {"session", "spindle",
            [](const QString& path, const QList<RunResultPtr>& runs, QString* error) {
                return SessionWriter::save(path, runs, error);
            }},
        {"report", "json",
            [](const QString& path, const QList<RunResultPtr>& runs, QString* error) {
                return writeJsonFile(path, makeReport(QStringLiteral("primes"), runs), error);
            }},
        {"trace", "json", &writeChromeTrace},
        {"csv", "csv", &writeCsvSummary},
    };
    return all;
}

// A real recording: a small threads run.
QList<RunResultPtr> recordedRuns()
{
    RunSpec spec;
    spec.model = Model::Threads;
    spec.workers = 2;
    spec.spinner = true;
    for (std::int64_t n : {7LL, 1'000'000'007LL, 1'000'000'000'039LL})
        spec.tasks.push_back({WorkloadKind::IsPrime, n});
    Engine engine;
    const RunResultPtr result = test::runToEnd(engine, spec);
    EXPECT_TRUE(result && result->succeeded());
    return result ? QList<RunResultPtr> {result} : QList<RunResultPtr> {};
}

QByteArray contents(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QByteArray hashOf(const QString& path)
{
    return QCryptographicHash::hash(contents(path), QCryptographicHash::Sha256);
}

bool isCharDevice(const char* path)
{
    struct stat st { };
    return ::stat(path, &st) == 0 && S_ISCHR(st.st_mode);
}

// Every lane of every run, as written and as read back, must be the same.
void expectSameRecording(const QList<RunResultPtr>& written, const QString& path)
{
    SessionReadReport report;
    QString error;
    const auto session = readSession(path, &report, &error);
    ASSERT_TRUE(session) << error.toStdString();
    EXPECT_TRUE(report.problems.isEmpty()) << report.problems.join(QLatin1String("; ")).toStdString();
    ASSERT_EQ(session->runs.size(), written.size());
    for (qsizetype r = 0; r < written.size(); ++r) {
        const auto& a = *written[r];
        const auto& b = *session->runs[r];
        EXPECT_EQ(a.tasks, b.tasks);
        ASSERT_TRUE(a.recording && b.recording);
        EXPECT_EQ(a.recording->eventCount(), b.recording->eventCount());
        for (const WorkerInfo& w : a.recording->workers())
            EXPECT_EQ(a.recording->laneEvents(w.id), b.recording->laneEvents(w.id)) << w.name.toStdString();
    }
}

} // namespace

TEST(SaveFaults, APathUnderARegularFileIsRefusedNamingItAndTheReason)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const QList<RunResultPtr> runs = recordedRuns();
    ASSERT_FALSE(runs.isEmpty());
    const QString regular = dir.filePath(QStringLiteral("regular"));
    {
        QFile file(regular);
        ASSERT_TRUE(file.open(QIODevice::WriteOnly));
        file.write("not a folder\n");
    }
    for (const Writer& w : writers()) {
        SCOPED_TRACE(w.name);
        const QString path = regular + QStringLiteral("/sub.") + QLatin1String(w.suffix);
        QString error;
        EXPECT_FALSE(w.write(path, runs, &error));
        EXPECT_TRUE(error.contains(path)) << error.toStdString();
        EXPECT_TRUE(error.contains(QLatin1String("Not a directory"))) << error.toStdString();
        EXPECT_EQ(contents(regular), QByteArray("not a folder\n"));
        // The same runs, saved to a good place, read back the same.
        const QString good = dir.filePath(QStringLiteral("good.") + QLatin1String(w.suffix));
        EXPECT_TRUE(w.write(good, runs, &error)) << error.toStdString();
    }
    expectSameRecording(runs, dir.filePath(QStringLiteral("good.spindle")));
    SessionWriter recorder;
    QString error;
    EXPECT_FALSE(recorder.open(regular + QStringLiteral("/auto.spindle"), &error));
    EXPECT_TRUE(error.contains(QLatin1String("Not a directory"))) << error.toStdString();
}

TEST(SaveFaults, AFullDeviceIsReportedAndStaysADevice)
{
    if (!isCharDevice("/dev/full"))
        GTEST_SKIP() << "no /dev/full here";
    const QList<RunResultPtr> runs = recordedRuns();
    ASSERT_FALSE(runs.isEmpty());
    for (const Writer& w : writers()) {
        SCOPED_TRACE(w.name);
        QString error;
        EXPECT_FALSE(w.write(QStringLiteral("/dev/full"), runs, &error));
        EXPECT_TRUE(error.contains(QLatin1String("/dev/full"))) << error.toStdString();
        EXPECT_TRUE(error.contains(QLatin1String("No space left on device"))) << error.toStdString();
        // Written in place, never renamed over: as root that would replace the device node.
        EXPECT_TRUE(isCharDevice("/dev/full"));
        // A device that takes everything is a valid target (--report /dev/null).
        EXPECT_TRUE(w.write(QStringLiteral("/dev/null"), runs, &error)) << error.toStdString();
        EXPECT_TRUE(isCharDevice("/dev/null"));
    }
    SessionWriter recorder;
    QString error;
    EXPECT_FALSE(recorder.open(QStringLiteral("/dev/full"), &error));
    EXPECT_TRUE(error.contains(QLatin1String("No space left on device"))) << error.toStdString();
    EXPECT_TRUE(isCharDevice("/dev/full"));
}

TEST(SaveFaults, AWriteRefusedHalfWayKeepsTheOldFileAndLeavesNoTemporary)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const QList<RunResultPtr> runs = recordedRuns();
    ASSERT_FALSE(runs.isEmpty());
    for (const Writer& w : writers()) {
        SCOPED_TRACE(w.name);
        const QString path
            = dir.filePath(QStringLiteral("%1.%2").arg(QLatin1String(w.name), QLatin1String(w.suffix)));
        QString error;
        ASSERT_TRUE(w.write(path, runs, &error)) << error.toStdString();
        const QByteArray before = hashOf(path);
        const qint64 size = QFile(path).size();
        ASSERT_GT(size, 200) << "too small a file to fail half-way";
        {
            test::FileSizeLimit limit(static_cast<rlim_t>(size / 2));
            ASSERT_TRUE(limit.ok());
            EXPECT_FALSE(w.write(path, runs, &error));
        }
        EXPECT_TRUE(error.contains(path)) << error.toStdString();
        EXPECT_TRUE(error.contains(QLatin1String("File too large"))) << error.toStdString();
        EXPECT_EQ(hashOf(path), before) << "the old file was touched";
        EXPECT_EQ(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).size(),
            QDir(dir.path()).entryList(QDir::Files).size())
            << "a temporary file was left: "
            << QDir(dir.path()).entryList(QDir::Hidden).join(' ').toStdString();
        // The runs are untouched in memory: saving them again works.
        ASSERT_TRUE(w.write(path, runs, &error)) << error.toStdString();
    }
    expectSameRecording(runs, dir.filePath(QStringLiteral("session.spindle")));
}

TEST(SaveFaults, TheRecordingStopsAtAFullDiskAndTheRunsCanBeSavedElsewhere)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const QString recording = dir.filePath(QStringLiteral("auto.spindle"));
    auto writer = std::make_shared<SessionWriter>();
    QString error;
    ASSERT_TRUE(writer->open(recording, &error)) << error.toStdString();
    RunSpec spec;
    spec.model = Model::Threads;
    spec.workers = 2;
    spec.spinner = true;
    spec.tasks = {{WorkloadKind::IsPrime, 1'000'000'000'039}, {WorkloadKind::Sleep, 300}};
    Engine engine;
    engine.setSessionWriter(writer);
    RunResultPtr result;
    {
        // Room for the header and a little more: the recording fails part-way through the run.
        test::FileSizeLimit limit(static_cast<rlim_t>(QFile(recording).size() + 100));
        ASSERT_TRUE(limit.ok());
        result = test::runToEnd(engine, spec);
        writer->close();
    }
    ASSERT_TRUE(result);
    EXPECT_TRUE(result->succeeded()) << "a failing recording does not fail the run";
    EXPECT_TRUE(writer->error().contains(recording)) << writer->error().toStdString();
    EXPECT_TRUE(writer->error().contains(QLatin1String("File too large"))) << writer->error().toStdString();
    EXPECT_EQ(result->recording->eventCount(), result->eventsRecorded) << "the run in memory is whole";
    const QString elsewhere = dir.filePath(QStringLiteral("elsewhere.spindle"));
    ASSERT_TRUE(SessionWriter::save(elsewhere, {result}, &error)) << error.toStdString();
    expectSameRecording({result}, elsewhere);
}

// A real file system that runs out of room, completely (the first write fails)
// or but for one page (a file larger than that fails half-way; one that fits
// is written): the same promises as above, from the kernel's own ENOSPC
// rather than a simulated limit.
TEST(SaveFaults, AFullFileSystemKeepsTheOldFileAndTheRunsCanBeSavedElsewhere)
{
    QTemporaryDir elsewhere;
    ASSERT_TRUE(elsewhere.isValid());
    // Two runs, so that the session file is more than a page.
    const QList<RunResultPtr> runs = recordedRuns() + recordedRuns();
    ASSERT_EQ(runs.size(), 2);
    for (const off_t room : {off_t {0}, off_t {4096}}) {
        SCOPED_TRACE(room == 0 ? "no room at all" : "one page of room");
        test::PrivateTmpfs disk(1 << 20);
        if (!disk.ok())
            GTEST_SKIP() << "no private tmpfs: " << disk.reason().toStdString();
        QString error;
        // An older copy of every file, written while there was room.
        std::vector<QByteArray> before;
        std::vector<qint64> sizes;
        qint64 sessionSize = 0;
        for (const Writer& w : writers()) {
            const QString path
                = disk.filePath(QStringLiteral("%1.%2").arg(QLatin1String(w.name), QLatin1String(w.suffix)));
            ASSERT_TRUE(w.write(path, runs, &error)) << error.toStdString();
            before.push_back(hashOf(path));
            sizes.push_back(QFile(path).size());
            if (QLatin1String(w.suffix) == QLatin1String("spindle"))
                sessionSize = QFile(path).size();
        }
        ASSERT_GT(sessionSize, room) << "the session must not fit in the room left";
        ASSERT_TRUE(disk.fillLeaving(room));
        const QStringList filesBefore = QDir(disk.path()).entryList(QDir::Files | QDir::Hidden);
        for (std::size_t i = 0; i < writers().size(); ++i) {
            const Writer& w = writers()[i];
            SCOPED_TRACE(w.name);
            const QString path
                = disk.filePath(QStringLiteral("%1.%2").arg(QLatin1String(w.name), QLatin1String(w.suffix)));
            if (sizes[i] <= room) {
                // It fits in what is left: a nearly full disk is not a full one.
                EXPECT_TRUE(w.write(path, runs, &error)) << error.toStdString();
                continue;
            }
            EXPECT_FALSE(w.write(path, runs, &error));
            EXPECT_TRUE(error.contains(path)) << error.toStdString();
            EXPECT_TRUE(error.contains(QLatin1String("No space left on device"))) << error.toStdString();
            EXPECT_EQ(hashOf(path), before[i]) << "the old file was touched";
            EXPECT_EQ(QDir(disk.path()).entryList(QDir::Files | QDir::Hidden), filesBefore)
                << "a temporary file was left";
            // Still whole in memory: saved on a disk with room, they read back the same.
            const QString good = elsewhere.filePath(QStringLiteral("good.") + QLatin1String(w.suffix));
            EXPECT_TRUE(w.write(good, runs, &error)) << error.toStdString();
        }
    }
    expectSameRecording(runs, elsewhere.filePath(QStringLiteral("good.spindle")));
}

// The recording written while a run goes on meets the full disk: it stops
// with the reason, the run itself succeeds, and it can be saved elsewhere.
TEST(SaveFaults, TheRecordingStopsWhenTheFileSystemFillsUp)
{
    test::PrivateTmpfs disk(1 << 20);
    if (!disk.ok())
        GTEST_SKIP() << "no private tmpfs: " << disk.reason().toStdString();
    ASSERT_TRUE(disk.fillLeaving(4096)); // room for the header, not the run
    const QString recording = disk.filePath(QStringLiteral("auto.spindle"));
    auto writer = std::make_shared<SessionWriter>();
    QString error;
    ASSERT_TRUE(writer->open(recording, &error)) << error.toStdString();
    RunSpec spec;
    spec.model = Model::Threads;
    spec.workers = 2;
    spec.spinner = true;
    spec.tasks = {{WorkloadKind::IsPrime, 1'000'000'000'039}, {WorkloadKind::Sleep, 500}};
    Engine engine;
    engine.setSessionWriter(writer);
    const RunResultPtr result = test::runToEnd(engine, spec);
    writer->close();
    ASSERT_TRUE(result);
    EXPECT_TRUE(result->succeeded()) << "a failing recording does not fail the run";
    EXPECT_TRUE(writer->error().contains(recording)) << writer->error().toStdString();
    EXPECT_TRUE(writer->error().contains(QLatin1String("No space left on device")))
        << writer->error().toStdString();
    EXPECT_EQ(result->recording->eventCount(), result->eventsRecorded) << "the run in memory is whole";
    QTemporaryDir elsewhere;
    ASSERT_TRUE(elsewhere.isValid());
    const QString saved = elsewhere.filePath(QStringLiteral("elsewhere.spindle"));
    ASSERT_TRUE(SessionWriter::save(saved, {result}, &error)) << error.toStdString();
    expectSameRecording({result}, saved);
}

TEST(SaveFaults, AtomicFileReplacesWhatASymlinkPointsToAndKeepsTheMode)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const QString target = dir.filePath(QStringLiteral("target.json"));
    const QString link = dir.filePath(QStringLiteral("link.json"));
    QString error;
    ASSERT_TRUE(AtomicFile::writeWhole(target, "old", &error)) << error.toStdString();
    ASSERT_EQ(::chmod(QFile::encodeName(target).constData(), 0640), 0);
    ASSERT_TRUE(QFile::link(target, link));
    ASSERT_TRUE(AtomicFile::writeWhole(link, "new", &error)) << error.toStdString();
    EXPECT_TRUE(QFileInfo(link).isSymLink());
    EXPECT_EQ(contents(target), QByteArray("new"));
    struct stat st { };
    ASSERT_EQ(::stat(QFile::encodeName(target).constData(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0640u);
    EXPECT_FALSE(AtomicFile::writeWhole(dir.path(), "x", &error));
    EXPECT_TRUE(error.contains(QLatin1String("Is a directory"))) << error.toStdString();
}

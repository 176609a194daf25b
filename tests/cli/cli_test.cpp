// The command line as a script sees it: the real `spindle` binary, its exit
// status, its messages and the files it writes.

#include "session/sessionreader.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <gtest/gtest.h>

namespace {

struct Outcome {
    int status = -1;
    QString out;
    QString err;
};

Outcome runSpindle(const QStringList& args, const QString& workDir = {},
                   const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment(), int timeoutMs = 120'000)
{
    QProcess p;
    p.setProcessEnvironment(env);
    if (!workDir.isEmpty())
        p.setWorkingDirectory(workDir);
    p.start(QStringLiteral(SPINDLE_BIN_DIR "/spindle"), args);
    EXPECT_TRUE(p.waitForFinished(timeoutMs)) << args.join(QLatin1Char(' ')).toStdString();
    Outcome o;
    o.status = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    o.out = QString::fromUtf8(p.readAllStandardOutput());
    o.err = QString::fromUtf8(p.readAllStandardError());
    // Under ASan / UBSan (leak detection on) a report fails the test whatever
    // the command's status: LeakSanitizer, AddressSanitizer, "runtime error:".
    EXPECT_FALSE(
        o.err.contains(QLatin1String("Sanitizer")) || o.err.contains(QLatin1String("runtime error:")))
        << args.join(QLatin1Char(' ')).toStdString() << "\n"
        << o.err.toStdString();
    return o;
}

QJsonObject readJson(const QString& path)
{
    QFile f(path);
    EXPECT_TRUE(f.open(QIODevice::ReadOnly)) << path.toStdString();
    return QJsonDocument::fromJson(f.readAll()).object();
}

} // namespace

TEST(Cli, VersionPrintsTheVersion)
{
    const Outcome o = runSpindle({QStringLiteral("--version")});
    EXPECT_EQ(o.status, 0);
    EXPECT_EQ(o.out.trimmed(), QStringLiteral("spindle " SPINDLE_VERSION));
}

TEST(Cli, HelpDescribesTheCommands)
{
    const Outcome o = runSpindle({QStringLiteral("--help")});
    EXPECT_EQ(o.status, 0);
    for (const char* word : {"spindle list", "spindle run SCENARIO", "--models", "--flavour", "--workers", "--param",
                             "--report", "--screenshot", "Exit status"})
        EXPECT_TRUE(o.out.contains(QLatin1String(word))) << word;
}

TEST(Cli, ListShowsScenariosParametersAndRanges)
{
    const Outcome o = runSpindle({QStringLiteral("list")});
    EXPECT_EQ(o.status, 0) << o.err.toStdString();
    for (const char* word : {"primes", "spinner", "numbers", "book", "quick", "slow", "blocking-sleep", "seconds",
                             "1 … 60", "sequential", "threads", "coroutines", "python", "native", "1024"})
        EXPECT_TRUE(o.out.contains(QString::fromUtf8(word))) << word << "\n" << o.out.toStdString();
}

struct BadArgs {
    QStringList args;
    QStringList mustMention;
};

void PrintTo(const BadArgs& bad, std::ostream* os)
{
    *os << "spindle " << bad.args.join(QLatin1Char(' ')).toStdString();
}

class CliBadArguments : public ::testing::TestWithParam<BadArgs> {};

TEST_P(CliBadArguments, ExitWithStatusTwoNamingTheArgument)
{
    const Outcome o = runSpindle(GetParam().args);
    EXPECT_EQ(o.status, 2) << o.out.toStdString() << o.err.toStdString();
    for (const QString& word : GetParam().mustMention)
        EXPECT_TRUE(o.err.contains(word)) << word.toStdString() << " not in: " << o.err.toStdString();
    EXPECT_TRUE(o.out.isEmpty()) << "nothing should run: " << o.out.toStdString();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CliBadArguments,
    ::testing::Values(
        BadArgs{{"--frobnicate"}, {"frobnicate"}}, BadArgs{{"launch"}, {"launch", "list, run"}},
        BadArgs{{"run"}, {"SCENARIO", "primes", "spinner"}}, BadArgs{{"run", "nosuch"}, {"nosuch", "primes"}},
        BadArgs{{"run", "primes", "--models", "threads,bogus"}, {"--models", "bogus", "thread-pool"}},
        BadArgs{{"run", "primes", "--flavour", "pypy"}, {"--flavour", "pypy", "python, native"}},
        BadArgs{{"run", "primes", "--workers", "0"}, {"--workers", "1 … "}},
        BadArgs{{"run", "primes", "--workers", "many"}, {"--workers", "many"}},
        BadArgs{{"run", "primes", "--models", "threads", "--workers", "5000"}, {"--workers", "5000", "1024"}},
        BadArgs{{"run", "primes", "--param", "numbers"}, {"--param", "key=value"}},
        BadArgs{{"run", "primes", "--param", "nosuch=1"}, {"nosuch", "numbers"}},
        BadArgs{{"run", "primes", "--param", "numbers=7,x"}, {"numbers", "'x'"}},
        BadArgs{{"run", "primes", "--param", "numbers=-4"}, {"numbers", "-4", "out of range"}},
        BadArgs{{"run", "spinner", "--param", "seconds=0"}, {"seconds", "1 … 60"}},
        BadArgs{{"run", "spinner", "--param", "slow=fast"}, {"slow", "fast", "blocking-sleep"}},
        BadArgs{{"run", "primes", "--timeout", "-1"}, {"--timeout", "-1"}},
        BadArgs{{"run", "primes", "--report", "/nonexistent-folder/r.json"}, {"--report", "nonexistent-folder"}},
        BadArgs{{"run", "primes", "--screenshot", "shot.jpg"}, {"--screenshot", ".png"}},
        BadArgs{{"run", "primes", "--trace", "/nonexistent-folder/t.json"}, {"--trace", "nonexistent-folder"}},
        BadArgs{{"run", "primes", "--session", "s.json"}, {"--session", ".spindle"}},
        BadArgs{{"run", "primes", "--models", "threads", "--models", "sequential"}, {"--models", "more than once"}},
        BadArgs{{"list", "--models", "threads"}, {"--models", "run"}}),
    [](const auto& param) { return "case" + std::to_string(param.index); });

TEST(Cli, RunWritesTheReportWithTheContractFields)
{
    QTemporaryDir dir;
    const QString report = dir.filePath(QStringLiteral("r.json"));
    const Outcome o = runSpindle({QStringLiteral("run"), QStringLiteral("primes"), QStringLiteral("--models"),
                                  QStringLiteral("sequential,threads"), QStringLiteral("--workers"),
                                  QStringLiteral("2"), QStringLiteral("--param"), QStringLiteral("numbers=quick"),
                                  QStringLiteral("--report"), report});
    ASSERT_EQ(o.status, 0) << o.err.toStdString();
    EXPECT_TRUE(o.out.contains(QString::fromUtf8("threads · python · 2 workers"))) << o.out.toStdString();
    const QJsonObject json = readJson(report);
    EXPECT_EQ(json[QLatin1String("scenario")].toString(), QStringLiteral("primes"));
    EXPECT_EQ(json[QLatin1String("spindle_version")].toString(), QStringLiteral(SPINDLE_VERSION));
    EXPECT_GE(json[QLatin1String("cores")].toInt(), 1);
    const QJsonArray runs = json[QLatin1String("runs")].toArray();
    ASSERT_EQ(runs.size(), 2);
    const QJsonObject seq = runs[0].toObject();
    const QJsonObject threads = runs[1].toObject();
    EXPECT_EQ(seq[QLatin1String("model")].toString(), QStringLiteral("sequential"));
    EXPECT_EQ(threads[QLatin1String("model")].toString(), QStringLiteral("threads"));
    EXPECT_EQ(threads[QLatin1String("flavour")].toString(), QStringLiteral("python"));
    EXPECT_EQ(threads[QLatin1String("workers")].toInt(), 2);
    for (const char* key : {"wall_s", "cpu_s", "cpu_pct", "speedup", "gil_wait_pct"})
        EXPECT_TRUE(threads[QLatin1String(key)].isDouble()) << key;
    EXPECT_TRUE(threads[QLatin1String("spinner")].isNull());
    EXPECT_NEAR(seq[QLatin1String("speedup")].toDouble(), 1.0, 1e-9);
    const QJsonArray tasks = threads[QLatin1String("tasks")].toArray();
    ASSERT_EQ(tasks.size(), 15);
    for (const QJsonValue& t : tasks) {
        const QJsonObject task = t.toObject();
        const auto n = static_cast<std::uint64_t>(task[QLatin1String("arg")].toInteger());
        EXPECT_EQ(task[QLatin1String("result")].toBool(), spindle::test::referenceIsPrime(n)) << n;
        EXPECT_GE(task[QLatin1String("elapsed_s")].toDouble(), 0.0);
        EXPECT_TRUE(task[QLatin1String("worker")].isDouble());
    }
    const QJsonArray workers = threads[QLatin1String("workers_info")].toArray();
    ASSERT_EQ(workers.size(), 2);
    for (const QJsonValue& w : workers) {
        EXPECT_EQ(w[QLatin1String("kind")].toString(), QStringLiteral("thread"));
        EXPECT_GT(w[QLatin1String("cpu_s")].toDouble(), 0.0);
        EXPECT_GT(w[QLatin1String("spawn_us")].toDouble(), 0.0);
    }
}

TEST(Cli, PreforkAndDaemonsWriteTheirOwnFiguresInTheReport)
{
    QTemporaryDir dir;
    const QString report = dir.filePath(QStringLiteral("prefork.json"));
    Outcome o = runSpindle({QStringLiteral("run"), QStringLiteral("prefork"), QStringLiteral("--workers"),
        QStringLiteral("2"), QStringLiteral("--param"), QStringLiteral("requests=60"), QStringLiteral("--param"),
        QStringLiteral("work=1000"), QStringLiteral("--report"), report});
    ASSERT_EQ(o.status, 0) << o.err.toStdString();
    QJsonObject run = readJson(report)[QLatin1String("runs")].toArray()[0].toObject();
    EXPECT_EQ(run[QLatin1String("model")].toString(), QStringLiteral("processes"));
    for (const char* key : {"wall_s", "cpu_s", "cpu_pct"})
        EXPECT_TRUE(run[QLatin1String(key)].isDouble()) << key;
    EXPECT_EQ(run[QLatin1String("tasks")].toArray().size(), 60);
    const QJsonObject prefork = run[QLatin1String("prefork")].toObject();
    EXPECT_EQ(prefork[QLatin1String("address")].toString(), QStringLiteral("127.0.0.1"));
    EXPECT_GT(prefork[QLatin1String("port")].toInt(), 0);
    EXPECT_EQ(prefork[QLatin1String("answered")].toInt(), 60);
    EXPECT_EQ(prefork[QLatin1String("failed")].toInt(), 0);
    EXPECT_GT(prefork[QLatin1String("requests_per_s")].toDouble(), 0.0);
    const QJsonArray servers = prefork[QLatin1String("servers")].toArray();
    ASSERT_EQ(servers.size(), 2);
    EXPECT_EQ(servers[0][QLatin1String("requests")].toInt() + servers[1][QLatin1String("requests")].toInt(), 60);

    const QString daemons = dir.filePath(QStringLiteral("daemons.json"));
    o = runSpindle({QStringLiteral("run"), QStringLiteral("daemons"), QStringLiteral("--workers"),
        QStringLiteral("2"), QStringLiteral("--param"), QStringLiteral("items=8"), QStringLiteral("--param"),
        QStringLiteral("item-ms=20"), QStringLiteral("--param"), QStringLiteral("produce-ms=1"),
        QStringLiteral("--param"), QStringLiteral("kill-every=3"), QStringLiteral("--report"), daemons});
    ASSERT_EQ(o.status, 0) << o.err.toStdString();
    run = readJson(daemons)[QLatin1String("runs")].toArray()[0].toObject();
    const QJsonObject supervisor = run[QLatin1String("supervisor")].toObject();
    EXPECT_EQ(supervisor[QLatin1String("consumed")].toInt(), 8);
    EXPECT_EQ(supervisor[QLatin1String("killed_on_purpose")].toInt(), 2); // after the 3rd and the 6th
    EXPECT_EQ(supervisor[QLatin1String("restarts")].toInt(), 2);
    EXPECT_EQ(supervisor[QLatin1String("crashed")].toInt(), 2);
}

TEST(Cli, TraceIsChromeTraceEventJson)
{
    QTemporaryDir dir;
    const QString trace = dir.filePath(QStringLiteral("t.json"));
    const Outcome o = runSpindle({QStringLiteral("run"), QStringLiteral("spinner"), QStringLiteral("--models"),
                                  QStringLiteral("threads,coroutines"), QStringLiteral("--param"),
                                  QStringLiteral("seconds=1"), QStringLiteral("--trace"), trace});
    ASSERT_EQ(o.status, 0) << o.err.toStdString();
    EXPECT_TRUE(o.out.contains(trace));
    const QJsonArray events = readJson(trace)[QLatin1String("traceEvents")].toArray();
    int frames = 0;
    for (const QJsonValue& e : events)
        frames += e[QLatin1String("name")].toString() == QLatin1String("frame") ? 1 : 0;
    EXPECT_GE(frames, 8) << "the thread spinner's frames are in the trace";
}

TEST(Cli, SessionOpensWithEveryRun)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("s.spindle"));
    const Outcome o = runSpindle({QStringLiteral("run"), QStringLiteral("primes"), QStringLiteral("--models"),
                                  QStringLiteral("sequential,threads"), QStringLiteral("--param"),
                                  QStringLiteral("numbers=quick"), QStringLiteral("--session"), path});
    ASSERT_EQ(o.status, 0) << o.err.toStdString();
    EXPECT_TRUE(o.out.contains(path));
    spindle::SessionReadReport report;
    QString error;
    const auto session = spindle::readSession(path, &report, &error);
    ASSERT_TRUE(session) << error.toStdString();
    EXPECT_TRUE(report.problems.isEmpty());
    ASSERT_EQ(session->runs.size(), 2);
    EXPECT_EQ(session->runs[1]->spec.model, spindle::Model::Threads);
    EXPECT_EQ(session->runs[1]->tasks.size(), 15u);
    EXPECT_GT(session->runs[1]->recording->eventCount(), 30u);
}

TEST(Cli, ARunThatTimesOutExitsWithStatusOne)
{
    QTemporaryDir dir;
    const QString report = dir.filePath(QStringLiteral("r.json"));
    const Outcome o = runSpindle({QStringLiteral("run"), QStringLiteral("spinner"), QStringLiteral("--models"),
                                  QStringLiteral("threads"), QStringLiteral("--param"), QStringLiteral("seconds=20"),
                                  QStringLiteral("--timeout"), QStringLiteral("0.3"), QStringLiteral("--report"),
                                  report});
    EXPECT_EQ(o.status, 1) << o.out.toStdString() << o.err.toStdString();
    EXPECT_TRUE(o.out.contains(QLatin1String("timed out")));
    // Nothing is lost: the report of the failed run is still written.
    const QJsonArray runs = readJson(report)[QLatin1String("runs")].toArray();
    ASSERT_EQ(runs.size(), 1);
    EXPECT_EQ(runs[0][QLatin1String("status")].toString(), QStringLiteral("timed-out"));
}

TEST(Cli, AFullDeviceFailsTheRunWithTheReasonAndTheRunStillPrints)
{
    if (!QFileInfo(QStringLiteral("/dev/full")).exists())
        GTEST_SKIP() << "no /dev/full here";
    const QStringList run = {QStringLiteral("run"), QStringLiteral("primes"), QStringLiteral("--models"),
        QStringLiteral("sequential"), QStringLiteral("--param"), QStringLiteral("numbers=quick")};
    Outcome o = runSpindle(run + QStringList {QStringLiteral("--report"), QStringLiteral("/dev/full")});
    EXPECT_EQ(o.status, 1) << o.out.toStdString() << o.err.toStdString();
    EXPECT_TRUE(o.err.contains(QLatin1String("/dev/full"))) << o.err.toStdString();
    EXPECT_TRUE(o.err.contains(QLatin1String("No space left on device"))) << o.err.toStdString();
    EXPECT_TRUE(o.out.contains(QLatin1String("tasks 15/15")))
        << "the run itself went ahead: " << o.out.toStdString();
    EXPECT_FALSE(o.out.contains(QLatin1String("report:"))) << o.out.toStdString();
    // A device that takes everything is a fine target.
    o = runSpindle(run + QStringList {QStringLiteral("--report"), QStringLiteral("/dev/null")});
    EXPECT_EQ(o.status, 0) << o.err.toStdString();
    // The recording opens its file before the run: it fails at once.
    o = runSpindle(run + QStringList {QStringLiteral("--session"), QStringLiteral("/dev/full")});
    EXPECT_EQ(o.status, 1) << o.out.toStdString() << o.err.toStdString();
    EXPECT_TRUE(o.err.contains(QLatin1String("/dev/full"))) << o.err.toStdString();
    EXPECT_TRUE(o.err.contains(QLatin1String("No space left on device"))) << o.err.toStdString();
}

TEST(Cli, ScreenshotIsAWindowSizedPng)
{
    QTemporaryDir dir;
    const QString shot = dir.filePath(QStringLiteral("shot.png"));
    const Outcome o = runSpindle({QStringLiteral("run"), QStringLiteral("spinner"), QStringLiteral("--models"),
                                  QStringLiteral("threads,coroutines"), QStringLiteral("--param"),
                                  QStringLiteral("slow=blocking-sleep"), QStringLiteral("--param"),
                                  QStringLiteral("seconds=1"), QStringLiteral("--screenshot"), shot});
    ASSERT_EQ(o.status, 0) << o.err.toStdString();
    const QImage image(shot);
    ASSERT_FALSE(image.isNull());
    EXPECT_EQ(image.size(), QSize(1280, 800));
    // A real picture has many colours, not a blank window.
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 7) {
        for (int x = 0; x < image.width(); x += 7)
            colours.insert(image.pixel(x, y));
    }
    EXPECT_GT(colours.size(), 20);
    QFile::copy(shot, QStringLiteral(SPINDLE_BIN_DIR "/../screenshots/cli-spinner.png"));
}

TEST(Cli, WithoutADisplayTheAppRunsTheDemoAndSaysWhere)
{
    QTemporaryDir dir;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("DISPLAY"));
    env.remove(QStringLiteral("WAYLAND_DISPLAY"));
    env.remove(QStringLiteral("QT_QPA_PLATFORM"));
    const Outcome o = runSpindle({}, dir.path(), env);
    ASSERT_EQ(o.status, 0) << o.err.toStdString();
    const QString shot = dir.filePath(QStringLiteral("spindle-demo/screenshot.png"));
    const QString report = dir.filePath(QStringLiteral("spindle-demo/report.json"));
    EXPECT_TRUE(o.out.contains(shot)) << o.out.toStdString();
    EXPECT_TRUE(o.out.contains(report)) << o.out.toStdString();
    EXPECT_FALSE(QImage(shot).isNull());
    EXPECT_EQ(readJson(report)[QLatin1String("scenario")].toString(), QStringLiteral("primes"));
    QDir().mkpath(QStringLiteral(SPINDLE_BIN_DIR "/../screenshots"));
    QFile::remove(QStringLiteral(SPINDLE_BIN_DIR "/../screenshots/demo.png"));
    QFile::copy(shot, QStringLiteral(SPINDLE_BIN_DIR "/../screenshots/demo.png"));
}

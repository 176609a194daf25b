// prefork's lesson on the engine's real output: N server processes share one
// listening socket on 127.0.0.1 (an ephemeral port), every request of the
// built-in client is answered exactly once, by more than one process, each
// lane shows what its process served; at the end the socket is closed and no
// server is left.

#include "engine.h"
#include "scenarios/runplan.h"
#include "scenarios/scenariocatalogue.h"
#include "session/report.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QSignalSpy>

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <map>
#include <netinet/in.h>
#include <set>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace spindle;

namespace {

RunSpec preforkSpec(const QStringList& params, int workers)
{
    return spindle::test::scenarioSpec(QStringLiteral("prefork"), params, workers);
}

struct Listening {
    std::string address; // as /proc/net/tcp writes it: 0100007F for 127.0.0.1
    int port = 0;
};

// The TCP sockets in LISTEN state that process `pid` holds, read from
// /proc/<pid>/fd and /proc/net/tcp: an outside view of what the server has.
std::vector<Listening> listeningSocketsOf(pid_t pid)
{
    std::set<QString> inodes;
    const QDir fds(QStringLiteral("/proc/%1/fd").arg(pid));
    for (const QString& fd : fds.entryList(QDir::NoDotAndDotDot | QDir::AllEntries | QDir::System)) {
        const QString target = QFile::symLinkTarget(fds.filePath(fd));
        if (target.contains(QLatin1String("socket:[")))
            inodes.insert(target.section(QLatin1Char('['), 1).chopped(1));
    }
    std::vector<Listening> out;
    QFile tcp(QStringLiteral("/proc/net/tcp"));
    if (!tcp.open(QIODevice::ReadOnly))
        return out;
    tcp.readLine(); // header
    while (!tcp.atEnd()) {
        const QStringList f = QString::fromLatin1(tcp.readLine()).simplified().split(QLatin1Char(' '));
        // sl local rem st tx:rx tr:when retrnsmt uid timeout inode ...
        if (f.size() < 10 || f[3] != QLatin1String("0A") || !inodes.count(f[9]))
            continue;
        const QStringList local = f[1].split(QLatin1Char(':'));
        out.push_back({local[0].toStdString(), local[1].toInt(nullptr, 16)});
    }
    return out;
}

// A server lane that has begun serving.
std::optional<WorkerInfo> serverThatServed(const EventStore& store)
{
    for (const WorkerInfo& info : store.workers()) {
        if (info.kind != WorkerKind::Process || info.role != WorkerRole::Worker)
            continue;
        const auto lane = store.laneEvents(info.id);
        const auto last = std::find_if(lane.rbegin(), lane.rend(),
            [](const Event& e) { return e.kind == EventKind::TaskBegin || e.kind == EventKind::TaskEnd; });
        if (last != lane.rend())
            return info;
    }
    return std::nullopt;
}

int connectTo(std::uint16_t port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
    const int error = rc == 0 ? 0 : errno;
    ::close(fd);
    return error;
}

std::pair<int, int> ephemeralRange()
{
    QFile f(QStringLiteral("/proc/sys/net/ipv4/ip_local_port_range"));
    if (!f.open(QIODevice::ReadOnly))
        return {1024, 65535};
    const QStringList parts = QString::fromLatin1(f.readAll()).simplified().split(QLatin1Char(' '));
    return {parts.value(0).toInt(), parts.value(1).toInt()};
}

} // namespace

TEST(PreforkScenario, EveryRequestIsAnsweredOnceByProcessesSharingOneSocket)
{
    const int requests = 400;
    const int servers = 3;
    const int fdsBefore = spindle::test::fdCount();
    const RunSpec spec = preforkSpec({QStringLiteral("requests=%1").arg(requests),
                                         QStringLiteral("connections=6"), QStringLiteral("work=200000")},
        servers);
    EXPECT_EQ(spec.pattern, ProcessPattern::Prefork);
    RunResultPtr r;
    std::vector<Listening> seen;
    {
        Engine engine;
        QSignalSpy batches(&engine, &Engine::batchReady);
        QSignalSpy finished(&engine, &Engine::runFinished);
        ASSERT_TRUE(engine.start(spec).isEmpty());
        // While it serves: what does a server process hold, seen from outside?
        const std::int64_t deadline = monotonicNs() + 20'000'000'000;
        std::optional<WorkerInfo> server;
        while (!server && finished.isEmpty() && monotonicNs() < deadline) {
            server = serverThatServed(*engine.store());
            if (!server)
                batches.wait(50);
        }
        ASSERT_TRUE(server) << "no server served a request";
        seen = listeningSocketsOf(server->pid);
        ASSERT_TRUE(finished.isEmpty()) << "the run ended before its server could be looked at";
        if (finished.isEmpty()) {
            ASSERT_TRUE(finished.wait(60'000));
        }
        r = finished.takeFirst().at(0).value<RunResultPtr>();
        ASSERT_TRUE(r->succeeded()) << r->error.toStdString();

        // Each lane's TaskBegin events are the requests its process served.
        ASSERT_TRUE(r->prefork);
        std::map<std::uint32_t, std::uint64_t> perLane;
        for (const TaskResult& t : r->tasks)
            ++perLane[t.worker];
        std::uint64_t sum = 0;
        int served = 0;
        std::set<pid_t> pids;
        for (const WorkerResult& w : r->workers) {
            if (w.info.role != WorkerRole::Worker)
                continue;
            SCOPED_TRACE(w.info.name.toStdString());
            EXPECT_EQ(w.info.kind, WorkerKind::Process);
            EXPECT_NE(w.info.pid, ::getpid());
            pids.insert(w.info.pid);
            EXPECT_FALSE(w.crashed) << w.exitReason.toStdString();
            const auto lane = engine.store()->laneEvents(w.info.id);
            const auto begins = std::count_if(
                lane.begin(), lane.end(), [](const Event& e) { return e.kind == EventKind::TaskBegin; });
            // Three tallies agree: the client's, the server's own (its Bye), its lane.
            EXPECT_EQ(w.tasksDone, perLane[w.info.id]);
            EXPECT_EQ(static_cast<std::uint64_t>(begins), perLane[w.info.id]);
            ASSERT_FALSE(lane.empty());
            EXPECT_EQ(lane.back().kind, EventKind::Exit) << "the server left on its own";
            sum += perLane[w.info.id];
            served += perLane[w.info.id] > 0 ? 1 : 0;
        }
        EXPECT_EQ(static_cast<int>(pids.size()), servers);
        EXPECT_EQ(sum, static_cast<std::uint64_t>(requests));
        EXPECT_GE(served, 2) << "one process served every request";
    }

    // Every request answered exactly once.
    std::set<std::uint32_t> answered;
    for (const TaskResult& t : r->tasks) {
        EXPECT_TRUE(answered.insert(t.index).second) << "request " << t.index << " answered twice";
        EXPECT_EQ(t.kind, WorkloadKind::SumRandom);
        EXPECT_GE(t.result, t.arg);
        EXPECT_LE(t.result, 100 * t.arg);
    }
    EXPECT_EQ(answered.size(), static_cast<std::size_t>(requests));
    const PreforkStats& p = *r->prefork;
    EXPECT_EQ(p.requests, static_cast<std::uint64_t>(requests));
    EXPECT_EQ(p.answered, static_cast<std::uint64_t>(requests));
    EXPECT_EQ(p.failed, 0u);
    EXPECT_GT(p.clientNs, 0);
    EXPECT_GT(p.requestsPerS(), 0.0);

    // One socket, listening on 127.0.0.1, on a port the kernel picked.
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].address, "0100007F");
    EXPECT_EQ(seen[0].port, p.port);
    const auto [low, high] = ephemeralRange();
    EXPECT_GE(p.port, low);
    EXPECT_LE(p.port, high);

    // Afterwards: nobody listens there, no server is alive, no fd is left open here.
    EXPECT_EQ(connectTo(p.port), ECONNREFUSED);
    for (const WorkerResult& w : r->workers) {
        if (w.info.kind != WorkerKind::Process)
            continue;
        EXPECT_EQ(::kill(w.info.pid, 0), -1);
        EXPECT_EQ(errno, ESRCH);
        EXPECT_EQ(::waitpid(w.info.pid, nullptr, WNOHANG), -1);
        EXPECT_EQ(errno, ECHILD);
    }
    EXPECT_EQ(spindle::test::fdCount(), fdsBefore);

    // The report's figures: per server process, and in all.
    const QJsonObject report = makeReport(QStringLiteral("prefork"), {r});
    const QJsonObject prefork
        = report[QLatin1String("runs")].toArray()[0].toObject()[QLatin1String("prefork")].toObject();
    EXPECT_EQ(prefork[QLatin1String("port")].toInt(), p.port);
    EXPECT_EQ(prefork[QLatin1String("answered")].toInt(), requests);
    EXPECT_GT(prefork[QLatin1String("requests_per_s")].toDouble(), 0.0);
    int reported = 0;
    for (const QJsonValue& s : prefork[QLatin1String("servers")].toArray()) {
        reported += s[QLatin1String("requests")].toInt();
        if (s[QLatin1String("requests")].toInt() > 0) {
            EXPECT_GT(s[QLatin1String("requests_per_s")].toDouble(), 0.0);
        }
    }
    EXPECT_EQ(reported, requests);
    const QJsonObject analysis
        = report[QLatin1String("analysis")][QLatin1String("runs")].toArray()[0].toObject();
    EXPECT_TRUE(analysis[QLatin1String("every_request_answered_once")].toBool());
    EXPECT_EQ(analysis[QLatin1String("servers")].toInt(), servers);
    const QString headline = report[QLatin1String("analysis")][QLatin1String("headline")].toString();
    EXPECT_TRUE(
        headline.contains(QStringLiteral("%1 of %1 requests answered, each exactly once").arg(requests)))
        << headline.toStdString();
}

TEST(PreforkScenario, ACancelStopsClientAndServersAndLeavesNoChild)
{
    const RunSpec spec = preforkSpec(
        {QStringLiteral("requests=20000"), QStringLiteral("connections=4"), QStringLiteral("work=200000")},
        2);
    Engine engine;
    QSignalSpy batches(&engine, &Engine::batchReady);
    QSignalSpy finished(&engine, &Engine::runFinished);
    ASSERT_TRUE(engine.start(spec).isEmpty());
    const std::int64_t deadline = monotonicNs() + 20'000'000'000;
    while (!serverThatServed(*engine.store()) && monotonicNs() < deadline)
        batches.wait(50);
    engine.cancel();
    const std::int64_t cancelNs = monotonicNs();
    ASSERT_TRUE(finished.wait(30'000));
    const auto r = finished.takeFirst().at(0).value<RunResultPtr>();
    EXPECT_TRUE(r->cancelled);
    EXPECT_LT(r->endNs - cancelNs, 5'000'000'000) << "the cancel took long";
    ASSERT_TRUE(r->prefork);
    EXPECT_LT(r->prefork->answered, 20000u);
    EXPECT_EQ(r->prefork->answered, r->tasks.size());
    EXPECT_EQ(connectTo(r->prefork->port), ECONNREFUSED);
    for (const WorkerResult& w : r->workers) {
        if (w.info.kind != WorkerKind::Process)
            continue;
        EXPECT_FALSE(w.crashed) << w.info.name.toStdString() << ": " << w.exitReason.toStdString();
        EXPECT_EQ(::kill(w.info.pid, 0), -1);
        EXPECT_EQ(errno, ESRCH);
    }
}

TEST(PreforkScenario, ACancelWhileTheServersStartStopsThemWithoutACrash)
{
    // Servers that have not said Ready yet get their poison pill first thing.
    const RunSpec spec = preforkSpec({QStringLiteral("requests=100")}, 4);
    Engine engine;
    QSignalSpy finished(&engine, &Engine::runFinished);
    ASSERT_TRUE(engine.start(spec).isEmpty());
    engine.cancel();
    ASSERT_TRUE(finished.wait(30'000));
    const auto r = finished.takeFirst().at(0).value<RunResultPtr>();
    EXPECT_TRUE(r->cancelled);
    for (const WorkerResult& w : r->workers) {
        EXPECT_FALSE(w.crashed) << w.info.name.toStdString() << ": " << w.exitReason.toStdString();
        if (w.info.kind == WorkerKind::Process) {
            EXPECT_EQ(::kill(w.info.pid, 0), -1);
            EXPECT_EQ(errno, ESRCH);
        }
    }
}

TEST(PreforkScenario, ModelsOtherThanProcessesAndOtherWorkAreRefused)
{
    RunPlanInput input;
    input.scenario = QStringLiteral("prefork");
    input.models = QStringLiteral("threads");
    RunPlan plan;
    const auto error = makeRunPlan(input, ScenarioCatalogue::builtin(), &plan);
    ASSERT_TRUE(error);
    EXPECT_TRUE(error->contains(QLatin1String("processes"))) << error->toStdString();

    RunSpec spec;
    spec.model = Model::Processes;
    spec.pattern = ProcessPattern::Prefork;
    spec.tasks = {{WorkloadKind::IsPrime, 7}};
    const auto refused = validate(spec);
    ASSERT_TRUE(refused);
    EXPECT_TRUE(refused->contains(QLatin1String("sum_random"))) << refused->toStdString();
    spec.tasks = {{WorkloadKind::SumRandom, 7}};
    spec.killEvery = 3;
    const auto wrongPattern = validate(spec);
    ASSERT_TRUE(wrongPattern);
    EXPECT_TRUE(wrongPattern->contains(QLatin1String("kill-every"))) << wrongPattern->toStdString();
    spec.killEvery = 0;
    spec.model = Model::Threads;
    const auto wrongModel = validate(spec);
    ASSERT_TRUE(wrongModel);
    EXPECT_TRUE(wrongModel->contains(QLatin1String("pattern prefork needs model processes")))
        << wrongModel->toStdString();
}

TEST(PreforkScenario, ServersForkedByTheForkServerServeToo)
{
    RunSpec spec = preforkSpec(
        {QStringLiteral("requests=80"), QStringLiteral("connections=4"), QStringLiteral("work=5000")}, 2);
    spec.startMethod = StartMethod::ForkServer;
    Engine engine;
    const RunResultPtr r = spindle::test::runToEnd(engine, spec);
    ASSERT_TRUE(r);
    ASSERT_TRUE(r->succeeded()) << r->error.toStdString();
    ASSERT_TRUE(r->prefork);
    EXPECT_EQ(r->prefork->answered, 80u);
    EXPECT_EQ(r->tasks.size(), 80u);
    std::uint64_t served = 0;
    for (const WorkerResult& w : r->workers) {
        if (w.info.role == WorkerRole::Worker)
            served += w.tasksDone;
    }
    EXPECT_EQ(served, 80u);
    EXPECT_EQ(connectTo(r->prefork->port), ECONNREFUSED);
}

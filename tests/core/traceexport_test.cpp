// The Chrome trace follows the Trace Event Format rules that Perfetto and
// chrome://tracing rely on.

#include "engine.h"
#include "session/traceexport.h"
#include "testsupport.h"

#include <QJsonArray>

#include <gtest/gtest.h>

#include <set>

using namespace spindle;

TEST(ChromeTrace, FollowsTheTraceEventFormatRules)
{
    RunSpec spec;
    spec.model = Model::Threads;
    spec.workers = 2;
    spec.spinner = true;
    spec.tasks = {{WorkloadKind::IsPrime, 1'000'000'007}, {WorkloadKind::Sleep, 150}, {WorkloadKind::SumRandom, 3'000'000}};
    Engine engine(Engine::Options{16'000'000, 20'000'000});
    const RunResultPtr first = spindle::test::runToEnd(engine, spec);
    spec.model = Model::Coroutines;
    spec.tasks[1].kind = WorkloadKind::BlockingSleep;
    const RunResultPtr second = spindle::test::runToEnd(engine, spec);
    ASSERT_TRUE(first && second);

    const QJsonObject trace = makeChromeTrace({first, second});
    const QJsonArray events = trace[QLatin1String("traceEvents")].toArray();
    ASSERT_GT(events.size(), 20);
    std::set<std::pair<qint64, qint64>> namedThreads;
    std::set<qint64> namedProcesses;
    std::set<std::pair<qint64, qint64>> usedThreads;
    std::set<qint64> usedProcesses;
    int complete = 0, instants = 0, counters = 0;
    for (const QJsonValue& v : events) {
        const QJsonObject e = v.toObject();
        for (const char* key : {"ph", "ts", "pid", "tid"})
            ASSERT_TRUE(e.contains(QLatin1String(key))) << key;
        EXPECT_TRUE(e[QLatin1String("ts")].isDouble());
        const QString ph = e[QLatin1String("ph")].toString();
        const qint64 pid = e[QLatin1String("pid")].toInteger();
        const qint64 tid = e[QLatin1String("tid")].toInteger();
        if (ph == QLatin1String("M")) {
            if (e[QLatin1String("name")].toString() == QLatin1String("thread_name"))
                namedThreads.insert({pid, tid});
            if (e[QLatin1String("name")].toString() == QLatin1String("process_name"))
                namedProcesses.insert(pid);
            if (e[QLatin1String("name")].toString().endsWith(QLatin1String("_name"))) {
                EXPECT_FALSE(e[QLatin1String("args")].toObject()[QLatin1String("name")].toString().isEmpty());
            }
            continue;
        }
        usedProcesses.insert(pid);
        if (ph == QLatin1String("X")) {
            ++complete;
            ASSERT_TRUE(e[QLatin1String("dur")].isDouble());
            EXPECT_GE(e[QLatin1String("dur")].toDouble(), 0.0);
            usedThreads.insert({pid, tid});
        } else if (ph == QLatin1String("i")) {
            ++instants;
            usedThreads.insert({pid, tid});
        } else if (ph == QLatin1String("C")) {
            ++counters;
            const QJsonObject args = e[QLatin1String("args")].toObject();
            ASSERT_FALSE(args.isEmpty());
            for (const QJsonValue& a : args)
                EXPECT_TRUE(a.isDouble()) << "counter values must be numbers";
        } else {
            ADD_FAILURE() << "unexpected phase " << ph.toStdString();
        }
    }
    EXPECT_GT(complete, 8);
    EXPECT_GT(instants, 6);
    EXPECT_GT(counters, 2);
    for (const auto& thread : usedThreads)
        EXPECT_TRUE(namedThreads.count(thread)) << "thread " << thread.second << " of pid " << thread.first << " has no name";
    for (qint64 pid : usedProcesses)
        EXPECT_TRUE(namedProcesses.count(pid)) << "process " << pid << " has no name";
    // The two runs do not overlap on the shared axis.
    EXPECT_EQ(trace[QLatin1String("metadata")].toObject()[QLatin1String("runs")].toArray().size(), 2);
}

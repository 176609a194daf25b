#pragma once
// What the process-model suites share: the children of this process as /proc
// lists them, a lane's invariants, waiting for a child to be inside a task,
// and a wrapper that makes the real spindle-worker misbehave.

#include "engine.h"
#include "model/clock.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <sstream>
#include <string>
#include <sys/types.h>
#include <unistd.h>
#include <vector>

namespace spindle::test {

constexpr std::int64_t kSlowPrime = 1'000'000'000'000'037;
// Several seconds of trial division: only ever cancelled.
constexpr std::int64_t kEndlessPrime = 9'223'372'036'854'775'783; // the largest prime below 2^63

struct Proc {
    pid_t pid = 0;
    pid_t ppid = 0;
    char state = '?';
    std::string cmdline;
};

// Every process whose parent is `parent`, zombies included (/proc/*/stat).
inline std::vector<Proc> childrenOf(pid_t parent)
{
    std::vector<Proc> out;
    QDir proc(QStringLiteral("/proc"));
    for (const QString& name : proc.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        bool ok = false;
        const int pid = name.toInt(&ok);
        if (!ok)
            continue;
        QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const std::string text = stat.readAll().toStdString();
        const auto close = text.rfind(')');
        if (close == std::string::npos || close + 2 >= text.size())
            continue;
        std::istringstream rest(text.substr(close + 2));
        Proc p;
        p.pid = pid;
        rest >> p.state >> p.ppid;
        if (p.ppid != parent)
            continue;
        QFile cmd(QStringLiteral("/proc/%1/cmdline").arg(pid));
        if (cmd.open(QIODevice::ReadOnly))
            p.cmdline = cmd.readAll().replace('\0', ' ').toStdString();
        out.push_back(p);
    }
    return out;
}

inline std::string describe(const std::vector<Proc>& procs)
{
    std::string text;
    for (const Proc& p : procs)
        text += std::to_string(p.pid) + " [" + p.state + "] " + p.cmdline + "\n";
    return text;
}

inline RunSpec spec(Model model, StartMethod method, int workers, std::vector<TaskSpec> tasks)
{
    RunSpec s;
    s.model = model;
    s.startMethod = method;
    s.workers = workers;
    s.tasks = std::move(tasks);
    return s;
}

inline std::vector<TaskSpec> primeTasks(const std::vector<std::int64_t>& numbers)
{
    std::vector<TaskSpec> tasks;
    for (std::int64_t n : numbers)
        tasks.push_back({WorkloadKind::IsPrime, n});
    return tasks;
}

// The first few events of a lane, for a failure message.
inline std::string describeStart(const std::vector<Event>& lane)
{
    std::string out = "lane starts:";
    for (std::size_t i = 0; i < std::min<std::size_t>(lane.size(), 6); ++i) {
        const Event& e = lane[i];
        out += " [" + std::to_string(e.tNs - lane.front().tNs) + " ns " + toString(e.kind);
        if (e.kind == EventKind::State)
            out += std::string(" ") + toString(e.workerState());
        out += "]";
    }
    return out;
}

// As engine_test: times never go back, Starting first, no repeated state,
// tasks in pairs, and the lane ends with `last`.
inline void expectValidLane(
    const std::vector<Event>& lane, const WorkerInfo& info, WorkerState last = WorkerState::Exited)
{
    SCOPED_TRACE(info.name.toStdString());
    ASSERT_FALSE(lane.empty());
    std::int64_t lastT = lane.front().tNs;
    std::optional<WorkerState> state;
    bool inTask = false;
    for (const Event& e : lane) {
        EXPECT_GE(e.tNs, lastT) << "time went backwards at " << toString(e.kind);
        lastT = e.tNs;
        if (e.kind == EventKind::State) {
            EXPECT_NE(state, std::optional<WorkerState>(WorkerState::Exited)) << "state after exited";
            if (!state)
                EXPECT_EQ(e.workerState(), WorkerState::Starting) << describeStart(lane);
            else
                EXPECT_NE(*state, e.workerState()) << "repeated state " << toString(e.workerState());
            state = e.workerState();
        } else if (e.kind == EventKind::TaskBegin) {
            EXPECT_FALSE(inTask) << "task began inside a task";
            inTask = true;
        } else if (e.kind == EventKind::TaskEnd) {
            EXPECT_TRUE(inTask) << "task ended outside a task";
            inTask = false;
        }
    }
    EXPECT_EQ(state, std::optional<WorkerState>(last)) << "lane does not end with " << toString(last);
    EXPECT_FALSE(inTask);
}

inline std::optional<Event> firstOf(const std::vector<Event>& lane, EventKind kind)
{
    for (const Event& e : lane) {
        if (e.kind == kind)
            return e;
    }
    return std::nullopt;
}

// Waits (processing events) until some process lane is inside a task; returns its pid.
inline pid_t waitForProcessInTask(Engine& engine, QSignalSpy& batches, int timeoutMs = 20'000)
{
    const std::int64_t deadline = monotonicNs() + std::int64_t {timeoutMs} * 1'000'000;
    while (monotonicNs() < deadline) {
        for (const WorkerInfo& info : engine.store()->workers()) {
            if (info.kind != WorkerKind::Process || info.role != WorkerRole::Worker)
                continue;
            const auto lane = engine.store()->laneEvents(info.id);
            if (!lane.empty() && lane.back().kind == EventKind::TaskBegin)
                return info.pid;
        }
        batches.wait(200);
    }
    return 0;
}

inline const WorkerResult* workerByPid(const RunResult& result, pid_t pid)
{
    for (const WorkerResult& w : result.workers) {
        if (w.info.pid == pid)
            return &w;
    }
    return nullptr;
}

// A wrapper that runs the real spindle-worker with a test-only misbehaviour.
class MisbehavingWorker {
public:
    explicit MisbehavingWorker(const QString& mode)
    {
        m_script = m_dir.filePath(QStringLiteral("worker.sh"));
        QFile file(m_script);
        file.open(QIODevice::WriteOnly);
        file.write(QStringLiteral("#!/bin/sh\nexec '%1/spindle-worker' --test-misbehave=%2 \"$@\"\n")
                       .arg(QStringLiteral(SPINDLE_BIN_DIR), mode)
                       .toUtf8());
        file.close();
        file.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        qputenv("SPINDLE_WORKER", QFile::encodeName(m_script));
    }
    ~MisbehavingWorker() { qunsetenv("SPINDLE_WORKER"); }

private:
    QTemporaryDir m_dir;
    QString m_script;
};

} // namespace spindle::test

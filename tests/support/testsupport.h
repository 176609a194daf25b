#pragma once
// Helpers shared by the test suites: an independent primality reference, a
// count of this process's threads, and running an Engine to completion.

#include "engine.h"
#include "workloads/primecalibration.h"

#include <QSignalSpy>

#include <gtest/gtest.h>

#include <cstdint>
#include <dirent.h>

namespace spindle::test {

// Miller-Rabin (core/workloads/primecalibration): an answer that shares no
// code with the trial division under test. It is itself checked against
// brute force and Python-verified primes in workloads_test.cpp.
inline bool referenceIsPrime(std::uint64_t n)
{
    return millerRabin(n);
}

inline int countEntries(const char* dir)
{
    int n = 0;
    if (DIR* d = opendir(dir)) {
        while (dirent* e = readdir(d)) {
            if (e->d_name[0] != '.')
                ++n;
        }
        closedir(d);
    }
    return n;
}
inline int threadCount() { return countEntries("/proc/self/task"); }
inline int fdCount() { return countEntries("/proc/self/fd"); }

// Starts spec and waits (processing events) for runFinished.
inline RunResultPtr runToEnd(Engine& engine, const RunSpec& spec, int timeoutMs = 60'000)
{
    QSignalSpy finished(&engine, &Engine::runFinished);
    const QString error = engine.start(spec);
    EXPECT_TRUE(error.isEmpty()) << error.toStdString();
    if (!error.isEmpty())
        return nullptr;
    if (!finished.wait(timeoutMs))
        return nullptr;
    return finished.takeFirst().at(0).value<RunResultPtr>();
}

} // namespace spindle::test

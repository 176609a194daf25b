#pragma once
// Helpers shared by the test suites: an independent primality reference, a
// count of this process's threads, and running an Engine to completion.

#include "engine.h"

#include <QSignalSpy>

#include <gtest/gtest.h>

#include <cstdint>
#include <dirent.h>

namespace spindle::test {

// Deterministic Miller-Rabin for 64-bit n: an answer that shares no code with
// the trial division under test.
inline bool referenceIsPrime(std::uint64_t n)
{
    if (n < 2)
        return false;
    for (std::uint64_t p : {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37}) {
        if (n % p == 0)
            return n == p;
    }
    auto mulmod = [](std::uint64_t a, std::uint64_t b, std::uint64_t m) {
        __extension__ typedef unsigned __int128 Wide;
        return static_cast<std::uint64_t>(static_cast<Wide>(a) * b % m);
    };
    auto powmod = [&](std::uint64_t a, std::uint64_t e, std::uint64_t m) {
        std::uint64_t r = 1;
        for (a %= m; e > 0; e >>= 1, a = mulmod(a, a, m)) {
            if (e & 1)
                r = mulmod(r, a, m);
        }
        return r;
    };
    std::uint64_t d = n - 1;
    int s = 0;
    while ((d & 1) == 0) {
        d >>= 1;
        ++s;
    }
    for (std::uint64_t a : {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37}) {
        std::uint64_t x = powmod(a, d, n);
        if (x == 1 || x == n - 1)
            continue;
        bool composite = true;
        for (int r = 1; r < s && composite; ++r) {
            x = mulmod(x, x, n);
            composite = x != n - 1;
        }
        if (composite)
            return false;
    }
    return true;
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

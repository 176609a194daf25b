#pragma once
// The workloads as plain blocking functions, for workers that own a thread
// (sequential, threads, pools, child processes). Each one passes
// WorkerContext::checkpoint() every kCheckpointIterations iterations: that is
// where the GIL changes hands and where a cancelled run stops. The coroutine
// forms live with the loop (runtime/coroutineworkloads.h).

#include "runtime/workercontext.h"
#include "workloads/workloadkind.h"

#include <cstdint>

namespace spindle {

// "A few hundred bytecodes" between GIL checks, as in CPython's eval loop.
constexpr std::int64_t kCheckpointIterations = 256;
// The book's napping is_prime sleeps(0) when i % 100_000 == 1.
constexpr std::int64_t kDefaultNapEvery = 100'000;

struct WorkOutcome {
    std::int64_t result = 0;
    bool cancelled = false;
};

WorkOutcome isPrime(std::int64_t n, WorkerContext& ctx);
// is_prime with the napping test; on a thread the nap is time.sleep(0), which
// releases and retakes the GIL.
WorkOutcome isPrimeNapping(std::int64_t n, std::int64_t napEvery, WorkerContext& ctx);
WorkOutcome sumRandom(std::int64_t count, std::uint64_t seed, WorkerContext& ctx);
// time.sleep: releases the GIL; wakes at once when the run is cancelled.
WorkOutcome sleepMs(std::int64_t ms, WorkerContext& ctx);
// Writes `bytes` to an unlinked temporary file, syncs it, reads it back.
// Result: bytes read back. The GIL is released around every system call.
WorkOutcome ioBytes(std::int64_t bytes, WorkerContext& ctx);

// Runs one task of any kind on the calling thread (Sleep and BlockingSleep are
// the same on a thread, as time.sleep is).
WorkOutcome runBlocking(WorkloadKind kind, std::int64_t arg, std::uint64_t seed, WorkerContext& ctx,
                        std::int64_t napEvery = kDefaultNapEvery);

} // namespace spindle

#include "workloads/workloads.h"

#include "workloads/primestepper.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <random>
#include <time.h>
#include <unistd.h>
#include <vector>

namespace spindle {

WorkOutcome isPrime(std::int64_t n, WorkerContext& ctx)
{
    PrimeStepper stepper(n);
    for (;;) {
        if (const auto verdict = stepper.step(kCheckpointIterations))
            return {*verdict ? 1 : 0, false};
        if (!ctx.checkpoint())
            return {0, true};
    }
}

WorkOutcome isPrimeNapping(std::int64_t n, std::int64_t napEvery, WorkerContext& ctx)
{
    PrimeStepper stepper(n);
    for (;;) {
        bool napNow = false;
        if (const auto verdict = stepper.stepNapping(kCheckpointIterations, napEvery, &napNow))
            return {*verdict ? 1 : 0, false};
        if (napNow) {
            // time.sleep(0): drop the GIL, make CPython's clock_nanosleep call
            // to a deadline already past (a real trip into the kernel, which
            // gives a woken waiter its chance), and compete for the GIL again.
            BlockingSection nap(ctx, WorkerState::Sleeping);
            timespec now {};
            ::clock_gettime(CLOCK_MONOTONIC, &now);
            ::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &now, nullptr);
        }
        if (!ctx.checkpoint())
            return {0, true};
    }
}

WorkOutcome sumRandom(std::int64_t count, std::uint64_t seed, WorkerContext& ctx)
{
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<int> dist(1, 100);
    std::int64_t sum = 0;
    for (std::int64_t done = 0; done < count;) {
        const std::int64_t chunk = std::min(kCheckpointIterations, count - done);
        for (std::int64_t k = 0; k < chunk; ++k)
            sum += dist(rng);
        done += chunk;
        if (!ctx.checkpoint())
            return {sum, true};
    }
    return {sum, false};
}

WorkOutcome sleepMs(std::int64_t ms, WorkerContext& ctx)
{
    BlockingSection sleeping(ctx, WorkerState::Sleeping);
    if (ctx.cancelToken() != nullptr) {
        const bool completed = ctx.cancelToken()->sleepFor(ms * 1'000'000);
        return {ms, !completed};
    }
    ::usleep(static_cast<useconds_t>(ms * 1000));
    return {ms, false};
}

namespace {

bool writeAll(int fd, const char* data, std::size_t size)
{
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

} // namespace

WorkOutcome ioBytes(std::int64_t bytes, WorkerContext& ctx)
{
    constexpr std::size_t kChunk = 64 * 1024;
    std::vector<char> buffer(kChunk, 'x');
    BlockingSection io(ctx, WorkerState::BlockedIo);
    const char* dir = std::getenv("TMPDIR");
    int fd = ::open(dir != nullptr ? dir : "/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0)
        return {-errno, false};
    std::int64_t written = 0;
    while (written < bytes) {
        const auto n = static_cast<std::size_t>(std::min<std::int64_t>(kChunk, bytes - written));
        if (!writeAll(fd, buffer.data(), n) || ctx.cancelled()) {
            ::close(fd);
            return {written, ctx.cancelled()};
        }
        written += static_cast<std::int64_t>(n);
    }
    ::fdatasync(fd);
    std::int64_t readBack = 0;
    for (;;) {
        const ssize_t n = ::pread(fd, buffer.data(), kChunk, readBack);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || ctx.cancelled())
            break;
        readBack += n;
    }
    ::close(fd);
    return {readBack, ctx.cancelled()};
}

WorkOutcome runBlocking(
    WorkloadKind kind, std::int64_t arg, std::uint64_t seed, WorkerContext& ctx, std::int64_t napEvery)
{
    switch (kind) {
    case WorkloadKind::IsPrime:
        return isPrime(arg, ctx);
    case WorkloadKind::Nap:
        return isPrimeNapping(arg, napEvery, ctx);
    case WorkloadKind::SumRandom:
        return sumRandom(arg, seed, ctx);
    case WorkloadKind::Sleep:
    case WorkloadKind::BlockingSleep:
        return sleepMs(arg, ctx);
    case WorkloadKind::Io:
        return ioBytes(arg, ctx);
    }
    return {};
}

} // namespace spindle

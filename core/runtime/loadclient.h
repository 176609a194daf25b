#pragma once
// The prefork scenario's built-in load generator, on a worker thread of the
// engine (its own lane, "client"): sends every task of the run as a request
// to 127.0.0.1:port, one TCP connection per request, `connections` of them
// in flight at once, and records each answer as a task result of the server
// lane that served it. A request that is refused, reset, times out or gets a
// malformed answer counts as failed; none is sent twice, so "answered exactly
// once" is something the results can be checked for.

#include "model/runresult.h"
#include "runtime/workercontext.h"

#include <atomic>
#include <cstdint>
#include <set>

namespace spindle {

class RunContext;

class LoadClient {
public:
    struct Options {
        std::uint16_t port = 0;
        int connections = 1;
        std::set<std::uint32_t> serverIds; // the lanes a response may name
        std::int64_t requestTimeoutNs = 30'000'000'000;
    };

    LoadClient(RunContext& run, Options options) : m_run(run), m_options(std::move(options)) { }

    // Sends everything and waits for every answer, unless stop() or the run's
    // cancel comes first (what is in flight then counts as failed).
    void run(WorkerContext& ctx);
    // Any thread.
    void stop() { m_stop = true; }
    // After run() returned.
    PreforkStats stats() const { return m_stats; }

private:
    struct Connection;
    bool open(Connection& c, std::uint32_t index);
    // Moves the connection on after poll said it is ready; false when it is over.
    bool advance(Connection& c, short revents);
    void finish(Connection& c, bool answered);

    RunContext& m_run;
    const Options m_options;
    std::atomic<bool> m_stop {false};
    PreforkStats m_stats;
    std::int64_t m_lastAnswerNs = 0;
};

} // namespace spindle

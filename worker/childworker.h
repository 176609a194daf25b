#pragma once
// The child side of the process models (procs.py's worker): attach to the
// ring the engine made, introduce itself, then ask the engine for a job, run
// it, send the result, and ask again until a poison pill. With the python
// flavour it runs under a GIL of its own - one per process, which its single
// worker thread never has to wait for. A spinner child draws frames instead
// (spinner_proc.py) until told to stop; a producer puts numbered items on the
// engine's queue (the daemons scenario); a server accept()s requests on a
// listening socket it is handed (prefork, see PreforkServer).

#include "runtime/processprotocol.h"

#include <cstdint>
#include <string>
#include <sys/types.h>

namespace spindle {

class ProcessChannel;
class WorkerContext;

class ChildWorker {
public:
    struct Options {
        int socketFd = -1;
        int ringFd = -1;
        std::uint32_t workerId = 0;
        std::int64_t requestNs = 0; // when the engine asked for this child
        // Its first instruction, when the one that made it stamped it (the
        // fork server's child); 0: when run() begins.
        std::int64_t firstNs = 0;
        pid_t parentPid = 0;
        std::string misbehave; // test-only, see Misbehaviour
    };

    // Exit codes besides 0: see processprotocol.h.
    static constexpr int kExitSetup = wire::kExitSetup;
    static constexpr int kExitProtocol = wire::kExitProtocol;
    static constexpr int kExitEngineGone = wire::kExitEngineGone;

    explicit ChildWorker(Options options) : m_options(std::move(options)) { }
    int run();

private:
    int workLoop(ProcessChannel& channel, WorkerContext& ctx, std::int64_t napEvery);
    int spinnerLoop(ProcessChannel& channel, WorkerContext& ctx, std::int64_t intervalNs, int cancelFd);
    int producerLoop(ProcessChannel& channel, WorkerContext& ctx, int cancelFd);

    Options m_options;
    std::uint64_t m_tasksDone = 0;
};

} // namespace spindle

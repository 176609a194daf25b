// spindle-worker: the child side of the process models. The engine starts it
// with posix_spawn (`--child`, its socket and ring at fds 3 and 4) or as a fork
// server (`--fork-server`, its control socket at fd 3) - never by hand; run
// with --help it says so. docs/process-protocol.md describes the conversation.

#include "childworker.h"
#include "forkserver.h"
#include "misbehaviour.h"
#include "runtime/processprotocol.h"
#include "runtime/workerpriority.h"

#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

const char kUsage[] = "Usage: spindle-worker --version | --help\n"
                      "The child side of Spindle's process models; the engine starts it as\n"
                      "  spindle-worker --child --parent=PID --worker=ID --request-ns=NS\n"
                      "                                             (socket at fd 3, event ring at fd 4)\n"
                      "  spindle-worker --fork-server --parent=PID  (control socket at fd 3)\n";

int usageError(const char* arg)
{
    std::fprintf(stderr,
        "spindle-worker: unknown or missing argument%s%s; allowed: --version, --help "
        "(the process models are started by the spindle engine)\n",
        arg != nullptr ? " " : "", arg != nullptr ? arg : "");
    return 2;
}

} // namespace

int main(int argc, char** argv)
{
    enum class Mode { None, Child, ForkServer } mode = Mode::None;
    long parentPid = 0;
    long long workerId = -1;
    long long requestNs = -1;
    std::string misbehave;
    for (int i = 1; i < argc; ++i) {
        const char* arg = argv[i];
        if (std::strcmp(arg, "--version") == 0) {
            std::printf(
                "spindle-worker %s (protocol %u)\n", SPINDLE_VERSION, unsigned {spindle::wire::kVersion});
            return 0;
        }
        if (std::strcmp(arg, "--help") == 0 || std::strcmp(arg, "-h") == 0) {
            std::printf("%s", kUsage);
            return 0;
        }
        if (std::strcmp(arg, "--child") == 0) {
            mode = Mode::Child;
        } else if (std::strcmp(arg, "--fork-server") == 0) {
            mode = Mode::ForkServer;
        } else if (std::strncmp(arg, "--parent=", 9) == 0) {
            char* end = nullptr;
            parentPid = std::strtol(arg + 9, &end, 10);
            if (end == arg + 9 || *end != '\0' || parentPid <= 0)
                return usageError(arg);
        } else if (std::strncmp(arg, "--worker=", 9) == 0 || std::strncmp(arg, "--request-ns=", 13) == 0) {
            const bool isWorker = arg[2] == 'w';
            const char* value = std::strchr(arg, '=') + 1;
            char* end = nullptr;
            const long long parsed = std::strtoll(value, &end, 10);
            if (end == value || *end != '\0' || parsed < 0 || (isWorker && parsed > UINT32_MAX))
                return usageError(arg);
            (isWorker ? workerId : requestNs) = parsed;
        } else if (std::strncmp(arg, "--test-misbehave=", 17) == 0) {
            misbehave = arg + 17;
            if (!spindle::Misbehaviour::isKnown(misbehave))
                return usageError(arg);
        } else {
            return usageError(arg);
        }
    }
    if (mode == Mode::None || parentPid == 0 || (mode == Mode::Child && (workerId < 0 || requestNs < 0)))
        return usageError(argc > 1 ? argv[1] : nullptr);
    // Below the window, like the engine's worker threads; a fork server's
    // children inherit it.
    spindle::lowerToWorkerPriority(static_cast<pid_t>(parentPid));
    if (mode == Mode::ForkServer)
        return spindle::ForkServer(spindle::wire::kServerSocketFd, static_cast<pid_t>(parentPid), misbehave)
            .run();
    spindle::ChildWorker::Options options;
    options.socketFd = spindle::wire::kChildSocketFd;
    options.ringFd = spindle::wire::kChildRingFd;
    options.workerId = static_cast<std::uint32_t>(workerId);
    options.requestNs = requestNs;
    options.parentPid = static_cast<pid_t>(parentPid);
    options.misbehave = misbehave;
    return spindle::ChildWorker(options).run();
}

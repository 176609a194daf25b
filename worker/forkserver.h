#pragma once
// `spindle-worker --fork-server`: the single-threaded helper behind the
// fork-server start method. It waits on its control socket for Fork requests
// (each carrying a child's socket and ring), forks a child for each one and
// answers with the child's pid. It forks with CLONE_PARENT, so the child
// belongs to the engine, which reaps it; the server never waits for anyone.
// EOF on the control socket ends it.

#include <string>
#include <sys/types.h>

namespace spindle {

class ForkServer {
public:
    ForkServer(int controlFd, pid_t parentPid, std::string misbehave)
        : m_controlFd(controlFd), m_parentPid(parentPid), m_misbehave(std::move(misbehave))
    {
    }
    // Returns the server's exit code. In a forked child it never returns: the
    // child runs ChildWorker and _exits.
    int run();

private:
    int m_controlFd;
    pid_t m_parentPid;
    std::string m_misbehave;
};

} // namespace spindle

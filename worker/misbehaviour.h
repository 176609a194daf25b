#pragma once
// Test-only ways for a child to break the protocol, so that the engine's
// defences can be tested against a real process (`--test-misbehave=MODE`,
// never passed by the engine itself). Each mode replaces the child's Ready
// with a broken packet, except exit-early, which quits after its first job.

#include "runtime/processchannel.h"

#include <string>

namespace spindle {

class Misbehaviour {
public:
    // The modes spindle-worker accepts.
    static bool isKnown(const std::string& mode);
    static bool exitsEarly(const std::string& mode) { return mode == "exit-early"; }
    // Sends the broken packet of `mode` instead of Ready, then waits until the
    // engine kills the process (or closes the socket). Returns an exit code.
    static int actInsteadOfReady(const std::string& mode, ProcessChannel& channel);
};

} // namespace spindle

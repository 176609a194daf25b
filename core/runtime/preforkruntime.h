#pragma once
// The prefork scenario's model (the preforking server pattern): this process
// opens a listening TCP socket on 127.0.0.1 with an ephemeral port and hands
// it to N server children (spindle-worker, role Server), which all accept()
// on it; a built-in client on a thread of this process (LoadClient) then
// sends the run's requests, one connection each. Each server lane shows the
// requests its process served as tasks. Once the client is done, the socket
// is closed here, every server gets a poison pill, finishes its request and
// exits, and every child is reaped before execute() returns.

#include "runtime/runtime.h"

namespace spindle {

class PreforkRuntime : public Runtime {
public:
    void execute(RunContext& run) override;
};

} // namespace spindle

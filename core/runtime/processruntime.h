#pragma once
// The processes model (Fluent Python procs.py): N spindle-worker children
// that ask this process - the shared job queue - for the next number, get one
// or a poison pill, and send each verdict back. With the python flavour each
// child has its own GIL, which is why processes scale where threads do not.
// The spinner, when asked for, is a child process of its own (spinner_proc.py).

#include "runtime/runtime.h"

namespace spindle {

class ProcessRuntime : public Runtime {
public:
    void execute(RunContext& run) override;
};

} // namespace spindle

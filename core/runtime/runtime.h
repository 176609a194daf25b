#pragma once
// One concurrency model: starts its workers for a run, and returns from
// execute() only when every thread, loop and child it started has ended.

#include "runtime/runcontrol.h"

#include <cstdint>
#include <memory>

namespace spindle {

class RunContext;
struct RunSpec;

class Runtime {
public:
    virtual ~Runtime() = default;
    // Runs the whole run on the calling thread (the engine's controller).
    // Cancellation arrives through RunContext::cancel().
    virtual void execute(RunContext& run) = 0;
};

// The runtime for a spec's model (and, for processes, its pattern), or
// nullptr when this build has none.
std::unique_ptr<Runtime> makeRuntime(const RunSpec& spec);
// What the runtime makeRuntime(spec) gives can change while it runs (it
// reads those requests of its RunControl): the window shows the controls
// from this, and the engine refuses the rest.
LiveControls liveControlsFor(const RunSpec& spec);

} // namespace spindle

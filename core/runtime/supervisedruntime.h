#pragma once
// The daemons scenario's model (Danjou 2.5, Cotyledon's ServiceManager):
// this process is the master. It runs a producer child that puts numbered
// items on a queue the master keeps, and N consumer children that take them
// one at a time (the processes model's worker child: JobRequest, Job,
// Result). The master supervises:
//  - a child that dies is reported crashed on its lane, which ends there in
//    black as the record of it; a new child takes its place on a lane of its
//    own ("consumer 2 (restart 1)"), and the item the dead one held is handed
//    out again, so every item is still consumed exactly once;
//  - a worker-count change while running (Engine::setWorkerCount, or the
//    spec's resize-to) starts consumers on new lanes, or retires the extra
//    ones: each finishes its item, gets a poison pill and exits;
//  - the spec's kill-every SIGKILLs a busy consumer now and then, so that a
//    headless run shows the lesson too; Engine::killWorker / killBusyWorker
//    send a signal to a child on request (the window's Kill), the same way.
// The run ends once every item is consumed; every child is reaped before
// execute() returns, and a cancel stops them all.

#include "runtime/runtime.h"

namespace spindle {

class SupervisedRuntime : public Runtime {
public:
    void execute(RunContext& run) override;
};

} // namespace spindle

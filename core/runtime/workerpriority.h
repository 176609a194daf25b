#pragma once
// Workers run below the window's priority. A CPU-bound run saturates every
// core, and at equal weight the scheduler preempts the GUI thread in the
// middle of a replot to give a worker its turn (bench/notes.md, "Timeline
// replot under load"). A few nice levels lower, the workers still take every
// cycle the window leaves, and among themselves they stay equal, so the
// models compare as they would at any priority.
//
// The increment is relative to the engine process's main thread, never to
// the calling thread, so a thread or child started by a worker is not lowered
// twice. SPINDLE_WORKER_NICE sets it (0 to 19; 0 keeps workers at the
// window's priority).

#include <string>
#include <sys/types.h>

namespace spindle {

constexpr int kDefaultWorkerNiceIncrement = 10;
constexpr int kMaxNice = 19;

// The increment SPINDLE_WORKER_NICE asks for, or the default. A value that is
// not a whole number from 0 to 19 is refused with a message in *error (the
// default is used).
int workerNiceIncrement(std::string* error = nullptr);

// The nice value a worker of the process `enginePid` runs at: the engine's
// main thread's, plus the increment, at most 19.
int workerNiceFor(pid_t enginePid);

// Puts the calling thread at workerNiceFor(enginePid); threads it starts
// inherit it. Raising one's own nice value needs no privilege; false if the
// kernel still refused.
bool lowerToWorkerPriority(pid_t enginePid);

// The nice value of thread `tid` (any process), as the kernel reports it.
int niceOf(pid_t tid);

} // namespace spindle

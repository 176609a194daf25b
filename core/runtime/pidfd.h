#pragma once
// pidfd system calls. Called directly: glibc 2.36's <sys/pidfd.h> declares its
// wrappers without C linkage, so C++ code cannot link against them.

#include <csignal>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

namespace spindle {

class Pidfd {
public:
    // A close-on-exec fd for process `pid`, or -1 (errno set).
    static int open(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }
    // Signals the process the fd refers to, even if its pid was reused since.
    static bool sendSignal(int pidfd, int sig)
    {
        return ::syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0) == 0;
    }
};

} // namespace spindle

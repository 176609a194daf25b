#include "runtime/workerpriority.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <sys/resource.h>
#include <unistd.h>

namespace spindle {

int workerNiceIncrement(std::string* error)
{
    const char* text = std::getenv("SPINDLE_WORKER_NICE");
    if (text == nullptr || *text == '\0')
        return kDefaultWorkerNiceIncrement;
    char* end = nullptr;
    errno = 0;
    const long value = std::strtol(text, &end, 10);
    if (errno != 0 || *end != '\0' || value < 0 || value > kMaxNice) {
        if (error != nullptr) {
            char message[200];
            std::snprintf(message, sizeof message,
                "SPINDLE_WORKER_NICE=%.40s is not allowed: a whole number from 0 to %d (nice levels "
                "below the window's); using %d",
                text, kMaxNice, kDefaultWorkerNiceIncrement);
            *error = message;
        }
        return kDefaultWorkerNiceIncrement;
    }
    return static_cast<int>(value);
}

int niceOf(pid_t tid)
{
    // -1 is a valid nice value: errno tells an error apart.
    errno = 0;
    const int nice = ::getpriority(PRIO_PROCESS, static_cast<id_t>(tid));
    return errno == 0 ? nice : 0;
}

int workerNiceFor(pid_t enginePid)
{
    return std::min(kMaxNice, niceOf(enginePid) + workerNiceIncrement());
}

bool lowerToWorkerPriority(pid_t enginePid)
{
    const int target = workerNiceFor(enginePid);
    // On Linux the nice value belongs to the thread: PRIO_PROCESS with the
    // caller's tid changes this thread only.
    const pid_t self = ::gettid();
    if (niceOf(self) >= target)
        return true;
    return ::setpriority(PRIO_PROCESS, static_cast<id_t>(self), target) == 0;
}

} // namespace spindle

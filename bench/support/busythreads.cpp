#include "support/busythreads.h"

#include "runtime/workerpriority.h"

#include <chrono>
#include <cstdint>
#include <unistd.h>

namespace spindle {

BusyThreads::BusyThreads(Priority priority)
{
    for (int i = 0; i < 2; ++i)
        m_threads.emplace_back([this, priority] { spin(priority); });
}

BusyThreads::~BusyThreads()
{
    m_stop = true;
    for (auto& t : m_threads)
        t.join();
}

void BusyThreads::spin(Priority priority)
{
    if (priority == AsWorkers)
        lowerToWorkerPriority(::getpid());
    volatile std::uint64_t sink = 0;
    while (!m_stop.load(std::memory_order_relaxed)) {
        if (m_busy.load(std::memory_order_relaxed)) {
            for (int k = 0; k < 10'000; ++k)
                sink = sink + static_cast<std::uint64_t>(k);
        } else {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    }
}

} // namespace spindle

#include "support/onecpu.h"

namespace spindle {

OneCpu::OneCpu()
{
    if (::sched_getaffinity(0, sizeof m_before, &m_before) != 0)
        return;
    for (int cpu = CPU_SETSIZE - 1; cpu >= 0; --cpu) {
        if (CPU_ISSET(cpu, &m_before)) {
            cpu_set_t one;
            CPU_ZERO(&one);
            CPU_SET(cpu, &one);
            m_pinned = ::sched_setaffinity(0, sizeof one, &one) == 0;
            return;
        }
    }
}

OneCpu::~OneCpu()
{
    if (m_pinned)
        ::sched_setaffinity(0, sizeof m_before, &m_before);
}

} // namespace spindle

#include "runtime/periodicthread.h"

#include "model/clock.h"
#include "runtime/runcontext.h"

#include <algorithm>

namespace spindle {

PeriodicThread::PeriodicThread(RunContext& run, std::int64_t periodNs)
{
    WorkerInfo info;
    info.id = run.reserveWorkerId();
    info.kind = WorkerKind::Thread;
    info.name = QStringLiteral("periodic");
    m_thread = run.startWorkerThread(
        info, [done = m_done, counts = m_counts, periodNs](WorkerContext& ctx, WorkerResult&) {
            const std::int64_t origin = monotonicNs();
            std::int64_t slot = origin + periodNs;
            for (;;) {
                {
                    BlockingSection waiting(ctx, WorkerState::Sleeping);
                    if (!done->sleepFor(std::max<std::int64_t>(0, slot - monotonicNs())))
                        break;
                }
                // The tick itself is a heartbeat: the Running slice between
                // two sleeps on this lane, and a count.
                const std::int64_t now = monotonicNs();
                ++counts->runs;
                counts->maxLateNs = std::max(counts->maxLateNs, now - slot);
                // A tick more than a period late does not trigger a burst of
                // catch-up ticks: the missed slots are skipped.
                slot += periodNs;
                if (slot <= now)
                    slot += ((now - slot) / periodNs + 1) * periodNs;
            }
        });
    run.cancel().onCancel([done = m_done] { done->cancel(); });
}

PeriodicThread::~PeriodicThread()
{
    stop();
}

void PeriodicThread::stop()
{
    m_done->cancel();
    if (m_thread.joinable())
        m_thread.join();
}

} // namespace spindle

#include "runtime/spinnerthread.h"

#include "runtime/runcontext.h"

namespace spindle {

SpinnerThread::SpinnerThread(RunContext& run)
{
    WorkerInfo info;
    info.id = run.reserveWorkerId();
    info.kind = WorkerKind::Thread;
    info.role = WorkerRole::Spinner;
    info.name = QStringLiteral("spinner");
    const std::int64_t intervalNs = run.spec().spinnerIntervalMs * 1'000'000;
    m_thread = run.startWorkerThread(info, [done = m_done, intervalNs](WorkerContext& ctx, WorkerResult&) {
        for (std::int64_t frame = 0;; ++frame) {
            ctx.events().record(EventKind::Frame, frame);
            BlockingSection waiting(ctx, WorkerState::Sleeping);
            if (!done->sleepFor(intervalNs))
                break;
        }
    });
    run.cancel().onCancel([done = m_done] { done->cancel(); });
}

SpinnerThread::~SpinnerThread()
{
    stop();
}

void SpinnerThread::stop()
{
    m_done->cancel();
    if (m_thread.joinable())
        m_thread.join();
}

} // namespace spindle

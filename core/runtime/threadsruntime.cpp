#include "runtime/threadsruntime.h"

#include "runtime/jobqueue.h"
#include "runtime/runcontext.h"
#include "runtime/spinnerthread.h"

#include <optional>

namespace spindle {

void ThreadsRuntime::execute(RunContext& run)
{
    const RunSpec& spec = run.spec();
    std::vector<std::thread> threads;
    std::optional<SpinnerThread> spinner;

    if (m_sequential) {
        WorkerInfo info;
        info.id = run.reserveWorkerId();
        info.role = WorkerRole::Main;
        info.name = QStringLiteral("main");
        threads.push_back(run.startWorkerThread(info, [&run](WorkerContext& ctx, WorkerResult& worker) {
            for (std::size_t i = 0; i < run.spec().tasks.size(); ++i) {
                if (!run.runTask(i, ctx, worker))
                    break;
            }
        }));
    } else {
        auto jobs = std::make_shared<JobQueue>();
        for (std::size_t i = 0; i < spec.tasks.size(); ++i)
            jobs->put(i);
        const int n = spec.effectiveWorkers();
        for (int w = 0; w < n; ++w)
            jobs->putPoisonPill();
        run.cancel().onCancel([jobs] { jobs->close(); });
        for (int w = 0; w < n; ++w) {
            WorkerInfo info;
            info.id = run.reserveWorkerId();
            info.name = QStringLiteral("thread %1").arg(w);
            threads.push_back(run.startWorkerThread(info, [&run, jobs](WorkerContext& ctx, WorkerResult& worker) {
                while (const auto job = jobs->get(ctx)) {
                    if (!run.runTask(*job, ctx, worker))
                        break;
                }
            }));
        }
    }
    // As in spinner_thread.py, the spinner starts after the work is under way.
    if (spec.spinner)
        spinner.emplace(run);
    for (auto& t : threads)
        t.join();
    if (spinner)
        spinner->stop();
}

} // namespace spindle

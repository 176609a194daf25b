#pragma once
// The engine's face to the rest of the program. start() validates a RunSpec
// and runs it on a controller thread; the engine then emits, on its own
// thread, runStarted, batchReady at most once per frame, and runFinished with
// the whole RunResult. Nothing here blocks the caller on a worker.

#include "model/runresult.h"
#include "model/runspec.h"
#include "runtime/runcontrol.h"
#include "session/eventstore.h"
#include "stream/eventbatch.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

namespace spindle {

class CancelToken;
class SessionWriter;

class Engine : public QObject {
    Q_OBJECT
public:
    struct Options {
        std::int64_t batchIntervalNs = 16'000'000; // one UI frame
        std::int64_t samplerPeriodNs = 50'000'000; // 20 Hz
    };

    explicit Engine(QObject* parent = nullptr);
    Engine(Options options, QObject* parent = nullptr);
    // Cancels a run in progress and joins every thread it started.
    ~Engine() override;

    // Starts a run. Returns an empty string on success, otherwise why the spec
    // was refused (nothing was started).
    QString start(const RunSpec& spec);
    // Asks the current run to stop; runFinished follows with cancelled = true.
    void cancel();
    // Changes the worker count of the run in progress, live (a SIGHUP-style
    // reconfigure: Cotyledon's ServiceManager.reconfigure). Lanes are added
    // or retired as the runtime applies it. Returns an empty string when the
    // request was passed on, otherwise why it was refused: no run, a run that
    // cannot change (only model processes with pattern supervised - the
    // daemons scenario - can), or a count out of range.
    QString setWorkerCount(int workers);
    // Sends `signal` to one child process of the run in progress, as `kill
    // -SIG PID` would: SIGKILL makes it crash (the supervisor restarts it on
    // a lane of its own and hands its item out again), SIGSTOP pauses it -
    // its lane shows stopped, its item waits - until SIGCONT. The signal goes
    // through the child's pidfd on the run's own thread, so a recycled pid is
    // never hit. Returns an empty string when the request was passed on,
    // otherwise why it was refused: no run, a run that cannot (only model
    // processes with pattern supervised can), another signal, or a worker
    // that is not a live child process of this run. A child that ends on its
    // own before the request reaches it is left alone.
    QString killWorker(std::uint32_t workerId, int signal);
    // The same for one busy worker of the runtime's choosing (any live one
    // when none is busy), as kill-every picks them.
    QString killBusyWorker(int signal);
    // What the run in progress can change while it runs (nothing when none runs).
    LiveControls liveControls() const;
    bool isRunning() const { return m_running.load(); }
    quint64 currentRunId() const { return m_runId; }
    // The recording of the current (or last) run.
    std::shared_ptr<const EventStore> store() const { return m_store; }
    // Records every following run into this session file as it happens
    // (nullptr stops recording). Takes effect at the next start().
    void setSessionWriter(std::shared_ptr<SessionWriter> writer) { m_sessionWriter = std::move(writer); }

signals:
    void runStarted(quint64 runId, const spindle::RunSpec& spec);
    void batchReady(const spindle::EventBatchPtr& batch);
    void runFinished(const spindle::RunResultPtr& result);
    // The worker count a run with LiveControls::workerCount keeps: at its
    // start and after each reconfigure it applied (setWorkerCount or the
    // spec's resize-to). Between runStarted and runFinished of that run.
    void workerCountChanged(quint64 runId, int workers);

private:
    void controllerMain(RunSpec spec, quint64 runId, std::shared_ptr<CancelToken> cancel,
        std::shared_ptr<RunControl> control, std::shared_ptr<EventStore> store,
        std::shared_ptr<SessionWriter> session);
    void joinController();
    // Called on the collector's thread: queues the batch and, if no delivery
    // is pending, posts one to the engine's thread.
    void queueBatch(EventBatchPtr batch);
    // On the engine's thread: emits batchReady for every queued batch, in order.
    // Posted by name, not as a functor: a functor is built on the posting
    // thread and read on this one, ordered only by Qt's internal (and, for
    // the sanitizers, invisible) queue lock; what these two read crosses
    // under m_batchMutex instead.
    Q_INVOKABLE void deliverBatches();
    // On the engine's thread, after the last batch: joins the controller and
    // emits runFinished.
    Q_INVOKABLE void finishRun();
    // On the engine's thread: emits workerCountChanged with the latest count reported.
    Q_INVOKABLE void deliverWorkerCount();
    QString refuseLive(bool allowed, const char* what) const;

    const Options m_options;
    std::atomic<bool> m_running {false};
    quint64 m_runId = 0;
    std::shared_ptr<CancelToken> m_cancel;
    std::shared_ptr<RunControl> m_control;
    LiveControls m_live; // what the current run can change
    std::shared_ptr<EventStore> m_store;
    std::shared_ptr<SessionWriter> m_sessionWriter;
    std::thread m_controller;
    // Batches cross threads through this queue, not inside Qt's posted event:
    // the hand-off is then ordered by a mutex the sanitizers can see, and a
    // UI that falls behind gets several batches per wake-up.
    std::mutex m_batchMutex;
    std::vector<EventBatchPtr> m_batchQueue;
    bool m_batchDeliveryPosted = false;
    RunResultPtr m_finishedResult; // set by the controller as its last act
    // The runtime's latest worker count, (run, count), under m_batchMutex.
    std::optional<std::pair<quint64, int>> m_reportedWorkers;
    bool m_workersDeliveryPosted = false;
};

// Registers the engine's types with Qt's meta-type system (queued signals).
void registerEngineMetaTypes();

} // namespace spindle

#pragma once
// Changes a run accepts while it is under way: its worker count, as a SIGHUP
// makes Cotyledon's ServiceManager reconfigure a service, and a signal sent to
// one of its child processes, as `kill -9 PID` would. The engine makes one per
// run and passes requests in from any thread; the runtime takes them when it
// is ready and is woken for each new one. The runtime in turn tells which of
// its children may be signalled and how many workers it keeps, so that the
// engine can refuse a request at once, without waiting on the run. Whether a
// run can take requests at all is liveControlsFor() (runtime.h).

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <vector>

namespace spindle {

// What a run can change while it runs.
struct LiveControls {
    bool workerCount = false; // Engine::setWorkerCount
    bool kill = false; // Engine::killWorker, Engine::killBusyWorker

    bool any() const { return workerCount || kill; }
};

class RunControl {
public:
    struct KillRequest {
        std::optional<std::uint32_t> worker; // none: a busy worker of the runtime's choosing
        int signal = 0;
    };

    // Any thread: asks for `workers` workers; the latest request wins.
    void requestWorkers(int workers);
    // The runtime: the request not taken yet, if any.
    std::optional<int> takeWorkersRequest();

    // Any thread: asks for a signal to be sent; requests are kept in order.
    void requestKill(const KillRequest& request);
    // The runtime: the requests not taken yet, oldest first.
    std::vector<KillRequest> takeKillRequests();

    // The runtime: a child process that can be signalled on request has
    // started (a worker: one that takes items) or has been reaped.
    void childStarted(std::uint32_t worker, bool isWorker);
    void childEnded(std::uint32_t worker);
    // Any thread: whether that child is alive (as of the runtime's last word).
    bool isLiveChild(std::uint32_t worker) const;
    int liveWorkerChildren() const;

    // The runtime: the worker count it keeps now (at its start and after each
    // reconfigure). `onWorkers`, set before the run starts, is called with it
    // on the runtime's thread.
    void reportWorkers(int workers);
    void setWorkersObserver(std::function<void(int)> onWorkers);

    // The runtime: `wake` runs on the requesting thread after each request
    // (and at once if one is pending) until cleared with nullptr. Clearing
    // waits for a call in progress, so the runtime may go away after it.
    void setWake(std::function<void()> wake);

private:
    mutable std::mutex m_mutex;
    std::optional<int> m_workers;
    std::vector<KillRequest> m_kills;
    std::set<std::uint32_t> m_liveChildren;
    std::set<std::uint32_t> m_liveWorkers;
    std::function<void(int)> m_onWorkers;
    std::function<void()> m_wake;
};

} // namespace spindle

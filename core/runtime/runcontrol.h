#pragma once
// Changes a run accepts while it is under way: its worker count, as a SIGHUP
// makes Cotyledon's ServiceManager reconfigure a service. The engine makes one
// per run and passes requests in from any thread; the runtime takes them when
// it is ready and is woken for each new one. Whether a run can take them at
// all is the engine's to decide (Engine::setWorkerCount).

#include <functional>
#include <mutex>
#include <optional>

namespace spindle {

class RunControl {
public:
    // Any thread: asks for `workers` workers; the latest request wins.
    void requestWorkers(int workers);
    // The runtime: the request not taken yet, if any.
    std::optional<int> takeWorkersRequest();
    // The runtime: `wake` runs on the requesting thread after each request
    // (and at once if one is pending) until cleared with nullptr. Clearing
    // waits for a call in progress, so the runtime may go away after it.
    void setWake(std::function<void()> wake);

private:
    std::mutex m_mutex;
    std::optional<int> m_workers;
    std::function<void()> m_wake;
};

} // namespace spindle

#pragma once
// A one-shot result that a loop task awaits and any thread delivers: the bridge
// from executors (run_in_executor) and other threads into the loop. The value
// travels through a mutex-protected shared state; the resumption travels
// through the loop's wake-up channel, so the awaiting task always resumes on
// the loop thread and never on the completing one.

#include "loop/eventloop.h"

#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <variant>

namespace spindle {

template <typename T = void>
class Completion {
    using Stored = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

    struct State {
        EventLoop* loop = nullptr;
        std::shared_ptr<WakeupChannel> channel;
        std::mutex mutex;
        std::optional<Stored> value;
        std::exception_ptr error;
        bool done = false;
        EventLoop::Parked waiter;

        // Loop thread. The waiter may be gone: its frame destroyed by clear().
        void deliver()
        {
            EventLoop::Parked parked;
            {
                std::lock_guard lock(mutex);
                parked = std::exchange(waiter, {});
            }
            if (parked.handle)
                loop->wake(parked);
        }
    };

public:
    class Awaiter {
    public:
        explicit Awaiter(std::shared_ptr<State> state) noexcept : m_state(std::move(state)) { }
        Awaiter(const Awaiter&) = delete;
        Awaiter& operator=(const Awaiter&) = delete;
        // Runs when the awaiting frame is destroyed while still parked, so that
        // a later complete() does not resume a dead coroutine.
        ~Awaiter()
        {
            if (m_parked) {
                std::lock_guard lock(m_state->mutex);
                m_state->waiter = {};
            }
        }

        bool await_ready() const
        {
            std::lock_guard lock(m_state->mutex);
            if (!m_state->done && m_state->waiter.handle)
                throw std::logic_error("Completion awaited by two tasks");
            return m_state->done;
        }
        bool await_suspend(std::coroutine_handle<> handle)
        {
            const EventLoop::Parked parked = m_state->loop->park(handle, WorkerState::WaitingQueue);
            {
                std::lock_guard lock(m_state->mutex);
                if (!m_state->done) {
                    m_state->waiter = parked;
                    m_parked = true;
                    return true;
                }
            }
            // Completed between await_ready and now: go through the ready queue
            // anyway so that the observer sees WaitingQueue -> Ready -> Running.
            m_state->loop->wake(parked);
            return true;
        }
        T await_resume()
        {
            std::lock_guard lock(m_state->mutex);
            m_parked = false;
            if (m_state->error)
                std::rethrow_exception(m_state->error);
            if constexpr (!std::is_void_v<T>)
                return std::move(*m_state->value);
        }

    private:
        std::shared_ptr<State> m_state;
        bool m_parked = false;
    };

    explicit Completion(EventLoop& loop) : m_state(std::make_shared<State>())
    {
        m_state->loop = &loop;
        m_state->channel = loop.channel();
    }

    // Any thread, once: later calls return false and change nothing.
    bool complete(Stored value) requires(!std::is_void_v<T>) { return settle(std::move(value), nullptr); }
    bool complete() requires std::is_void_v<T> { return settle(std::monostate {}, nullptr); }
    bool fail(std::exception_ptr error)
    {
        if (!error)
            throw std::invalid_argument("Completion::fail needs an exception");
        return settle(std::nullopt, std::move(error));
    }

    bool isDone() const
    {
        std::lock_guard lock(m_state->mutex);
        return m_state->done;
    }

    // One task may await it, before or after it was completed.
    Awaiter operator co_await() const noexcept { return Awaiter(m_state); }

private:
    bool settle(std::optional<Stored> value, std::exception_ptr error)
    {
        bool parked = false;
        {
            std::lock_guard lock(m_state->mutex);
            if (m_state->done)
                return false;
            m_state->value = std::move(value);
            m_state->error = std::move(error);
            m_state->done = true;
            parked = static_cast<bool>(m_state->waiter.handle);
        }
        // Without a parked waiter there is nobody to wake: await_ready will see
        // `done`. A closed channel (loop gone) drops the delivery harmlessly.
        if (parked)
            m_state->channel->post([state = m_state] { state->deliver(); });
        return true;
    }

    std::shared_ptr<State> m_state;
};

} // namespace spindle

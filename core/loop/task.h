#pragma once
// Task<T>: the coroutine type of the event loop. Lazy (nothing runs until it is
// awaited or spawned) so that a Task can be created anywhere and started under
// the loop's control; awaiting uses symmetric transfer (through Trampoline when
// the loop drives it) so that long chains of finished sub-tasks never grow the
// native stack.

#include "loop/trampoline.h"

#include <coroutine>
#include <exception>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>

namespace spindle {

class EventLoop;

namespace detail {

// What a finished coroutine produced. Split out of Task only because a void
// coroutine needs return_void() where the others need return_value().
template <typename T>
class TaskResult {
public:
    template <typename U = T>
    requires std::constructible_from<T, U&&>
    void return_value(U&& value) { m_value.emplace(std::forward<U>(value)); }
    void setException(std::exception_ptr error) noexcept { m_exception = std::move(error); }
    T take()
    {
        if (m_exception)
            std::rethrow_exception(m_exception);
        return std::move(*m_value);
    }

private:
    std::optional<T> m_value;
    std::exception_ptr m_exception;
};

template <>
class TaskResult<void> {
public:
    void return_void() noexcept { }
    void setException(std::exception_ptr error) noexcept { m_exception = std::move(error); }
    void take()
    {
        if (m_exception)
            std::rethrow_exception(m_exception);
    }

private:
    std::exception_ptr m_exception;
};

} // namespace detail

template <typename T = void>
class [[nodiscard]] Task {
public:
    class promise_type : public detail::TaskResult<T> {
    public:
        // Hands control straight back to whoever awaited us; a top-level task
        // has nobody, so control returns to the loop's resume() call.
        struct FinalAwaiter {
            bool await_ready() const noexcept { return false; }
            std::coroutine_handle<> await_suspend(std::coroutine_handle<promise_type> self) noexcept
            {
                return Trampoline::transfer(self.promise().m_continuation);
            }
            void await_resume() const noexcept { }
        };

        Task get_return_object() noexcept
        {
            return Task(std::coroutine_handle<promise_type>::from_promise(*this));
        }
        std::suspend_always initial_suspend() const noexcept { return {}; }
        FinalAwaiter final_suspend() const noexcept { return {}; }
        void unhandled_exception() noexcept { this->setException(std::current_exception()); }

        std::coroutine_handle<> m_continuation;
    };
    using Handle = std::coroutine_handle<promise_type>;

    class Awaiter {
    public:
        explicit Awaiter(Handle handle) noexcept : m_handle(handle) { }
        bool await_ready() const noexcept { return !m_handle || m_handle.done(); }
        std::coroutine_handle<> await_suspend(std::coroutine_handle<> caller) noexcept
        {
            m_handle.promise().m_continuation = caller;
            return Trampoline::transfer(m_handle);
        }
        T await_resume()
        {
            if (!m_handle)
                throw std::logic_error("co_await on an empty Task");
            return m_handle.promise().take();
        }

    private:
        Handle m_handle;
    };

    Task() noexcept = default;
    Task(const Task&) = delete;
    Task& operator=(const Task&) = delete;
    Task(Task&& other) noexcept : m_handle(std::exchange(other.m_handle, nullptr)) { }
    Task& operator=(Task&& other) noexcept
    {
        if (this != &other) {
            reset();
            m_handle = std::exchange(other.m_handle, nullptr);
        }
        return *this;
    }
    ~Task() { reset(); }

    bool valid() const noexcept { return static_cast<bool>(m_handle); }
    bool done() const noexcept { return m_handle && m_handle.done(); }

    // Awaiting a Task starts it; the result (or exception) comes back from co_await.
    Awaiter operator co_await() const noexcept { return Awaiter(m_handle); }

private:
    friend class EventLoop;

    explicit Task(Handle handle) noexcept : m_handle(handle) { }
    // Destroying a suspended frame also destroys the sub-tasks it was awaiting,
    // because those are locals of the frame.
    void reset() noexcept
    {
        if (m_handle)
            std::exchange(m_handle, nullptr).destroy();
    }

    Handle m_handle;
};

} // namespace spindle

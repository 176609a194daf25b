#pragma once
// `await loop.run_in_executor(...)`: a loop task awaits a Future that an
// executor (a thread pool or a process pool) completes on its own thread. The
// future's done callback completes a Completion, which resumes the task on
// the loop thread through the loop's wake-up channel - the loop itself never
// blocks on the work.

#include "loop/completion.h"
#include "loop/task.h"
#include "runtime/future.h"

#include <cstdint>
#include <memory>

namespace spindle {

class FutureAwaiter {
public:
    // The future's value, or its exception (std::runtime_error when it was
    // cancelled or its worker died), delivered on `loop`'s thread.
    static Task<std::int64_t> await(EventLoop& loop, std::shared_ptr<Future> future)
    {
        Completion<std::int64_t> done(loop);
        future->addDoneCallback([done](Future& f) mutable {
            try {
                done.complete(f.result());
            } catch (...) {
                done.fail(std::current_exception());
            }
        });
        co_return co_await done;
    }
};

} // namespace spindle

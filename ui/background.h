#pragma once
// Work the GUI thread must not do itself - reading or writing a whole
// session, cutting a recording into replay batches - runs on Qt's thread
// pool; its result comes back to `context`'s thread as a queued call. If
// the context is gone by then, the result is dropped, never delivered to a
// dead object.

#include <QFutureWatcher>
#include <QObject>
#include <QPromise>
#include <QThreadPool>

#include <functional>
#include <memory>

namespace spindle {

template <typename T>
void runInBackground(QObject* context, std::function<T()> work, std::function<void(const T&)> done)
{
    auto promise = std::make_shared<QPromise<T>>();
    auto* watcher = new QFutureWatcher<T>(context);
    QObject::connect(watcher, &QFutureWatcherBase::finished, context, [watcher, done = std::move(done)] {
        watcher->deleteLater();
        if (watcher->future().resultCount() > 0)
            done(watcher->result());
    });
    watcher->setFuture(promise->future());
    promise->start();
    QThreadPool::globalInstance()->start([promise, work = std::move(work)] {
        promise->addResult(work());
        promise->finish();
    });
}

} // namespace spindle

#include "runtime/processlauncher.h"

#include "runtime/forkserverclient.h"
#include "runtime/spawnlauncher.h"

#include <cstring>
#include <sys/wait.h>

namespace spindle {

std::unique_ptr<ProcessLauncher> ProcessLauncher::make(
    StartMethod method, const QString& workerPath, QString* error)
{
    switch (method) {
    case StartMethod::Spawn:
        return std::make_unique<SpawnLauncher>(workerPath);
    case StartMethod::ForkServer:
        return ForkServerClient::start(workerPath, error);
    }
    *error = QStringLiteral("unknown start method %1").arg(static_cast<int>(method));
    return nullptr;
}

QString ProcessLauncher::describeStatus(int waitStatus)
{
    if (WIFSIGNALED(waitStatus)) {
        const int sig = WTERMSIG(waitStatus);
        const char* name = sigabbrev_np(sig);
        return QStringLiteral("killed by signal %1 (SIG%2)").arg(sig).arg(QLatin1String(name ? name : "?"));
    }
    if (WIFEXITED(waitStatus))
        return QStringLiteral("exited with status %1").arg(WEXITSTATUS(waitStatus));
    return QStringLiteral("ended with wait status %1").arg(waitStatus);
}

} // namespace spindle

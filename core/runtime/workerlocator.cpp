#include "runtime/workerlocator.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

#include <cstdlib>
#include <unistd.h>

namespace spindle {

namespace {

constexpr const char* kEnv = "SPINDLE_WORKER";

bool isExecutable(const QString& path)
{
    const QFileInfo info(path);
    return info.isFile() && ::access(QFile::encodeName(path).constData(), X_OK) == 0;
}

} // namespace

QStringList WorkerLocator::candidates()
{
    if (const char* env = std::getenv(kEnv); env != nullptr && env[0] != '\0')
        return {QFile::decodeName(env)};
    QStringList paths;
    // applicationFilePath() needs an application object; a library user
    // without one still finds the build or the installed worker.
    if (QCoreApplication::instance() != nullptr) {
        const QDir programDir(QCoreApplication::applicationDirPath());
        paths << programDir.filePath(QStringLiteral("spindle-worker"))
              << QDir::cleanPath(programDir.filePath(QStringLiteral(SPINDLE_WORKER_RELATIVE_PATH)));
    }
    paths << QStringLiteral(SPINDLE_WORKER_BUILD_PATH) << QStringLiteral(SPINDLE_WORKER_INSTALL_PATH);
    return paths;
}

QString WorkerLocator::find(QString* error)
{
    const QStringList paths = candidates();
    for (const QString& path : paths) {
        if (isExecutable(path))
            return path;
    }
    const bool fromEnv = std::getenv(kEnv) != nullptr && std::getenv(kEnv)[0] != '\0';
    *error = fromEnv ? QStringLiteral("spindle-worker not found: %1=%2 is not an executable file")
                           .arg(QLatin1String(kEnv), paths.value(0))
                     : QStringLiteral("spindle-worker not found; tried %1 (set %2 to its path)")
                           .arg(paths.join(QStringLiteral(", ")), QLatin1String(kEnv));
    return {};
}

} // namespace spindle

#pragma once
// Finds the spindle-worker executable: $SPINDLE_WORKER when set (then nothing
// else is tried: the user asked for that one), otherwise next to the running
// program, then where the package installs it relative to the program
// (bin/../libexec/spindle/), then in the build tree, then in the configured
// install folder.

#include <QString>
#include <QStringList>

namespace spindle {

class WorkerLocator {
public:
    // The path of an executable spindle-worker, or an empty string with
    // *error naming every path that was tried.
    static QString find(QString* error);
    // The candidates in the order find() tries them.
    static QStringList candidates();
};

} // namespace spindle

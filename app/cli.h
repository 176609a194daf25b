#pragma once
// The command line of SPEC.md: `spindle list`, `spindle run SCENARIO [options]`,
// --help, --version, and the headless demo that `spindle` runs when there is
// no display. Exit status: 0 success, 2 invalid arguments, 1 a run failed.

#include <QString>
#include <QStringList>
#include <QTextStream>

namespace spindle {

class Cli {
public:
    Cli();
    // args as QCoreApplication::arguments() gives them (args[0] = program).
    int exec(const QStringList& args);
    // `spindle` without a display: the default demo, written under folder.
    int runDemo(const QString& folder);

private:
    int list();
    int usageError(const QString& message);

    QTextStream m_out;
    QTextStream m_err;
};

} // namespace spindle

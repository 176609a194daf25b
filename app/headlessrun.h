#pragma once
// Executes a RunPlan without a visible window: runs each model in turn,
// prints one line per run, and writes the report and, when asked, a
// screenshot of the window as it would look after the runs.

#include "scenarios/runplan.h"
#include "model/runresult.h"

#include <QList>
#include <QString>
#include <QTextStream>

namespace spindle {

struct HeadlessOutputs {
    QString report;
    QString trace;
    QString session;
    QString screenshot;
};

class HeadlessRun {
public:
    HeadlessRun(QTextStream& out, QTextStream& err) : m_out(out), m_err(err) {}
    // Returns the exit status: 0 when every run succeeded, 1 otherwise.
    int exec(const RunPlan& plan, const HeadlessOutputs& outputs);
    const QList<RunResultPtr>& results() const { return m_results; }

private:
    void printRun(const RunResult& result);

    QTextStream& m_out;
    QTextStream& m_err;
    QList<RunResultPtr> m_results;
};

} // namespace spindle

#pragma once
// Turns the command line's words (scenario, --models, --flavour, --workers,
// --param) into the RunSpecs to execute, or into a message that names the
// bad argument and what is allowed. The window's run page builds the same
// requests from its widgets.

#include "model/runspec.h"
#include "scenarios/scenariocatalogue.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace spindle {

struct RunPlanInput {
    QString scenario;
    QString models;  // "m1,m2"; empty = the scenario's default models
    QString flavour; // empty = python
    QString workers; // empty = number of CPU cores
    QStringList params; // "key=value" each
    QString timeout;    // seconds per run; empty = none
};

struct RunPlan {
    const Scenario* scenario = nullptr;
    ParamValues params;
    QList<RunSpec> runs; // per model in the order given, each model's runs (one, or a sweep) together
};

std::optional<QString> makeRunPlan(const RunPlanInput& input, const ScenarioCatalogue& catalogue, RunPlan* out);

// "sequential, threads, ..." for messages and `spindle list`.
QString modelNames(bool availableOnly);

} // namespace spindle

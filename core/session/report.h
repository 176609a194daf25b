#pragma once
// The JSON report of SPEC.md "Command line": one object per invocation with
// one entry per run. Written by `spindle run --report` and the headless demo.

#include "model/runresult.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace spindle {

// With a scenario of the built-in catalogue, its own figures over the runs
// (Scenario::analyse) come under "analysis".
QJsonObject makeReport(const QString& scenarioId, const QList<RunResultPtr>& runs);
// Writes the report atomically (AtomicFile); false with a reason naming the path.
bool writeJsonFile(const QString& path, const QJsonObject& json, QString* error);

} // namespace spindle

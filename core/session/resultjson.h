#pragma once
// RunSpec, WorkerInfo and RunResult to JSON and back, for session files. Every
// 64-bit figure stays an exact integer (Qt 6 keeps JSON integers exact).

#include "model/runresult.h"
#include "model/runspec.h"

#include <QJsonObject>
#include <QString>

#include <optional>

namespace spindle {

QJsonObject toJson(const RunSpec& spec);
std::optional<RunSpec> runSpecFromJson(const QJsonObject& json, QString* error);

QJsonObject toJson(const WorkerInfo& info);
WorkerInfo workerInfoFromJson(const QJsonObject& json);

// Everything but the recording, which a session stores in its own chunks.
QJsonObject toJson(const RunResult& result);
std::optional<RunResult> runResultFromJson(const QJsonObject& json, QString* error);

} // namespace spindle

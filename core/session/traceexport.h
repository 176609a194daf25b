#pragma once
// Chrome Trace Event Format export (opens in Perfetto and chrome://tracing):
// one track per worker grouped by process, state segments as complete ("X")
// events, task begin/end and spinner frames as instant ("i") events, CPU as
// counter ("C") tracks, and metadata ("M") naming every process and thread.

#include "model/runresult.h"

#include <QJsonObject>
#include <QList>
#include <QString>


namespace spindle {

// Runs are laid out one after another; each run's times start at its own
// first event, offset by the runs before it, so models can be compared.
QJsonObject makeChromeTrace(const QList<RunResultPtr>& runs);
bool writeChromeTrace(const QString& path, const QList<RunResultPtr>& runs, QString* error);

} // namespace spindle

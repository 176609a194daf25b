#pragma once
// The CSV summary of a set of runs: one row per run with the figures of the
// compare table (RunSummary against the matching sequential run), and which
// columns the run is best in. RFC 4180: comma separated, CRLF line ends,
// fields quoted when they hold a comma, quote or line break; "." decimals
// whatever the locale, empty cells where a figure does not apply.

#include "model/runresult.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace spindle {

QByteArray makeCsvSummary(const QList<RunResultPtr>& runs);
// Written atomically (temporary file + rename); false with a reason naming the path.
bool writeCsvSummary(const QString& path, const QList<RunResultPtr>& runs, QString* error);
// The scenario a run came from, read off its label ("primes · threads ·
// python"); empty when the label does not start with a catalogue id.
QString scenarioIdOf(const RunResult& run);
// The scenario shared by all the runs, or empty.
QString scenarioIdOf(const QList<RunResultPtr>& runs);

} // namespace spindle

#include "session/csvsummary.h"

#include "model/comparison.h"
#include "scenarios/scenariocatalogue.h"
#include "session/atomicfile.h"

#include <QStringList>

namespace spindle {

namespace {

QString field(const QString& text)
{
    if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"'))
        && !text.contains(QLatin1Char('\n')) && !text.contains(QLatin1Char('\r')))
        return text;
    QString quoted = text;
    quoted.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QString number(const std::optional<double>& v, int decimals)
{
    return v ? QString::number(*v, 'f', decimals) : QString();
}

QString text(std::string_view s)
{
    return QString::fromLatin1(s.data(), static_cast<qsizetype>(s.size()));
}

QString status(const RunResult& r)
{
    if (r.succeeded())
        return QStringLiteral("ok");
    if (r.timedOut)
        return QStringLiteral("timed-out");
    if (r.cancelled)
        return QStringLiteral("cancelled");
    return QStringLiteral("failed");
}

// Column names of the "best_in" cell, in CompareColumn order.
const char* const kColumnNames[kCompareColumnCount]
    = {"wall_s", "cpu_s", "cpu_pct", "speedup", "efficiency", "gil_wait_pct", "spinner_max_gap_ms"};

} // namespace

QByteArray makeCsvSummary(const QList<RunResultPtr>& runs)
{
    const Comparison comparison(runs);
    QStringList lines;
    lines << QStringLiteral(
        "run,scenario,label,model,flavour,workers,status,wall_s,cpu_s,cpu_pct,speedup,"
        "efficiency,gil_wait_pct,spinner_frames,spinner_max_gap_ms,tasks_done,tasks_total,"
        "best_in");
    for (int row = 0; row < comparison.rowCount(); ++row) {
        const ComparisonRow& r = comparison.rows()[static_cast<std::size_t>(row)];
        const RunSummary& s = r.summary;
        QStringList best;
        for (int c = 0; c < kCompareColumnCount; ++c) {
            if (comparison.isBest(row, static_cast<CompareColumn>(c)))
                best << QLatin1String(kColumnNames[c]);
        }
        const QStringList cells = {
            QString::number(row + 1),
            scenarioIdOf(*r.run),
            r.run->spec.label,
            text(toString(r.run->spec.model)),
            text(toString(r.run->spec.flavour)),
            QString::number(r.run->workerCount),
            status(*r.run),
            number(s.wallS, 4),
            number(s.cpuS, 4),
            number(s.cpuPct, 1),
            number(s.speedup, 3),
            number(s.efficiency, 3),
            number(s.gilWaitPct, 1),
            r.run->spinner ? QString::number(s.spinnerFrames) : QString(),
            number(s.maxSpinnerGapMs, 1),
            QString::number(s.tasksDone),
            QString::number(s.tasksTotal),
            best.join(QLatin1Char(' ')),
        };
        QStringList quoted;
        for (const QString& c : cells)
            quoted << field(c);
        lines << quoted.join(QLatin1Char(','));
    }
    return (lines.join(QStringLiteral("\r\n")) + QStringLiteral("\r\n")).toUtf8();
}

bool writeCsvSummary(const QString& path, const QList<RunResultPtr>& runs, QString* error)
{
    return AtomicFile::writeWhole(path, makeCsvSummary(runs), error);
}

QString scenarioIdOf(const RunResult& run)
{
    const QString first = run.spec.label.section(QStringLiteral(" · "), 0, 0).trimmed();
    return ScenarioCatalogue::builtin().find(first) != nullptr ? first : QString();
}

QString scenarioIdOf(const QList<RunResultPtr>& runs)
{
    QString id;
    for (const RunResultPtr& r : runs) {
        const QString own = r ? scenarioIdOf(*r) : QString();
        if (own.isEmpty() || (!id.isEmpty() && own != id))
            return {};
        id = own;
    }
    return id;
}

} // namespace spindle

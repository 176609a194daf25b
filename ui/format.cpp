#include "format.h"

#include <QLocale>

namespace spindle {

QString Format::text(std::string_view s)
{
    return QString::fromLatin1(s.data(), static_cast<qsizetype>(s.size()));
}

QString Format::duration(std::int64_t ns)
{
    const double v = static_cast<double>(ns);
    if (ns < 1'000'000)
        return QStringLiteral("%1 µs").arg(v / 1e3, 0, 'f', 0);
    if (ns < 10'000'000)
        return QStringLiteral("%1 ms").arg(v / 1e6, 0, 'f', 2);
    if (ns < 1'000'000'000)
        return QStringLiteral("%1 ms").arg(v / 1e6, 0, 'f', 1);
    return QStringLiteral("%1 s").arg(v / 1e9, 0, 'f', 2);
}

QString Format::milliseconds(std::int64_t ns)
{
    return QStringLiteral("%1 ms").arg(
        QLocale(QLocale::English).toString(static_cast<qlonglong>((ns + 500'000) / 1'000'000)));
}

QString Format::task(const TimelineTask& task)
{
    const QString call = QStringLiteral("%1(%2)").arg(text(toString(task.kind))).arg(task.arg);
    if (task.running())
        return call + QStringLiteral(" … running");
    QString result;
    switch (task.kind) {
    case WorkloadKind::IsPrime:
    case WorkloadKind::Nap:
        result = task.result != 0 ? QStringLiteral("prime") : QStringLiteral("not prime");
        break;
    case WorkloadKind::SumRandom:
        result = QString::number(task.result);
        break;
    case WorkloadKind::Sleep:
    case WorkloadKind::BlockingSleep:
        result = QStringLiteral("slept");
        break;
    case WorkloadKind::Io:
        result = QStringLiteral("%1 bytes").arg(task.result);
        break;
    }
    if (task.cancelled)
        result = QStringLiteral("cancelled");
    return QStringLiteral("%1 → %2 (%3)").arg(call, result, duration(task.endNs - task.beginNs));
}

} // namespace spindle

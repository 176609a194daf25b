#include "model/guifreeze.h"

namespace spindle {

namespace {

QString ms(std::int64_t ns)
{
    return QStringLiteral("%1 ms").arg((ns + 500'000) / 1'000'000);
}

} // namespace

GuiFreeze::Cause GuiFreeze::cause() const
{
    if (coveredNs <= 0)
        return Cause::Unknown;
    if (2 * waitingForCpuNs >= coveredNs && waitingForCpuNs >= onCpuNs)
        return Cause::WaitingForCpu;
    if (2 * onCpuNs >= coveredNs)
        return Cause::Busy;
    return Cause::Blocked;
}

QString GuiFreeze::describe() const
{
    const QString frozen = QStringLiteral("frozen for %1").arg(ms(gapNs));
    switch (cause()) {
    case Cause::Unknown:
        return frozen;
    case Cause::Blocked:
        return QStringLiteral("%1: blocked (%2 on a CPU, %3 waiting for one)")
            .arg(frozen, ms(onCpuNs), ms(waitingForCpuNs));
    case Cause::Busy:
        return QStringLiteral("%1: busy, %2 of it on a CPU (the window's own work)").arg(frozen, ms(onCpuNs));
    case Cause::WaitingForCpu:
        return QStringLiteral(
            "%1: %2 of it waiting for a CPU behind other work (a busy machine, not a blocked loop)")
            .arg(frozen, ms(waitingForCpuNs));
    }
    return frozen;
}

} // namespace spindle

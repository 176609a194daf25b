#include "charts/statepalette.h"

namespace spindle {

QColor StatePalette::colour(WorkerState state)
{
    switch (state) {
    case WorkerState::Running:
        return QColor(0x2e, 0xa0, 0x43);
    case WorkerState::WaitingGil:
    case WorkerState::WaitingLock:
        return QColor(0xd7, 0x30, 0x27);
    case WorkerState::WaitingCpu:
    case WorkerState::Ready:
        return QColor(0xf2, 0xc2, 0x1b);
    case WorkerState::Sleeping:
        return QColor(0x2f, 0x6f, 0xd6);
    case WorkerState::BlockedIo:
        return QColor(0x8e, 0x44, 0xad);
    case WorkerState::WaitingQueue:
        return QColor(0xf5, 0x84, 0x1f);
    case WorkerState::Idle:
    case WorkerState::Starting:
        return QColor(0x9a, 0xa0, 0xa6);
    case WorkerState::Exited:
        return QColor(0xe3, 0xe5, 0xe8);
    case WorkerState::Crashed:
        return QColor(0x10, 0x10, 0x10);
    case WorkerState::Stopped:
        return QColor(0x8c, 0x56, 0x4b);
    }
    return Qt::magenta;
}

bool StatePalette::isDrawn(WorkerState state)
{
    return state != WorkerState::Exited;
}

QList<StatePalette::Entry> StatePalette::legend()
{
    return {
        {QStringLiteral("running"), colour(WorkerState::Running)},
        {QStringLiteral("waiting GIL / lock"), colour(WorkerState::WaitingGil)},
        {QStringLiteral("waiting CPU / ready"), colour(WorkerState::WaitingCpu)},
        {QStringLiteral("sleeping"), colour(WorkerState::Sleeping)},
        {QStringLiteral("blocked I/O"), colour(WorkerState::BlockedIo)},
        {QStringLiteral("waiting queue"), colour(WorkerState::WaitingQueue)},
        {QStringLiteral("idle / starting"), colour(WorkerState::Idle)},
        {QStringLiteral("stopped (SIGSTOP)"), colour(WorkerState::Stopped)},
        {QStringLiteral("crashed"), colour(WorkerState::Crashed)},
    };
}

QColor StatePalette::textOn(WorkerState state)
{
    switch (state) {
    case WorkerState::WaitingCpu:
    case WorkerState::Ready:
    case WorkerState::Idle:
    case WorkerState::Starting:
    case WorkerState::Exited:
        return Qt::black;
    default:
        return Qt::white;
    }
}

} // namespace spindle

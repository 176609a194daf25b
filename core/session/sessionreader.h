#pragma once
// Opens a session file without ever writing to it. A damaged or truncated
// file gives back every run it could read up to the damage, and says what is
// wrong and where; a file that is not a session is refused with the reason.

#include "model/runresult.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace spindle {

struct Session {
    QList<RunResultPtr> runs; // each with its recording
};

struct SessionReadReport {
    qint64 fileBytes = 0;
    qint64 bytesUsed = 0;  // up to the end of the last good chunk
    QStringList problems; // empty when the whole file was read
};

// nullopt (and *error) when the file cannot be read or is not a session.
std::optional<Session> readSession(const QString& path, SessionReadReport* report, QString* error);
// The same over a file's bytes already in memory (the fuzz target reads this
// way); `name` stands for the file in messages.
std::optional<Session> readSessionBytes(
    const QByteArray& bytes, const QString& name, SessionReadReport* report, QString* error);

} // namespace spindle

#pragma once
// Writes a session file as the runs happen: a chunk per batch goes straight
// to the OS, so if the program dies at most the batch in hand (16 ms) is
// lost. Thread-safe: the engine begins and ends runs on its controller
// thread and appends batches on the collector thread.

#include "model/runresult.h"
#include "stream/eventbatch.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <cstdint>
#include <mutex>

namespace spindle {

class SessionWriter {
public:
    SessionWriter() = default;
    ~SessionWriter();
    SessionWriter(const SessionWriter&) = delete;
    SessionWriter& operator=(const SessionWriter&) = delete;

    // Creates (or replaces) the file and writes its header.
    bool open(const QString& path, QString* error);
    // Closes the file; a failure to close is kept in error().
    void close();
    bool isOpen() const;

    void beginRun(std::uint64_t runId, const RunSpec& spec, std::int64_t startNs);
    void appendBatch(const EventBatch& batch);
    void endRun(const RunResult& result);

    // The first write error, if any (writing stops there; the session stays in memory).
    QString error() const;

    // A finished session in one go, every run with its recording, written
    // atomically (AtomicFile): a failure leaves what was at `path` as it was.
    static bool save(const QString& path, const QList<RunResultPtr>& runs, QString* error);

private:
    bool writeHeader(QString* error);
    void writeChunk(std::uint32_t type, std::uint64_t runId, const QByteArray& payload);

    mutable std::mutex m_mutex;
    int m_fd = -1;
    bool m_ownsFd = true; // save() writes into an AtomicFile's descriptor
    QString m_path;
    QString m_error;
};

} // namespace spindle

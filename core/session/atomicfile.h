#pragma once
// A file written whole or not at all, and the reason when not. A regular file
// (new, or replacing one) is written to a temporary file beside it, flushed to
// disk and renamed over it: a full disk or a folder that cannot be written
// leaves the old file as it was and no temporary behind. Anything else that
// already exists at the path - a device such as /dev/null or /dev/full, a
// FIFO, /dev/stdout - is written in place, since renaming over it would
// replace a device node (as root) or fail. Every write, the flush, the close
// and the rename are checked, and an error names the path and the OS's reason
// (strerror). QSaveFile does neither of the last two.

#include <QByteArray>
#include <QString>

#include <cstddef>

namespace spindle {

class AtomicFile {
public:
    explicit AtomicFile(QString path);
    // Without a successful commit(), removes the temporary file.
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    // Creates the temporary file (or opens a special file in place).
    bool open(QString* error);
    // The open descriptor, for writers that write on their own; -1 when not open.
    int fd() const { return m_fd; }
    bool write(const char* data, std::size_t size, QString* error);
    bool write(const QByteArray& bytes, QString* error);
    // Flushes, closes and renames into place; false (and nothing replaced) on any failure.
    bool commit(QString* error);

    // open + write + commit.
    static bool writeWhole(const QString& path, const QByteArray& bytes, QString* error);

private:
    QString failure(const char* what, int err) const;
    void discard();

    QString m_path; // as the caller named it, for messages
    QByteArray m_target; // where the bytes end up (a symlink's target)
    QByteArray m_temporary; // empty when writing in place
    int m_fd = -1;
    bool m_failed = false;
};

} // namespace spindle

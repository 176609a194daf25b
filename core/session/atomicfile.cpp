#include "session/atomicfile.h"

#include <QFile>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace spindle {

namespace {

std::atomic<unsigned> g_nextTemporary {0};

} // namespace

AtomicFile::AtomicFile(QString path) : m_path(std::move(path))
{
}

AtomicFile::~AtomicFile()
{
    discard();
}

QString AtomicFile::failure(const char* what, int err) const
{
    const QString reason = QString::fromLocal8Bit(std::strerror(err));
    if (what == nullptr)
        return QStringLiteral("cannot write %1: %2").arg(m_path, reason);
    return QStringLiteral("cannot write %1: %2: %3").arg(m_path, QString::fromLatin1(what), reason);
}

void AtomicFile::discard()
{
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
    if (!m_temporary.isEmpty())
        ::unlink(m_temporary.constData());
    m_temporary.clear();
}

bool AtomicFile::open(QString* error)
{
    discard();
    m_failed = false;
    m_target = QFile::encodeName(m_path);
    if (m_target.isEmpty()) {
        *error = QStringLiteral("cannot write a file without a name");
        return false;
    }
    // Replace what a symlink points to, not the link.
    struct stat link { };
    if (::lstat(m_target.constData(), &link) == 0 && S_ISLNK(link.st_mode)) {
        if (char* real = ::realpath(m_target.constData(), nullptr)) {
            m_target = real;
            std::free(real);
        }
    }
    struct stat existing { };
    const bool exists = ::stat(m_target.constData(), &existing) == 0;
    if (!exists && errno != ENOENT) {
        *error = failure(nullptr, errno);
        return false;
    }
    if (exists && S_ISDIR(existing.st_mode)) {
        *error = failure(nullptr, EISDIR);
        return false;
    }
    if (exists && !S_ISREG(existing.st_mode)) {
        m_fd = ::open(m_target.constData(), O_WRONLY | O_TRUNC | O_CLOEXEC);
        if (m_fd < 0) {
            *error = failure(nullptr, errno);
            return false;
        }
        return true;
    }

    const qsizetype slash = m_target.lastIndexOf('/');
    const QByteArray folder = slash < 0 ? QByteArray() : m_target.left(slash + 1);
    const QByteArray name = slash < 0 ? m_target : m_target.mid(slash + 1);
    // A new file gets 0666 less the umask, like any other; a replaced one keeps its mode.
    const mode_t mode = exists ? 0600 : 0666;
    for (int attempt = 0; attempt < 100; ++attempt) {
        const QByteArray temporary = folder + '.' + name + ".tmp-" + QByteArray::number(::getpid()) + '-'
            + QByteArray::number(g_nextTemporary.fetch_add(1));
        m_fd = ::open(temporary.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
        if (m_fd >= 0) {
            m_temporary = temporary;
            break;
        }
        if (errno != EEXIST) {
            *error = failure(nullptr, errno);
            return false;
        }
    }
    if (m_fd < 0) {
        *error = failure("no free temporary name beside it", EEXIST);
        return false;
    }
    if (exists)
        ::fchmod(m_fd, existing.st_mode & 07777);
    return true;
}

bool AtomicFile::write(const char* data, std::size_t size, QString* error)
{
    if (m_fd < 0 || m_failed) {
        *error = failure("it is not open", EBADF);
        return false;
    }
    while (size > 0) {
        const ssize_t n = ::write(m_fd, data, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            // A regular file that takes nothing is out of room.
            *error = failure(nullptr, n < 0 ? errno : ENOSPC);
            m_failed = true;
            discard();
            return false;
        }
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

bool AtomicFile::write(const QByteArray& bytes, QString* error)
{
    return write(bytes.constData(), static_cast<std::size_t>(bytes.size()), error);
}

bool AtomicFile::commit(QString* error)
{
    if (m_fd < 0 || m_failed) {
        *error = failure("it is not open", EBADF);
        return false;
    }
    const bool inPlace = m_temporary.isEmpty();
    // Network file systems report a full disk at the flush or the close.
    if (!inPlace && ::fsync(m_fd) != 0) {
        *error = failure(nullptr, errno);
        discard();
        return false;
    }
    const int fd = m_fd;
    m_fd = -1;
    if (::close(fd) != 0 && errno != EINTR) {
        *error = failure(nullptr, errno);
        discard();
        return false;
    }
    if (inPlace)
        return true;
    if (::rename(m_temporary.constData(), m_target.constData()) != 0) {
        *error = failure("moving the finished file into place failed", errno);
        discard();
        return false;
    }
    m_temporary.clear();
    return true;
}

bool AtomicFile::writeWhole(const QString& path, const QByteArray& bytes, QString* error)
{
    AtomicFile file(path);
    return file.open(error) && file.write(bytes, error) && file.commit(error);
}

} // namespace spindle

#pragma once
// A real, tiny file system that fills up: a tmpfs of a few pages mounted over a
// fresh temporary folder in a mount namespace of this thread's own, so neither
// the host nor other test processes ever see it. unshare(CLONE_NEWNS) moves only
// the calling thread (and the threads it starts afterwards) into the new
// namespace; making every mount in it private keeps the tmpfs from propagating
// back. Needs root (CAP_SYS_ADMIN): reason() says why it could not be made, for
// GTEST_SKIP. On destruction the tmpfs is unmounted and the thread goes back to
// the namespace it came from (setns refuses while threads started in between,
// sharing its file-system context, still live; the tmpfs is gone either way).

#include <QFile>
#include <QString>
#include <QTemporaryDir>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>
#include <vector>

namespace spindle::test {

class PrivateTmpfs {
public:
    explicit PrivateTmpfs(std::size_t bytes)
    {
        if (::geteuid() != 0) {
            m_reason = QStringLiteral("not root: mounting a tmpfs needs CAP_SYS_ADMIN");
            return;
        }
        if (!m_dir.isValid()) {
            m_reason = QStringLiteral("no temporary folder to mount on");
            return;
        }
        m_original = ::open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
        if (m_original < 0 || ::unshare(CLONE_NEWNS) != 0) {
            m_reason = QStringLiteral("unshare(CLONE_NEWNS): %1")
                           .arg(QString::fromLocal8Bit(std::strerror(errno)));
            return;
        }
        m_unshared = true;
        const QByteArray options
            = "size=" + QByteArray::number(static_cast<qulonglong>(bytes)) + ",mode=0700";
        if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0
            || ::mount("spindle-test", QFile::encodeName(m_dir.path()).constData(), "tmpfs",
                   MS_NOSUID | MS_NODEV, options.constData())
                != 0) {
            m_reason = QStringLiteral("mount tmpfs: %1").arg(QString::fromLocal8Bit(std::strerror(errno)));
            return;
        }
        m_mounted = true;
    }
    ~PrivateTmpfs()
    {
        if (m_filler >= 0)
            ::close(m_filler);
        if (m_mounted)
            ::umount2(QFile::encodeName(m_dir.path()).constData(), MNT_DETACH);
        if (m_unshared)
            ::setns(m_original, CLONE_NEWNS);
        if (m_original >= 0)
            ::close(m_original);
    }
    PrivateTmpfs(const PrivateTmpfs&) = delete;
    PrivateTmpfs& operator=(const PrivateTmpfs&) = delete;

    bool ok() const { return m_mounted; }
    QString reason() const { return m_reason; }
    QString path() const { return m_dir.path(); }
    QString filePath(const QString& name) const { return m_dir.filePath(name); }

    // Fills the file system with one file until the kernel says ENOSPC, then
    // gives `room` bytes back (tmpfs counts whole pages). False if it never filled.
    bool fillLeaving(off_t room)
    {
        if (m_filler < 0)
            m_filler = ::open(QFile::encodeName(filePath(QStringLiteral("filler"))).constData(),
                O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        if (m_filler < 0)
            return false;
        const std::vector<char> chunk(4096, 'x');
        off_t size = ::lseek(m_filler, 0, SEEK_END);
        for (;;) {
            const ssize_t n = ::write(m_filler, chunk.data(), chunk.size());
            if (n < 0 && errno == ENOSPC)
                break;
            if (n <= 0)
                return false;
            size += n;
        }
        return room == 0 || ::ftruncate(m_filler, size > room ? size - room : 0) == 0;
    }

private:
    QTemporaryDir m_dir;
    QString m_reason;
    int m_original = -1;
    int m_filler = -1;
    bool m_unshared = false;
    bool m_mounted = false;
};

} // namespace spindle::test

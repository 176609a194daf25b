#include "runtime/processchannel.h"

#include <cerrno>
#include <cstdio>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <utility>

namespace spindle {

namespace {

constexpr std::size_t kHeaderSize = sizeof(wire::Header);
constexpr std::size_t kMaxPacket = kHeaderSize + wire::kMaxPayload;

std::string errnoText(const char* what)
{
    return std::string(what) + ": " + std::strerror(errno);
}

std::string hex(std::uint32_t value)
{
    char text[16];
    std::snprintf(text, sizeof text, "0x%08x", value);
    return text;
}

} // namespace

int ProcessChannel::Frame::takeFd(int index)
{
    if (index < 0 || index >= fdCount)
        return -1;
    return std::exchange(fds[index], -1);
}

void ProcessChannel::Frame::closeFds()
{
    for (int i = 0; i < fdCount; ++i) {
        if (fds[i] >= 0)
            ::close(fds[i]);
        fds[i] = -1;
    }
    fdCount = 0;
}

ProcessChannel::~ProcessChannel()
{
    close();
}

ProcessChannel::ProcessChannel(ProcessChannel&& other) noexcept
    : m_fd(std::exchange(other.m_fd, -1)),
      m_nonBlocking(other.m_nonBlocking),
      m_peerClosed(other.m_peerClosed),
      m_error(std::move(other.m_error))
{
}

ProcessChannel& ProcessChannel::operator=(ProcessChannel&& other) noexcept
{
    if (this != &other) {
        close();
        m_fd = std::exchange(other.m_fd, -1);
        m_nonBlocking = other.m_nonBlocking;
        m_peerClosed = other.m_peerClosed;
        m_error = std::move(other.m_error);
    }
    return *this;
}

bool ProcessChannel::makePair(ProcessChannel* ours, int* theirs, std::string* error)
{
    int fds[2] = {-1, -1};
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) != 0) {
        *error = errnoText("socketpair");
        return false;
    }
    *ours = ProcessChannel(fds[0]);
    *theirs = fds[1];
    return true;
}

void ProcessChannel::close()
{
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
}

bool ProcessChannel::sendMessage(
    wire::MessageType type, const void* payload, std::uint32_t size, const int* fds, int fdCount)
{
    if (m_fd < 0 || size > wire::kMaxPayload || fdCount < 0 || fdCount > wire::kMaxFds) {
        m_error = "send on a closed channel or of an oversized message";
        return false;
    }
    std::byte packet[kMaxPacket];
    const wire::Header header {wire::kMagic, wire::kVersion, static_cast<std::uint16_t>(type), size};
    std::memcpy(packet, &header, kHeaderSize);
    if (size > 0)
        std::memcpy(packet + kHeaderSize, payload, size);
    iovec iov {packet, kHeaderSize + size};
    msghdr msg {};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * wire::kMaxFds)] {};
    if (fdCount > 0) {
        msg.msg_control = control;
        msg.msg_controllen = CMSG_SPACE(sizeof(int) * static_cast<std::size_t>(fdCount));
        cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
        cmsg->cmsg_level = SOL_SOCKET;
        cmsg->cmsg_type = SCM_RIGHTS;
        cmsg->cmsg_len = CMSG_LEN(sizeof(int) * static_cast<std::size_t>(fdCount));
        std::memcpy(CMSG_DATA(cmsg), fds, sizeof(int) * static_cast<std::size_t>(fdCount));
    }
    const int flags = MSG_NOSIGNAL | (m_nonBlocking ? MSG_DONTWAIT : 0);
    for (;;) {
        const ssize_t n = ::sendmsg(m_fd, &msg, flags);
        if (n == static_cast<ssize_t>(kHeaderSize + size))
            return true;
        if (n < 0 && errno == EINTR)
            continue;
        m_peerClosed = n < 0 && (errno == EPIPE || errno == ECONNRESET);
        m_error = n < 0 ? errnoText("sendmsg") : std::string("sendmsg: short write");
        return false;
    }
}

bool ProcessChannel::sendRaw(const void* data, std::size_t size)
{
    for (;;) {
        const ssize_t n = ::send(m_fd, data, size, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        return n == static_cast<ssize_t>(size);
    }
}

ProcessChannel::Status ProcessChannel::malformed(Frame* out, std::string why)
{
    out->closeFds();
    m_error = std::move(why);
    return Status::Malformed;
}

ProcessChannel::Status ProcessChannel::receive(Frame* out)
{
    *out = Frame {};
    if (m_fd < 0) {
        m_error = "receive on a closed channel";
        return Status::Failed;
    }
    alignas(wire::Header) std::byte packet[kMaxPacket];
    iovec iov {packet, sizeof packet};
    msghdr msg {};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * wire::kMaxFds)] {};
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    const int flags = MSG_CMSG_CLOEXEC | MSG_TRUNC | (m_nonBlocking ? MSG_DONTWAIT : 0);
    ssize_t n = 0;
    for (;;) {
        n = ::recvmsg(m_fd, &msg, flags);
        if (n >= 0 || errno != EINTR)
            break;
    }
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return Status::WouldBlock;
        if (errno == ECONNRESET)
            return Status::Closed;
        m_error = errnoText("recvmsg");
        return Status::Failed;
    }

    // Adopt whatever fds came along first, so that every refusal below closes them.
    for (cmsghdr* cmsg = CMSG_FIRSTHDR(&msg); cmsg != nullptr; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
        if (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS)
            continue;
        const std::size_t count = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (std::size_t i = 0; i < count; ++i) {
            int fd = -1;
            std::memcpy(&fd, CMSG_DATA(cmsg) + i * sizeof(int), sizeof fd);
            if (out->fdCount < wire::kMaxFds)
                out->fds[out->fdCount++] = fd;
            else
                ::close(fd);
        }
    }
    if (n == 0 && out->fdCount == 0)
        return Status::Closed; // a seqpacket peer that closed its end reads as zero bytes
    if ((msg.msg_flags & MSG_CTRUNC) != 0)
        return malformed(out, "too many file descriptors attached");
    const auto bytes = static_cast<std::size_t>(n);
    if ((msg.msg_flags & MSG_TRUNC) != 0 || bytes > kMaxPacket)
        return malformed(out,
            "message of " + std::to_string(bytes) + " bytes exceeds the maximum of "
                + std::to_string(kMaxPacket));
    if (bytes < kHeaderSize)
        return malformed(out,
            "truncated message: " + std::to_string(bytes) + " bytes, shorter than the "
                + std::to_string(kHeaderSize) + "-byte header");
    wire::Header header {};
    std::memcpy(&header, packet, kHeaderSize);
    if (header.magic != wire::kMagic)
        return malformed(out, "bad magic " + hex(header.magic) + " (expected " + hex(wire::kMagic) + ")");
    if (header.version != wire::kVersion)
        return malformed(out,
            "protocol version " + std::to_string(header.version) + ", expected "
                + std::to_string(wire::kVersion));
    if (header.length > wire::kMaxPayload)
        return malformed(out,
            "bad length " + std::to_string(header.length) + ": the maximum payload is "
                + std::to_string(wire::kMaxPayload));
    const std::size_t carried = bytes - kHeaderSize;
    if (header.length > carried)
        return malformed(out,
            "truncated message: length says " + std::to_string(header.length)
                + " payload bytes, the packet carries " + std::to_string(carried));
    if (header.length < carried)
        return malformed(out,
            "bad length " + std::to_string(header.length) + ": the packet carries " + std::to_string(carried)
                + " payload bytes");
    std::uint32_t expectedSize = 0;
    int expectedFds = 0;
    if (!wire::expectedShape(header.type, &expectedSize, &expectedFds))
        return malformed(out, "unknown message type " + std::to_string(header.type));
    const auto type = static_cast<wire::MessageType>(header.type);
    if (header.length != expectedSize)
        return malformed(out,
            std::string("bad length: a ") + wire::typeName(type) + " message has "
                + std::to_string(expectedSize) + " payload bytes, not " + std::to_string(header.length));
    if (out->fdCount != expectedFds)
        return malformed(out,
            std::string("a ") + wire::typeName(type) + " message carries " + std::to_string(expectedFds)
                + " file descriptors, not " + std::to_string(out->fdCount));
    out->type = type;
    out->size = header.length;
    std::memcpy(out->payload, packet + kHeaderSize, header.length);
    return Status::Message;
}

ProcessChannel::Status ProcessChannel::receiveWithin(Frame* out, int timeoutMs)
{
    pollfd pfd {m_fd, POLLIN, 0};
    for (;;) {
        const int ready = ::poll(&pfd, 1, timeoutMs);
        if (ready > 0)
            break;
        if (ready == 0) {
            *out = Frame {};
            return Status::WouldBlock;
        }
        if (errno != EINTR) {
            m_error = errnoText("poll");
            return Status::Failed;
        }
    }
    const bool saved = std::exchange(m_nonBlocking, true);
    const Status status = receive(out);
    m_nonBlocking = saved;
    return status;
}

} // namespace spindle

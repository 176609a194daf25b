#pragma once
// One end of a SOCK_SEQPACKET socket pair that speaks the process protocol
// (runtime/processprotocol.h): sends typed messages with optional fds, and
// receives one packet at a time, checking everything about it before anyone
// reads a field. A peer that sends garbage gets Malformed and a reason, never
// a crash on our side. Used by the engine and by spindle-worker alike, so
// errors are plain strings.

#include "runtime/processprotocol.h"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>

namespace spindle {

class ProcessChannel {
public:
    struct Frame {
        wire::MessageType type {};
        std::uint32_t size = 0;
        alignas(8) std::byte payload[wire::kMaxPayload] {};
        int fds[wire::kMaxFds] = {-1, -1};
        int fdCount = 0;

        // The payload as its message struct (the size was checked on receipt).
        template <typename T>
        T as() const
        {
            static_assert(std::is_trivially_copyable_v<T>);
            T value {};
            if constexpr (!std::is_empty_v<T>)
                std::memcpy(&value, payload, sizeof(T));
            return value;
        }
        // Takes the received fds out of the frame; -1 when absent.
        int takeFd(int index);
        void closeFds();
    };

    enum class Status {
        Message, // *out holds one valid message
        WouldBlock, // non-blocking and nothing there
        Closed, // the peer closed its end (or died)
        Malformed, // the peer broke the protocol; error() says how
        Failed, // a system error; error() says which
    };

    ProcessChannel() = default;
    // Adopts fd.
    explicit ProcessChannel(int fd) : m_fd(fd) { }
    ~ProcessChannel();
    ProcessChannel(ProcessChannel&& other) noexcept;
    ProcessChannel& operator=(ProcessChannel&& other) noexcept;
    ProcessChannel(const ProcessChannel&) = delete;
    ProcessChannel& operator=(const ProcessChannel&) = delete;

    // A close-on-exec SOCK_SEQPACKET pair: *ours is one end, *theirs the other.
    static bool makePair(ProcessChannel* ours, int* theirs, std::string* error);

    int fd() const { return m_fd; }
    bool isOpen() const { return m_fd >= 0; }
    void close();
    // Non-blocking ends return WouldBlock instead of waiting, for send too: a
    // peer that stops reading must not stall the engine.
    void setNonBlocking(bool nonBlocking) { m_nonBlocking = nonBlocking; }

    template <typename T>
    bool send(const T& message, const int* fds = nullptr, int fdCount = 0)
    {
        return sendMessage(
            T::kType, std::is_empty_v<T> ? nullptr : &message, wire::payloadSize<T>(), fds, fdCount);
    }
    bool sendMessage(wire::MessageType type, const void* payload, std::uint32_t size,
        const int* fds = nullptr, int fdCount = 0);
    // Sends bytes as they are, header or not (spindle-worker's test-only
    // misbehaviour needs to send broken packets).
    bool sendRaw(const void* data, std::size_t size);

    Status receive(Frame* out);
    // receive(), waiting at most timeoutMs (-1 = forever) for a packet.
    Status receiveWithin(Frame* out, int timeoutMs);

    const std::string& error() const { return m_error; }
    // The last send failed because the other end was closed (EPIPE, ECONNRESET):
    // the peer left, which is news, not a fault of the sender.
    bool peerClosed() const { return m_peerClosed; }

private:
    Status malformed(Frame* out, std::string why);

    int m_fd = -1;
    bool m_nonBlocking = false;
    bool m_peerClosed = false;
    std::string m_error;
};

} // namespace spindle

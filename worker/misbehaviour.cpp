#include "misbehaviour.h"

#include <array>
#include <cstring>
#include <poll.h>
#include <unistd.h>

namespace spindle {

namespace {

constexpr std::array<const char*, 10> kModes = {
    "bad-magic",
    "bad-version",
    "bad-length",
    "unknown-type",
    "truncated",
    "short-header",
    "oversize",
    "wrong-size",
    "unexpected",
    "exit-early",
};

std::string packet(std::uint32_t magic, std::uint16_t version, std::uint16_t type, std::uint32_t length,
    std::size_t payloadBytes)
{
    const wire::Header header {magic, version, type, length};
    std::string bytes(sizeof header + payloadBytes, '\x5a');
    std::memcpy(bytes.data(), &header, sizeof header);
    return bytes;
}

} // namespace

bool Misbehaviour::isKnown(const std::string& mode)
{
    for (const char* known : kModes) {
        if (mode == known)
            return true;
    }
    return false;
}

int Misbehaviour::actInsteadOfReady(const std::string& mode, ProcessChannel& channel)
{
    const auto ready = static_cast<std::uint16_t>(wire::MessageType::Ready);
    const std::uint32_t readySize = sizeof(wire::Ready);
    std::string bytes;
    if (mode == "bad-magic")
        bytes = packet(0xdeadbeef, wire::kVersion, ready, readySize, readySize);
    else if (mode == "bad-version")
        bytes = packet(wire::kMagic, wire::kVersion + 1, ready, readySize, readySize);
    else if (mode == "bad-length")
        bytes = packet(wire::kMagic, wire::kVersion, ready, 0x7fffffff, readySize);
    else if (mode == "unknown-type")
        bytes = packet(wire::kMagic, wire::kVersion, 0x7777, readySize, readySize);
    else if (mode == "truncated")
        bytes = packet(wire::kMagic, wire::kVersion, ready, readySize, 5);
    else if (mode == "short-header")
        bytes = packet(wire::kMagic, wire::kVersion, ready, readySize, readySize).substr(0, 7);
    else if (mode == "oversize")
        bytes = packet(wire::kMagic, wire::kVersion, ready, 4000, 4000);
    else if (mode == "wrong-size")
        bytes = packet(wire::kMagic, wire::kVersion, ready, 4, 4);
    else if (mode == "unexpected") {
        // Well-formed, but a Result for a job nobody gave it.
        wire::Result result {};
        result.jobId = 12345;
        channel.send(result);
    }
    if (!bytes.empty())
        channel.sendRaw(bytes.data(), bytes.size());
    // Wait to be killed; leave if the engine closes the socket instead.
    pollfd pfd {channel.fd(), POLLRDHUP, 0};
    while (::poll(&pfd, 1, -1) == 0 || (pfd.revents & (POLLRDHUP | POLLHUP)) == 0)
        ::usleep(1000);
    return 9;
}

} // namespace spindle

#pragma once
// The messages between the engine and spindle-worker (docs/process-protocol.md).
// Every message is one SOCK_SEQPACKET packet: a 12-byte header, then a payload
// of a fixed size per type. Both ends run on the same machine from the same
// build, so fields are in host byte order and the version must match exactly.
// These are plain value types; ProcessChannel sends and validates them.

#include <cstdint>
#include <type_traits>

namespace spindle::wire {

constexpr std::uint32_t kMagic = 0x4b4e5053; // "SPNK" in memory on little-endian machines
constexpr std::uint16_t kVersion = 2;
constexpr std::uint32_t kMaxPayload = 256;
constexpr int kMaxFds = 2;

// The fds a child finds when it is started with posix_spawn.
constexpr int kChildSocketFd = 3;
constexpr int kChildRingFd = 4;
// The fork server's control socket.
constexpr int kServerSocketFd = 3;

enum class MessageType : std::uint16_t {
    // engine -> child
    Hello = 0x0001,
    Job = 0x0002,
    PoisonPill = 0x0003,
    Produce = 0x0004,
    Serve = 0x0005,
    // child -> engine
    Ready = 0x0101,
    JobRequest = 0x0102,
    Result = 0x0103,
    Bye = 0x0104,
    Item = 0x0105,
    // engine -> fork server
    Fork = 0x0201,
    // fork server -> engine
    ServerReady = 0x0281,
    Forked = 0x0282,
    ForkFailed = 0x0283,
};

struct Header {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint16_t type;
    std::uint32_t length; // payload bytes that follow the header
};
static_assert(sizeof(Header) == 12);

// Worker: asks for jobs (procs.py; a consumer of the daemons scenario).
// Spinner: draws frames. Producer: puts numbered items on the engine's
// queue (daemons). Server: accept()s on a listening socket it is given (prefork).
enum class ChildRole : std::uint8_t { Worker = 0, Spinner = 1, Producer = 2, Server = 3 };
constexpr std::uint8_t kChildRoleCount = 4;

// Exit statuses of a child besides 0 (the engine reports each as a crash).
constexpr int kExitSetup = 3; // no ring, no Hello, not our parent
constexpr int kExitProtocol = 4; // the engine sent something the child does not understand
constexpr int kExitEngineGone = 5; // the engine closed the socket
// A SIGTERM turned into a cancel, yet the engine, which follows its own
// SIGTERM with a PoisonPill, handed out more work: the signal came from
// outside, and the child leaves as CPython's default SIGTERM would make it.
constexpr int kExitTerminatedFromOutside = 6;

// First message to every child: who it is and how to behave.
struct Hello {
    static constexpr MessageType kType = MessageType::Hello;
    std::uint32_t workerId;
    std::uint8_t role; // ChildRole
    std::uint8_t flavour; // 0 python (one GIL per process), 1 native
    std::uint16_t reserved;
    std::int64_t requestNs; // CLOCK_MONOTONIC when the engine asked for this child
    std::int64_t switchIntervalNs;
    std::int64_t napEvery;
    std::int64_t spinnerIntervalNs;
};
static_assert(sizeof(Hello) == 40);

struct Job {
    static constexpr MessageType kType = MessageType::Job;
    std::uint32_t jobId;
    std::uint8_t kind; // WorkloadKind
    std::uint8_t reserved[3];
    std::int64_t arg;
    std::uint64_t seed;
};
static_assert(sizeof(Job) == 24);

struct PoisonPill {
    static constexpr MessageType kType = MessageType::PoisonPill;
};

// To a producer after its Ready: put items first, first + 1, ... first +
// count - 1 on the queue, one every intervalNs, then say Bye.
struct Produce {
    static constexpr MessageType kType = MessageType::Produce;
    std::uint32_t first;
    std::uint32_t count;
    std::int64_t intervalNs;
};
static_assert(sizeof(Produce) == 16);

// To a server after its Ready, carrying one fd (SCM_RIGHTS): the listening
// socket to accept() on until a PoisonPill.
struct Serve {
    static constexpr MessageType kType = MessageType::Serve;
};

struct Ready {
    static constexpr MessageType kType = MessageType::Ready;
    std::int32_t pid;
    std::uint32_t workerId;
    std::int64_t startNs; // the child's first event
};
static_assert(sizeof(Ready) == 16);

struct JobRequest {
    static constexpr MessageType kType = MessageType::JobRequest;
};

struct Result {
    static constexpr MessageType kType = MessageType::Result;
    std::uint32_t jobId;
    std::uint8_t cancelled;
    std::uint8_t reserved[3];
    std::int64_t result;
    std::int64_t beginNs;
    std::int64_t endNs;
};
static_assert(sizeof(Result) == 32);

struct Bye {
    static constexpr MessageType kType = MessageType::Bye;
    std::uint64_t tasksDone;
    std::int64_t cpuNs; // the child's own CLOCK_PROCESS_CPUTIME_ID
    std::uint64_t gilAcquisitions;
    std::uint64_t gilSwitches;
    std::uint64_t gilDropRequests;
    std::int64_t gilWaitNs;
};
static_assert(sizeof(Bye) == 48);

// From a producer: item `seq` is on the queue (Cotyledon's queue.put(i)).
struct Item {
    static constexpr MessageType kType = MessageType::Item;
    std::uint32_t seq;
    std::uint32_t reserved;
    std::int64_t producedNs;
};
static_assert(sizeof(Item) == 16);

// Carries two fds (SCM_RIGHTS): the child's socket, then its ring.
struct Fork {
    static constexpr MessageType kType = MessageType::Fork;
    std::uint32_t requestId;
    std::uint32_t workerId;
    std::int64_t requestNs; // for the child's first event, written at once
};
static_assert(sizeof(Fork) == 16);

struct ServerReady {
    static constexpr MessageType kType = MessageType::ServerReady;
    std::int32_t pid;
    std::int32_t reserved;
};
static_assert(sizeof(ServerReady) == 8);

struct Forked {
    static constexpr MessageType kType = MessageType::Forked;
    std::uint32_t requestId;
    std::int32_t pid;
};
static_assert(sizeof(Forked) == 8);

struct ForkFailed {
    static constexpr MessageType kType = MessageType::ForkFailed;
    std::uint32_t requestId;
    std::int32_t error; // errno of the failed clone
};
static_assert(sizeof(ForkFailed) == 8);

// The prefork scenario's requests, over TCP on 127.0.0.1 (not the control
// socket): one connection per request, the client sends a Request, the
// server that accept()ed it answers with a Response and closes.
constexpr std::uint32_t kRequestMagic = 0x51525053; // "SPRQ"
constexpr std::uint32_t kResponseMagic = 0x53525053; // "SPRS"

struct Request {
    std::uint32_t magic; // kRequestMagic
    std::uint32_t index; // the request's number, echoed in the Response
    std::int64_t count; // sum_random's count: the work the request asks for
    std::uint64_t seed;
};
static_assert(sizeof(Request) == 24);

struct Response {
    std::uint32_t magic; // kResponseMagic
    std::uint32_t index;
    std::uint32_t workerId; // the lane of the process that served it
    std::int32_t pid;
    std::int64_t result;
    std::int64_t beginNs; // the work, as the server's TaskBegin / TaskEnd
    std::int64_t endNs;
};
static_assert(sizeof(Response) == 40);

// Payload size and fd count each type must have; false for an unknown type.
constexpr bool expectedShape(std::uint16_t type, std::uint32_t* payload, int* fds)
{
    *fds = 0;
    switch (static_cast<MessageType>(type)) {
    case MessageType::Hello:
        *payload = sizeof(Hello);
        return true;
    case MessageType::Job:
        *payload = sizeof(Job);
        return true;
    case MessageType::PoisonPill:
        *payload = 0;
        return true;
    case MessageType::Produce:
        *payload = sizeof(Produce);
        return true;
    case MessageType::Serve:
        *payload = 0;
        *fds = 1;
        return true;
    case MessageType::Item:
        *payload = sizeof(Item);
        return true;
    case MessageType::Ready:
        *payload = sizeof(Ready);
        return true;
    case MessageType::JobRequest:
        *payload = 0;
        return true;
    case MessageType::Result:
        *payload = sizeof(Result);
        return true;
    case MessageType::Bye:
        *payload = sizeof(Bye);
        return true;
    case MessageType::Fork:
        *payload = sizeof(Fork);
        *fds = 2;
        return true;
    case MessageType::ServerReady:
        *payload = sizeof(ServerReady);
        return true;
    case MessageType::Forked:
        *payload = sizeof(Forked);
        return true;
    case MessageType::ForkFailed:
        *payload = sizeof(ForkFailed);
        return true;
    }
    return false;
}

const char* typeName(MessageType type);

template <typename T>
constexpr std::uint32_t payloadSize()
{
    return std::is_empty_v<T> ? 0 : static_cast<std::uint32_t>(sizeof(T));
}

} // namespace spindle::wire

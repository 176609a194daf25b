#include "runtime/processprotocol.h"

namespace spindle::wire {

const char* typeName(MessageType type)
{
    switch (type) {
    case MessageType::Hello:
        return "Hello";
    case MessageType::Job:
        return "Job";
    case MessageType::PoisonPill:
        return "PoisonPill";
    case MessageType::Produce:
        return "Produce";
    case MessageType::Serve:
        return "Serve";
    case MessageType::Item:
        return "Item";
    case MessageType::Ready:
        return "Ready";
    case MessageType::JobRequest:
        return "JobRequest";
    case MessageType::Result:
        return "Result";
    case MessageType::Bye:
        return "Bye";
    case MessageType::Fork:
        return "Fork";
    case MessageType::ServerReady:
        return "ServerReady";
    case MessageType::Forked:
        return "Forked";
    case MessageType::ForkFailed:
        return "ForkFailed";
    }
    return "unknown";
}

} // namespace spindle::wire

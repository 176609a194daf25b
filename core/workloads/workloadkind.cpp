#include "workloads/workloadkind.h"

namespace spindle {

std::string_view toString(WorkloadKind kind)
{
    switch (kind) {
    case WorkloadKind::IsPrime: return "is_prime";
    case WorkloadKind::SumRandom: return "sum_random";
    case WorkloadKind::Sleep: return "sleep";
    case WorkloadKind::BlockingSleep: return "blocking_sleep";
    case WorkloadKind::Io: return "io";
    case WorkloadKind::Nap: return "nap";
    }
    return "unknown";
}

std::optional<WorkloadKind> parseWorkloadKind(std::string_view name)
{
    for (int i = 0; i < kWorkloadKindCount; ++i) {
        const auto kind = static_cast<WorkloadKind>(i);
        if (toString(kind) == name)
            return kind;
    }
    return std::nullopt;
}

} // namespace spindle

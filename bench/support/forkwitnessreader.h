#pragma once
// process_bench's side of the fork witness: the page, mapped from a file
// that every spindle-worker started meanwhile maps too, with the witness
// (forkwitness.cpp) preloaded into it through LD_PRELOAD. Set up for the
// fork-server row only, between runs, while no other thread of the program
// reads the environment; destroying it puts the environment back.

#include "support/forkwitness.h"

#include <cstdint>
#include <optional>
#include <string>
#include <sys/types.h>

namespace spindle {

class ForkWitnessReader {
public:
    ForkWitnessReader();
    ~ForkWitnessReader();
    ForkWitnessReader(const ForkWitnessReader&) = delete;
    ForkWitnessReader& operator=(const ForkWitnessReader&) = delete;

    // False if the page or the library next to this program is missing.
    bool ready() const { return m_ready; }
    // The first instruction of the child `pid`, as the witness stamped it; -1 if unseen.
    std::int64_t firstNs(pid_t pid) const;

private:
    std::string m_path;
    ForkWitnessPage* m_page = nullptr;
    std::optional<std::string> m_preloadBefore;
    bool m_ready = false;
};

} // namespace spindle

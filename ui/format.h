#pragma once
// How numbers read in the window: durations with a sensible unit, task calls
// as the book writes them (is_prime(n) → prime), model names.

#include "model/runspec.h"
#include "session/timelinemodel.h"

#include <QString>

#include <cstdint>
#include <string_view>

namespace spindle {

class Format {
public:
    // "850 µs", "12.3 ms", "2.41 s"
    static QString duration(std::int64_t ns);
    // "1,234 ms"
    static QString milliseconds(std::int64_t ns);
    // "is_prime(142702110479723) → prime (0.23 s)"
    static QString task(const TimelineTask& task);
    static QString text(std::string_view s);
    static QString model(Model model) { return text(toString(model)); }
    static QString flavour(Flavour flavour) { return text(toString(flavour)); }
};

} // namespace spindle

#pragma once
// The fixed colours of worker states: the same state has the same colour in
// every chart, legend, screenshot and theme, so a workshop audience learns
// them once (green runs, red waits for a lock, blue sleeps ...).

#include "model/event.h"

#include <QColor>
#include <QList>
#include <QString>

namespace spindle {

class StatePalette {
public:
    struct Entry {
        QString label;
        QColor colour;
    };

    static QColor colour(WorkerState state);
    // False for states drawn as nothing (exited): the lane is simply empty.
    static bool isDrawn(WorkerState state);
    // What the legend lists, states that share a colour on one entry.
    static QList<Entry> legend();
    // Readable text on top of the state's colour.
    static QColor textOn(WorkerState state);
};

} // namespace spindle

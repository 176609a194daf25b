#pragma once
// The window's look as a value: light or dark, and presentation mode (large
// fonts, high contrast) for a projector at the back of a workshop room. Every
// widget and chart takes its colours from here; state colours never change.

#include <QColor>
#include <QFont>
#include <QPalette>

namespace spindle {

struct Theme {
    bool dark = false;
    bool presentation = false;
    QColor window;
    QColor base;
    QColor text;
    QColor mutedText;
    QColor grid;
    QColor axis;
    QColor plotBackground;
    QColor laneBackground; // every other lane, so long rows stay readable
    QColor accent;
    QColor alarm; // frozen badges, validation messages
    double fontScale = 1.0; // of the application font
    double lineWidth = 1.5;

    static Theme make(bool dark, bool presentation);
    QPalette palette() const;
    // The application font is scaled by fontScale once (MainWindow); charts
    // derive their fonts from it with this.
    static QFont font(const QFont& base, double extraScale = 1.0, bool bold = false);
};

} // namespace spindle

#include "theme.h"

namespace spindle {

Theme Theme::make(bool dark, bool presentation)
{
    Theme t;
    t.dark = dark;
    t.presentation = presentation;
    if (dark) {
        t.window = QColor(0x26, 0x28, 0x2c);
        t.base = QColor(0x1c, 0x1d, 0x20);
        t.text = presentation ? Qt::white : QColor(0xe6, 0xe7, 0xe9);
        t.mutedText = presentation ? QColor(0xd0, 0xd0, 0xd0) : QColor(0xa0, 0xa4, 0xaa);
        t.grid = QColor(0x3a, 0x3d, 0x42);
        t.axis = presentation ? Qt::white : QColor(0xb8, 0xbb, 0xc0);
        t.plotBackground = QColor(0x1c, 0x1d, 0x20);
        t.laneBackground = QColor(0x24, 0x26, 0x2a);
        t.accent = QColor(0x5c, 0x9d, 0xff);
        t.alarm = QColor(0xff, 0x52, 0x52);
    } else {
        t.window = QColor(0xf3, 0xf4, 0xf6);
        t.base = Qt::white;
        t.text = presentation ? Qt::black : QColor(0x1f, 0x23, 0x28);
        t.mutedText = presentation ? QColor(0x30, 0x30, 0x30) : QColor(0x5f, 0x66, 0x6d);
        t.grid = QColor(0xe2, 0xe4, 0xe8);
        t.axis = presentation ? Qt::black : QColor(0x44, 0x4a, 0x52);
        t.plotBackground = Qt::white;
        t.laneBackground = QColor(0xf6, 0xf7, 0xf9);
        t.accent = QColor(0x1f, 0x6f, 0xeb);
        t.alarm = QColor(0xd3, 0x2f, 0x2f);
    }
    t.fontScale = presentation ? 1.35 : 1.0;
    t.lineWidth = presentation ? 2.5 : 1.5;
    return t;
}

QPalette Theme::palette() const
{
    QPalette p;
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, laneBackground);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, dark ? QColor(0x33, 0x36, 0x3b) : QColor(0xfa, 0xfa, 0xfb));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::ToolTipBase, dark ? QColor(0x33, 0x36, 0x3b) : QColor(0xff, 0xff, 0xf0));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, mutedText);
    p.setColor(QPalette::Highlight, accent);
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, accent);
    p.setColor(QPalette::Mid, grid);
    p.setColor(QPalette::Disabled, QPalette::Text, mutedText);
    p.setColor(QPalette::Disabled, QPalette::WindowText, mutedText);
    p.setColor(QPalette::Disabled, QPalette::ButtonText, mutedText);
    return p;
}

QFont Theme::font(const QFont& base, double extraScale, bool bold)
{
    QFont f = base;
    const double size = base.pointSizeF() > 0 ? base.pointSizeF() : 9.0;
    f.setPointSizeF(size * extraScale);
    f.setBold(bold);
    return f;
}

} // namespace spindle

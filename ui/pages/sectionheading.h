#pragma once
// The bold title over a section of a page, the same on every page.

#include <QString>

class QLabel;

namespace spindle {

QLabel* sectionHeading(const QString& text);

} // namespace spindle

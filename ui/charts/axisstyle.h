#pragma once
// One look for every chart's axes, taken from the theme: the axis, tick and
// grid pens, the label colours and fonts. A chart that differs (no sub-grid,
// bold lane names, smaller tick labels) adjusts after it.

#include "theme.h"

#include <qcustomplot.h>

namespace spindle {

void styleAxis(QCPAxis* axis, const Theme& theme, const QFont& tickFont, const QFont& labelFont);
// Every axis of the rect, ticks and labels in `font`, and the rect's background.
void styleAxisRect(QCPAxisRect* rect, const Theme& theme, const QFont& font);

} // namespace spindle

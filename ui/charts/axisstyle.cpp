#include "charts/axisstyle.h"

namespace spindle {

void styleAxis(QCPAxis* axis, const Theme& theme, const QFont& tickFont, const QFont& labelFont)
{
    axis->setBasePen(QPen(theme.axis, 1));
    axis->setTickPen(QPen(theme.axis, 1));
    axis->setSubTickPen(QPen(theme.axis, 1));
    axis->setTickLabelColor(theme.text);
    axis->setLabelColor(theme.mutedText);
    axis->setTickLabelFont(tickFont);
    axis->setLabelFont(labelFont);
    axis->grid()->setPen(QPen(theme.grid, 1));
}

void styleAxisRect(QCPAxisRect* rect, const Theme& theme, const QFont& font)
{
    for (QCPAxis* axis : rect->axes())
        styleAxis(axis, theme, font, font);
    rect->setBackground(theme.plotBackground);
}

} // namespace spindle

#include "charts/statelegend.h"

#include "charts/statepalette.h"

#include <QEvent>
#include <QPainter>

namespace spindle {

namespace {
constexpr int kGap = 14;
} // namespace

StateLegend::StateLegend(QWidget* parent) : QWidget(parent)
{
    QSizePolicy policy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
}

void StateLegend::applyTheme(const Theme& theme)
{
    m_theme = theme;
    updateGeometry();
    update();
}

QList<QRect> StateLegend::layoutFor(int width) const
{
    const QFontMetrics fm(font());
    const int chip = fm.height() - 2;
    const int rowHeight = fm.height() + 4;
    QList<QRect> rects;
    int x = 0;
    int y = 0;
    int right = 0;
    for (const StatePalette::Entry& e : StatePalette::legend()) {
        const int w = chip + 5 + fm.horizontalAdvance(e.label);
        if (x > 0 && x + w > width) {
            x = 0;
            y += rowHeight;
        }
        rects << QRect(x, y, w, rowHeight);
        x += w + kGap;
        right = std::max(right, x - kGap);
    }
    rects << QRect(0, 0, right, y + rowHeight);
    return rects;
}

int StateLegend::heightForWidth(int width) const
{
    return layoutFor(width).last().height();
}

QSize StateLegend::sizeHint() const
{
    return layoutFor(QWIDGETSIZE_MAX).last().size();
}

QSize StateLegend::minimumSizeHint() const
{
    return QSize(120, QFontMetrics(font()).height() + 4);
}

void StateLegend::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QFontMetrics fm(font());
    const int chip = fm.height() - 2;
    const QList<QRect> rects = layoutFor(width());
    const QList<StatePalette::Entry> entries = StatePalette::legend();
    for (int i = 0; i < entries.size(); ++i) {
        const QRect r = rects[i];
        const QRect chipRect(r.left(), r.top() + (r.height() - chip) / 2, chip, chip);
        p.setPen(m_theme.dark ? QColor(255, 255, 255, 90) : QColor(0, 0, 0, 60));
        p.setBrush(entries[i].colour);
        p.drawRoundedRect(chipRect, 3, 3);
        p.setPen(m_theme.text);
        p.drawText(QRect(chipRect.right() + 6, r.top(), r.width() - chip - 5, r.height()),
            Qt::AlignVCenter | Qt::AlignLeft, entries[i].label);
    }
}

void StateLegend::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::FontChange)
        updateGeometry();
    QWidget::changeEvent(event);
}

} // namespace spindle

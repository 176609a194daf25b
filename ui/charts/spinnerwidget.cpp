#include "charts/spinnerwidget.h"

#include "format.h"

#include <QPainter>
#include <QPainterPath>

namespace spindle {

SpinnerWidget::SpinnerWidget(const QString& title, QWidget* parent) : QWidget(parent), m_title(title)
{
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
}

void SpinnerWidget::setTitle(const QString& title)
{
    m_title = title;
    update();
}

void SpinnerWidget::setDetail(const QString& detail)
{
    m_detail = detail;
    update();
}

void SpinnerWidget::setIntervalMs(int ms)
{
    m_intervalMs = std::max(1, ms);
    update();
}

void SpinnerWidget::setStatus(const Status& status)
{
    m_status = status;
    if (isFrozen())
        m_wasFrozen = true;
    update();
}

void SpinnerWidget::applyTheme(const Theme& theme)
{
    m_theme = theme;
    updateGeometry();
    update();
}

void SpinnerWidget::reset()
{
    m_status = Status {};
    m_wasFrozen = false;
    update();
}

std::int64_t SpinnerWidget::currentGapNs() const
{
    if (m_status.nowNs == 0)
        return 0;
    const std::int64_t since = m_status.lastFrameNs.value_or(m_status.startNs);
    const std::int64_t until = m_status.stoppedNs.value_or(m_status.nowNs);
    return std::max<std::int64_t>(0, until - since);
}

bool SpinnerWidget::isFrozen() const
{
    return !m_status.stoppedNs && m_status.nowNs != 0
        && currentGapNs() > 2 * static_cast<std::int64_t>(m_intervalMs) * 1'000'000;
}

QSize SpinnerWidget::sizeHint() const
{
    const QFontMetrics fm(font());
    return QSize(
        std::max(220, fm.horizontalAdvance(QStringLiteral("frames 000 · longest gap 0,000 ms")) + 76),
        std::max(84, 5 * fm.height() + 6));
}

QSize SpinnerWidget::minimumSizeHint() const
{
    return QSize(180, sizeHint().height());
}

void SpinnerWidget::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF r = QRectF(rect()).adjusted(1, 1, -1, -1);
    const bool frozen = isFrozen();
    p.setPen(QPen(frozen ? m_theme.alarm : m_theme.grid, frozen ? 2 : 1));
    p.setBrush(m_theme.base);
    p.drawRoundedRect(r, 8, 8);

    // The glyph: one step per frame, eight steps a turn.
    const QFontMetrics fm(font());
    const double d = std::min(r.height() - 2.0 * fm.height() - 14, 56.0);
    const QRectF circle(r.left() + 12, r.top() + 10, d, d);
    const int step = static_cast<int>(m_status.frames % 8);
    p.setPen(QPen(m_theme.grid, 6, Qt::SolidLine, Qt::RoundCap));
    p.setBrush(Qt::NoBrush);
    p.drawEllipse(circle);
    const QColor arc = frozen ? m_theme.alarm : (m_status.stoppedNs ? m_theme.mutedText : m_theme.accent);
    p.setPen(QPen(arc, 6, Qt::SolidLine, Qt::RoundCap));
    p.drawArc(circle, (90 - step * 45) * 16, -100 * 16);
    static const char glyphs[] = {'|', '/', '-', '\\'};
    QFont glyphFont = Theme::font(font(), 1.4, true);
    glyphFont.setFamily(QStringLiteral("DejaVu Sans Mono"));
    p.setFont(glyphFont);
    p.setPen(m_theme.text);
    p.drawText(circle, Qt::AlignCenter, QString(QLatin1Char(glyphs[m_status.frames % 4])));

    // Title and figures beside it.
    const double textLeft = circle.right() + 12;
    const QRectF textArea(textLeft, r.top() + 8, r.right() - textLeft - 8, r.height() - 16);
    p.setFont(Theme::font(font(), 1.0, true));
    p.setPen(m_theme.text);
    const QFontMetrics bold(p.font());
    p.drawText(QRectF(textArea.left(), textArea.top(), textArea.width(), bold.height()), Qt::AlignLeft,
        bold.elidedText(m_title, Qt::ElideRight, static_cast<int>(textArea.width())));
    p.setFont(font());
    p.setPen(m_theme.mutedText);
    QString frames = m_status.frames == 1 ? tr("1 frame") : tr("%1 frames").arg(m_status.frames);
    if (!m_detail.isEmpty())
        frames = m_detail + QStringLiteral(" · ") + frames;
    p.drawText(QRectF(textArea.left(), textArea.top() + bold.height() + 2, textArea.width(), fm.height()),
        Qt::AlignLeft, frames);
    const bool longGap = m_status.longestGapNs > 2 * static_cast<std::int64_t>(m_intervalMs) * 1'000'000;
    p.setPen(longGap ? m_theme.alarm : m_theme.mutedText);
    p.drawText(QRectF(textArea.left(), textArea.top() + bold.height() + fm.height() + 4, textArea.width(),
                   fm.height()),
        Qt::AlignLeft, tr("longest gap %1").arg(Format::milliseconds(m_status.longestGapNs)));

    // The badge, only while frames are overdue.
    if (frozen) {
        const QString text = tr("frozen %1").arg(Format::milliseconds(currentGapNs()));
        QFont badgeFont = Theme::font(font(), 1.0, true);
        p.setFont(badgeFont);
        const QFontMetrics bm(badgeFont);
        const QRectF badge(textArea.left() - 2, r.bottom() - bm.height() - 10,
            bm.horizontalAdvance(text) + 16, bm.height() + 4);
        p.setPen(Qt::NoPen);
        p.setBrush(m_theme.alarm);
        p.drawRoundedRect(badge, 6, 6);
        p.setPen(Qt::white);
        p.drawText(badge, Qt::AlignCenter, text);
    }
}

} // namespace spindle

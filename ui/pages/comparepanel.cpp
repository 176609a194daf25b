#include "pages/comparepanel.h"

#include "pages/comparisontable.h"

namespace spindle {

ComparePanel::ComparePanel(const QString& title, QWidget* parent) : TimelineChart(parent), m_titleText(title)
{
    plotLayout()->insertRow(0);
    m_title = new QCPTextElement(this);
    m_title->setMargins(QMargins(6, 4, 6, 0));
    plotLayout()->addElement(0, 0, m_title);
    setAccessibleName(tr("Timeline — %1").arg(title));
    setMinimumHeight(110);
    updateText();
}

void ComparePanel::setTitle(const QString& title)
{
    m_titleText = title;
    setAccessibleName(tr("Timeline — %1").arg(title));
    updateText();
}

void ComparePanel::setDetail(const QString& detail, bool best)
{
    if (detail == m_detailText && best == m_best)
        return;
    m_detailText = detail;
    m_best = best;
    updateText();
}

void ComparePanel::applyPanelTheme(const Theme& theme)
{
    m_panelTheme = theme;
    applyTheme(theme);
    updateText();
}

void ComparePanel::updateText()
{
    m_title->setFont(Theme::font(font(), 1.05, true));
    m_title->setTextColor(m_best ? ComparisonTable::bestColour(m_panelTheme) : m_panelTheme.text);
    m_title->setText(
        m_detailText.isEmpty() ? m_titleText : QStringLiteral("%1 — %2").arg(m_titleText, m_detailText));
    replot(rpQueuedReplot);
}

void ComparePanel::setLabelWidth(int pixels)
{
    if (axisRect()->minimumMargins().left() == pixels)
        return;
    axisRect()->setMinimumMargins(QMargins(pixels, 0, 0, 0));
    replot(rpQueuedReplot);
}

int ComparePanel::wantedLabelWidth() const
{
    return axisRect()->margins().left();
}

} // namespace spindle

#pragma once
// One lane of a comparison: the timeline of one model × flavour run with its
// title inside the plot ("threads · python — 2.41 s · 1.65×"), so that an
// exported chart still says what it shows. The compare page stacks panels on
// one time axis and keeps their lane labels equally wide.

#include "charts/timelinechart.h"

namespace spindle {

class ComparePanel : public TimelineChart {
    Q_OBJECT
public:
    explicit ComparePanel(const QString& title, QWidget* parent = nullptr);

    void setTitle(const QString& title);
    QString title() const { return m_titleText; }
    // The second part of the title: state while running, figures after.
    void setDetail(const QString& detail, bool best = false);
    QString detail() const { return m_detailText; }
    void applyPanelTheme(const Theme& theme);
    // Lane labels this wide at least, so stacked panels share one time axis.
    void setLabelWidth(int pixels);
    // How wide the lane labels want to be (after the latest layout).
    int wantedLabelWidth() const;

private:
    void updateText();

    QCPTextElement* m_title = nullptr;
    QString m_titleText;
    QString m_detailText;
    bool m_best = false;
    Theme m_panelTheme = Theme::make(false, false);
};

} // namespace spindle

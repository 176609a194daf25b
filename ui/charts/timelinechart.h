#pragma once
// The timeline widget: a QCustomPlot holding one TimelinePlot, lane names on
// the y axis, seconds since the run's start on the x axis. Zoom and pan act
// on time only (wheel, drag, + - ← → Home End); while a run goes on the view
// follows "now" until the user pans away. Hovering a bar tells its lane,
// state, how long it lasted and the task it belongs to.

#include "charts/opaqueplot.h"
#include "session/timelinemodel.h"
#include "theme.h"

#include <qcustomplot.h>

#include <memory>

class QScrollBar;

namespace spindle {

class TimelinePlot;

class TimelineChart : public OpaquePlot {
    Q_OBJECT
public:
    explicit TimelineChart(QWidget* parent = nullptr);

    void setModel(std::shared_ptr<const TimelineModel> model);
    const TimelineModel* model() const;
    TimelinePlot* plot() const { return m_plot; }
    void applyTheme(const Theme& theme);

    // After new data arrived: lane labels, the followed range, a queued replot.
    void refresh();
    void zoomIn();
    void zoomOut();
    // The whole run; while it runs, that means following it as it grows.
    void fitAll();
    // Moves the view by a fraction of its width (negative = earlier).
    void panBy(double fraction);
    void setFollow(bool follow);
    bool following() const { return m_follow; }
    // What the tooltip at pos (widget coordinates) says; empty off the lanes.
    QString tooltipAt(const QPoint& pos) const;

signals:
    void followChanged(bool following);
    // The visible time range in seconds since the run's start.
    void timeRangeChanged(double lower, double upper);

protected:
    void keyPressEvent(QKeyEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    void setTimeRange(double lower, double upper);
    void updateLanes(bool force);
    void scrollLanes(int delta);
    void showLanes(int first);
    void placeScrollBar();
    int lanesThatFit() const;
    double nowSeconds() const;

    TimelinePlot* m_plot = nullptr;
    QScrollBar* m_laneScroll = nullptr; // shown when not every lane fits
    std::shared_ptr<const TimelineModel> m_model;
    QSharedPointer<QCPAxisTickerText> m_laneTicker;
    Theme m_theme = Theme::make(false, false);
    std::uint64_t m_layoutVersion = ~std::uint64_t {0};
    int m_firstLane = 0;
    int m_shownLanes = 0;
    bool m_follow = true;
    double m_followWidth = 0; // 0 = grow with the run; else a fixed width that scrolls
    bool m_sawFinished = false;
    bool m_settingRange = false;
};

} // namespace spindle

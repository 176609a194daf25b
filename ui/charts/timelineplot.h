#pragma once
// The timeline as a QCustomPlot plottable: key = seconds since the run's
// start, value = lane index (lane 0 on top). draw() asks the TimelineModel
// for the visible lanes and time range only, at the current pixel width, and
// paints one rectangle per (possibly merged) item, task markers, spinner
// frame ticks, process group separators and the "now" line.

#include "session/timelinemodel.h"
#include "theme.h"

#include <qcustomplot.h>

#include <memory>

namespace spindle {

class TimelinePlot : public QCPAbstractPlottable {
    Q_OBJECT
public:
    TimelinePlot(QCPAxis* keyAxis, QCPAxis* valueAxis);

    void setModel(std::shared_ptr<const TimelineModel> model);
    const TimelineModel* model() const { return m_model.get(); }
    void setTheme(const Theme& theme) { m_theme = theme; }

    // Seconds on the axis <-> CLOCK_MONOTONIC ns of the model.
    double toSeconds(std::int64_t ns) const;
    std::int64_t toNs(double seconds) const;
    // Height of a bar in pixels for a lane `laneHeight` pixels tall.
    static double barHeight(double laneHeight);

    double selectTest(const QPointF& pos, bool onlySelectable, QVariant* details = nullptr) const override;
    QCPRange getKeyRange(bool& foundRange, QCP::SignDomain inSignDomain = QCP::sdBoth) const override;
    QCPRange getValueRange(bool& foundRange, QCP::SignDomain inSignDomain = QCP::sdBoth,
        const QCPRange& inKeyRange = QCPRange()) const override;

    // Items drawn by the latest draw() (tests and the frame-budget check).
    std::size_t lastItemCount() const { return m_lastItems; }

protected:
    void draw(QCPPainter* painter) override;
    void drawLegendIcon(QCPPainter* painter, const QRectF& rect) const override;

private:
    // Pre-drawn task markers for one size, pixel ratio and theme.
    struct MarkerStamps {
        double size = -1;
        double pixelRatio = -1;
        bool dark = false;
        QPixmap begin;
        QPixmap end;
        QPointF beginOffset; // the anchor's place inside each image
        QPointF endOffset;
    };
    const MarkerStamps& markerStamps(double size, double pixelRatio);
    // A task marker's triangle, its tip at anchor (the edge of the bar).
    static QPolygonF markerShape(QPointF anchor, bool begin, double size);

    std::shared_ptr<const TimelineModel> m_model;
    Theme m_theme = Theme::make(false, false);
    std::size_t m_lastItems = 0;
    MarkerStamps m_stamps;
};

} // namespace spindle

// The CPU chart's value axis in any size and print: round percentage steps,
// as fine as fit, so that their labels never touch, in presentation mode's
// large print too.

#include "charts/cpuchart.h"
#include "uitestsupport.h"

#include <QFontMetrics>

#include <gtest/gtest.h>

using namespace spindle;

namespace {

// Two threads busy for two seconds: the whole run reads 200 %.
std::shared_ptr<TimelineModel> twoBusyThreads()
{
    auto model = std::make_shared<TimelineModel>();
    constexpr std::int64_t kT0 = 1'000'000'000;
    model->setOriginNs(kT0);
    EventBatch b;
    b.runId = 1;
    for (std::uint32_t w = 0; w < 2; ++w) {
        WorkerInfo info;
        info.id = w;
        info.pid = 100;
        info.tid = static_cast<pid_t>(101 + w);
        info.name = QStringLiteral("thread %1").arg(w);
        b.newWorkers.push_back(info);
        b.events.push_back(
            Event {kT0, 0, w, EventKind::State, static_cast<std::uint8_t>(WorkerState::Running), 0});
    }
    for (std::int64_t t = kT0 + 50'000'000; t <= kT0 + 2'000'000'000; t += 50'000'000) {
        for (std::uint32_t w = 0; w < 2; ++w)
            b.threadCpu.push_back(ThreadCpuSample {t, w, t - kT0, 0});
    }
    b.tNs = kT0 + 2'000'000'000;
    model->ingest(b);
    return model;
}

// The workers' value axis: its labels, their step, and the smallest gap
// between neighbouring labels in pixels.
struct Ticks {
    double gapPx = 1e9;
    int labels = 0;
    double step = 0;
};

Ticks ticksOf(CpuChart& chart)
{
    QCPAxis* axis = chart.axisRect(0)->axis(QCPAxis::atLeft);
    const QVector<double> ticks = axis->tickVector();
    Ticks t;
    t.labels = static_cast<int>(ticks.size());
    t.step = ticks.size() > 1 ? ticks[1] - ticks[0] : 0;
    for (int i = 1; i < ticks.size(); ++i)
        t.gapPx
            = std::min(t.gapPx, std::abs(axis->coordToPixel(ticks[i]) - axis->coordToPixel(ticks[i - 1])));
    return t;
}

} // namespace

TEST(CpuChart, ValueTicksNeverCrowdTheirLabelsInAnySizeOrPrint)
{
    const auto model = twoBusyThreads();
    for (const bool presentation : {false, true}) {
        for (const int height : {140, 150, 160, 170, 180, 200, 240, 320}) {
            SCOPED_TRACE((presentation ? "presentation, " : "normal, ") + std::to_string(height) + " px");
            CpuChart chart;
            QFont font = chart.font();
            if (presentation)
                font.setPointSizeF(font.pointSizeF() * Theme::make(true, true).fontScale);
            chart.setFont(font);
            chart.applyTheme(Theme::make(presentation, presentation));
            chart.resize(900, height);
            chart.setModel(model);
            chart.setTimeRange(0, 2);
            chart.show();
            chart.refresh();
            chart.replot(QCustomPlot::rpImmediateRefresh);
            chart.refresh(); // the layout is known now
            chart.replot(QCustomPlot::rpImmediateRefresh);
            ASSERT_GT(chart.runPeakPct(), 150.0) << "the whole run is not shown at 200 %";
            const Ticks t = ticksOf(chart);
            const int lineHeight
                = QFontMetrics(chart.axisRect(0)->axis(QCPAxis::atLeft)->tickLabelFont()).height();
            EXPECT_GE(t.labels, 2) << "a value axis needs two labels at least";
            EXPECT_GE(t.gapPx, lineHeight)
                << t.labels << " labels " << t.gapPx << " px apart, a line is " << lineHeight;
            // Round steps, read at a glance: 0 / 100 / 200, never 0 / 150.
            EXPECT_TRUE(t.step == 50 || t.step == 100 || t.step == 200) << "a step of " << t.step << " %";
        }
    }
}

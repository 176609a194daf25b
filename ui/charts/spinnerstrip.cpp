#include "charts/spinnerstrip.h"

#include "format.h"
#include "model/clock.h"

#include <QLabel>
#include <QVBoxLayout>

namespace spindle {

SpinnerStrip::SpinnerStrip(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    m_runColumn = new QVBoxLayout;
    m_runColumn->setSpacing(6);
    m_emptyLabel = new QLabel(tr("Spinners of the run appear here when its scenario has one."));
    m_emptyLabel->setWordWrap(true);
    m_runColumn->addWidget(m_emptyLabel);
    layout->addLayout(m_runColumn);

    m_guiSpinner = new SpinnerWidget(tr("GUI thread"));
    m_guiSpinner->setDetail(tr("QTimer"));
    m_guiSpinner->setIntervalMs(100);
    layout->addWidget(m_guiSpinner);
    m_freezeLabel = new QLabel;
    m_freezeLabel->setWordWrap(true);
    m_freezeLabel->setVisible(false);
    layout->addWidget(m_freezeLabel);
    layout->addStretch(1);

    m_gui.startNs = monotonicNs();
    m_guiTimer.setInterval(100);
    connect(&m_guiTimer, &QTimer::timeout, this, &SpinnerStrip::guiFrame);
    m_guiTimer.start();
}

void SpinnerStrip::guiFrame()
{
    // A frame of the GUI thread's own loop: it only comes when that loop turns.
    const std::int64_t now = monotonicNs();
    const std::int64_t since = m_gui.lastFrameNs.value_or(m_gui.startNs);
    m_gui.longestGapNs = std::max(m_gui.longestGapNs, now - since);
    m_gui.lastFrameNs = now;
    m_gui.nowNs = now;
    ++m_gui.frames;
    m_guiSpinner->setStatus(m_gui);
}

void SpinnerStrip::setRun(const QString& label, int intervalMs)
{
    m_label = label;
    m_intervalMs = intervalMs;
    qDeleteAll(m_runSpinners);
    m_runSpinners.clear();
    m_emptyLabel->setVisible(true);
}

void SpinnerStrip::sync(const TimelineModel& model)
{
    const std::vector<int> lanes = model.spinnerLanes();
    while (m_runSpinners.size() < static_cast<qsizetype>(lanes.size())) {
        auto* spinner = new SpinnerWidget(QString());
        spinner->setIntervalMs(m_intervalMs);
        spinner->applyTheme(m_theme);
        m_runColumn->addWidget(spinner);
        m_runSpinners << spinner;
    }
    m_emptyLabel->setVisible(m_runSpinners.isEmpty());
    for (std::size_t i = 0; i < lanes.size(); ++i) {
        const int lane = lanes[i];
        const WorkerInfo& info = model.laneInfo(lane);
        SpinnerWidget* spinner = m_runSpinners[static_cast<qsizetype>(i)];
        spinner->setTitle(tr("%1 %2").arg(m_label, info.name));
        spinner->setDetail(QString::fromLatin1(toString(info.kind)));
        SpinnerWidget::Status s;
        s.frames = model.frameCount(lane);
        s.lastFrameNs = model.lastFrameNs(lane);
        s.startNs = model.laneStartNs(lane).value_or(model.originNs());
        s.nowNs = model.nowNs();
        s.stoppedNs = model.laneEndNs(lane);
        if (!s.stoppedNs && model.finished())
            s.stoppedNs = model.nowNs();
        s.longestGapNs = model.longestFrameGapNs(lane);
        spinner->setStatus(s);
    }
}

void SpinnerStrip::showUiFreeze(const GuiFreeze& freeze)
{
    m_freezeLabel->setText(
        tr("The GUI event loop was %1 (measured by the watchdog thread).").arg(freeze.describe()));
    m_freezeLabel->setVisible(true);
}

QString SpinnerStrip::freezeReport() const
{
    return m_freezeLabel->isVisibleTo(this) ? m_freezeLabel->text() : QString();
}

void SpinnerStrip::applyTheme(const Theme& theme)
{
    m_theme = theme;
    for (SpinnerWidget* s : m_runSpinners)
        s->applyTheme(theme);
    m_guiSpinner->applyTheme(theme);
    QPalette p = m_freezeLabel->palette();
    p.setColor(QPalette::WindowText, theme.alarm);
    m_freezeLabel->setPalette(p);
    QPalette muted = m_emptyLabel->palette();
    muted.setColor(QPalette::WindowText, theme.mutedText);
    m_emptyLabel->setPalette(muted);
}

} // namespace spindle

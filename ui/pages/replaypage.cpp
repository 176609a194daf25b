#include "pages/replaypage.h"

#include "background.h"
#include "charts/cpuchart.h"
#include "charts/spinnerstrip.h"
#include "charts/statelegend.h"
#include "charts/timelinechart.h"
#include "format.h"
#include "pages/sectionheading.h"
#include "pages/summarytable.h"

#include <QComboBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QShortcut>
#include <QSlider>
#include <QSplitter>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>

namespace spindle {

namespace {
constexpr int kTickMs = 33; // ~30 frames a second while playing
constexpr double kSpeeds[] = {0.25, 0.5, 1.0, 2.0, 4.0};

QString seconds(std::int64_t ns)
{
    return QStringLiteral("%1 s").arg(static_cast<double>(ns) / 1e9, 0, 'f', 2);
}
} // namespace

ReplayPage::ReplayPage(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->setSpacing(6);
    m_title = sectionHeading(tr("Replay"));
    layout->addWidget(m_title);
    m_noticeLabel = new QLabel;
    m_noticeLabel->setObjectName(QStringLiteral("replay-notice"));
    m_noticeLabel->setWordWrap(true);
    m_noticeLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_noticeLabel->setVisible(false);
    layout->addWidget(m_noticeLabel);
    m_emptyHint = new QLabel(tr("Open a session (File › Open session…, Ctrl+O) to play its runs back here: "
                                "the timeline, CPU and spinners unfold again at 0.25× … 4×, or scrub to any "
                                "moment.\n\nEvery run is also recorded as it happens (File › Open recent)."));
    m_emptyHint->setAlignment(Qt::AlignCenter);
    m_emptyHint->setWordWrap(true);
    layout->addWidget(m_emptyHint, 1);
    m_views = new QWidget;
    auto* viewsLayout = new QVBoxLayout(m_views);
    viewsLayout->setContentsMargins(0, 0, 0, 0);
    viewsLayout->setSpacing(6);
    viewsLayout->addWidget(buildTransport());
    viewsLayout->addWidget(buildViews(), 1);
    m_views->setVisible(false);
    layout->addWidget(m_views, 1);

    m_playTimer.setInterval(kTickMs);
    connect(&m_playTimer, &QTimer::timeout, this, &ReplayPage::tick);
    auto* space = new QShortcut(QKeySequence(Qt::Key_Space), this, this, &ReplayPage::togglePlay);
    space->setContext(Qt::WidgetWithChildrenShortcut);
    applyTheme(m_theme);
    updateTransport();
}

QWidget* ReplayPage::buildTransport()
{
    auto* bar = new QWidget;
    auto* row = new QHBoxLayout(bar);
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(8);
    m_playButton = new QToolButton;
    m_playButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_playButton->setObjectName(QStringLiteral("replay-play"));
    m_playButton->setToolTip(tr("Play or pause the replay (Space)"));
    connect(m_playButton, &QToolButton::clicked, this, &ReplayPage::togglePlay);
    row->addWidget(m_playButton);
    m_speedBox = new QComboBox;
    for (double s : kSpeeds)
        m_speedBox->addItem(QStringLiteral("%1×").arg(s), s);
    m_speedBox->setCurrentIndex(2);
    m_speedBox->setToolTip(tr("Replay speed: 1× is as fast as it happened"));
    row->addWidget(m_speedBox);
    m_scrubber = new QSlider(Qt::Horizontal);
    m_scrubber->setObjectName(QStringLiteral("replay-scrubber"));
    m_scrubber->setToolTip(tr("Drag to any moment of the run: everything up to it is shown"));
    connect(m_scrubber, &QSlider::valueChanged, this, [this](int ms) {
        if (m_replay
            && std::llabs(static_cast<std::int64_t>(ms) * 1'000'000 - m_replay->cursorNs()) >= 1'000'000)
            seek(static_cast<std::int64_t>(ms) * 1'000'000);
    });
    connect(m_scrubber, &QSlider::sliderPressed, this, &ReplayPage::pause);
    row->addWidget(m_scrubber, 1);
    m_timeLabel = new QLabel;
    m_timeLabel->setMinimumWidth(
        m_timeLabel->fontMetrics().horizontalAdvance(QStringLiteral("000.00 s / 000.00 s")));
    m_timeLabel->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    row->addWidget(m_timeLabel);
    return bar;
}

QWidget* ReplayPage::buildViews()
{
    auto* timelineSection = new QWidget;
    auto* tl = new QVBoxLayout(timelineSection);
    tl->setContentsMargins(0, 0, 0, 0);
    tl->setSpacing(4);
    m_legend = new StateLegend;
    tl->addWidget(m_legend);
    m_timeline = new TimelineChart;
    tl->addWidget(m_timeline, 1);
    m_cpu = new CpuChart;
    connect(m_timeline, &TimelineChart::timeRangeChanged, m_cpu, &CpuChart::setTimeRange);

    auto* bottom = new QWidget;
    auto* bl = new QHBoxLayout(bottom);
    bl->setContentsMargins(0, 0, 0, 0);
    bl->setSpacing(10);
    auto* spinnerColumn = new QVBoxLayout;
    spinnerColumn->setContentsMargins(0, 0, 0, 0);
    spinnerColumn->addWidget(sectionHeading(tr("Spinners (as recorded)")));
    m_spinners = new SpinnerStrip;
    spinnerColumn->addWidget(m_spinners, 1);
    auto* spinnerHolder = new QWidget;
    spinnerHolder->setLayout(spinnerColumn);
    spinnerHolder->setFixedWidth(270);
    bl->addWidget(spinnerHolder);
    auto* tableColumn = new QVBoxLayout;
    tableColumn->setContentsMargins(0, 0, 0, 0);
    tableColumn->addWidget(sectionHeading(tr("Runs in this session (click one to replay it)")));
    m_summary = new SummaryTable;
    tableColumn->addWidget(m_summary, 1);
    bl->addLayout(tableColumn, 1);
    connect(m_summary, &SummaryTable::runSelected, this, &ReplayPage::showRun);

    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(timelineSection);
    split->addWidget(m_cpu);
    split->addWidget(bottom);
    split->setStretchFactor(0, 5);
    split->setStretchFactor(1, 3);
    split->setStretchFactor(2, 3);
    split->setSizes({300, 150, 240});
    split->setChildrenCollapsible(false);
    return split;
}

void ReplayPage::setSession(
    const QList<RunResultPtr>& runs, const QString& source, const QStringList& problems)
{
    pause();
    m_runs = runs;
    m_source = source;
    m_problems = problems;
    m_summary->setResults(runs);
    const QString name = QFileInfo(source).fileName().isEmpty() ? source : QFileInfo(source).fileName();
    m_title->setText(tr("Replay — %1 · %n run(s)", nullptr, static_cast<int>(runs.size())).arg(name));
    m_title->setToolTip(source);
    m_noticeLabel->setText(notice());
    m_noticeLabel->setVisible(!problems.isEmpty());
    m_emptyHint->setVisible(runs.isEmpty());
    m_views->setVisible(!runs.isEmpty());
    m_replay.reset();
    m_index = -1;
    if (!runs.isEmpty())
        showRun(0);
    else
        updateTransport();
}

QString ReplayPage::notice() const
{
    if (m_problems.isEmpty())
        return {};
    return tr(
        "Recovered %n run(s); %1. The file was left as it is.", nullptr, static_cast<int>(m_runs.size()))
        .arg(m_problems.join(QStringLiteral("; ")));
}

void ReplayPage::showRun(int index)
{
    if (index < 0 || index >= m_runs.size())
        return;
    pause();
    m_index = index;
    const quint64 generation = ++m_generation;
    m_replay.reset();
    updateTransport();
    m_timeLabel->setText(tr("preparing…"));
    const RunResultPtr run = m_runs[index];
    runInBackground<std::shared_ptr<Replay>>(
        this, [run] { return std::make_shared<Replay>(*run); },
        [this, index, generation](const std::shared_ptr<Replay>& replay) {
            if (generation == m_generation)
                replayBuilt(index, replay);
        });
}

void ReplayPage::replayBuilt(int index, const std::shared_ptr<Replay>& replay)
{
    m_replay = replay;
    const RunResult& run = *m_runs[index];
    m_timeline->setModel(replay->model());
    m_cpu->setModel(replay->model());
    m_spinners->setRun(Format::model(run.spec.model), static_cast<int>(run.spec.spinnerIntervalMs));
    // The axis spans the whole recording, so the cursor moves across a fixed picture.
    m_timeline->setFollow(false);
    m_timeline->xAxis->setRange(0, std::max(0.001, static_cast<double>(replay->durationNs()) / 1e9 * 1.02));
    m_summary->selectRow(index);
    refreshViews();
    emit replayReady(index);
}

std::shared_ptr<const TimelineModel> ReplayPage::model() const
{
    return m_replay ? m_replay->model() : nullptr;
}

void ReplayPage::play()
{
    if (!m_replay || isPlaying())
        return;
    if (m_replay->atEnd())
        seek(0);
    m_clock.start();
    m_playTimer.start();
    updateTransport();
    emit playingChanged(true);
}

void ReplayPage::pause()
{
    if (!isPlaying())
        return;
    m_playTimer.stop();
    updateTransport();
    emit playingChanged(false);
}

void ReplayPage::togglePlay()
{
    if (isPlaying())
        pause();
    else
        play();
}

void ReplayPage::setSpeed(double factor)
{
    int nearest = 0;
    for (int i = 0; i < m_speedBox->count(); ++i) {
        if (std::abs(m_speedBox->itemData(i).toDouble() - factor)
            < std::abs(m_speedBox->itemData(nearest).toDouble() - factor))
            nearest = i;
    }
    m_speedBox->setCurrentIndex(nearest);
}

double ReplayPage::speed() const
{
    return m_speedBox->currentData().toDouble();
}

void ReplayPage::seek(std::int64_t cursorNs)
{
    if (!m_replay)
        return;
    m_replay->seek(cursorNs);
    refreshViews();
}

void ReplayPage::tick()
{
    if (!m_replay) {
        pause();
        return;
    }
    // Wall time since the last tick, not the timer's nominal interval: a
    // late tick moves the cursor further, so 1× stays true to the recording.
    const auto elapsed = static_cast<double>(m_clock.nsecsElapsed());
    m_clock.restart();
    seek(m_replay->cursorNs() + static_cast<std::int64_t>(std::llround(elapsed * speed())));
    if (m_replay->atEnd())
        pause();
}

void ReplayPage::refreshViews()
{
    if (m_replay) {
        m_timeline->refresh();
        m_cpu->refresh();
        m_spinners->sync(*m_replay->model());
    }
    updateTransport();
}

void ReplayPage::updateTransport()
{
    const bool playing = isPlaying();
    m_playButton->setIcon(style()->standardIcon(playing ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
    m_playButton->setText(playing ? tr("Pause") : tr("Play"));
    m_playButton->setEnabled(m_replay != nullptr);
    m_scrubber->setEnabled(m_replay != nullptr);
    if (!m_replay)
        return;
    const QSignalBlocker block(m_scrubber);
    m_scrubber->setRange(0, static_cast<int>(m_replay->durationNs() / 1'000'000));
    m_scrubber->setPageStep(std::max(1, m_scrubber->maximum() / 10));
    m_scrubber->setValue(static_cast<int>(m_replay->cursorNs() / 1'000'000));
    m_timeLabel->setText(
        QStringLiteral("%1 / %2").arg(seconds(m_replay->cursorNs()), seconds(m_replay->durationNs())));
}

void ReplayPage::applyTheme(const Theme& theme)
{
    m_theme = theme;
    m_timeline->applyTheme(theme);
    m_cpu->applyTheme(theme);
    m_legend->applyTheme(theme);
    m_spinners->applyTheme(theme);
    m_summary->applyTheme(theme);
    QPalette alarm = m_noticeLabel->palette();
    alarm.setColor(QPalette::WindowText, theme.alarm);
    m_noticeLabel->setPalette(alarm);
    QPalette muted = m_emptyHint->palette();
    muted.setColor(QPalette::WindowText, theme.mutedText);
    m_emptyHint->setPalette(muted);
}

void ReplayPage::showUiFreeze(const GuiFreeze& freeze)
{
    m_spinners->showUiFreeze(freeze);
}

} // namespace spindle

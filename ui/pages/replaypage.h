#pragma once
// The replay page: the runs of an opened session (or of this window), one
// shown at a time with the live run's views - timeline, CPU chart, spinners -
// and a transport under them: play / pause at 0.25× … 4× and a scrubber.
// Whatever the cursor passes is revealed as it was recorded, so a spinner
// freezes in the replay exactly where it froze in the run. The run's
// recording is cut into batches off the GUI thread (Replay, core/); a
// damaged file's problems are shown above the views.

#include "model/guifreeze.h"
#include "model/runresult.h"
#include "session/replay.h"
#include "theme.h"

#include <QElapsedTimer>
#include <QList>
#include <QStringList>
#include <QTimer>
#include <QWidget>

#include <memory>

class QComboBox;
class QLabel;
class QSlider;
class QToolButton;

namespace spindle {

class CpuChart;
class SpinnerStrip;
class StateLegend;
class SummaryTable;
class TimelineChart;

class ReplayPage : public QWidget {
    Q_OBJECT
public:
    explicit ReplayPage(QWidget* parent = nullptr);

    // The runs to offer (the first is prepared at once); source names where
    // they came from, problems what was wrong with it.
    void setSession(const QList<RunResultPtr>& runs, const QString& source, const QStringList& problems = {});
    const QList<RunResultPtr>& runs() const { return m_runs; }
    QString source() const { return m_source; }
    QString notice() const;
    // Prepares run `index` in the background; replayReady follows.
    void showRun(int index);
    int currentRun() const { return m_index; }
    bool isReady() const { return m_replay != nullptr; }

    void play();
    void pause();
    void togglePlay();
    bool isPlaying() const { return m_playTimer.isActive(); }
    // 0.25, 0.5, 1, 2 or 4 (the nearest is taken).
    void setSpeed(double factor);
    double speed() const;
    // ns since the run's start; clamped to the recording.
    void seek(std::int64_t cursorNs);
    std::int64_t cursorNs() const { return m_replay ? m_replay->cursorNs() : 0; }
    std::int64_t durationNs() const { return m_replay ? m_replay->durationNs() : 0; }
    std::shared_ptr<const TimelineModel> model() const;

    void applyTheme(const Theme& theme);
    void showUiFreeze(const GuiFreeze& freeze);
    TimelineChart* timeline() const { return m_timeline; }
    CpuChart* cpuChart() const { return m_cpu; }
    SpinnerStrip* spinners() const { return m_spinners; }
    SummaryTable* summaryTable() const { return m_summary; }
    QSlider* scrubber() const { return m_scrubber; }
    QToolButton* playButton() const { return m_playButton; }

signals:
    void replayReady(int index);
    void playingChanged(bool playing);

private:
    QWidget* buildTransport();
    QWidget* buildViews();
    void replayBuilt(int index, const std::shared_ptr<Replay>& replay);
    void tick();
    void refreshViews();
    void updateTransport();

    QList<RunResultPtr> m_runs;
    QString m_source;
    QStringList m_problems;
    int m_index = -1;
    quint64 m_generation = 0; // the latest showRun(); older preparations are dropped
    std::shared_ptr<Replay> m_replay;
    QTimer m_playTimer;
    QElapsedTimer m_clock;
    Theme m_theme = Theme::make(false, false);

    QLabel* m_title = nullptr;
    QLabel* m_noticeLabel = nullptr;
    QLabel* m_emptyHint = nullptr;
    QWidget* m_views = nullptr;
    QToolButton* m_playButton = nullptr;
    QComboBox* m_speedBox = nullptr;
    QSlider* m_scrubber = nullptr;
    QLabel* m_timeLabel = nullptr;
    StateLegend* m_legend = nullptr;
    TimelineChart* m_timeline = nullptr;
    CpuChart* m_cpu = nullptr;
    SpinnerStrip* m_spinners = nullptr;
    SummaryTable* m_summary = nullptr;
};

} // namespace spindle

#pragma once
// The compare page: one scenario with its parameters, several models and one
// or both flavours. "Fair" runs them one after another on a quiet machine;
// "race" runs them all at once, one Engine per lane, competing for the
// cores. Every run gets a panel; the panels are stacked on one time axis
// whose zoom and pan move together. Under them the summary table and the
// same figures as bars, the best of each column marked (Comparison, core/).

#include "engine.h"
#include "model/comparison.h"
#include "pages/comparecontrols.h"
#include "scenarios/scenario.h"
#include "session/timelinemodel.h"
#include "theme.h"

#include <QList>
#include <QWidget>

#include <memory>
#include <optional>
#include <vector>

class QComboBox;
class QLabel;
class QPushButton;
class QScrollArea;
class QToolButton;
class QVBoxLayout;

namespace spindle {

class ComparePanel;
class ComparisonBars;
class ComparisonTable;
class ReplotPacer;
class SessionWriter;
class StateLegend;

class ComparePage : public QWidget {
    Q_OBJECT
public:
    explicit ComparePage(QWidget* parent = nullptr);
    ~ComparePage() override;

    bool selectScenario(const QString& id);
    QString scenarioId() const;
    void setParams(const ParamValues& values);
    // Models, flavours, workers and fair or race are chosen here.
    CompareControls* controls() const { return m_controls; }
    // Every run the next start() makes: its engines record into this session file.
    void setSessionWriter(std::shared_ptr<SessionWriter> writer);

    // Runs every ticked model × flavour; refused (with the reason shown) when
    // the parameters are invalid, nothing is ticked or a comparison is going on.
    void start();
    void stop();
    bool isRunning() const { return m_running; }
    bool canRun() const;
    QString lastError() const { return m_lastError; }
    // The finished runs of the latest comparison, in panel order.
    QList<RunResultPtr> results() const;
    const Comparison& comparison() const { return m_comparison; }

    void applyTheme(const Theme& theme);
    int panelCount() const { return static_cast<int>(m_lanes.size()); }
    ComparePanel* panel(int index) const;
    ComparisonTable* table() const { return m_table; }
    ComparisonBars* bars() const { return m_bars; }
    QComboBox* barsColumnBox() const { return m_barsColumn; }
    QPushButton* runButton() const { return m_controls->runButton(); }
    // Back to the whole comparison on the shared axis.
    void fitAll();

signals:
    // Just before the first engine starts: the window hands over the autosave writer.
    void runsStarting();
    void allRunsFinished();
    void runningChanged(bool running);
    void runnableChanged(bool runnable);

private:
    struct Lane {
        RunSpec spec;
        Engine* engine = nullptr;
        std::shared_ptr<TimelineModel> model;
        RunResultPtr result;
        quint64 runId = 0;
        bool started = false;
        QString startError;
        ComparePanel* panel = nullptr;
    };

    QWidget* buildViews();
    void updateButtons();
    void setError(const QString& message);
    void setRunning(bool running);
    void clearLanes();
    Engine* engineFor(int lane);
    void startLane(int index);
    void startNextFair();
    void finishIfDone();
    void onBatch(const EventBatchPtr& batch);
    void onFinished(const RunResultPtr& result);
    Lane* laneOf(quint64 runId);
    void refreshViews();
    void updateSummary();
    void applyRange(double lower, double upper, const ComparePanel* except);
    void autoRange();
    void alignLabels();

    Theme m_theme = Theme::make(false, false);
    std::shared_ptr<SessionWriter> m_writer;

    CompareControls* m_controls = nullptr;

    StateLegend* m_legend = nullptr;
    QLabel* m_hint = nullptr;
    QToolButton* m_fitButton = nullptr;
    QScrollArea* m_panelScroll = nullptr;
    QWidget* m_panelHolder = nullptr;
    QVBoxLayout* m_panelLayout = nullptr;
    QLabel* m_emptyLabel = nullptr;
    ComparisonTable* m_table = nullptr;
    ComparisonBars* m_bars = nullptr;
    QComboBox* m_barsColumn = nullptr;

    std::vector<Lane> m_lanes;
    std::vector<Engine*> m_engines; // owned by the page; reused across comparisons
    Comparison m_comparison;
    CompareMode m_runMode = CompareMode::Fair;
    bool m_running = false;
    bool m_stopRequested = false;
    bool m_runnable = false;
    bool m_userRange = false; // the user zoomed or panned: stop fitting the axis
    bool m_syncing = false; // the page itself is moving the axes
    ReplotPacer* m_pacer = nullptr;
    QString m_lastError;
};

} // namespace spindle

#pragma once
// The page where runs happen: pick a scenario, edit its parameters (checked
// as you type), tick models, choose the flavour and workers, press Run. The
// models run one after another; the page shows the current run live - the
// timeline, CPU chart and spinners - and a summary row for every run done.
// All it computes is drawn from TimelineModel and RunSummary (core/).

#include "engine.h"
#include "model/guifreeze.h"
#include "scenarios/scenario.h"
#include "session/runhistory.h"
#include "session/timelinemodel.h"
#include "theme.h"

#include <QList>
#include <QWidget>

#include <deque>
#include <memory>

class QCheckBox;
class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QSplitter;
class QToolButton;

namespace spindle {

class CpuChart;
class LiveControlsBar;
class ReplotPacer;
class ModelChooser;
class ParamEditor;
class ScalingChart;
class SpinnerStrip;
class StateLegend;
class SummaryTable;
class TimelineChart;

class RunPage : public QWidget {
    Q_OBJECT
public:
    explicit RunPage(Engine* engine, QWidget* parent = nullptr);
    ~RunPage() override;

    bool selectScenario(const QString& id);
    QString scenarioId() const;
    void setParams(const ParamValues& values);
    void setModels(const QList<Model>& models);
    QList<Model> models() const;
    void setFlavour(Flavour flavour);
    // 0 = one per CPU core.
    void setWorkers(int workers);
    // Runs every ticked model in turn; refused (with the reason shown) when
    // the parameters are invalid, no model is ticked or a run is going on.
    void startRuns();
    void stopRuns();
    bool isRunning() const { return m_running; }
    // Every run finished on this page, in order.
    QList<RunResultPtr> results() const;
    // Why the latest start was refused, or empty.
    QString lastError() const { return m_lastError; }
    bool canRun() const;

    void applyTheme(const Theme& theme);
    void showUiFreeze(const GuiFreeze& freeze);

    TimelineChart* timeline() const { return m_timeline; }
    CpuChart* cpuChart() const { return m_cpu; }
    SpinnerStrip* spinners() const { return m_spinners; }
    ParamEditor* paramEditor() const { return m_params; }
    SummaryTable* summaryTable() const { return m_summary; }
    // A sweep's figures (scaling), shown once its first run has finished.
    ScalingChart* scalingChart() const { return m_scaling; }
    // Consumers / Kill while a run that takes them is live (daemons).
    LiveControlsBar* liveControls() const { return m_liveControls; }
    // The scenario's analysis of the latest runs in one line (hidden when it has none).
    QLabel* analysisLabel() const { return m_analysis; }
    QPushButton* runButton() const { return m_runButton; }
    QPushButton* stopButton() const { return m_stopButton; }
    // The model of the run on show (live or selected from the summary).
    std::shared_ptr<const TimelineModel> shownModel() const { return m_shown; }

signals:
    void allRunsFinished();
    void runningChanged(bool running);
    // Whether Run would start something now (parameters valid, a model ticked, idle).
    void runnableChanged(bool runnable);
    void scenarioChanged(const QString& id);

private:
    QWidget* buildControls();
    QWidget* buildViews();
    void scenarioPicked();
    void startNext();
    void onBatch(const EventBatchPtr& batch);
    void onFinished(const RunResultPtr& result);
    void refreshViews();
    void display(const std::shared_ptr<TimelineModel>& model, const QString& label, int intervalMs);
    void showRecord(int index);
    // The scenario's analysis of the runs just finished, as one line.
    void showAnalysis();
    // The finished runs of the latest batch (one press of Run).
    QList<RunResultPtr> batchResults() const;
    // A sweep's chart, from the batch's finished runs (after each one).
    void showSweep();
    void updateButtons();
    void setError(const QString& message);
    void setRunning(bool running);

    Engine* m_engine;
    const Scenario* m_scenario = nullptr;
    Theme m_theme = Theme::make(false, false);

    QWidget* m_controls = nullptr;
    QLabel* m_hint = nullptr;
    QComboBox* m_scenarioBox = nullptr;
    QLabel* m_lesson = nullptr;
    QLabel* m_source = nullptr;
    ParamEditor* m_params = nullptr;
    ModelChooser* m_models = nullptr;
    QComboBox* m_flavourBox = nullptr;
    QSpinBox* m_workersBox = nullptr;
    QPushButton* m_runButton = nullptr;
    QPushButton* m_stopButton = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_analysis = nullptr;
    QLabel* m_error = nullptr;

    QLabel* m_timelineTitle = nullptr;
    StateLegend* m_legend = nullptr;
    QToolButton* m_followButton = nullptr;
    TimelineChart* m_timeline = nullptr;
    CpuChart* m_cpu = nullptr;
    SpinnerStrip* m_spinners = nullptr;
    SummaryTable* m_summary = nullptr;
    ScalingChart* m_scaling = nullptr;
    LiveControlsBar* m_liveControls = nullptr;
    QSplitter* m_split = nullptr;

    std::deque<RunSpec> m_queue;
    int m_runsInBatch = 0;
    int m_runIndex = 0;
    bool m_running = false;
    bool m_stopRequested = false;
    quint64 m_currentRunId = 0;
    RunSpec m_currentSpec;
    std::shared_ptr<TimelineModel> m_live;
    std::shared_ptr<const TimelineModel> m_shown;
    RunHistory m_history; // every run on this page, in order
    ReplotPacer* m_pacer = nullptr;
    QString m_lastError;
    bool m_runnable = false;
};

} // namespace spindle

#include "pages/runpage.h"

#include "charts/cpuchart.h"
#include "charts/lanekillmenu.h"
#include "charts/replotpacer.h"
#include "charts/scalingchart.h"
#include "charts/spinnerstrip.h"
#include "charts/statelegend.h"
#include "charts/timelinechart.h"
#include "format.h"
#include "model/clock.h"
#include "pages/livecontrolsbar.h"
#include "pages/modelchooser.h"
#include "pages/parameditor.h"
#include "pages/sectionheading.h"
#include "pages/summarytable.h"
#include "scenarios/scenariocatalogue.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QStyle>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <numeric>
#include <thread>

namespace spindle {

namespace {
constexpr int kControlsWidth = 318; // at the normal font size

} // namespace

RunPage::RunPage(Engine* engine, QWidget* parent) : QWidget(parent), m_engine(engine)
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->setSpacing(8);
    layout->addWidget(buildControls());
    layout->addWidget(buildViews(), 1);

    // Views redraw when a batch arrives, at most once a frame.
    m_pacer = new ReplotPacer(this);
    connect(m_pacer, &ReplotPacer::refreshDue, this, &RunPage::refreshViews);
    if (m_engine != nullptr) {
        connect(m_engine, &Engine::batchReady, this, &RunPage::onBatch);
        connect(m_engine, &Engine::runFinished, this, &RunPage::onFinished);
    }
    const auto scenarios = ScenarioCatalogue::builtin().all();
    if (!scenarios.isEmpty())
        selectScenario(scenarios.front()->id());
    applyTheme(m_theme);
    updateButtons();
}

RunPage::~RunPage()
{
    // Nothing of this page may outlive it on the engine's side.
    if (m_running && m_engine != nullptr)
        m_engine->cancel();
}

QWidget* RunPage::buildControls()
{
    auto* panel = new QWidget;
    auto* column = new QVBoxLayout(panel);
    column->setContentsMargins(4, 4, 10, 4);
    column->setSpacing(8);

    column->addWidget(sectionHeading(tr("Scenario")));
    m_scenarioBox = new QComboBox;
    for (const Scenario* s : ScenarioCatalogue::builtin().all())
        m_scenarioBox->addItem(s->title(), s->id());
    m_scenarioBox->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_scenarioBox->setMinimumContentsLength(16);
    connect(m_scenarioBox, &QComboBox::currentIndexChanged, this, &RunPage::scenarioPicked);
    column->addWidget(m_scenarioBox);
    m_lesson = new QLabel;
    m_lesson->setWordWrap(true);
    m_lesson->setTextInteractionFlags(Qt::TextSelectableByMouse);
    column->addWidget(m_lesson);
    m_source = new QLabel;
    m_source->setWordWrap(true);
    QFont italic = m_source->font();
    italic.setItalic(true);
    m_source->setFont(italic);
    column->addWidget(m_source);

    auto* paramsBox = new QGroupBox(tr("Parameters"));
    auto* paramsLayout = new QVBoxLayout(paramsBox);
    m_params = new ParamEditor;
    paramsLayout->addWidget(m_params);
    connect(m_params, &ParamEditor::edited, this, &RunPage::updateButtons);
    column->addWidget(paramsBox);

    m_models = new ModelChooser(tr("Models (run one after another)"), QStringLiteral("model-"));
    connect(m_models, &ModelChooser::modelsChanged, this, &RunPage::updateButtons);
    column->addWidget(m_models);

    auto* runAsBox = new QGroupBox(tr("Run as"));
    auto* form = new QFormLayout(runAsBox);
    m_flavourBox = new QComboBox;
    m_flavourBox->addItem(tr("python (emulated GIL)"), static_cast<int>(Flavour::Python));
    m_flavourBox->addItem(tr("native (no GIL)"), static_cast<int>(Flavour::Native));
    form->addRow(tr("Flavour"), m_flavourBox);
    m_workersBox = new QSpinBox;
    m_workersBox->setRange(0, RunLimits::kMaxThreads);
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    m_workersBox->setSpecialValueText(tr("one per core (%1)").arg(cores));
    form->addRow(tr("Workers"), m_workersBox);
    column->addWidget(runAsBox);

    auto* buttons = new QHBoxLayout;
    m_runButton = new QPushButton(style()->standardIcon(QStyle::SP_MediaPlay), tr("Run"));
    m_runButton->setObjectName(QStringLiteral("run"));
    m_runButton->setDefault(true);
    m_runButton->setToolTip(tr("Run the ticked models one after another (F5)"));
    m_stopButton = new QPushButton(style()->standardIcon(QStyle::SP_MediaStop), tr("Stop"));
    m_stopButton->setObjectName(QStringLiteral("stop"));
    m_stopButton->setToolTip(tr("Stop the run and the ones queued after it (Esc)"));
    connect(m_runButton, &QPushButton::clicked, this, &RunPage::startRuns);
    connect(m_stopButton, &QPushButton::clicked, this, &RunPage::stopRuns);
    buttons->addWidget(m_runButton);
    buttons->addWidget(m_stopButton);
    column->addLayout(buttons);

    m_progress = new QProgressBar;
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setFormat(tr("no run yet"));
    column->addWidget(m_progress);
    m_status = new QLabel(tr("Ready."));
    m_status->setWordWrap(true);
    column->addWidget(m_status);
    m_error = new QLabel;
    m_error->setWordWrap(true);
    m_error->setVisible(false);
    m_error->setObjectName(QStringLiteral("run-error"));
    column->addWidget(m_error);
    column->addStretch(1);

    auto* scroll = new QScrollArea;
    scroll->setWidget(panel);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setFixedWidth(kControlsWidth);
    m_controls = scroll;
    return scroll;
}

QWidget* RunPage::buildViews()
{
    auto* timelineSection = new QWidget;
    auto* tl = new QVBoxLayout(timelineSection);
    tl->setContentsMargins(0, 0, 0, 0);
    tl->setSpacing(4);
    auto* header = new QHBoxLayout;
    m_timelineTitle = sectionHeading(tr("Timeline"));
    header->addWidget(m_timelineTitle);
    header->addStretch(1);
    m_hint = new QLabel(tr("wheel / + − zoom · drag / ← → pan · Home fit · End follow"));
    header->addWidget(m_hint);
    m_followButton = new QToolButton;
    m_followButton->setText(tr("Follow now"));
    m_followButton->setCheckable(true);
    m_followButton->setChecked(true);
    header->addWidget(m_followButton);
    tl->addLayout(header);
    m_liveControls = new LiveControlsBar(m_engine);
    tl->addWidget(m_liveControls);
    m_legend = new StateLegend;
    tl->addWidget(m_legend);
    m_timeline = new TimelineChart;
    tl->addWidget(m_timeline, 1);
    connect(m_followButton, &QToolButton::toggled, m_timeline, &TimelineChart::setFollow);
    connect(m_timeline, &TimelineChart::followChanged, m_followButton, &QToolButton::setChecked);
    auto* laneMenu = new LaneKillMenu(m_timeline);
    connect(m_liveControls, &LiveControlsBar::activeChanged, laneMenu, &LaneKillMenu::setActive);
    connect(laneMenu, &LaneKillMenu::killRequested, m_liveControls, &LiveControlsBar::killWorker);

    m_cpu = new CpuChart;
    connect(m_timeline, &TimelineChart::timeRangeChanged, m_cpu, &CpuChart::setTimeRange);

    auto* bottom = new QWidget;
    auto* bl = new QHBoxLayout(bottom);
    bl->setContentsMargins(0, 0, 0, 0);
    bl->setSpacing(10);
    auto* spinnerColumn = new QVBoxLayout;
    spinnerColumn->addWidget(sectionHeading(tr("Spinners")));
    m_spinners = new SpinnerStrip;
    spinnerColumn->addWidget(m_spinners, 1);
    auto* spinnerHolder = new QWidget;
    spinnerHolder->setLayout(spinnerColumn);
    spinnerColumn->setContentsMargins(0, 0, 0, 0);
    spinnerHolder->setFixedWidth(270);
    bl->addWidget(spinnerHolder);
    auto* tableColumn = new QVBoxLayout;
    tableColumn->setContentsMargins(0, 0, 0, 0);
    tableColumn->addWidget(sectionHeading(tr("Runs on this page (click one to show it again)")));
    m_summary = new SummaryTable;
    tableColumn->addWidget(m_summary, 1);
    // The scenario's own figures (memory per unit, the best worker count, ...).
    m_analysis = new QLabel;
    m_analysis->setWordWrap(true);
    m_analysis->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_analysis->setVisible(false);
    tableColumn->addWidget(m_analysis);
    bl->addLayout(tableColumn, 1);
    connect(m_summary, &SummaryTable::runSelected, this, &RunPage::showRecord);

    m_scaling = new ScalingChart;
    m_scaling->setVisible(false);

    auto* split = new QSplitter(Qt::Vertical);
    m_split = split;
    split->addWidget(timelineSection);
    split->addWidget(m_scaling);
    split->addWidget(m_cpu);
    split->addWidget(bottom);
    split->setStretchFactor(0, 5);
    split->setStretchFactor(1, 4);
    split->setStretchFactor(2, 3);
    split->setStretchFactor(3, 3);
    split->setSizes({360, 0, 180, 200});
    split->setChildrenCollapsible(false);
    return split;
}

// ---------------------------------------------------------------- settings

bool RunPage::selectScenario(const QString& id)
{
    const int index = m_scenarioBox->findData(id);
    if (index < 0)
        return false;
    if (index == m_scenarioBox->currentIndex() && m_scenario != nullptr && m_scenario->id() == id)
        return true;
    m_scenarioBox->setCurrentIndex(index); // scenarioPicked() follows
    if (m_scenario == nullptr || m_scenario->id() != id)
        scenarioPicked();
    return true;
}

QString RunPage::scenarioId() const
{
    return m_scenario != nullptr ? m_scenario->id() : QString();
}

void RunPage::scenarioPicked()
{
    const QString id = m_scenarioBox->currentData().toString();
    m_scenario = ScenarioCatalogue::builtin().find(id);
    if (m_scenario == nullptr)
        return;
    m_lesson->setText(m_scenario->lesson());
    m_source->setText(m_scenario->source());
    m_params->setSchema(m_scenario->params());
    setModels(m_scenario->defaultModels());
    m_scaling->setVisible(false);
    setError({});
    updateButtons();
    emit scenarioChanged(id);
}

void RunPage::setParams(const ParamValues& values)
{
    m_params->setValues(values);
    updateButtons();
}

void RunPage::setModels(const QList<Model>& models)
{
    m_models->setModels(models);
    updateButtons();
}

QList<Model> RunPage::models() const
{
    return m_models->models();
}

void RunPage::setFlavour(Flavour flavour)
{
    m_flavourBox->setCurrentIndex(m_flavourBox->findData(static_cast<int>(flavour)));
}

void RunPage::setWorkers(int workers)
{
    m_workersBox->setValue(std::max(0, workers));
}

bool RunPage::canRun() const
{
    return !m_running && m_scenario != nullptr && m_params->isValid() && !models().isEmpty()
        && m_engine != nullptr;
}

void RunPage::updateButtons()
{
    const bool runnable = canRun();
    m_runButton->setEnabled(runnable);
    if (runnable != m_runnable) {
        m_runnable = runnable;
        emit runnableChanged(runnable);
    }
    m_stopButton->setEnabled(m_running);
    m_scenarioBox->setEnabled(!m_running);
    if (!m_params->isValid())
        m_runButton->setToolTip(tr("Fix the parameters marked in red first"));
    else if (models().isEmpty())
        m_runButton->setToolTip(tr("Tick at least one model"));
    else
        m_runButton->setToolTip(tr("Run the ticked models one after another (F5)"));
}

void RunPage::setError(const QString& message)
{
    m_lastError = message;
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

void RunPage::setRunning(bool running)
{
    if (m_running == running)
        return;
    m_running = running;
    updateButtons();
    emit runningChanged(running);
}

// ---------------------------------------------------------------- running

void RunPage::startRuns()
{
    setError({});
    QString refusal;
    if (m_running)
        refusal = tr("A run is going on; stop it first.");
    else if (m_engine == nullptr || m_scenario == nullptr)
        refusal = tr("No scenario to run.");
    else if (!m_params->isValid())
        refusal = tr("Fix the parameters marked in red first.");
    else if (models().isEmpty())
        refusal = tr("Tick at least one model.");
    std::deque<RunSpec> specs;
    if (refusal.isEmpty()) {
        for (Model model : models()) {
            ScenarioRequest request;
            request.model = model;
            request.flavour = static_cast<Flavour>(m_flavourBox->currentData().toInt());
            request.workers = m_workersBox->value();
            request.params = m_params->values();
            // A sweep (scaling) gives several runs per model.
            QList<RunSpec> runs;
            if (auto error = m_scenario->buildAll(request, &runs)) {
                refusal = tr("%1: %2").arg(Format::model(model), *error);
                break;
            }
            specs.insert(specs.end(), runs.begin(), runs.end());
        }
    }
    if (!refusal.isEmpty()) {
        setError(refusal);
        // Callers wait for this signal; it comes after they start waiting.
        QMetaObject::invokeMethod(this, &RunPage::allRunsFinished, Qt::QueuedConnection);
        return;
    }
    m_queue = std::move(specs);
    m_runsInBatch = static_cast<int>(m_queue.size());
    m_history.startBatch();
    m_analysis->setVisible(false);
    int planned = 0;
    for (const RunSpec& spec : m_queue)
        planned = std::max(planned, spec.effectiveWorkers());
    m_scaling->setPlannedWorkers(planned);
    m_scaling->setSweep({});
    m_runIndex = 0;
    m_stopRequested = false;
    setRunning(true);
    startNext();
}

void RunPage::stopRuns()
{
    if (!m_running)
        return;
    m_stopRequested = true;
    m_queue.clear();
    m_engine->cancel();
    m_status->setText(tr("Stopping…"));
}

void RunPage::startNext()
{
    if (m_queue.empty() || m_stopRequested) {
        m_queue.clear();
        m_live.reset();
        setRunning(false);
        m_status->setText(m_stopRequested ? tr("Stopped.") : tr("Done: %n run(s).", nullptr, m_runsInBatch));
        showAnalysis();
        refreshViews();
        emit allRunsFinished();
        return;
    }
    m_currentSpec = m_queue.front();
    m_queue.pop_front();
    ++m_runIndex;
    auto model = std::make_shared<TimelineModel>();
    model->setOriginNs(monotonicNs());
    m_live = model;
    display(model, Format::model(m_currentSpec.model), static_cast<int>(m_currentSpec.spinnerIntervalMs));
    m_timelineTitle->setText(tr("Timeline — %1").arg(m_currentSpec.label));
    const QString error = m_engine->start(m_currentSpec);
    if (!error.isEmpty()) {
        setError(error);
        m_stopRequested = true;
        startNext();
        return;
    }
    m_currentRunId = m_engine->currentRunId();
    m_history.add(model, static_cast<int>(m_currentSpec.spinnerIntervalMs));
    refreshViews();
}

void RunPage::onBatch(const EventBatchPtr& batch)
{
    if (!m_live || !batch || batch->runId != m_currentRunId)
        return;
    m_live->ingest(*batch);
    m_pacer->dataArrived();
}

void RunPage::onFinished(const RunResultPtr& result)
{
    if (!result || result->runId != m_currentRunId || !m_history.finishLatest(result))
        return;
    m_currentRunId = 0;
    if (!result->error.isEmpty())
        setError(tr("%1: %2").arg(Format::model(result->spec.model), result->error));
    m_summary->setResults(results());
    showSweep();
    refreshViews();
    // The engine finishes its bookkeeping before the next start.
    QTimer::singleShot(0, this, &RunPage::startNext);
}

QList<RunResultPtr> RunPage::results() const
{
    return m_history.results();
}

// ---------------------------------------------------------------- views

void RunPage::display(const std::shared_ptr<TimelineModel>& model, const QString& label, int intervalMs)
{
    m_shown = model;
    m_spinners->setRun(label, intervalMs);
    m_timeline->setModel(model);
    m_cpu->setModel(model);
}

void RunPage::showRecord(int index)
{
    const RunHistory::Record* r = m_running || index < 0 ? nullptr : m_history.finishedAt(index);
    if (r == nullptr)
        return;
    if (!r->model) {
        m_status->setText(tr("The timeline of run %1 is no longer kept.").arg(index + 1));
        return;
    }
    display(r->model, Format::model(r->result->spec.model), r->spinnerIntervalMs);
    m_timelineTitle->setText(tr("Timeline — %1 (run %2)").arg(r->result->spec.label).arg(index + 1));
    refreshViews();
}

void RunPage::refreshViews()
{
    m_pacer->refreshed();
    if (m_shown) {
        m_timeline->refresh();
        m_cpu->refresh();
        m_spinners->sync(*m_shown);
    }
    if (m_running && m_live) {
        const int total = static_cast<int>(m_currentSpec.tasks.size());
        m_progress->setFormat(tr("%v / %m tasks"));
        m_progress->setRange(0, std::max(1, total));
        m_progress->setValue(static_cast<int>(
            std::min<std::uint64_t>(m_live->tasksDone(), static_cast<std::uint64_t>(total))));
        const double elapsed = static_cast<double>(m_live->nowNs() - m_live->originNs()) / 1e9;
        m_status->setText(tr("Run %1 of %2 · %3 · %4 s")
                              .arg(m_runIndex)
                              .arg(m_runsInBatch)
                              .arg(Format::model(m_currentSpec.model))
                              .arg(std::max(0.0, elapsed), 0, 'f', 1));
    }
}

void RunPage::applyTheme(const Theme& theme)
{
    m_theme = theme;
    m_timeline->applyTheme(theme);
    m_cpu->applyTheme(theme);
    m_scaling->applyTheme(theme);
    m_liveControls->applyTheme(theme);
    m_legend->applyTheme(theme);
    m_spinners->applyTheme(theme);
    m_params->applyTheme(theme);
    m_summary->applyTheme(theme);
    QPalette alarm = m_error->palette();
    alarm.setColor(QPalette::WindowText, theme.alarm);
    m_error->setPalette(alarm);
    QPalette muted = m_lesson->palette();
    muted.setColor(QPalette::WindowText, theme.mutedText);
    m_source->setPalette(muted);
    m_hint->setPalette(muted);
    // An audience does not need the mouse hints; the panel grows with the font.
    m_hint->setVisible(!theme.presentation);
    m_controls->setFixedWidth(static_cast<int>(kControlsWidth * theme.fontScale));
}

void RunPage::showUiFreeze(const GuiFreeze& freeze)
{
    m_spinners->showUiFreeze(freeze);
}

QList<RunResultPtr> RunPage::batchResults() const
{
    return m_history.batchResults();
}

void RunPage::showSweep()
{
    if (m_scenario == nullptr || !m_scenario->sweepsWorkers())
        return;
    // A few dozen results at most: cheap to redo after each run.
    const ScalingSweep sweep(batchResults());
    m_scaling->setSweep(sweep);
    if (sweep.isEmpty() || m_scaling->isVisible())
        return;
    // It takes its share of the height from the others when it first appears.
    const QList<int> sizes = m_split->sizes();
    const int total = std::accumulate(sizes.begin(), sizes.end(), 0);
    m_scaling->setVisible(true);
    m_split->setSizes({total * 28 / 100, total * 36 / 100, total * 16 / 100, total * 20 / 100});
}

void RunPage::showAnalysis()
{
    // Once per batch of runs, over their results (workers and tasks, not events).
    const Scenario* scenario = ScenarioCatalogue::builtin().find(scenarioId());
    const QList<RunResultPtr> batch = batchResults();
    const QString headline = scenario != nullptr && !batch.isEmpty()
        ? scenario->analyse(batch).value(QLatin1String("headline")).toString()
        : QString();
    m_analysis->setText(headline);
    m_analysis->setVisible(!headline.isEmpty());
}

} // namespace spindle

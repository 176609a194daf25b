#include "pages/comparepage.h"

#include "charts/comparisonbars.h"
#include "charts/replotpacer.h"
#include "charts/statelegend.h"
#include "format.h"
#include "model/clock.h"
#include "pages/comparecontrols.h"
#include "pages/comparepanel.h"
#include "pages/comparisontable.h"
#include "pages/parameditor.h"
#include "pages/sectionheading.h"
#include "session/sessionwriter.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QSplitter>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace spindle {

namespace {
QString runName(const RunSpec& spec)
{
    return QStringLiteral("%1 · %2").arg(Format::model(spec.model), Format::flavour(spec.flavour));
}
} // namespace

ComparePage::ComparePage(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->setSpacing(8);
    m_controls = new CompareControls;
    layout->addWidget(m_controls);
    layout->addWidget(buildViews(), 1);
    connect(m_controls, &CompareControls::startClicked, this, &ComparePage::start);
    connect(m_controls, &CompareControls::stopClicked, this, &ComparePage::stop);
    connect(m_controls, &CompareControls::edited, this, &ComparePage::updateButtons);
    // Panels redraw when a batch arrives, at most once a frame.
    m_pacer = new ReplotPacer(this);
    connect(m_pacer, &ReplotPacer::refreshDue, this, &ComparePage::refreshViews);
    applyTheme(m_theme);
    updateButtons();
}

ComparePage::~ComparePage()
{
    // Nothing of this page may outlive it on the engines' side.
    for (Engine* engine : m_engines)
        engine->cancel();
}

QWidget* ComparePage::buildViews()
{
    auto* top = new QWidget;
    auto* tl = new QVBoxLayout(top);
    tl->setContentsMargins(0, 0, 0, 0);
    tl->setSpacing(4);
    auto* header = new QHBoxLayout;
    header->addWidget(sectionHeading(tr("Timelines on one time axis")));
    header->addStretch(1);
    m_hint = new QLabel(tr("zoom or pan one panel: all follow"));
    header->addWidget(m_hint);
    m_fitButton = new QToolButton;
    m_fitButton->setText(tr("Fit all"));
    m_fitButton->setToolTip(tr("Show every run whole again"));
    connect(m_fitButton, &QToolButton::clicked, this, &ComparePage::fitAll);
    header->addWidget(m_fitButton);
    tl->addLayout(header);
    m_legend = new StateLegend;
    tl->addWidget(m_legend);

    m_panelHolder = new QWidget;
    m_panelLayout = new QVBoxLayout(m_panelHolder);
    m_panelLayout->setContentsMargins(0, 0, 0, 0);
    m_panelLayout->setSpacing(6);
    m_emptyLabel = new QLabel(tr("Each model's timeline appears here, one panel per run, all on the same "
                                 "time axis: the shorter bar finished first."));
    m_emptyLabel->setAlignment(Qt::AlignCenter);
    m_emptyLabel->setWordWrap(true);
    m_panelLayout->addWidget(m_emptyLabel, 1);
    m_panelScroll = new QScrollArea;
    m_panelScroll->setWidget(m_panelHolder);
    m_panelScroll->setWidgetResizable(true);
    m_panelScroll->setFrameShape(QFrame::NoFrame);
    m_panelScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    tl->addWidget(m_panelScroll, 1);

    auto* bottom = new QWidget;
    auto* bl = new QHBoxLayout(bottom);
    bl->setContentsMargins(0, 0, 0, 0);
    bl->setSpacing(10);
    auto* tableColumn = new QVBoxLayout;
    tableColumn->addWidget(sectionHeading(tr("Summary (★ = best in its column)")));
    m_table = new ComparisonTable;
    tableColumn->addWidget(m_table, 1);
    bl->addLayout(tableColumn, 5);
    auto* barsColumn = new QVBoxLayout;
    auto* barsHeader = new QHBoxLayout;
    barsHeader->addWidget(sectionHeading(tr("As bars:")));
    m_barsColumn = new QComboBox;
    for (int c = 0; c < kCompareColumnCount; ++c)
        m_barsColumn->addItem(ComparisonBars::columnName(static_cast<CompareColumn>(c)), c);
    barsHeader->addWidget(m_barsColumn, 1);
    barsColumn->addLayout(barsHeader);
    m_bars = new ComparisonBars;
    barsColumn->addWidget(m_bars, 1);
    bl->addLayout(barsColumn, 2);
    connect(m_barsColumn, &QComboBox::currentIndexChanged, this,
        [this] { m_bars->setColumn(static_cast<CompareColumn>(m_barsColumn->currentData().toInt())); });

    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(top);
    split->addWidget(bottom);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setSizes({540, 200});
    split->setChildrenCollapsible(false);
    return split;
}

// ---------------------------------------------------------------- settings

bool ComparePage::selectScenario(const QString& id)
{
    return m_controls->selectScenario(id);
}

QString ComparePage::scenarioId() const
{
    return m_controls->scenario() != nullptr ? m_controls->scenario()->id() : QString();
}

void ComparePage::setParams(const ParamValues& values)
{
    m_controls->params()->setValues(values);
    updateButtons();
}

void ComparePage::setSessionWriter(std::shared_ptr<SessionWriter> writer)
{
    m_writer = std::move(writer);
}

bool ComparePage::canRun() const
{
    return !m_running && m_controls->isComplete();
}

void ComparePage::updateButtons()
{
    const bool runnable = canRun();
    m_controls->setRunning(m_running, runnable);
    if (runnable != m_runnable) {
        m_runnable = runnable;
        emit runnableChanged(runnable);
    }
}

void ComparePage::setError(const QString& message)
{
    m_lastError = message;
    m_controls->setError(message);
}

void ComparePage::setRunning(bool running)
{
    if (m_running == running)
        return;
    m_running = running;
    updateButtons();
    emit runningChanged(running);
}

// ---------------------------------------------------------------- running

void ComparePage::start()
{
    setError({});
    QString refusal;
    if (m_running)
        refusal = tr("A comparison is going on; stop it first.");
    else if (m_controls->scenario() == nullptr)
        refusal = tr("No scenario to run.");
    else if (!m_controls->params()->isValid())
        refusal = tr("Fix the parameters marked in red first.");
    else if (!m_controls->isComplete())
        refusal = tr("Tick at least one model and one flavour.");
    std::vector<RunSpec> specs;
    const QList<Model> chosenModels = m_controls->models();
    const QList<Flavour> chosenFlavours = refusal.isEmpty() ? m_controls->flavours() : QList<Flavour> {};
    for (qsizetype i = 0; refusal.isEmpty() && i < chosenFlavours.size() * chosenModels.size(); ++i) {
        ScenarioRequest request;
        request.flavour = chosenFlavours[i / chosenModels.size()];
        request.model = chosenModels[i % chosenModels.size()];
        request.workers = m_controls->workers();
        request.params = m_controls->params()->values();
        RunSpec spec;
        if (auto error = m_controls->scenario()->build(request, &spec))
            refusal = tr("%1 · %2: %3")
                          .arg(Format::model(request.model), Format::flavour(request.flavour), *error);
        else
            specs.push_back(spec);
    }
    if (!refusal.isEmpty()) {
        setError(refusal);
        // Callers wait for this signal; it comes after they start waiting.
        QMetaObject::invokeMethod(this, &ComparePage::allRunsFinished, Qt::QueuedConnection);
        return;
    }
    emit runsStarting();
    clearLanes();
    m_runMode = m_controls->mode();
    m_stopRequested = false;
    m_userRange = false;
    for (const RunSpec& spec : specs) {
        Lane lane;
        lane.spec = spec;
        lane.panel = new ComparePanel(runName(spec));
        lane.panel->applyPanelTheme(m_theme);
        lane.panel->setDetail(tr("waiting"));
        ComparePanel* panel = lane.panel;
        connect(panel, &TimelineChart::timeRangeChanged, this, [this, panel](double lower, double upper) {
            if (m_syncing)
                return;
            m_userRange = true;
            applyRange(lower, upper, panel);
        });
        connect(panel, &QCustomPlot::afterLayout, this, &ComparePage::alignLabels);
        m_panelLayout->addWidget(panel, 1);
        m_lanes.push_back(std::move(lane));
    }
    // Only the bottom panel names the time axis; the others share it.
    for (std::size_t i = 0; i + 1 < m_lanes.size(); ++i)
        m_lanes[i].panel->xAxis->setLabel(QString());
    m_emptyLabel->setVisible(false);
    updateSummary();
    setRunning(true);
    m_controls->setStatus(m_runMode == CompareMode::Race
            ? tr("Race: %n run(s) at once…", nullptr, panelCount())
            : tr("Fair: %n run(s) one after another…", nullptr, panelCount()));
    if (m_runMode == CompareMode::Race) {
        for (int i = 0; i < panelCount(); ++i)
            startLane(i);
        finishIfDone();
    } else {
        startNextFair();
    }
}

void ComparePage::stop()
{
    if (!m_running)
        return;
    m_stopRequested = true;
    for (Engine* engine : m_engines)
        engine->cancel();
    m_controls->setStatus(tr("Stopping…"));
    finishIfDone();
}

void ComparePage::clearLanes()
{
    for (Lane& lane : m_lanes)
        delete lane.panel;
    m_lanes.clear();
    m_comparison = Comparison();
}

Engine* ComparePage::engineFor(int lane)
{
    // Fair runs share one engine; a race needs one per lane, all at once.
    const auto index = static_cast<std::size_t>(m_runMode == CompareMode::Race ? lane : 0);
    while (m_engines.size() <= index) {
        auto* engine = new Engine(this);
        connect(engine, &Engine::batchReady, this, &ComparePage::onBatch);
        connect(engine, &Engine::runFinished, this, &ComparePage::onFinished);
        m_engines.push_back(engine);
    }
    return m_engines[index];
}

void ComparePage::startLane(int index)
{
    Lane& lane = m_lanes[static_cast<std::size_t>(index)];
    lane.engine = engineFor(index);
    lane.engine->setSessionWriter(m_writer);
    lane.model = std::make_shared<TimelineModel>();
    lane.model->setOriginNs(monotonicNs());
    {
        m_syncing = true;
        lane.panel->setModel(lane.model);
        lane.panel->setFollow(false); // the page moves every panel's axis together
        m_syncing = false;
    }
    lane.started = true;
    lane.startError = lane.engine->start(lane.spec);
    if (!lane.startError.isEmpty()) {
        lane.panel->setDetail(tr("could not start: %1").arg(lane.startError));
        setError(tr("%1: %2").arg(runName(lane.spec), lane.startError));
        return;
    }
    lane.runId = lane.engine->currentRunId();
    lane.panel->setDetail(tr("running"));
    m_pacer->dataArrived();
}

void ComparePage::startNextFair()
{
    for (int i = 0; i < panelCount(); ++i) {
        if (m_stopRequested)
            break;
        if (m_lanes[static_cast<std::size_t>(i)].started)
            continue;
        startLane(i);
        if (m_lanes[static_cast<std::size_t>(i)].startError.isEmpty())
            return; // its runFinished brings the next one
    }
    finishIfDone();
}

void ComparePage::finishIfDone()
{
    for (const Lane& lane : m_lanes) {
        const bool running = lane.started && lane.startError.isEmpty() && !lane.result;
        if (running)
            return;
        if (!lane.started && !m_stopRequested && m_runMode == CompareMode::Fair)
            return; // waiting for its turn
    }
    if (!m_running)
        return;
    for (Lane& lane : m_lanes) {
        if (!lane.started)
            lane.panel->setDetail(tr("not run (stopped)"));
    }
    setRunning(false);
    m_controls->setStatus(
        m_stopRequested ? tr("Stopped.") : tr("Done: %n run(s) compared.", nullptr, panelCount()));
    refreshViews();
    emit allRunsFinished();
}

ComparePage::Lane* ComparePage::laneOf(quint64 runId)
{
    for (Lane& lane : m_lanes) {
        if (lane.runId == runId && runId != 0)
            return &lane;
    }
    return nullptr;
}

void ComparePage::onBatch(const EventBatchPtr& batch)
{
    Lane* lane = batch ? laneOf(batch->runId) : nullptr;
    if (lane == nullptr || lane->result)
        return;
    lane->model->ingest(*batch);
    m_pacer->dataArrived();
}

void ComparePage::onFinished(const RunResultPtr& result)
{
    Lane* lane = result ? laneOf(result->runId) : nullptr;
    if (lane == nullptr)
        return;
    lane->result = result;
    if (!result->error.isEmpty())
        setError(tr("%1: %2").arg(runName(result->spec), result->error));
    updateSummary();
    m_pacer->dataArrived();
    if (m_runMode == CompareMode::Fair && !m_stopRequested)
        QTimer::singleShot(0, this, &ComparePage::startNextFair); // the engine finishes its bookkeeping first
    else
        finishIfDone();
}

QList<RunResultPtr> ComparePage::results() const
{
    QList<RunResultPtr> out;
    for (const Lane& lane : m_lanes) {
        if (lane.result)
            out << lane.result;
    }
    return out;
}

// ---------------------------------------------------------------- views

ComparePanel* ComparePage::panel(int index) const
{
    return index >= 0 && index < panelCount() ? m_lanes[static_cast<std::size_t>(index)].panel : nullptr;
}

void ComparePage::updateSummary()
{
    m_comparison = Comparison(results());
    m_table->setComparison(m_comparison);
    m_bars->setComparison(m_comparison);
    const auto bestWall = m_comparison.best(CompareColumn::Wall);
    for (int row = 0; row < m_comparison.rowCount(); ++row) {
        const RunResultPtr& run = m_comparison.rows()[static_cast<std::size_t>(row)].run;
        const RunSummary& s = m_comparison.rows()[static_cast<std::size_t>(row)].summary;
        for (Lane& lane : m_lanes) {
            if (lane.result != run)
                continue;
            QString detail = tr("%1 s · CPU %2 %").arg(s.wallS, 0, 'f', 2).arg(s.cpuPct, 0, 'f', 0);
            if (run->spec.model == Model::Sequential && s.speedup)
                detail += tr(" · the baseline");
            else if (s.speedup)
                detail += tr(" · %1× speed-up").arg(*s.speedup, 0, 'f', 2);
            if (run->cancelled)
                detail += tr(" · stopped");
            else if (!run->error.isEmpty())
                detail += tr(" · failed");
            const bool fastest = bestWall && m_comparison.isBest(row, CompareColumn::Wall);
            lane.panel->setDetail(fastest ? detail + tr(" · ★ fastest") : detail, fastest);
        }
    }
}

void ComparePage::refreshViews()
{
    m_pacer->refreshed();
    for (Lane& lane : m_lanes) {
        if (!lane.model)
            continue;
        if (!lane.result && lane.started && lane.startError.isEmpty()) {
            const double elapsed = static_cast<double>(lane.model->nowNs() - lane.model->originNs()) / 1e9;
            lane.panel->setDetail(tr("running · %1 s").arg(std::max(0.0, elapsed), 0, 'f', 1));
        }
        m_syncing = true;
        lane.panel->refresh();
        m_syncing = false;
        // Room for its lanes, so that a few panels fit without scrolling.
        lane.panel->setMinimumHeight(std::clamp(64 + 30 * lane.model->laneCount(), 110, 220));
    }
    if (!m_userRange)
        autoRange();
}

void ComparePage::autoRange()
{
    double latest = 0;
    for (const Lane& lane : m_lanes) {
        if (lane.model)
            latest
                = std::max(latest, static_cast<double>(lane.model->nowNs() - lane.model->originNs()) / 1e9);
    }
    const double upper = m_running ? std::max(1.0, latest * 1.08) : std::max(0.001, latest * 1.02);
    applyRange(0, upper, nullptr);
}

void ComparePage::fitAll()
{
    m_userRange = false;
    autoRange();
}

void ComparePage::applyRange(double lower, double upper, const ComparePanel* except)
{
    m_syncing = true;
    for (Lane& lane : m_lanes) {
        if (lane.panel == except)
            continue;
        lane.panel->xAxis->setRange(lower, upper);
        lane.panel->replot(QCustomPlot::rpQueuedReplot);
    }
    m_syncing = false;
}

void ComparePage::alignLabels()
{
    // Equal lane-label columns put every panel's time zero at the same x.
    int widest = 0;
    for (const Lane& lane : m_lanes)
        widest = std::max(widest, lane.panel->wantedLabelWidth());
    for (Lane& lane : m_lanes)
        lane.panel->setLabelWidth(widest);
}

void ComparePage::applyTheme(const Theme& theme)
{
    m_theme = theme;
    m_legend->applyTheme(theme);
    m_controls->applyTheme(theme);
    m_table->applyTheme(theme);
    m_bars->applyTheme(theme);
    for (Lane& lane : m_lanes)
        lane.panel->applyPanelTheme(theme);
    QPalette muted = m_hint->palette();
    muted.setColor(QPalette::WindowText, theme.mutedText);
    m_hint->setPalette(muted);
    m_emptyLabel->setPalette(muted);
    m_hint->setVisible(!theme.presentation);
}

} // namespace spindle

#include "pages/comparecontrols.h"

#include "format.h"
#include "pages/modelchooser.h"
#include "pages/parameditor.h"
#include "pages/sectionheading.h"
#include "scenarios/scenariocatalogue.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QStyle>
#include <QVBoxLayout>

#include <thread>

namespace spindle {

namespace {
constexpr int kWidth = 318; // at the normal font size
} // namespace

CompareControls::CompareControls(QWidget* parent) : QScrollArea(parent)
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
    connect(m_scenarioBox, &QComboBox::currentIndexChanged, this, &CompareControls::scenarioPicked);
    column->addWidget(m_scenarioBox);
    m_lesson = new QLabel;
    m_lesson->setWordWrap(true);
    m_lesson->setTextInteractionFlags(Qt::TextSelectableByMouse);
    column->addWidget(m_lesson);

    auto* paramsBox = new QGroupBox(tr("Parameters"));
    auto* paramsLayout = new QVBoxLayout(paramsBox);
    m_params = new ParamEditor;
    paramsLayout->addWidget(m_params);
    connect(m_params, &ParamEditor::edited, this, &CompareControls::edited);
    column->addWidget(paramsBox);

    m_models = new ModelChooser(tr("Models to compare"), QStringLiteral("compare-model-"));
    connect(m_models, &ModelChooser::modelsChanged, this, &CompareControls::edited);
    column->addWidget(m_models);

    auto* runAsBox = new QGroupBox(tr("Run as"));
    auto* form = new QFormLayout(runAsBox);
    m_python = new QCheckBox(tr("python (emulated GIL)"));
    m_python->setChecked(true);
    m_native = new QCheckBox(tr("native (no GIL)"));
    auto* flavours = new QVBoxLayout;
    flavours->addWidget(m_python);
    flavours->addWidget(m_native);
    form->addRow(tr("Flavours"), flavours);
    connect(m_python, &QCheckBox::toggled, this, &CompareControls::edited);
    connect(m_native, &QCheckBox::toggled, this, &CompareControls::edited);
    m_workersBox = new QSpinBox;
    m_workersBox->setRange(0, RunLimits::kMaxThreads);
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    m_workersBox->setSpecialValueText(tr("one per core (%1)").arg(cores));
    form->addRow(tr("Workers"), m_workersBox);
    column->addWidget(runAsBox);

    auto* modeBox = new QGroupBox(tr("How"));
    auto* modeLayout = new QVBoxLayout(modeBox);
    m_fair = new QRadioButton(tr("Fair: one after another"));
    m_fair->setToolTip(tr("Each run has the machine to itself: the figures compare the models"));
    m_race = new QRadioButton(tr("Race: all at once"));
    m_race->setToolTip(
        tr("Every run starts at the same moment, each on its own engine, competing for the cores"));
    m_fair->setChecked(true);
    auto* group = new QButtonGroup(this);
    group->addButton(m_fair);
    group->addButton(m_race);
    modeLayout->addWidget(m_fair);
    modeLayout->addWidget(m_race);
    column->addWidget(modeBox);

    auto* buttons = new QHBoxLayout;
    m_runButton = new QPushButton(style()->standardIcon(QStyle::SP_MediaPlay), tr("Compare"));
    m_runButton->setObjectName(QStringLiteral("compare-run"));
    m_runButton->setDefault(true);
    m_stopButton = new QPushButton(style()->standardIcon(QStyle::SP_MediaStop), tr("Stop"));
    m_stopButton->setObjectName(QStringLiteral("compare-stop"));
    connect(m_runButton, &QPushButton::clicked, this, &CompareControls::startClicked);
    connect(m_stopButton, &QPushButton::clicked, this, &CompareControls::stopClicked);
    buttons->addWidget(m_runButton);
    buttons->addWidget(m_stopButton);
    column->addLayout(buttons);

    m_status = new QLabel(tr("Tick the models to compare and press Compare."));
    m_status->setWordWrap(true);
    column->addWidget(m_status);
    m_error = new QLabel;
    m_error->setWordWrap(true);
    m_error->setVisible(false);
    m_error->setObjectName(QStringLiteral("compare-error"));
    column->addWidget(m_error);
    column->addStretch(1);

    setWidget(panel);
    setWidgetResizable(true);
    setFrameShape(QFrame::NoFrame);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setFixedWidth(kWidth);
    connect(m_fair, &QRadioButton::toggled, this, &CompareControls::edited);
    const auto scenarios = ScenarioCatalogue::builtin().all();
    if (!scenarios.isEmpty())
        selectScenario(scenarios.front()->id());
}

bool CompareControls::selectScenario(const QString& id)
{
    const int index = m_scenarioBox->findData(id);
    if (index < 0)
        return false;
    m_scenarioBox->setCurrentIndex(index);
    if (m_scenario == nullptr || m_scenario->id() != id)
        scenarioPicked();
    return true;
}

void CompareControls::scenarioPicked()
{
    m_scenario = ScenarioCatalogue::builtin().find(m_scenarioBox->currentData().toString());
    if (m_scenario == nullptr)
        return;
    m_lesson->setText(m_scenario->lesson());
    m_params->setSchema(m_scenario->params());
    setModels(m_scenario->defaultModels());
    setError({});
    emit edited();
}

void CompareControls::setModels(const QList<Model>& models)
{
    m_models->setModels(models);
    emit edited();
}

QList<Model> CompareControls::models() const
{
    return m_models->models();
}

void CompareControls::setFlavours(const QList<Flavour>& flavours)
{
    m_python->setChecked(flavours.contains(Flavour::Python));
    m_native->setChecked(flavours.contains(Flavour::Native));
}

QList<Flavour> CompareControls::flavours() const
{
    QList<Flavour> out;
    if (m_python->isChecked())
        out << Flavour::Python;
    if (m_native->isChecked())
        out << Flavour::Native;
    return out;
}

void CompareControls::setWorkers(int workers)
{
    m_workersBox->setValue(std::max(0, workers));
}

int CompareControls::workers() const
{
    return m_workersBox->value();
}

void CompareControls::setMode(CompareMode mode)
{
    (mode == CompareMode::Race ? m_race : m_fair)->setChecked(true);
}

CompareMode CompareControls::mode() const
{
    return m_race->isChecked() ? CompareMode::Race : CompareMode::Fair;
}

bool CompareControls::isComplete() const
{
    return m_scenario != nullptr && m_params->isValid() && !models().isEmpty() && !flavours().isEmpty();
}

void CompareControls::setRunning(bool running, bool runnable)
{
    m_runButton->setEnabled(runnable);
    m_stopButton->setEnabled(running);
    m_scenarioBox->setEnabled(!running);
    if (!m_params->isValid())
        m_runButton->setToolTip(tr("Fix the parameters marked in red first"));
    else if (models().isEmpty() || flavours().isEmpty())
        m_runButton->setToolTip(tr("Tick at least one model and one flavour"));
    else
        m_runButton->setToolTip(tr("Run every ticked model × flavour and compare them (F5)"));
}

void CompareControls::setStatus(const QString& text)
{
    m_status->setText(text);
}

void CompareControls::setError(const QString& message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

void CompareControls::applyTheme(const Theme& theme)
{
    m_params->applyTheme(theme);
    QPalette alarm = m_error->palette();
    alarm.setColor(QPalette::WindowText, theme.alarm);
    m_error->setPalette(alarm);
    setFixedWidth(static_cast<int>(kWidth * theme.fontScale));
}

} // namespace spindle

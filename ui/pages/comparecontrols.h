#pragma once
// The left column of the compare page: scenario and its parameters (checked
// as you type), the models to compare, one or both flavours, workers, fair or
// race, the Compare and Stop buttons and what the page has to say.

#include "model/runspec.h"
#include "scenarios/scenario.h"
#include "theme.h"

#include <QList>
#include <QScrollArea>

class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;
class QRadioButton;
class QSpinBox;

namespace spindle {

class ModelChooser;
class ParamEditor;

enum class CompareMode { Fair, Race };

class CompareControls : public QScrollArea {
    Q_OBJECT
public:
    explicit CompareControls(QWidget* parent = nullptr);

    bool selectScenario(const QString& id);
    const Scenario* scenario() const { return m_scenario; }
    ParamEditor* params() const { return m_params; }
    void setModels(const QList<Model>& models);
    QList<Model> models() const;
    void setFlavours(const QList<Flavour>& flavours);
    QList<Flavour> flavours() const;
    void setWorkers(int workers);
    int workers() const;
    void setMode(CompareMode mode);
    CompareMode mode() const;
    // Parameters valid, a model and a flavour ticked.
    bool isComplete() const;
    // Locks the choices while a comparison runs.
    void setRunning(bool running, bool runnable);
    void setStatus(const QString& text);
    void setError(const QString& message);
    QPushButton* runButton() const { return m_runButton; }
    QPushButton* stopButton() const { return m_stopButton; }
    void applyTheme(const Theme& theme);

signals:
    void startClicked();
    void stopClicked();
    // A choice changed: whether a comparison could start may have too.
    void edited();

private:
    void scenarioPicked();

    const Scenario* m_scenario = nullptr;
    QComboBox* m_scenarioBox = nullptr;
    QLabel* m_lesson = nullptr;
    ParamEditor* m_params = nullptr;
    ModelChooser* m_models = nullptr;
    QCheckBox* m_python = nullptr;
    QCheckBox* m_native = nullptr;
    QSpinBox* m_workersBox = nullptr;
    QRadioButton* m_fair = nullptr;
    QRadioButton* m_race = nullptr;
    QPushButton* m_runButton = nullptr;
    QPushButton* m_stopButton = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_error = nullptr;
};

} // namespace spindle

#pragma once
// A scenario of the catalogue: its text, parameter schema and default models
// come from its JSON file in resources/scenarios/; its builder (one file in
// scenarios/builtin/) turns resolved parameters into one RunSpec per model.

#include "model/runspec.h"
#include "scenarios/paramspec.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace spindle {

struct ScenarioRequest {
    Model model = Model::Sequential;
    Flavour flavour = Flavour::Python;
    int workers = 0; // 0 = one per core
    ParamValues params; // resolved: every parameter present and checked
};

class Scenario {
public:
    virtual ~Scenario() = default;

    QString id() const { return m_id; }
    QString title() const { return m_title; }
    QString source() const { return m_source; }
    QString lesson() const { return m_lesson; }
    const QList<ParamSpec>& params() const { return m_params; }
    const QList<Model>& defaultModels() const { return m_models; }

    // Builds the run of one model, or says why it cannot (naming the parameter).
    std::optional<QString> build(const ScenarioRequest& request, RunSpec* out) const;

    // Loads the JSON description; false with a message when it is malformed.
    bool load(const QJsonObject& json, QString* error);

protected:
    // The scenario-specific part: tasks, spinner, worker count.
    virtual std::optional<QString> buildRun(const ScenarioRequest& request, RunSpec* out) const = 0;
    const ParamSpec* param(const QString& name) const;

private:
    QString m_id;
    QString m_title;
    QString m_source;
    QString m_lesson;
    QList<ParamSpec> m_params;
    QList<Model> m_models;
};

} // namespace spindle

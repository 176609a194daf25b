#pragma once
// A scenario of the catalogue: its text, parameter schema and default models
// come from its JSON file in resources/scenarios/; its builder (one file in
// scenarios/builtin/) turns resolved parameters into the RunSpecs of each
// model - one for most scenarios, a sweep for some - and may add its own
// figures over the finished runs (the report's "analysis").

#include "model/runresult.h"
#include "model/runspec.h"
#include "scenarios/paramspec.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <climits>
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
    // Place in the picker and in `spindle list`: the JSON's "order" (SPEC's
    // numbering), or after every numbered scenario when it has none.
    int order() const { return m_order; }
    const QList<ParamSpec>& params() const { return m_params; }
    const QList<Model>& defaultModels() const { return m_models; }

    // Builds the run of one model, or says why it cannot (naming the parameter).
    // A scenario that sweeps (scaling) gives one representative run here.
    std::optional<QString> build(const ScenarioRequest& request, RunSpec* out) const;
    // Builds every run of one model, in the order to run them: one for most
    // scenarios, many for a sweep. On a refusal `out` is left untouched.
    std::optional<QString> buildAll(const ScenarioRequest& request, QList<RunSpec>* out) const;

    // Scenario-specific figures over the finished runs of one invocation (for
    // the report's "analysis"); empty when the scenario has none.
    virtual QJsonObject analyse(const QList<RunResultPtr>& runs) const;
    // Its runs of one model sweep the worker count (1 ... K, repeated), so
    // that a ScalingSweep of them means something: the window then plots it.
    virtual bool sweepsWorkers() const { return false; }

    // Loads the JSON description; false with a message when it is malformed.
    bool load(const QJsonObject& json, QString* error);

protected:
    // The scenario-specific part: tasks, spinner, worker count.
    virtual std::optional<QString> buildRun(const ScenarioRequest& request, RunSpec* out) const = 0;
    // The runs of one model from `base` (model, flavour and workers set,
    // nothing else); by default the single run buildRun() makes.
    virtual std::optional<QString> buildRuns(
        const ScenarioRequest& request, const RunSpec& base, QList<RunSpec>* out) const;
    const ParamSpec* param(const QString& name) const;

private:
    static constexpr int kUnordered = INT_MAX;

    RunSpec baseSpec(const ScenarioRequest& request) const;
    // Default label and validation of a built run.
    std::optional<QString> finish(RunSpec* spec) const;

    QString m_id;
    QString m_title;
    QString m_source;
    QString m_lesson;
    int m_order = kUnordered;
    QList<ParamSpec> m_params;
    QList<Model> m_models;
};

} // namespace spindle

#pragma once
// Every scenario this build knows: the builders found in scenarios/builtin/
// (registered by a list CMake generates from that folder), each paired with
// its JSON description from the resources.

#include "scenarios/scenario.h"

#include <QList>
#include <QString>

#include <memory>
#include <vector>

namespace spindle {

class ScenarioCatalogue {
public:
    // The built-in catalogue, loaded once.
    static const ScenarioCatalogue& builtin();

    const Scenario* find(const QString& id) const;
    // In the scenarios' own "order" (SPEC's numbering).
    QList<const Scenario*> all() const;
    QStringList ids() const;
    // Problems met while loading descriptions (empty when all is well).
    const QStringList& loadErrors() const { return m_errors; }

    // Adds a scenario whose description is the JSON file at path, which must
    // be named for its id (<id>.json) and not already be in the catalogue.
    bool add(std::unique_ptr<Scenario> scenario, const QString& descriptionPath, QString* error);

private:
    std::vector<std::unique_ptr<Scenario>> m_scenarios;
    QStringList m_errors;
};

} // namespace spindle

#include "scenarios/scenario.h"

#include <QJsonArray>

namespace spindle {

bool Scenario::load(const QJsonObject& json, QString* error)
{
    m_id = json.value(QLatin1String("id")).toString();
    m_title = json.value(QLatin1String("title")).toString();
    m_source = json.value(QLatin1String("source")).toString();
    m_lesson = json.value(QLatin1String("lesson")).toString();
    if (m_id.isEmpty() || m_title.isEmpty()) {
        *error = QStringLiteral("scenario description lacks 'id' or 'title'");
        return false;
    }
    m_models.clear();
    for (const QJsonValue& v : json.value(QLatin1String("models")).toArray()) {
        const QByteArray name = v.toString().toUtf8();
        const auto model = parseModel(std::string_view(name.constData(), static_cast<std::size_t>(name.size())));
        if (!model) {
            *error = QStringLiteral("scenario %1: unknown model '%2'").arg(m_id, v.toString());
            return false;
        }
        m_models << *model;
    }
    m_params.clear();
    for (const QJsonValue& v : json.value(QLatin1String("params")).toArray()) {
        QString why;
        auto p = ParamSpec::fromJson(v.toObject(), &why);
        if (!p) {
            *error = QStringLiteral("scenario %1: %2").arg(m_id, why);
            return false;
        }
        m_params << *p;
    }
    return true;
}

const ParamSpec* Scenario::param(const QString& name) const
{
    for (const ParamSpec& p : m_params) {
        if (p.name == name)
            return &p;
    }
    return nullptr;
}

std::optional<QString> Scenario::build(const ScenarioRequest& request, RunSpec* out) const
{
    ScenarioRequest resolved = request;
    if (auto error = resolveParams(m_params, request.params, &resolved.params))
        return error;
    RunSpec spec;
    spec.model = request.model;
    spec.flavour = request.flavour;
    spec.workers = request.model == Model::Sequential ? 0 : request.workers;
    if (auto error = buildRun(resolved, &spec))
        return error;
    if (spec.label.isEmpty())
        spec.label = QStringLiteral("%1 · %2 · %3")
                         .arg(m_id, QLatin1String(toString(spec.model).data(),
                                                  static_cast<qsizetype>(toString(spec.model).size())),
                              QLatin1String(toString(spec.flavour).data(),
                                            static_cast<qsizetype>(toString(spec.flavour).size())));
    if (auto error = validate(spec))
        return error;
    *out = spec;
    return std::nullopt;
}

} // namespace spindle

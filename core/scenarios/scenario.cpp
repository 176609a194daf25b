#include "scenarios/scenario.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

namespace spindle {

namespace {

// A parameter may take its presets from the same-named parameter of another
// scenario ("presets_from": "primes"), so that lists such as the book's
// numbers live in one description only. min and max come along unless given.
std::optional<QString> inheritPresets(QJsonObject* param)
{
    const QString from = param->value(QLatin1String("presets_from")).toString();
    if (from.isEmpty())
        return std::nullopt;
    const QString name = param->value(QLatin1String("name")).toString();
    QFile file(QStringLiteral(":/scenarios/%1.json").arg(from));
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("parameter %1: presets_from '%2': no such scenario description")
            .arg(name, from);
    const QJsonObject other = QJsonDocument::fromJson(file.readAll()).object();
    for (const QJsonValue& v : other.value(QLatin1String("params")).toArray()) {
        const QJsonObject source = v.toObject();
        if (source.value(QLatin1String("name")).toString() != name)
            continue;
        if (!source.contains(QLatin1String("presets")))
            break;
        param->insert(QLatin1String("presets"), source.value(QLatin1String("presets")));
        for (const QLatin1String key : {QLatin1String("min"), QLatin1String("max")}) {
            if (!param->contains(key))
                param->insert(key, source.value(key));
        }
        return std::nullopt;
    }
    return QStringLiteral("parameter %1: presets_from '%2': that scenario has no parameter %1 with presets")
        .arg(name, from);
}

} // namespace

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
    const QJsonValue order = json.value(QLatin1String("order"));
    if (order.isUndefined()) {
        m_order = kUnordered;
    } else if (order.isDouble() && order.toInteger(-1) >= 0) {
        m_order = static_cast<int>(std::min<qint64>(order.toInteger(), kUnordered - 1));
    } else {
        *error = QStringLiteral("scenario %1: 'order' must be a whole number from 0").arg(m_id);
        return false;
    }
    m_models.clear();
    for (const QJsonValue& v : json.value(QLatin1String("models")).toArray()) {
        const QByteArray name = v.toString().toUtf8();
        const auto model
            = parseModel(std::string_view(name.constData(), static_cast<std::size_t>(name.size())));
        if (!model) {
            *error = QStringLiteral("scenario %1: unknown model '%2'").arg(m_id, v.toString());
            return false;
        }
        m_models << *model;
    }
    m_params.clear();
    for (const QJsonValue& v : json.value(QLatin1String("params")).toArray()) {
        QJsonObject paramJson = v.toObject();
        if (auto why = inheritPresets(&paramJson)) {
            *error = QStringLiteral("scenario %1: %2").arg(m_id, *why);
            return false;
        }
        QString why;
        auto p = ParamSpec::fromJson(paramJson, &why);
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

RunSpec Scenario::baseSpec(const ScenarioRequest& request) const
{
    RunSpec spec;
    spec.model = request.model;
    spec.flavour = request.flavour;
    spec.workers = request.model == Model::Sequential ? 0 : request.workers;
    return spec;
}

std::optional<QString> Scenario::finish(RunSpec* spec) const
{
    if (spec->label.isEmpty())
        spec->label = QStringLiteral("%1 · %2 · %3")
                          .arg(m_id,
                              QLatin1String(toString(spec->model).data(),
                                  static_cast<qsizetype>(toString(spec->model).size())),
                              QLatin1String(toString(spec->flavour).data(),
                                  static_cast<qsizetype>(toString(spec->flavour).size())));
    return validate(*spec);
}

std::optional<QString> Scenario::build(const ScenarioRequest& request, RunSpec* out) const
{
    ScenarioRequest resolved = request;
    if (auto error = resolveParams(m_params, request.params, &resolved.params))
        return error;
    RunSpec spec = baseSpec(request);
    if (auto error = buildRun(resolved, &spec))
        return error;
    if (auto error = finish(&spec))
        return error;
    *out = spec;
    return std::nullopt;
}

std::optional<QString> Scenario::buildAll(const ScenarioRequest& request, QList<RunSpec>* out) const
{
    ScenarioRequest resolved = request;
    if (auto error = resolveParams(m_params, request.params, &resolved.params))
        return error;
    QList<RunSpec> specs;
    if (auto error = buildRuns(resolved, baseSpec(request), &specs))
        return error;
    for (RunSpec& spec : specs) {
        if (auto error = finish(&spec))
            return error;
    }
    *out = specs;
    return std::nullopt;
}

std::optional<QString> Scenario::buildRuns(
    const ScenarioRequest& request, const RunSpec& base, QList<RunSpec>* out) const
{
    RunSpec spec = base;
    if (auto error = buildRun(request, &spec))
        return error;
    out->append(spec);
    return std::nullopt;
}

QJsonObject Scenario::analyse(const QList<RunResultPtr>&) const
{
    return {};
}

} // namespace spindle

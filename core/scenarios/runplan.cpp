#include "scenarios/runplan.h"

#include <thread>

namespace spindle {

namespace {

QString qstr(std::string_view s)
{
    return QString::fromLatin1(s.data(), static_cast<qsizetype>(s.size()));
}

} // namespace

QString modelNames(bool availableOnly)
{
    QStringList names;
    for (int i = 0; i < kModelCount; ++i) {
        const auto m = static_cast<Model>(i);
        if (!availableOnly || isModelAvailable(m))
            names << qstr(toString(m));
    }
    return names.join(QStringLiteral(", "));
}

std::optional<QString> makeRunPlan(const RunPlanInput& input, const ScenarioCatalogue& catalogue, RunPlan* out)
{
    RunPlan plan;
    if (input.scenario.isEmpty())
        return QStringLiteral("SCENARIO is missing; allowed: %1").arg(catalogue.ids().join(QStringLiteral(", ")));
    plan.scenario = catalogue.find(input.scenario);
    if (plan.scenario == nullptr)
        return QStringLiteral("SCENARIO '%1' is unknown; allowed: %2")
            .arg(input.scenario, catalogue.ids().join(QStringLiteral(", ")));

    QList<Model> models;
    if (input.models.trimmed().isEmpty()) {
        for (Model m : plan.scenario->defaultModels()) {
            if (isModelAvailable(m))
                models << m;
        }
    } else {
        for (const QString& name : input.models.split(QLatin1Char(','))) {
            const QByteArray utf8 = name.trimmed().toUtf8();
            const auto m = parseModel(std::string_view(utf8.constData(), static_cast<std::size_t>(utf8.size())));
            if (!m)
                return QStringLiteral("--models: '%1' is not a model; allowed: %2").arg(name.trimmed(), modelNames(false));
            if (!isModelAvailable(*m))
                return QStringLiteral("--models: model '%1' is not available in this build; available: %2")
                    .arg(name.trimmed(), modelNames(true));
            if (models.contains(*m))
                return QStringLiteral("--models: '%1' is given twice").arg(name.trimmed());
            models << *m;
        }
    }
    if (models.isEmpty())
        return QStringLiteral("--models: none of the scenario's models is available; available: %1")
            .arg(modelNames(true));

    Flavour flavour = Flavour::Python;
    if (!input.flavour.isEmpty()) {
        const QByteArray utf8 = input.flavour.toUtf8();
        const auto f = parseFlavour(std::string_view(utf8.constData(), static_cast<std::size_t>(utf8.size())));
        if (!f)
            return QStringLiteral("--flavour: '%1' is not a flavour; allowed: python, native").arg(input.flavour);
        flavour = *f;
    }

    int workers = 0;
    if (!input.workers.isEmpty()) {
        bool ok = false;
        workers = input.workers.toInt(&ok);
        int highest = RunLimits::kMaxCoroutines;
        for (Model m : models) {
            if (m != Model::Sequential)
                highest = std::min(highest, maxWorkers(m));
        }
        if (!ok || workers < 1 || workers > highest)
            return QStringLiteral("--workers: '%1' is not allowed; allowed: an integer 1 … %2 for these models")
                .arg(input.workers)
                .arg(highest);
    }

    std::int64_t timeoutMs = 0;
    if (!input.timeout.isEmpty()) {
        bool ok = false;
        const double seconds = input.timeout.toDouble(&ok);
        const double highest = static_cast<double>(RunLimits::kMaxTimeoutMs) / 1000.0;
        if (!ok || seconds <= 0 || seconds > highest)
            return QStringLiteral("--timeout: '%1' is not allowed; allowed: seconds, more than 0 and at most %2")
                .arg(input.timeout)
                .arg(highest);
        timeoutMs = std::max<std::int64_t>(1, static_cast<std::int64_t>(seconds * 1000.0));
    }

    ParamValues given;
    for (const QString& kv : input.params) {
        const qsizetype eq = kv.indexOf(QLatin1Char('='));
        if (eq <= 0)
            return QStringLiteral("--param: '%1' is not key=value").arg(kv);
        const QString key = kv.left(eq).trimmed();
        if (given.contains(key))
            return QStringLiteral("--param: '%1' is given twice").arg(key);
        given.insert(key, kv.mid(eq + 1).trimmed());
    }
    if (auto error = resolveParams(plan.scenario->params(), given, &plan.params))
        return QStringLiteral("--param: %1").arg(*error);

    for (Model m : models) {
        ScenarioRequest request;
        request.model = m;
        request.flavour = flavour;
        request.workers = workers;
        request.params = plan.params;
        QList<RunSpec> specs;
        if (auto error = plan.scenario->buildAll(request, &specs))
            return QStringLiteral("%1 (model %2)").arg(*error, qstr(toString(m)));
        for (RunSpec& spec : specs) {
            spec.timeoutMs = timeoutMs;
            plan.runs << spec;
        }
    }
    *out = plan;
    return std::nullopt;
}

} // namespace spindle

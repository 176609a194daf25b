// libFuzzer target: the scenario and parameter parsers. An input is one of
//  - a scenario description (it starts with '{'), as in resources/scenarios/,
//    optionally followed by a line "---" and lines "key=value": the
//    description is loaded (ParamSpec::fromJson, presets_from), the values
//    are resolved against its schema and a run is built from them;
//  - the words of `spindle run` one per line: SCENARIO, --models, --flavour,
//    --workers, --timeout, then any number of --param key=value, turned into
//    a run plan against the built-in catalogue, as app/cli.cpp does.
// Refusals must come with a message; accepted plans must pass validate().

#include "scenarios/runplan.h"
#include "scenarios/scenario.h"
#include "scenarios/scenariocatalogue.h"

#include <QJsonDocument>

#include <cstdint>

using namespace spindle;

namespace {

void require(bool condition)
{
    if (!condition)
        __builtin_trap();
}

// A scenario that turns its resolved values into tasks the way the built-in
// builders do: int-list numbers become is_prime tasks, an int a sleep.
class FuzzScenario : public Scenario {
protected:
    std::optional<QString> buildRun(const ScenarioRequest& request, RunSpec* out) const override
    {
        for (const ParamSpec& p : params()) {
            const QString value = request.params.value(p.name);
            p.allowedText();
            switch (p.kind) {
            case ParamSpec::Kind::IntList:
                for (std::int64_t n : p.intList(value))
                    out->tasks.push_back({WorkloadKind::IsPrime, n});
                break;
            case ParamSpec::Kind::Int:
                out->tasks.push_back({WorkloadKind::Sleep, value.toLongLong()});
                break;
            case ParamSpec::Kind::Choice:
                out->label += value;
                break;
            }
        }
        return std::nullopt;
    }
};

void fuzzDescription(const QString& text)
{
    const qsizetype split = text.indexOf(QLatin1String("\n---\n"));
    const QString json = split < 0 ? text : text.left(split);
    const QStringList lines
        = split < 0 ? QStringList() : text.mid(split + 5).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    const QJsonDocument doc = QJsonDocument::fromJson(json.toUtf8());
    FuzzScenario scenario;
    QString error;
    if (!scenario.load(doc.object(), &error)) {
        require(!error.isEmpty());
        return;
    }
    ParamValues given;
    for (const QString& line : lines) {
        const qsizetype eq = line.indexOf(QLatin1Char('='));
        given.insert(line.left(eq), eq < 0 ? QString() : line.mid(eq + 1));
    }
    ScenarioRequest request;
    request.model = Model::Threads;
    request.params = given;
    QList<RunSpec> specs;
    if (auto refusal = scenario.buildAll(request, &specs)) {
        require(!refusal->isEmpty());
        return;
    }
    for (const RunSpec& spec : specs)
        require(!validate(spec).has_value());
}

void fuzzCommandLine(const QString& text)
{
    const QStringList lines = text.split(QLatin1Char('\n'));
    const auto line = [&](qsizetype i) { return i < lines.size() ? lines.at(i) : QString(); };
    RunPlanInput input;
    input.scenario = line(0);
    input.models = line(1);
    input.flavour = line(2);
    input.workers = line(3);
    input.timeout = line(4);
    input.params = lines.mid(5);
    RunPlan plan;
    if (auto refusal = makeRunPlan(input, ScenarioCatalogue::builtin(), &plan)) {
        require(!refusal->isEmpty());
        return;
    }
    require(plan.scenario != nullptr && !plan.runs.isEmpty());
    for (const RunSpec& spec : plan.runs)
        require(!validate(spec).has_value());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    if (text.startsWith(QLatin1Char('{')))
        fuzzDescription(text);
    else
        fuzzCommandLine(text);
    return 0;
}

// The scenario catalogue: descriptions load, parameters are checked against
// their schema, and run plans are built or refused with a named argument.

#include "scenarios/runplan.h"
#include "scenarios/scenariocatalogue.h"
#include "workloads/primecalibration.h"
#include "workloads/primestepper.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <map>

using namespace spindle;

TEST(ScenarioCatalogue, EveryBuiltinDescriptionLoads)
{
    const ScenarioCatalogue& c = ScenarioCatalogue::builtin();
    EXPECT_TRUE(c.loadErrors().isEmpty()) << c.loadErrors().join(QLatin1Char('\n')).toStdString();
    ASSERT_NE(c.find(QStringLiteral("primes")), nullptr);
    ASSERT_NE(c.find(QStringLiteral("spinner")), nullptr);
    for (const Scenario* s : c.all()) {
        EXPECT_FALSE(s->title().isEmpty());
        EXPECT_FALSE(s->lesson().isEmpty());
        EXPECT_FALSE(s->defaultModels().isEmpty()) << s->id().toStdString();
        for (const ParamSpec& p : s->params()) {
            EXPECT_FALSE(p.check(p.defaultValue).has_value()) << p.name.toStdString();
            EXPECT_FALSE(p.help.isEmpty()) << p.name.toStdString();
        }
    }
}

TEST(ScenarioCatalogue, ListsTheScenariosInSpecsOrder)
{
    // The descriptions' "order", not the builders' file names.
    EXPECT_EQ(ScenarioCatalogue::builtin().ids(),
        QStringList({QStringLiteral("spinner"), QStringLiteral("primes"), QStringLiteral("sum-random"),
            QStringLiteral("scaling"), QStringLiteral("pools"), QStringLiteral("daemons"),
            QStringLiteral("prefork"), QStringLiteral("many-tasks")}));
}

TEST(ScenarioCatalogue, EveryDescriptionFileIsNamedForItsIdAndHasABuilder)
{
    // The build pairs builder and description by name; a description without
    // a builder would be left out silently.
    const QDir dir(QStringLiteral(SPINDLE_SOURCE_DIR "/resources/scenarios"));
    const QStringList files = dir.entryList({QStringLiteral("*.json")}, QDir::Files);
    EXPECT_EQ(files.size(), ScenarioCatalogue::builtin().all().size());
    for (const QString& name : files) {
        SCOPED_TRACE(name.toStdString());
        QFile file(dir.filePath(name));
        ASSERT_TRUE(file.open(QIODevice::ReadOnly));
        const QString id
            = QJsonDocument::fromJson(file.readAll()).object().value(QLatin1String("id")).toString();
        EXPECT_EQ(id + QStringLiteral(".json"), name);
        EXPECT_NE(ScenarioCatalogue::builtin().find(id), nullptr);
    }
}

TEST(ScenarioCatalogue, RefusesADescriptionNamedForAnotherIdOrInTheCatalogueTwice)
{
    struct Dummy : Scenario {
        std::optional<QString> buildRun(const ScenarioRequest&, RunSpec*) const override
        {
            return std::nullopt;
        }
    };
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const auto write = [&](const QString& name, const QByteArray& json) {
        QFile file(dir.filePath(name));
        EXPECT_TRUE(file.open(QIODevice::WriteOnly));
        file.write(json);
        return file.fileName();
    };
    ScenarioCatalogue c;
    QString error;
    EXPECT_FALSE(c.add(std::make_unique<Dummy>(),
        write(QStringLiteral("ninth.json"), R"({"id": "tenth", "title": "t", "models": ["threads"]})"),
        &error));
    EXPECT_TRUE(error.contains(QLatin1String("tenth")) && error.contains(QLatin1String("ninth")))
        << error.toStdString();
    EXPECT_FALSE(c.add(std::make_unique<Dummy>(),
        write(QStringLiteral("late.json"), R"({"id": "late", "order": "last", "title": "t"})"), &error));
    EXPECT_TRUE(error.contains(QLatin1String("order"))) << error.toStdString();

    // Ordered first, unordered after them in the order added.
    const QString ninth
        = write(QStringLiteral("ninth.json"), R"({"id": "ninth", "title": "t", "models": ["threads"]})");
    ASSERT_TRUE(c.add(std::make_unique<Dummy>(), ninth, &error)) << error.toStdString();
    ASSERT_TRUE(c.add(std::make_unique<Dummy>(),
        write(QStringLiteral("second.json"), R"({"id": "second", "order": 2, "title": "t"})"), &error));
    ASSERT_TRUE(c.add(std::make_unique<Dummy>(),
        write(QStringLiteral("first.json"), R"({"id": "first", "order": 1, "title": "t"})"), &error));
    EXPECT_EQ(
        c.ids(), QStringList({QStringLiteral("first"), QStringLiteral("second"), QStringLiteral("ninth")}));
    EXPECT_FALSE(c.add(std::make_unique<Dummy>(), ninth, &error));
    EXPECT_TRUE(error.contains(QLatin1String("already"))) << error.toStdString();
    EXPECT_EQ(c.ids().size(), 3);
    EXPECT_EQ(c.loadErrors().size(), 3);
}

TEST(ScenarioCatalogue, TheBooksNumbersSurviveJsonExactly)
{
    const Scenario* primes = ScenarioCatalogue::builtin().find(QStringLiteral("primes"));
    const auto book = primes->params().front().intList(QStringLiteral("book"));
    ASSERT_EQ(book.size(), 20u);
    EXPECT_EQ(book.front(), 2);
    EXPECT_EQ(book[1], 142'702'110'479'723);
    // Past 2^53: a double would have turned it into 10^16.
    EXPECT_EQ(book.back(), 9'999'999'999'999'999);
}

TEST(ScenarioCatalogue, AMalformedDescriptionIsRefusedWithItsReason)
{
    struct Dummy : Scenario {
        std::optional<QString> buildRun(const ScenarioRequest&, RunSpec*) const override
        {
            return std::nullopt;
        }
    };
    Dummy d;
    QString error;
    const auto load
        = [&](const char* json) { return d.load(QJsonDocument::fromJson(json).object(), &error); };
    EXPECT_FALSE(load(R"({"title": "no id"})"));
    EXPECT_TRUE(error.contains(QLatin1String("id")));
    EXPECT_FALSE(load(R"({"id": "x", "title": "t", "models": ["threads", "fibers"]})"));
    EXPECT_TRUE(error.contains(QLatin1String("fibers")));
    EXPECT_FALSE(load(R"({"id": "x", "title": "t", "params": [{"name": "n", "kind": "float"}]})"));
    EXPECT_TRUE(error.contains(QLatin1String("float")));
    EXPECT_FALSE(load(
        R"({"id": "x", "title": "t", "params": [{"name": "n", "kind": "int", "default": "99", "min": 1, "max": 10}]})"));
    EXPECT_TRUE(error.contains(QLatin1String("default"))) << error.toStdString();
    EXPECT_TRUE(load(
        R"({"id": "x", "title": "t", "models": ["threads"], "params": [{"name": "n", "kind": "int", "default": "5", "min": 1, "max": 10}]})"));
}

TEST(ParamSpec, ChecksNameTheParameterAndTheAllowedValues)
{
    ParamSpec p;
    p.name = QStringLiteral("seconds");
    p.kind = ParamSpec::Kind::Int;
    p.min = 1;
    p.max = 60;
    p.unit = QStringLiteral("s");
    EXPECT_FALSE(p.check(QStringLiteral("60")));
    const auto tooBig = p.check(QStringLiteral("61"));
    ASSERT_TRUE(tooBig);
    EXPECT_TRUE(tooBig->contains(QLatin1String("seconds")) && tooBig->contains(QString::fromUtf8("1 … 60")));
    EXPECT_TRUE(p.check(QStringLiteral("1.5")));
    EXPECT_TRUE(p.check(QString()));
    EXPECT_FALSE(p.allowedText().contains(QLatin1String("0 =")));
    p.min = 0;
    p.zeroMeans = QStringLiteral("calibrated");
    EXPECT_TRUE(p.allowedText().contains(QLatin1String("(0 = calibrated)"))) << p.allowedText().toStdString();
}

TEST(RunPlan, BuildsOneRunPerModelWithTheScenarioDefaults)
{
    RunPlanInput input;
    input.scenario = QStringLiteral("primes");
    input.params = {QStringLiteral("numbers=3,5,8")};
    input.workers = QStringLiteral("3");
    RunPlan plan;
    ASSERT_FALSE(makeRunPlan(input, ScenarioCatalogue::builtin(), &plan));
    ASSERT_FALSE(plan.runs.isEmpty());
    EXPECT_EQ(plan.runs.front().model, Model::Sequential);
    for (const RunSpec& spec : plan.runs) {
        ASSERT_EQ(spec.tasks.size(), 3u);
        EXPECT_EQ(spec.tasks[2].arg, 8);
        EXPECT_EQ(spec.flavour, Flavour::Python);
        EXPECT_EQ(spec.effectiveWorkers(), spec.model == Model::Sequential ? 1 : 3);
    }
}

TEST(RunPlan, SpinnerVariantsBuildTheRightWork)
{
    RunPlanInput input;
    input.scenario = QStringLiteral("spinner");
    input.models = QStringLiteral("coroutines");
    input.params = {QStringLiteral("slow=cpu"), QStringLiteral("seconds=2")};
    RunPlan plan;
    ASSERT_FALSE(makeRunPlan(input, ScenarioCatalogue::builtin(), &plan));
    const RunSpec& spec = plan.runs.front();
    EXPECT_TRUE(spec.spinner);
    ASSERT_EQ(spec.tasks.size(), 2u);
    EXPECT_EQ(spec.tasks[0].kind, WorkloadKind::IsPrime);
    EXPECT_TRUE(millerRabin(static_cast<std::uint64_t>(spec.tasks[0].arg)));

    // The coroutine variant of an executor slow() is the loop offloading it.
    input.params = {QStringLiteral("slow=executor-thread")};
    ASSERT_FALSE(makeRunPlan(input, ScenarioCatalogue::builtin(), &plan));
    EXPECT_EQ(plan.runs.front().model, Model::CoroutinesExecutor);
    EXPECT_EQ(plan.runs.front().executor, ExecutorKind::Thread);
    EXPECT_TRUE(plan.runs.front().label.contains(QLatin1String("coroutines+executor")));

    // A number of one's own: slow() checks it once, whatever the seconds.
    input.params = {
        QStringLiteral("slow=nap"), QStringLiteral("seconds=5"), QStringLiteral("number=5000111000222021")};
    ASSERT_FALSE(makeRunPlan(input, ScenarioCatalogue::builtin(), &plan));
    ASSERT_EQ(plan.runs.front().tasks.size(), 1u);
    EXPECT_EQ(plan.runs.front().tasks[0].kind, WorkloadKind::Nap);
    EXPECT_EQ(plan.runs.front().tasks[0].arg, 5'000'111'000'222'021);
}

TEST(PrimeCalibration, PrimeTakingASecondIsPrimeAndSizedToTheMachine)
{
    const std::int64_t n = primeTakingSeconds(0.05);
    EXPECT_TRUE(millerRabin(static_cast<std::uint64_t>(n)));
    const double iterations = static_cast<double>(isqrt(n)) / 2.0;
    EXPECT_NEAR(iterations / primeIterationsPerSecond(), 0.05, 0.01);
}

TEST(ScenarioCatalogue, SpecsScenariosHaveTheirParametersUnderSpecsNames)
{
    const std::map<QString, QStringList> expected = {
        {QStringLiteral("spinner"), {QStringLiteral("slow"), QStringLiteral("seconds")}},
        {QStringLiteral("primes"), {QStringLiteral("numbers")}},
        {QStringLiteral("sum-random"), {QStringLiteral("count"), QStringLiteral("tasks")}},
        {QStringLiteral("scaling"), {QStringLiteral("max-workers"), QStringLiteral("repeats")}},
        {QStringLiteral("pools"), {QStringLiteral("backlog")}},
        {QStringLiteral("many-tasks"), {QStringLiteral("count")}},
        {QStringLiteral("prefork"), {QStringLiteral("requests")}},
        {QStringLiteral("daemons"), {}},
    };
    for (const auto& [id, names] : expected) {
        const Scenario* s = ScenarioCatalogue::builtin().find(id);
        ASSERT_NE(s, nullptr) << id.toStdString();
        QStringList have;
        for (const ParamSpec& p : s->params())
            have << p.name;
        for (const QString& name : names)
            EXPECT_TRUE(have.contains(name)) << id.toStdString() << " lacks " << name.toStdString();
    }
    EXPECT_EQ(static_cast<qsizetype>(expected.size()), ScenarioCatalogue::builtin().all().size())
        << "SPEC names eight scenarios";

    const auto param = [](const QString& scenario, const QString& name) -> const ParamSpec* {
        for (const ParamSpec& p : ScenarioCatalogue::builtin().find(scenario)->params()) {
            if (p.name == name)
                return &p;
        }
        return nullptr;
    };
    // spinner: slow=sleep|blocking-sleep|cpu|nap|executor-thread|executor-process, seconds.
    const ParamSpec* slow = param(QStringLiteral("spinner"), QStringLiteral("slow"));
    ASSERT_NE(slow, nullptr);
    EXPECT_EQ(slow->kind, ParamSpec::Kind::Choice);
    EXPECT_EQ(slow->choices,
        QStringList({QStringLiteral("sleep"), QStringLiteral("blocking-sleep"), QStringLiteral("cpu"),
            QStringLiteral("nap"), QStringLiteral("executor-thread"), QStringLiteral("executor-process")}));
    for (const QString& choice : slow->choices)
        EXPECT_FALSE(slow->check(choice)) << choice.toStdString();
    EXPECT_TRUE(slow->check(QStringLiteral("fast")));
    const ParamSpec* seconds = param(QStringLiteral("spinner"), QStringLiteral("seconds"));
    ASSERT_NE(seconds, nullptr);
    EXPECT_EQ(seconds->kind, ParamSpec::Kind::Int);
    EXPECT_FALSE(seconds->check(QStringLiteral("1")));
    EXPECT_TRUE(seconds->check(QStringLiteral("0")));

    // primes: numbers=book|quick|n1,n2,...
    const ParamSpec* numbers = param(QStringLiteral("primes"), QStringLiteral("numbers"));
    ASSERT_NE(numbers, nullptr);
    EXPECT_EQ(numbers->kind, ParamSpec::Kind::IntList);
    EXPECT_EQ(numbers->defaultValue, QStringLiteral("book"));
    EXPECT_FALSE(numbers->check(QStringLiteral("book")));
    EXPECT_FALSE(numbers->check(QStringLiteral("quick")));
    EXPECT_FALSE(numbers->check(QStringLiteral("2, 142702110479723,9999999999999999")));
    EXPECT_EQ(numbers->intList(QStringLiteral("2, 142702110479723,9999999999999999")),
        (std::vector<std::int64_t> {2, 142'702'110'479'723, 9'999'999'999'999'999}));
    EXPECT_EQ(numbers->intList(QStringLiteral("book")).size(), 20u);
    EXPECT_FALSE(numbers->intList(QStringLiteral("quick")).empty());
    EXPECT_TRUE(numbers->check(QStringLiteral("slow")));
    EXPECT_TRUE(numbers->check(QStringLiteral("3,x")));
}

TEST(RunPlan, EveryScenarioBuildsItsDefaultPlan)
{
    for (const Scenario* s : ScenarioCatalogue::builtin().all()) {
        RunPlanInput input;
        input.scenario = s->id();
        RunPlan plan;
        const auto error = makeRunPlan(input, ScenarioCatalogue::builtin(), &plan);
        EXPECT_FALSE(error) << s->id().toStdString() << ": " << error.value_or(QString()).toStdString();
        EXPECT_FALSE(plan.runs.isEmpty()) << s->id().toStdString();
    }
}

TEST(Scenario, BuildAllGivesTheSingleRunOfBuildUnlessTheScenarioSweeps)
{
    const Scenario* primes = ScenarioCatalogue::builtin().find(QStringLiteral("primes"));
    ScenarioRequest request;
    request.model = Model::Threads;
    request.workers = 2;
    request.params = {{QStringLiteral("numbers"), QStringLiteral("5,7")}};
    RunSpec one;
    QList<RunSpec> all;
    ASSERT_FALSE(primes->build(request, &one));
    ASSERT_FALSE(primes->buildAll(request, &all));
    ASSERT_EQ(all.size(), 1);
    EXPECT_EQ(all.front().label, one.label);
    EXPECT_EQ(all.front().tasks.size(), one.tasks.size());
    EXPECT_TRUE(primes->analyse({}).isEmpty());

    const Scenario* scaling = ScenarioCatalogue::builtin().find(QStringLiteral("scaling"));
    request.params = {{QStringLiteral("max-workers"), QStringLiteral("4")},
        {QStringLiteral("repeats"), QStringLiteral("2")}};
    ASSERT_FALSE(scaling->buildAll(request, &all));
    EXPECT_EQ(all.size(), 8);
    // A refusal names the parameter and leaves the output alone.
    request.params = {{QStringLiteral("repeats"), QStringLiteral("0")}};
    const auto refused = scaling->buildAll(request, &all);
    ASSERT_TRUE(refused);
    EXPECT_TRUE(refused->contains(QLatin1String("repeats")));
    EXPECT_EQ(all.size(), 8);
}

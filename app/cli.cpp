#include "cli.h"

#include "headlessrun.h"
#include "scenarios/runplan.h"
#include "scenarios/scenariocatalogue.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>

#include <cstdio>

namespace spindle {

namespace {

constexpr const char* kUsage = R"(Usage:
  spindle                          open the window (headless demo when there is no display)
  spindle list                     scenarios, models and parameters (with ranges)
  spindle run SCENARIO [options]   run without a window and exit
  spindle --version | --help

Options for run:
  --models m1,m2,...     default: the scenario's own set
  --flavour python|native   default: python
  --workers N            default: number of CPU cores
  --param key=value      any scenario parameter (repeatable)
  --timeout SECONDS      end a run that takes longer (it counts as failed)
  --report FILE.json     the summary report
  --screenshot FILE.png  the window as it would look after the run
  --session FILE.spindle the full recording (openable in the window; docs/session-format.md)
  --trace FILE.json      Chrome Trace Event format (Perfetto, chrome://tracing)

Exit status: 0 success, 2 invalid arguments, 1 a run failed.
)";

// Refuses an output path whose folder is missing or whose name is wrong.
std::optional<QString> checkOutput(const QString& option, const QString& path, const QString& suffix)
{
    if (path.isEmpty())
        return QStringLiteral("%1 needs a file name").arg(option);
    const QFileInfo info(path);
    if (!info.absoluteDir().exists())
        return QStringLiteral("%1: folder '%2' does not exist").arg(option, info.absolutePath());
    if (info.isDir())
        return QStringLiteral("%1: '%2' is a folder; give a file name ending in .%3").arg(option, path, suffix);
    // A device or FIFO that is already there (/dev/stdout, /dev/null) is
    // written as it is: its name cannot carry the suffix, and a full one
    // (/dev/full) fails the run like a full disk would.
    if (info.exists() && !info.isFile())
        return std::nullopt;
    if (info.suffix().compare(suffix, Qt::CaseInsensitive) != 0)
        return QStringLiteral("%1: '%2' must end in .%3").arg(option, path, suffix);
    return std::nullopt;
}

} // namespace

Cli::Cli() : m_out(stdout), m_err(stderr) {}

int Cli::usageError(const QString& message)
{
    m_err << "spindle: " << message << Qt::endl << "Try 'spindle --help'." << Qt::endl;
    return 2;
}

int Cli::exec(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show help."));
    const QCommandLineOption version(QStringLiteral("version"), QStringLiteral("Show the version."));
    const QCommandLineOption models(QStringLiteral("models"), QStringLiteral("Models."), QStringLiteral("list"));
    const QCommandLineOption flavour(QStringLiteral("flavour"), QStringLiteral("Flavour."), QStringLiteral("name"));
    const QCommandLineOption workers(QStringLiteral("workers"), QStringLiteral("Workers."), QStringLiteral("N"));
    const QCommandLineOption param(QStringLiteral("param"), QStringLiteral("Parameter."), QStringLiteral("key=value"));
    const QCommandLineOption report(QStringLiteral("report"), QStringLiteral("Report."), QStringLiteral("file"));
    const QCommandLineOption timeout(QStringLiteral("timeout"), QStringLiteral("Timeout."), QStringLiteral("s"));
    const QCommandLineOption session(QStringLiteral("session"), QStringLiteral("Session."), QStringLiteral("file"));
    const QCommandLineOption trace(QStringLiteral("trace"), QStringLiteral("Trace."), QStringLiteral("file"));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"), QStringLiteral("Screenshot."),
                                        QStringLiteral("file"));
    parser.addOptions({help, version, models, flavour, workers, param, timeout, report, session, trace, screenshot});
    parser.addPositionalArgument(QStringLiteral("command"), QStringLiteral("list or run"));

    if (!parser.parse(args))
        return usageError(parser.errorText());
    if (parser.isSet(help)) {
        m_out << "Spindle " << SPINDLE_VERSION << " - see how concurrency models behave.\n\n" << kUsage;
        m_out.flush();
        return 0;
    }
    if (parser.isSet(version)) {
        m_out << "spindle " << SPINDLE_VERSION << Qt::endl;
        return 0;
    }
    const QStringList positional = parser.positionalArguments();
    const QString command = positional.value(0);
    const QStringList runOptions = {QStringLiteral("models"), QStringLiteral("flavour"), QStringLiteral("workers"),
                                    QStringLiteral("param"), QStringLiteral("report"), QStringLiteral("session"),
                                    QStringLiteral("trace"), QStringLiteral("screenshot"), QStringLiteral("timeout")};
    if (command == QLatin1String("list")) {
        if (positional.size() > 1)
            return usageError(QStringLiteral("list takes no argument; got '%1'").arg(positional.at(1)));
        for (const QString& name : runOptions) {
            if (parser.isSet(name))
                return usageError(QStringLiteral("--%1 belongs to 'run', not 'list'").arg(name));
        }
        return list();
    }
    if (command != QLatin1String("run"))
        return usageError(QStringLiteral("unknown command '%1'; allowed: list, run").arg(command));
    if (positional.size() > 2)
        return usageError(QStringLiteral("run takes one SCENARIO; unexpected '%1'").arg(positional.at(2)));
    for (const QString& name : {QStringLiteral("models"), QStringLiteral("flavour"), QStringLiteral("workers"),
                                QStringLiteral("report"), QStringLiteral("screenshot"), QStringLiteral("session"),
                                QStringLiteral("trace"), QStringLiteral("timeout")}) {
        if (parser.values(name).size() > 1)
            return usageError(QStringLiteral("--%1 is given more than once").arg(name));
    }

    RunPlanInput input;
    input.scenario = positional.value(1);
    input.models = parser.value(models);
    input.flavour = parser.value(flavour);
    input.workers = parser.value(workers);
    input.params = parser.values(param);
    input.timeout = parser.value(timeout);
    RunPlan plan;
    if (auto error = makeRunPlan(input, ScenarioCatalogue::builtin(), &plan))
        return usageError(*error);
    HeadlessOutputs outputs;
    if (parser.isSet(report)) {
        outputs.report = parser.value(report);
        if (auto error = checkOutput(QStringLiteral("--report"), outputs.report, QStringLiteral("json")))
            return usageError(*error);
    }
    if (parser.isSet(session)) {
        outputs.session = parser.value(session);
        if (auto error = checkOutput(QStringLiteral("--session"), outputs.session, QStringLiteral("spindle")))
            return usageError(*error);
    }
    if (parser.isSet(trace)) {
        outputs.trace = parser.value(trace);
        if (auto error = checkOutput(QStringLiteral("--trace"), outputs.trace, QStringLiteral("json")))
            return usageError(*error);
    }
    if (parser.isSet(screenshot)) {
        outputs.screenshot = parser.value(screenshot);
        if (auto error = checkOutput(QStringLiteral("--screenshot"), outputs.screenshot, QStringLiteral("png")))
            return usageError(*error);
    }
    return HeadlessRun(m_out, m_err).exec(plan, outputs);
}

int Cli::list()
{
    const ScenarioCatalogue& catalogue = ScenarioCatalogue::builtin();
    m_out << "Scenarios:\n";
    for (const Scenario* s : catalogue.all()) {
        QStringList models;
        for (Model m : s->defaultModels())
            models << QString::fromLatin1(toString(m).data(), static_cast<qsizetype>(toString(m).size()));
        m_out << "  " << s->id() << " - " << s->title() << "\n";
        m_out << "      default models: " << models.join(QStringLiteral(", ")) << "\n";
        for (const ParamSpec& p : s->params()) {
            m_out << "      --param " << p.name << "=…  " << p.allowedText() << "; default " << p.defaultValue
                  << "\n          " << p.help << "\n";
        }
    }
    m_out << "\nModels: " << modelNames(false) << "\n";
    m_out << "  available in this build: " << modelNames(true) << "\n";
    m_out << "  workers: sequential 1; threads, thread-pool 1 … " << RunLimits::kMaxThreads
          << "; coroutines 1 … " << RunLimits::kMaxCoroutines << "; processes, process-pool 1 … "
          << RunLimits::kMaxProcesses << "\n";
    m_out << "Flavours: python (default; emulated GIL, switch interval 5 ms), native (no global lock)\n";
    for (const QString& error : catalogue.loadErrors())
        m_err << "spindle: scenario description problem: " << error << "\n";
    m_out.flush();
    return catalogue.loadErrors().isEmpty() ? 0 : 1;
}

int Cli::runDemo(const QString& folder)
{
    if (!QDir().mkpath(folder)) {
        m_err << "spindle: cannot create the demo folder " << folder << Qt::endl;
        return 1;
    }
    RunPlanInput input;
    input.scenario = QStringLiteral("primes");
    RunPlan plan;
    if (auto error = makeRunPlan(input, ScenarioCatalogue::builtin(), &plan)) {
        m_err << "spindle: the demo cannot run: " << *error << Qt::endl;
        return 1;
    }
    const QDir dir(folder);
    HeadlessOutputs outputs;
    outputs.report = dir.absoluteFilePath(QStringLiteral("report.json"));
    outputs.screenshot = dir.absoluteFilePath(QStringLiteral("screenshot.png"));
    m_out << "No display found: running the demo without a window - the book's primes as sequential, threads and "
             "processes (python flavour)."
          << Qt::endl;
    return HeadlessRun(m_out, m_err).exec(plan, outputs);
}

} // namespace spindle

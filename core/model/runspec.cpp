#include "model/runspec.h"

#include <QStringList>

#include <thread>

namespace spindle {

namespace {
constexpr std::string_view kModelNames[kModelCount] = {
    "sequential",
    "threads",
    "thread-pool",
    "coroutines",
    "processes",
    "process-pool",
    "coroutines+executor",
};
} // namespace

std::string_view toString(Model model)
{
    return kModelNames[static_cast<int>(model)];
}

std::optional<Model> parseModel(std::string_view name)
{
    for (int i = 0; i < kModelCount; ++i) {
        if (kModelNames[i] == name)
            return static_cast<Model>(i);
    }
    return std::nullopt;
}

std::string_view toString(Flavour flavour)
{
    return flavour == Flavour::Python ? "python" : "native";
}

std::optional<Flavour> parseFlavour(std::string_view name)
{
    if (name == "python")
        return Flavour::Python;
    if (name == "native")
        return Flavour::Native;
    return std::nullopt;
}

namespace {
constexpr std::string_view kStartMethodNames[kStartMethodCount] = {"spawn", "fork-server"};
constexpr std::string_view kExecutorKindNames[kExecutorKindCount] = {"thread", "process"};
constexpr std::string_view kProcessPatternNames[kProcessPatternCount] = {"jobs", "supervised", "prefork"};
} // namespace

std::string_view toString(StartMethod method)
{
    const int i = static_cast<int>(method);
    return i < kStartMethodCount ? kStartMethodNames[i] : std::string_view("?");
}

std::optional<StartMethod> parseStartMethod(std::string_view name)
{
    for (int i = 0; i < kStartMethodCount; ++i) {
        if (kStartMethodNames[i] == name)
            return static_cast<StartMethod>(i);
    }
    return std::nullopt;
}

std::string_view toString(ExecutorKind kind)
{
    const int i = static_cast<int>(kind);
    return i < kExecutorKindCount ? kExecutorKindNames[i] : std::string_view("?");
}

std::optional<ExecutorKind> parseExecutorKind(std::string_view name)
{
    for (int i = 0; i < kExecutorKindCount; ++i) {
        if (kExecutorKindNames[i] == name)
            return static_cast<ExecutorKind>(i);
    }
    return std::nullopt;
}

std::string_view toString(ProcessPattern pattern)
{
    const int i = static_cast<int>(pattern);
    return i < kProcessPatternCount ? kProcessPatternNames[i] : std::string_view("?");
}

std::optional<ProcessPattern> parseProcessPattern(std::string_view name)
{
    for (int i = 0; i < kProcessPatternCount; ++i) {
        if (kProcessPatternNames[i] == name)
            return static_cast<ProcessPattern>(i);
    }
    return std::nullopt;
}

int RunSpec::effectiveWorkers() const
{
    if (model == Model::Sequential)
        return 1;
    if (workers > 0)
        return workers;
    const unsigned cores = std::thread::hardware_concurrency();
    return cores == 0 ? 1 : static_cast<int>(cores);
}

std::int64_t RunSpec::effectiveNapEvery() const
{
    return flavour == Flavour::Python ? napEvery * kCpythonIterationCost : napEvery;
}

int maxWorkers(Model model)
{
    switch (model) {
    case Model::Sequential:
        return 1;
    case Model::Threads:
    case Model::ThreadPool:
        return RunLimits::kMaxThreads;
    case Model::Coroutines:
        return RunLimits::kMaxCoroutines;
    case Model::Processes:
    case Model::ProcessPool:
    case Model::CoroutinesExecutor:
        return RunLimits::kMaxProcesses;
    }
    return 1;
}

bool isModelAvailable(Model model)
{
    switch (model) {
    case Model::Sequential:
    case Model::Threads:
    case Model::ThreadPool:
    case Model::Coroutines:
    case Model::Processes:
    case Model::ProcessPool:
    case Model::CoroutinesExecutor:
        return true;
    }
    return false;
}

namespace {

QString outOfRange(const QString& name, std::int64_t value, std::int64_t lo, std::int64_t hi)
{
    return QStringLiteral("%1 = %2 is out of range: allowed %3 … %4").arg(name).arg(value).arg(lo).arg(hi);
}

std::optional<QString> validateTask(const TaskSpec& task, std::size_t index)
{
    const QString name = QStringLiteral("task %1 (%2)")
                             .arg(index + 1)
                             .arg(QString::fromLatin1(
                                 toString(task.kind).data(), static_cast<int>(toString(task.kind).size())));
    switch (task.kind) {
    case WorkloadKind::IsPrime:
    case WorkloadKind::Nap:
        if (task.arg < 0 || task.arg > RunLimits::kMaxPrime)
            return outOfRange(name + QStringLiteral(" n"), task.arg, 0, RunLimits::kMaxPrime);
        break;
    case WorkloadKind::SumRandom:
        if (task.arg < 1 || task.arg > RunLimits::kMaxSumCount)
            return outOfRange(name + QStringLiteral(" count"), task.arg, 1, RunLimits::kMaxSumCount);
        break;
    case WorkloadKind::Sleep:
    case WorkloadKind::BlockingSleep:
        if (task.arg < 0 || task.arg > RunLimits::kMaxSleepMs)
            return outOfRange(name + QStringLiteral(" ms"), task.arg, 0, RunLimits::kMaxSleepMs);
        break;
    case WorkloadKind::Io:
        if (task.arg < 0 || task.arg > RunLimits::kMaxIoBytes)
            return outOfRange(name + QStringLiteral(" bytes"), task.arg, 0, RunLimits::kMaxIoBytes);
        break;
    }
    return std::nullopt;
}

// Backpressure and periodics belong to the thread pool's executor; elsewhere
// they would be silently ignored, so they are refused instead.
std::optional<QString> validatePoolFields(const RunSpec& spec, const QString& model)
{
    if (spec.backlog < 0 || spec.backlog > RunLimits::kMaxBacklog)
        return outOfRange(QStringLiteral("backlog"), spec.backlog, 0, RunLimits::kMaxBacklog)
            + QStringLiteral(" (0 = unbounded)");
    if (spec.submitIntervalMs < 0 || spec.submitIntervalMs > RunLimits::kMaxSubmitIntervalMs)
        return outOfRange(QStringLiteral("submit-interval-ms"), spec.submitIntervalMs, 0,
                   RunLimits::kMaxSubmitIntervalMs)
            + QStringLiteral(" (0 = all at once)");
    if (spec.failEvery < 0 || spec.failEvery > RunLimits::kMaxTasks)
        return outOfRange(QStringLiteral("fail-every"), spec.failEvery, 0, RunLimits::kMaxTasks)
            + QStringLiteral(" (0 = never)");
    if (spec.periodicMs != 0
        && (spec.periodicMs < RunLimits::kMinPeriodicMs || spec.periodicMs > RunLimits::kMaxPeriodicMs))
        return outOfRange(QStringLiteral("periodic-ms"), spec.periodicMs, RunLimits::kMinPeriodicMs,
                   RunLimits::kMaxPeriodicMs)
            + QStringLiteral(" (or 0 = none)");
    const bool usesPool
        = spec.backlog != 0 || spec.submitIntervalMs != 0 || spec.failEvery != 0 || spec.periodicMs != 0;
    if (usesPool && spec.model != Model::ThreadPool)
        return QStringLiteral(
            "backlog, submit-interval-ms, fail-every and periodic-ms need model thread-pool "
            "(they are its executor's features); got model %1")
            .arg(model);
    return std::nullopt;
}

// The supervised and prefork fields belong to their pattern of the processes
// model; elsewhere they would be silently ignored, so they are refused.
std::optional<QString> validatePatternFields(const RunSpec& spec, const QString& model)
{
    if (static_cast<int>(spec.pattern) >= kProcessPatternCount)
        return QStringLiteral("pattern = %1 is not a process pattern; allowed: jobs, supervised, prefork")
            .arg(static_cast<int>(spec.pattern));
    const QString pattern = QString::fromLatin1(
        toString(spec.pattern).data(), static_cast<qsizetype>(toString(spec.pattern).size()));
    if (spec.pattern != ProcessPattern::Jobs && spec.model != Model::Processes)
        return QStringLiteral("pattern %1 needs model processes; got model %2").arg(pattern, model);
    if (spec.produceIntervalMs < 0 || spec.produceIntervalMs > RunLimits::kMaxProduceIntervalMs)
        return outOfRange(QStringLiteral("produce-interval-ms"), spec.produceIntervalMs, 0,
            RunLimits::kMaxProduceIntervalMs);
    if (spec.killEvery < 0 || spec.killEvery > RunLimits::kMaxTasks)
        return outOfRange(QStringLiteral("kill-every"), spec.killEvery, 0, RunLimits::kMaxTasks)
            + QStringLiteral(" (0 = never)");
    if (spec.resizeTo < 0 || spec.resizeTo > RunLimits::kMaxProcesses)
        return outOfRange(QStringLiteral("resize-to"), spec.resizeTo, 0, RunLimits::kMaxProcesses)
            + QStringLiteral(" (0 = unchanged)");
    if (spec.clientConnections < 0 || spec.clientConnections > RunLimits::kMaxClientConnections)
        return outOfRange(QStringLiteral("client-connections"), spec.clientConnections, 0,
                   RunLimits::kMaxClientConnections)
            + QStringLiteral(" (0 = two per server)");
    const bool supervisedFields = spec.produceIntervalMs != 0 || spec.killEvery != 0 || spec.resizeTo != 0;
    if (supervisedFields && spec.pattern != ProcessPattern::Supervised)
        return QStringLiteral(
            "produce-interval-ms, kill-every and resize-to need pattern supervised of model "
            "processes; got pattern %1")
            .arg(pattern);
    if (spec.clientConnections != 0 && spec.pattern != ProcessPattern::Prefork)
        return QStringLiteral("client-connections needs pattern prefork of model processes; got pattern %1")
            .arg(pattern);
    if (spec.pattern == ProcessPattern::Prefork) {
        for (std::size_t i = 0; i < spec.tasks.size(); ++i) {
            if (spec.tasks[i].kind != WorkloadKind::SumRandom)
                return QStringLiteral("task %1: a prefork request is sum_random work; got %2")
                    .arg(i + 1)
                    .arg(QString::fromLatin1(toString(spec.tasks[i].kind).data(),
                        static_cast<qsizetype>(toString(spec.tasks[i].kind).size())));
        }
    }
    return std::nullopt;
}

} // namespace

std::optional<QString> validate(const RunSpec& spec)
{
    const QString model
        = QString::fromLatin1(toString(spec.model).data(), static_cast<int>(toString(spec.model).size()));
    if (!isModelAvailable(spec.model)) {
        QStringList available;
        for (int i = 0; i < kModelCount; ++i) {
            if (isModelAvailable(static_cast<Model>(i)))
                available << QString::fromLatin1(
                    kModelNames[i].data(), static_cast<int>(kModelNames[i].size()));
        }
        return QStringLiteral("model '%1' is not available in this build; available: %2")
            .arg(model, available.join(QStringLiteral(", ")));
    }
    const int maxW = maxWorkers(spec.model);
    if (spec.model != Model::Sequential && (spec.workers < 0 || spec.workers > maxW))
        return outOfRange(QStringLiteral("workers (model %1)").arg(model), spec.workers, 1, maxW)
            + QStringLiteral(" (0 = one per CPU core)");
    if (spec.model == Model::Sequential && spec.workers > 1)
        return QStringLiteral("workers = %1 is not allowed for model sequential: it runs exactly 1 worker")
            .arg(spec.workers);
    if (spec.tasks.empty())
        return QStringLiteral("tasks: the run has no task; give at least 1 (at most %1)")
            .arg(RunLimits::kMaxTasks);
    if (static_cast<std::int64_t>(spec.tasks.size()) > RunLimits::kMaxTasks)
        return outOfRange(
            QStringLiteral("tasks"), static_cast<std::int64_t>(spec.tasks.size()), 1, RunLimits::kMaxTasks);
    for (std::size_t i = 0; i < spec.tasks.size(); ++i) {
        if (auto error = validateTask(spec.tasks[i], i))
            return error;
    }
    if (spec.timeoutMs < 0 || spec.timeoutMs > RunLimits::kMaxTimeoutMs)
        return outOfRange(QStringLiteral("timeout-ms"), spec.timeoutMs, 0, RunLimits::kMaxTimeoutMs)
            + QStringLiteral(" (0 = none)");
    if (spec.switchIntervalUs < RunLimits::kMinSwitchIntervalUs
        || spec.switchIntervalUs > RunLimits::kMaxSwitchIntervalUs)
        return outOfRange(QStringLiteral("switch-interval-us"), spec.switchIntervalUs,
            RunLimits::kMinSwitchIntervalUs, RunLimits::kMaxSwitchIntervalUs);
    if (spec.napEvery < 1 || spec.napEvery > RunLimits::kMaxNapEvery)
        return outOfRange(QStringLiteral("nap-every"), spec.napEvery, 1, RunLimits::kMaxNapEvery);
    if (static_cast<int>(spec.startMethod) >= kStartMethodCount)
        return QStringLiteral("start-method = %1 is not a start method; allowed: spawn, fork-server")
            .arg(static_cast<int>(spec.startMethod));
    if (static_cast<int>(spec.executor) >= kExecutorKindCount)
        return QStringLiteral("executor = %1 is not an executor kind; allowed: thread, process")
            .arg(static_cast<int>(spec.executor));
    if (spec.spinner
        && (spec.spinnerIntervalMs < RunLimits::kMinSpinnerIntervalMs
            || spec.spinnerIntervalMs > RunLimits::kMaxSpinnerIntervalMs))
        return outOfRange(QStringLiteral("spinner-interval-ms"), spec.spinnerIntervalMs,
            RunLimits::kMinSpinnerIntervalMs, RunLimits::kMaxSpinnerIntervalMs);
    if (auto error = validatePoolFields(spec, model))
        return error;
    if (auto error = validatePatternFields(spec, model))
        return error;
    return std::nullopt;
}

} // namespace spindle

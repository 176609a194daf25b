// Soak: the engine streams into the real window, without a break, for a long
// time (30 minutes by default), and this measures what a user would notice:
// the resident memory of the process, and how late the GUI thread runs a
// 10 ms timer (the window's responsiveness, replots included). The run page
// runs the primes scenario on python-flavour threads - GIL hand-overs every
// 5 ms on every lane, the highest sustained event rate the scenarios produce
// - with numbers enough to last the whole soak; a run that ends early is
// followed at once by the next, and the one going at the deadline is stopped.
//
// Writes the curve (CSV, one row per sample) and a summary (Markdown: the
// RSS at start, its maximum and slope, the lag percentiles, the bound) into
// --out, by default soak/ next to this program. Exit status 1 when resident
// memory went over the bound or the GUI lag p99 over 50 ms (docs/limits.md,
// "Memory over a long session").
// Not part of the test suites: run it by hand, e.g.
//   build/release/bench/spindle_soak --minutes 5

#include "engine.h"
#include "mainwindow.h"
#include "model/clock.h"
#include "pages/runpage.h"
#include "sampling/cpusampler.h"
#include "sampling/procreader.h"
#include "workloads/primecalibration.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QTextStream>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <sys/syscall.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace spindle;

namespace {

constexpr double kBoundMiB = 500.0;
// Responsive: a 10 ms timer on the GUI thread late by at most 3 frames at
// 60 Hz in 99 % of its ticks, the event-to-pixel goal of issue 7.
constexpr double kLagBoundMs = 50.0;
constexpr int kProbeMs = 10;

struct Options {
    double minutes = 30;
    double sampleSeconds = 5;
    int workers = 8;
    Model model = Model::Threads;
    Flavour flavour = Flavour::Python;
    double baselineSeconds = 10;
    QString out;
};

struct Sample {
    double tS = 0;
    double rssMiB = 0;
    double vmMiB = 0;
    std::uint64_t events = 0;
    int runs = 0;
    double lagMaxMs = 0;
    double lagP99Ms = 0;
    double guiCpuPct = 0; // the GUI thread's own CPU time since the previous sample
    double guiWaitPct = 0; // the GUI thread's time runnable but not on a CPU (schedstat)
};

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    const auto k = static_cast<std::size_t>(std::ceil(p * static_cast<double>(values.size()))) - 1;
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k), values.end());
    return values[k];
}

// Least-squares slope of RSS against time, in MiB per minute, over samples [from, end).
double slopeMiBPerMinute(const std::vector<Sample>& samples, std::size_t from)
{
    const std::size_t n = samples.size() - std::min(from, samples.size());
    if (n < 2)
        return 0;
    double st = 0, sr = 0, stt = 0, str = 0;
    for (std::size_t i = from; i < samples.size(); ++i) {
        const double t = samples[i].tS / 60;
        st += t;
        sr += samples[i].rssMiB;
        stt += t * t;
        str += t * samples[i].rssMiB;
    }
    const double d = static_cast<double>(n) * stt - st * st;
    return d == 0 ? 0 : (static_cast<double>(n) * str - st * sr) / d;
}

bool parse(const QStringList& args, Options* o, QString* error)
{
    QCommandLineParser p;
    p.setApplicationDescription(
        QStringLiteral("Streams runs into the window and records memory and GUI lag."));
    p.addHelpOption();
    const QCommandLineOption minutes(QStringLiteral("minutes"), QStringLiteral("Duration (default 30)."),
        QStringLiteral("m"), QStringLiteral("30"));
    const QCommandLineOption sample(QStringLiteral("sample-seconds"),
        QStringLiteral("Seconds between samples (default 5)."), QStringLiteral("s"), QStringLiteral("5"));
    const QCommandLineOption workers(QStringLiteral("workers"),
        QStringLiteral("Workers per run (default 8)."), QStringLiteral("n"), QStringLiteral("8"));
    const QCommandLineOption model(QStringLiteral("model"), QStringLiteral("Model id (default threads)."),
        QStringLiteral("id"), QStringLiteral("threads"));
    const QCommandLineOption flavour(QStringLiteral("flavour"),
        QStringLiteral("python or native (default python)."), QStringLiteral("f"), QStringLiteral("python"));
    const QCommandLineOption baseline(QStringLiteral("baseline-seconds"),
        QStringLiteral("Seconds of GUI lag measured with nothing running first (default 10)."),
        QStringLiteral("s"), QStringLiteral("10"));
    const QCommandLineOption out(QStringLiteral("out"),
        QStringLiteral("Folder for soak.csv and soak.md (default: soak/ next to this program)."),
        QStringLiteral("dir"));
    p.addOptions({minutes, sample, workers, model, flavour, baseline, out});
    p.process(args);
    bool ok = false;
    o->minutes = p.value(minutes).toDouble(&ok);
    if (!ok || o->minutes <= 0 || o->minutes > 24 * 60)
        return *error = QStringLiteral("--minutes must be in (0, 1440]"), false;
    o->sampleSeconds = p.value(sample).toDouble(&ok);
    if (!ok || o->sampleSeconds < 0.5 || o->sampleSeconds > 600)
        return *error = QStringLiteral("--sample-seconds must be in [0.5, 600]"), false;
    o->workers = p.value(workers).toInt(&ok);
    if (!ok || o->workers < 1 || o->workers > 64)
        return *error = QStringLiteral("--workers must be in [1, 64]"), false;
    const auto m = parseModel(p.value(model).toStdString());
    if (!m)
        return *error = QStringLiteral("--model: unknown model %1").arg(p.value(model)), false;
    o->model = *m;
    const auto f = parseFlavour(p.value(flavour).toStdString());
    if (!f)
        return *error = QStringLiteral("--flavour must be python or native"), false;
    o->flavour = *f;
    o->baselineSeconds = p.value(baseline).toDouble(&ok);
    if (!ok || o->baselineSeconds < 0 || o->baselineSeconds > 600)
        return *error = QStringLiteral("--baseline-seconds must be in [0, 600]"), false;
    o->out = p.isSet(out) ? p.value(out) : QCoreApplication::applicationDirPath() + QStringLiteral("/soak");
    return true;
}

// Primes of about `seconds` each, enough for every core to be busy for the whole soak.
QString numbersFor(double minutes)
{
    constexpr double kEachS = 2.0;
    const std::int64_t prime = primeTakingSeconds(kEachS);
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const int count = static_cast<int>(std::ceil(minutes * 60 / kEachS)) * cores + cores;
    QStringList numbers;
    for (int i = 0; i < count; ++i)
        numbers << QString::number(prime);
    return numbers.join(QLatin1Char(','));
}

class Soak : public QObject {
public:
    Soak(Options options, MainWindow* window, Engine* engine)
        : m_options(std::move(options)), m_engine(engine), m_page(window->runPage())
    {
    }

    bool start(QString* error)
    {
        if (!QDir().mkpath(m_options.out)) {
            *error = QStringLiteral("cannot create %1").arg(m_options.out);
            return false;
        }
        m_csv.setFileName(QDir(m_options.out).filePath(QStringLiteral("soak.csv")));
        if (!m_csv.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
            *error = QStringLiteral("cannot write %1: %2").arg(m_csv.fileName(), m_csv.errorString());
            return false;
        }
        m_csv.write("t_s,rss_mib,vm_mib,events,runs_finished,gui_lag_max_ms,gui_lag_p99_ms,gui_cpu_pct,gui_"
                    "wait_cpu_pct\n");
        if (!m_page->selectScenario(QStringLiteral("primes"))) {
            *error = QStringLiteral("no primes scenario");
            return false;
        }
        m_page->setParams({{QStringLiteral("numbers"), numbersFor(m_options.minutes)}});
        m_page->setModels({m_options.model});
        m_page->setFlavour(m_options.flavour);
        m_page->setWorkers(m_options.workers);
        connect(m_page, &RunPage::allRunsFinished, this, &Soak::onRunsFinished);

        m_probe.setTimerType(Qt::PreciseTimer);
        m_probe.setInterval(kProbeMs);
        connect(&m_probe, &QTimer::timeout, this, &Soak::onProbe);
        // First the lag of the idle window on this machine, to read the rest against.
        m_lastProbeNs = monotonicNs();
        m_probe.start();
        QTimer::singleShot(static_cast<int>(m_options.baselineSeconds * 1000), this, &Soak::startStreaming);
        return true;
    }

    int exitStatus() const { return m_exitStatus; }

private:
    void startStreaming()
    {
        m_baselineLags = m_windowLags;
        m_windowLags.clear();
        m_startNs = monotonicNs();
        m_deadlineNs = m_startNs + static_cast<std::int64_t>(m_options.minutes * 60e9);
        m_lastGuiCpuNs = threadCpuNs();
        m_lastGuiWaitNs = guiRunDelayNs();
        m_lastSampleNs = m_startNs;
        m_sampler.setInterval(static_cast<int>(m_options.sampleSeconds * 1000));
        connect(&m_sampler, &QTimer::timeout, this, &Soak::takeSample);
        m_sampler.start();
        takeSample(); // the baseline: the window up, nothing run yet
        m_page->startRuns();
        if (!m_page->isRunning()) {
            std::fprintf(
                stderr, "spindle_soak: the run page refused to start: %s\n", qPrintable(m_page->lastError()));
            QCoreApplication::exit(2);
            return;
        }
        QTimer::singleShot(static_cast<int>(m_options.minutes * 60'000), this, [this] {
            m_stopping = true;
            m_page->stopRuns();
        });
    }

    // Time the GUI thread spent runnable but off a CPU: a busy machine, not a slow window.
    static std::int64_t guiRunDelayNs()
    {
        static const pid_t tid = static_cast<pid_t>(::syscall(SYS_gettid));
        SchedStat stat;
        return readThreadSchedStat(::getpid(), tid, &stat) ? stat.runDelayNs : 0;
    }

    static std::int64_t threadCpuNs()
    {
        timespec ts {};
        ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
    }

    void onProbe()
    {
        const std::int64_t now = monotonicNs();
        const double lagMs = static_cast<double>(now - m_lastProbeNs) / 1e6 - kProbeMs;
        m_lastProbeNs = now;
        const double lag = std::max(0.0, lagMs);
        m_windowLags.push_back(lag);
        if (m_startNs != 0)
            m_allLags.push_back(static_cast<float>(lag));
    }

    std::uint64_t eventsSoFar() const
    {
        std::uint64_t events = 0;
        for (const RunResultPtr& r : m_page->results())
            events += r->eventsRecorded;
        if (m_page->isRunning() && m_engine->store())
            events += m_engine->store()->eventCount();
        return events;
    }

    void takeSample()
    {
        const ProcessMemory memory = CpuSampler::readProcessMemory();
        Sample s;
        s.tS = static_cast<double>(monotonicNs() - m_startNs) / 1e9;
        s.rssMiB = static_cast<double>(memory.rssBytes) / (1024.0 * 1024.0);
        s.vmMiB = static_cast<double>(memory.vmBytes) / (1024.0 * 1024.0);
        s.events = eventsSoFar();
        s.runs = static_cast<int>(m_page->results().size());
        s.lagMaxMs = m_windowLags.empty() ? 0 : *std::max_element(m_windowLags.begin(), m_windowLags.end());
        s.lagP99Ms = percentile(m_windowLags, 0.99);
        m_windowLags.clear();
        const std::int64_t now = monotonicNs();
        const std::int64_t cpu = threadCpuNs();
        // The first sample, taken at the start, covers no time worth a share.
        if (now - m_lastSampleNs > 100'000'000)
            s.guiCpuPct = 100.0 * static_cast<double>(cpu - m_lastGuiCpuNs)
                / static_cast<double>(now - m_lastSampleNs);
        m_lastGuiCpuNs = cpu;
        const std::int64_t wait = guiRunDelayNs();
        if (now - m_lastSampleNs > 100'000'000)
            s.guiWaitPct = 100.0 * static_cast<double>(wait - m_lastGuiWaitNs)
                / static_cast<double>(now - m_lastSampleNs);
        m_lastGuiWaitNs = wait;
        m_lastSampleNs = now;
        m_samples.push_back(s);
        const QByteArray row = QStringLiteral("%1,%2,%3,%4,%5,%6,%7,%8,%9\n")
                                   .arg(s.tS, 0, 'f', 1)
                                   .arg(s.rssMiB, 0, 'f', 1)
                                   .arg(s.vmMiB, 0, 'f', 1)
                                   .arg(s.events)
                                   .arg(s.runs)
                                   .arg(s.lagMaxMs, 0, 'f', 1)
                                   .arg(s.lagP99Ms, 0, 'f', 1)
                                   .arg(s.guiCpuPct, 0, 'f', 1)
                                   .arg(s.guiWaitPct, 0, 'f', 1)
                                   .toUtf8();
        m_csv.write(row);
        m_csv.flush();
        std::fputs(row.constData(), stdout);
        std::fflush(stdout);
    }

    void onRunsFinished()
    {
        if (!m_stopping && monotonicNs() < m_deadlineNs) {
            // Back to back, as a workshop that keeps pressing Run.
            QTimer::singleShot(0, m_page, &RunPage::startRuns);
            return;
        }
        m_probe.stop();
        m_sampler.stop();
        takeSample();
        writeSummary();
        QCoreApplication::quit();
    }

    void writeSummary()
    {
        const Sample& first = m_samples.front();
        const Sample& last = m_samples.back();
        double maxRss = 0;
        for (const Sample& s : m_samples)
            maxRss = std::max(maxRss, s.rssMiB);
        std::vector<double> lags(m_allLags.begin(), m_allLags.end());
        const double p50 = percentile(lags, 0.50);
        const double p99 = percentile(lags, 0.99);
        const double lagMax = lags.empty() ? 0 : *std::max_element(lags.begin(), lags.end());
        const double slopeAll = slopeMiBPerMinute(m_samples, 1);
        const double slopeLate = slopeMiBPerMinute(m_samples, m_samples.size() / 2);
        const bool withinBound = maxRss <= kBoundMiB;
        double guiCpu = 0;
        double guiWait = 0;
        for (std::size_t i = 1; i < m_samples.size(); ++i) {
            guiCpu += m_samples[i].guiCpuPct;
            guiWait += m_samples[i].guiWaitPct;
        }
        guiCpu /= static_cast<double>(std::max<std::size_t>(1, m_samples.size() - 1));
        guiWait /= static_cast<double>(std::max<std::size_t>(1, m_samples.size() - 1));
        const double baseP99 = percentile(m_baselineLags, 0.99);
        const double baseMax
            = m_baselineLags.empty() ? 0 : *std::max_element(m_baselineLags.begin(), m_baselineLags.end());
        const bool responsive = p99 <= kLagBoundMs;
        m_exitStatus = withinBound && responsive ? 0 : 1;

        QFile file(QDir(m_options.out).filePath(QStringLiteral("soak.md")));
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return;
        QTextStream md(&file);
        md << "# Soak: " << QDateTime::currentDateTime().toString(Qt::ISODate) << "\n\n";
        md << "- streaming: primes on " << QString::fromStdString(std::string(toString(m_options.model)))
           << " · " << QString::fromStdString(std::string(toString(m_options.flavour))) << " · "
           << m_options.workers << " workers, runs back to back through the window's run page\n";
        md << "- duration: " << QString::number(last.tS / 60, 'f', 1) << " min, " << m_samples.size()
           << " samples every " << m_options.sampleSeconds << " s, "
           << std::max(1u, std::thread::hardware_concurrency()) << " cores\n";
        md << "- runs finished: " << last.runs << "; events recorded: " << last.events << " ("
           << QString::number(static_cast<double>(last.events) / std::max(1.0, last.tS), 'f', 0) << "/s)\n";
        md << "- resident memory: " << QString::number(first.rssMiB, 'f', 1) << " MiB at start, "
           << QString::number(maxRss, 'f', 1) << " MiB at most, " << QString::number(last.rssMiB, 'f', 1)
           << " MiB at the end\n";
        md << "- RSS slope: " << QString::number(slopeAll, 'f', 2) << " MiB/min over the run, "
           << QString::number(slopeLate, 'f', 2) << " MiB/min over its second half\n";
        md << "- GUI thread lag of a " << kProbeMs << " ms timer: p50 " << QString::number(p50, 'f', 1)
           << " ms, p99 " << QString::number(p99, 'f', 1) << " ms, max " << QString::number(lagMax, 'f', 1)
           << " ms (" << lags.size() << " ticks); with the window idle on the same machine first: p99 "
           << QString::number(baseP99, 'f', 1) << " ms, max " << QString::number(baseMax, 'f', 1) << " ms\n";
        md << "- GUI thread: on a CPU " << QString::number(guiCpu, 'f', 1) << " % of the time, runnable but "
           << "waiting for one " << QString::number(guiWait, 'f', 1) << " % (schedstat), on average\n";
        md << "- bound: resident memory <= " << kBoundMiB << " MiB: " << (withinBound ? "PASS" : "FAIL")
           << "\n";
        md << "- bound: GUI lag p99 <= " << kLagBoundMs << " ms: " << (responsive ? "PASS" : "FAIL");
        if (!responsive && guiWait > guiCpu)
            md << " (the GUI thread waited for a CPU more than it ran: other load on the machine)";
        md << "\n";
        md << "\nThe curve is soak.csv in the same folder.\n";
        std::printf("max RSS %.1f MiB (bound %.0f: %s), slope %.2f MiB/min (second half %.2f), GUI lag p99 "
                    "%.1f ms max %.1f ms\nwritten: %s\n",
            maxRss, kBoundMiB, withinBound ? "PASS" : "FAIL", slopeAll, slopeLate, p99, lagMax,
            qPrintable(file.fileName()));
    }

    const Options m_options;
    Engine* m_engine;
    RunPage* m_page;
    QFile m_csv;
    QTimer m_probe;
    QTimer m_sampler;
    std::int64_t m_startNs = 0;
    std::int64_t m_deadlineNs = 0;
    std::int64_t m_lastProbeNs = 0;
    std::int64_t m_lastSampleNs = 0;
    std::int64_t m_lastGuiCpuNs = 0;
    std::int64_t m_lastGuiWaitNs = 0;
    bool m_stopping = false;
    int m_exitStatus = 1;
    std::vector<double> m_windowLags;
    std::vector<double> m_baselineLags;
    std::vector<float> m_allLags; // 100 a second: 0.7 MiB for 30 minutes
    std::vector<Sample> m_samples;
};

} // namespace

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    Options options;
    QString error;
    if (!parse(app.arguments(), &options, &error)) {
        std::fprintf(stderr, "spindle_soak: %s\n", qPrintable(error));
        return 2;
    }
    Engine engine;
    MainWindow window(&engine);
    window.resize(1280, 800);
    window.show();
    Soak soak(options, &window, &engine);
    if (!soak.start(&error)) {
        std::fprintf(stderr, "spindle_soak: %s\n", qPrintable(error));
        return 2;
    }
    const int code = app.exec();
    return code != 0 ? code : soak.exitStatus();
}

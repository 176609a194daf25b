// The CSV summary: a header and one row per run with the compare table's
// figures, RFC 4180 quoting, "." decimals in any locale, empty cells where a
// figure does not apply, the columns each run is best in, and a refusal that
// names an unwritable path.

#include "session/csvsummary.h"

#include <QFile>
#include <QLocale>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace spindle;

namespace {

std::shared_ptr<RunResult> run(Model model, double wallS, double cpuS, QString label)
{
    auto r = std::make_shared<RunResult>();
    r->spec.model = model;
    r->spec.flavour = Flavour::Python;
    r->spec.label = std::move(label);
    r->spec.tasks = {TaskSpec {WorkloadKind::IsPrime, 7}};
    r->workerCount = model == Model::Sequential ? 1 : 2;
    r->startNs = 1'000'000'000;
    r->endNs = r->startNs + static_cast<std::int64_t>(wallS * 1e9);
    r->processCpuNs = static_cast<std::int64_t>(cpuS * 1e9);
    r->tasks = {TaskResult {}};
    return r;
}

QStringList lines(const QByteArray& csv)
{
    QStringList out = QString::fromUtf8(csv).split(QStringLiteral("\r\n"));
    EXPECT_TRUE(out.last().isEmpty()) << "every line ends with CRLF";
    out.removeLast();
    return out;
}

} // namespace

TEST(CsvSummary, HeaderAndOneRowPerRun)
{
    const auto seq = run(Model::Sequential, 4.0, 4.0, QStringLiteral("primes · sequential · python"));
    const auto threads = run(Model::Threads, 2.0, 4.0, QStringLiteral("primes · threads · python"));
    const QStringList out = lines(makeCsvSummary({seq, threads}));
    ASSERT_EQ(out.size(), 3);
    EXPECT_EQ(out[0],
        QStringLiteral(
            "run,scenario,label,model,flavour,workers,status,wall_s,cpu_s,cpu_pct,speedup,efficiency,"
            "gil_wait_pct,spinner_frames,spinner_max_gap_ms,tasks_done,tasks_total,best_in"));
    EXPECT_EQ(out[1],
        QStringLiteral(
            "1,primes,primes · sequential · python,sequential,python,1,ok,4.0000,4.0000,100.0,1.000,"
            "1.000,0.0,,,1,1,cpu_s efficiency gil_wait_pct"));
    EXPECT_EQ(out[2],
        QStringLiteral(
            "2,primes,primes · threads · python,threads,python,2,ok,2.0000,4.0000,200.0,2.000,1.000,"
            "0.0,,,1,1,wall_s cpu_s cpu_pct speedup efficiency gil_wait_pct"));
}

TEST(CsvSummary, QuotesFieldsAndIgnoresTheLocale)
{
    const QLocale before;
    QLocale::setDefault(QLocale(QLocale::German));
    auto odd = run(Model::Threads, 1.5, 0.75, QStringLiteral("my \"fast\" run, again"));
    odd->cancelled = true;
    const QStringList out = lines(makeCsvSummary({odd}));
    QLocale::setDefault(before);
    ASSERT_EQ(out.size(), 2);
    EXPECT_EQ(out[1],
        QStringLiteral(
            "1,,\"my \"\"fast\"\" run, again\",threads,python,2,cancelled,1.5000,0.7500,50.0,,,0.0,,,1,1,"));
}

TEST(CsvSummary, SpinnerFiguresWhenTheRunHadOne)
{
    auto r = run(Model::Coroutines, 1.0, 1.0, QStringLiteral("spinner · coroutines · python"));
    r->spinner = SpinnerStats {9, 1'234'500'000};
    const QStringList out = lines(makeCsvSummary({r}));
    ASSERT_EQ(out.size(), 2);
    EXPECT_TRUE(out[1].contains(QStringLiteral(",9,1234.5,"))) << out[1].toStdString();
    EXPECT_TRUE(out[1].startsWith(QStringLiteral("1,spinner,"))) << out[1].toStdString();
}

TEST(CsvSummary, WritesTheFileAndNamesAnUnwritablePath)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const auto r = run(Model::Threads, 1.0, 1.0, QStringLiteral("x"));
    const QString path = dir.filePath(QStringLiteral("summary.csv"));
    QString error;
    ASSERT_TRUE(writeCsvSummary(path, {r}, &error)) << error.toStdString();
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    EXPECT_EQ(file.readAll(), makeCsvSummary({r}));

    const QString bad = dir.filePath(QStringLiteral("no/such/folder/summary.csv"));
    EXPECT_FALSE(writeCsvSummary(bad, {r}, &error));
    EXPECT_TRUE(error.contains(bad)) << error.toStdString();
}

TEST(CsvSummary, ScenarioIdComesFromTheLabel)
{
    const auto a = run(Model::Threads, 1.0, 1.0, QStringLiteral("primes · threads · python"));
    const auto b = run(Model::Sequential, 1.0, 1.0, QStringLiteral("primes · sequential · python"));
    const auto c = run(Model::Sequential, 1.0, 1.0, QStringLiteral("spinner · sequential · python"));
    const auto free = run(Model::Sequential, 1.0, 1.0, QStringLiteral("my own label"));
    EXPECT_EQ(scenarioIdOf(*a), QStringLiteral("primes"));
    EXPECT_EQ(scenarioIdOf(*free), QString());
    EXPECT_EQ(scenarioIdOf(QList<RunResultPtr> {a, b}), QStringLiteral("primes"));
    EXPECT_EQ(scenarioIdOf(QList<RunResultPtr> {a, c}), QString());
    EXPECT_EQ(scenarioIdOf(QList<RunResultPtr> {a, free}), QString());
}

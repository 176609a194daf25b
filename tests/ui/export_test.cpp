// Exports for slides and tools: PNG, SVG and PDF of the window or of one
// chart at the chosen size (PNG: size × scale pixels), refusals naming the
// path, and the Chrome trace, CSV and JSON summaries of the runs on show.

#include "charts/cpuchart.h"
#include "charts/timelinechart.h"
#include "export/exportdialog.h"
#include "export/exporter.h"
#include "pages/replaypage.h"
#include "pages/runpage.h"
#include "sessionactions.h"
#include "uitestsupport.h"

#include <QComboBox>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QMessageBox>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace spindle;

namespace {

QByteArray head(const QString& path, int bytes)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.read(bytes) : QByteArray();
}

class ExportTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        test::isolateSettings();
        ASSERT_TRUE(dir.isValid());
        window = std::make_unique<MainWindow>(&engine);
        window->resize(1280, 800);
        window->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(window.get()));
        sessions = window->sessions();
    }
    void TearDown() override
    {
        for (QMessageBox* box : window->findChildren<QMessageBox*>())
            box->close();
        window.reset();
    }

    // Two short primes runs on the run page.
    void runTwo()
    {
        RunPage* page = window->runPage();
        ASSERT_TRUE(page->selectScenario(QStringLiteral("primes")));
        page->setParams({{QStringLiteral("numbers"), QStringLiteral("2,3,5,142702110479723")}});
        page->setModels({Model::Sequential, Model::Threads});
        page->setWorkers(2);
        QSignalSpy done(page, &RunPage::allRunsFinished);
        page->startRuns();
        ASSERT_TRUE(done.wait(60'000));
        ASSERT_EQ(page->results().size(), 2);
    }

    bool exportFile(void (SessionActions::*how)(const QString&), const QString& path)
    {
        QSignalSpy exported(sessions, &SessionActions::exported);
        (sessions->*how)(path);
        // A refusal is reported at once, a write when the pool is done.
        return (!exported.isEmpty() || exported.wait(30'000)) && exported.takeFirst().at(1).toBool();
    }

    QTemporaryDir dir;
    Engine engine;
    std::unique_ptr<MainWindow> window;
    SessionActions* sessions = nullptr;
};

} // namespace

TEST_F(ExportTest, PngOfTheWindowHasTheChosenSizeTimesTheScale)
{
    runTwo();
    const QString path = dir.filePath(QStringLiteral("window.png"));
    ASSERT_TRUE(sessions->exportPicture(window.get(), path, QSize(800, 450), 2.0))
        << sessions->lastMessage().toStdString();
    const QImage image(path);
    ASSERT_FALSE(image.isNull());
    EXPECT_EQ(image.size(), QSize(1600, 900));
    // Not a blank canvas: the window was drawn into it.
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 37) {
        for (int x = 0; x < image.width(); x += 41)
            colours.insert(image.pixel(x, y));
    }
    EXPECT_GT(colours.size(), 8);
    QFile::remove(test::screenshotPath(QStringLiteral("export-window")));
    QFile::copy(path, test::screenshotPath(QStringLiteral("export-window")));
}

TEST_F(ExportTest, PngOfAChartIsLaidOutAtTheChosenSize)
{
    runTwo();
    TimelineChart* chart = window->runPage()->timeline();
    const QString path = dir.filePath(QStringLiteral("timeline.png"));
    ASSERT_TRUE(sessions->exportPicture(chart, path, QSize(640, 360), 1.0));
    EXPECT_EQ(QImage(path).size(), QSize(640, 360));
    const QString sharp = dir.filePath(QStringLiteral("cpu@2x.png"));
    ASSERT_TRUE(sessions->exportPicture(window->runPage()->cpuChart(), sharp, QSize(500, 250), 2.0));
    EXPECT_EQ(QImage(sharp).size(), QSize(1000, 500));
    EXPECT_GT(QFile(sharp).size(), 2000);
}

TEST_F(ExportTest, SvgAndPdfHaveValidHeaders)
{
    runTwo();
    TimelineChart* chart = window->runPage()->timeline();
    const struct {
        QWidget* what;
        QString name;
    } cases[] = {{chart, QStringLiteral("timeline")}, {window.get(), QStringLiteral("window")}};
    for (const auto& c : cases) {
        const QString svg = dir.filePath(c.name + QStringLiteral(".svg"));
        ASSERT_TRUE(sessions->exportPicture(c.what, svg, QSize(900, 500), 1.0)) << c.name.toStdString();
        const QByteArray svgHead = head(svg, 400);
        EXPECT_TRUE(svgHead.startsWith("<?xml")) << svgHead.constData();
        EXPECT_TRUE(svgHead.contains("<svg")) << svgHead.constData();
        EXPECT_TRUE(svgHead.contains("width=\"")) << svgHead.constData();
        EXPECT_GT(QFile(svg).size(), 5000);

        const QString pdf = dir.filePath(c.name + QStringLiteral(".PDF"));
        ASSERT_TRUE(sessions->exportPicture(c.what, pdf, QSize(900, 500), 1.0)) << c.name.toStdString();
        EXPECT_TRUE(head(pdf, 5).startsWith("%PDF-"));
        EXPECT_GT(QFile(pdf).size(), 1000);
    }
}

TEST_F(ExportTest, RefusalsNameThePathAndTheReason)
{
    QString error;
    const QString jpeg = dir.filePath(QStringLiteral("shot.jpg"));
    EXPECT_FALSE(Exporter::exportWidget(window.get(), jpeg, QSize(100, 100), 1.0, &error));
    EXPECT_TRUE(error.contains(jpeg) && error.contains(QStringLiteral(".png")));
    const QString nowhere = dir.filePath(QStringLiteral("missing/shot.png"));
    EXPECT_FALSE(sessions->exportPicture(window.get(), nowhere, QSize(100, 100), 1.0));
    EXPECT_TRUE(sessions->lastMessage().contains(nowhere));
    EXPECT_TRUE(sessions->lastMessage().contains(QStringLiteral("No such file or directory")))
        << sessions->lastMessage().toStdString();
    EXPECT_FALSE(QFile::exists(nowhere));
}

TEST_F(ExportTest, TraceCsvAndJsonOfTheRunsOnShow)
{
    runTwo();
    const QString trace = dir.filePath(QStringLiteral("trace.json"));
    ASSERT_TRUE(exportFile(&SessionActions::exportTrace, trace));
    const QJsonObject traceJson = QJsonDocument::fromJson(head(trace, 1 << 26)).object();
    EXPECT_GT(traceJson.value(QStringLiteral("traceEvents")).toArray().size(), 10);

    const QString csv = dir.filePath(QStringLiteral("summary.csv"));
    ASSERT_TRUE(exportFile(&SessionActions::exportCsv, csv));
    const QStringList lines
        = QString::fromUtf8(head(csv, 1 << 20)).split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
    ASSERT_EQ(lines.size(), 3);
    EXPECT_TRUE(lines[0].startsWith(QStringLiteral("run,scenario,label,model")));
    EXPECT_TRUE(lines[1].contains(QStringLiteral(",sequential,")));
    EXPECT_TRUE(lines[2].contains(QStringLiteral(",threads,")));

    const QString json = dir.filePath(QStringLiteral("report.json"));
    ASSERT_TRUE(exportFile(&SessionActions::exportJson, json));
    const QJsonObject report = QJsonDocument::fromJson(head(json, 1 << 24)).object();
    EXPECT_EQ(report.value(QStringLiteral("scenario")).toString(), QStringLiteral("primes"));
    EXPECT_EQ(report.value(QStringLiteral("runs")).toArray().size(), 2);

    // Nothing shown, nothing written: the replay page has no session yet.
    window->showPage(window->replayPage());
    EXPECT_FALSE(exportFile(&SessionActions::exportCsv, dir.filePath(QStringLiteral("empty.csv"))));
    EXPECT_FALSE(QFile::exists(dir.filePath(QStringLiteral("empty.csv"))));
}

TEST_F(ExportTest, TheDialogOffersTheWindowAndTheChartsAtSlideSizes)
{
    QList<ExportDialog::Target> targets {{QStringLiteral("The whole window"), window.get()},
        {QStringLiteral("Timeline"), window->runPage()->timeline()}};
    ExportDialog dialog(targets, dir.path());
    EXPECT_EQ(dialog.target(), window.get());
    EXPECT_TRUE(dialog.path().startsWith(dir.path()));
    const auto boxes = dialog.findChildren<QComboBox*>();
    ASSERT_EQ(boxes.size(), 4); // what, format, size, scale
    boxes[0]->setCurrentIndex(1);
    EXPECT_EQ(dialog.target(), window->runPage()->timeline());
    boxes[1]->setCurrentIndex(2); // SVG
    EXPECT_TRUE(dialog.path().endsWith(QStringLiteral(".svg")));
    EXPECT_FALSE(boxes[3]->isEnabled()) << "no pixels to multiply in a vector file";
    boxes[1]->setCurrentIndex(0); // PNG
    EXPECT_TRUE(boxes[3]->isEnabled());
    boxes[2]->setCurrentIndex(1); // 1920 × 1080
    EXPECT_EQ(dialog.size(), QSize(1920, 1080));
    boxes[2]->setCurrentIndex(0); // as on screen
    EXPECT_EQ(dialog.size(), window->runPage()->timeline()->size());
    boxes[3]->setCurrentIndex(1);
    EXPECT_EQ(dialog.scale(), 2.0);
    // A name the exporter cannot write keeps the dialog open.
    dialog.findChild<QLineEdit*>()->setText(dir.filePath(QStringLiteral("shot.gif")));
    dialog.accept();
    EXPECT_NE(dialog.result(), QDialog::Accepted);
}

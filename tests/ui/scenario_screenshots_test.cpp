// Every scenario of the catalogue run in the window with its default models,
// on parameters short enough for a test, and the window saved as
// build/<preset>/screenshots/scenario-<id>.png: what a workshop audience sees
// after one click. A scenario added to the catalogue is covered here without
// touching this file; only one whose defaults take long needs a line in
// shortParams().

#include "pages/runpage.h"
#include "pages/summarytable.h"
#include "scenarios/scenariocatalogue.h"
#include "uitestsupport.h"

#include <QLabel>
#include <QSignalSpy>

#include <gtest/gtest.h>

using namespace spindle;

namespace {

// Shorter than the defaults, same lesson: the numbers of the live-demo
// preset, fewer repeats and elements.
ParamValues shortParams(const QString& id)
{
    if (id == QStringLiteral("primes"))
        return {{QStringLiteral("numbers"), QStringLiteral("quick")}};
    if (id == QStringLiteral("scaling"))
        return {{QStringLiteral("numbers"), QStringLiteral("quick")},
            {QStringLiteral("repeats"), QStringLiteral("1")},
            {QStringLiteral("max-workers"), QStringLiteral("3")}};
    if (id == QStringLiteral("sum-random"))
        return {{QStringLiteral("count"), QStringLiteral("200000")}};
    if (id == QStringLiteral("spinner"))
        return {{QStringLiteral("seconds"), QStringLiteral("2")}};
    if (id == QStringLiteral("many-tasks"))
        return {{QStringLiteral("sleep-ms"), QStringLiteral("500")}};
    if (id == QStringLiteral("daemons"))
        return {{QStringLiteral("items"), QStringLiteral("24")},
            {QStringLiteral("item-ms"), QStringLiteral("100")},
            {QStringLiteral("produce-ms"), QStringLiteral("20")},
            {QStringLiteral("kill-every"), QStringLiteral("8")}};
    if (id == QStringLiteral("prefork"))
        return {{QStringLiteral("requests"), QStringLiteral("300")},
            {QStringLiteral("work"), QStringLiteral("300000")}};
    if (id == QStringLiteral("pools"))
        return {{QStringLiteral("tasks"), QStringLiteral("20")},
            {QStringLiteral("task-ms"), QStringLiteral("100")}};
    return {};
}

class ScenarioScreenshot : public ::testing::TestWithParam<QString> { };

} // namespace

TEST_P(ScenarioScreenshot, RunsInTheWindowAndIsSaved)
{
    test::isolateSettings();
    Engine engine;
    MainWindow window(&engine);
    window.resize(1280, 800);
    window.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
    RunPage* page = window.runPage();

    const QString id = GetParam();
    ASSERT_TRUE(page->selectScenario(id));
    page->setParams(shortParams(id));
    ASSERT_TRUE(page->canRun()) << "the short parameters of " << id.toStdString() << " were refused";

    QSignalSpy done(page, &RunPage::allRunsFinished);
    page->startRuns();
    ASSERT_TRUE(page->lastError().isEmpty()) << page->lastError().toStdString();
    ASSERT_TRUE(done.wait(180'000)) << id.toStdString() << " did not finish in 3 minutes";

    ASSERT_FALSE(page->results().isEmpty());
    for (const RunResultPtr& r : page->results())
        EXPECT_TRUE(r->succeeded()) << id.toStdString() << ": " << r->error.toStdString();
    const auto model = page->shownModel();
    ASSERT_TRUE(model);
    EXPECT_GE(model->laneCount(), 1);
    EXPECT_GE(page->summaryTable()->rowCount(), 1);
    // A scenario with figures of its own shows them in one line under the table.
    const QString headline = ScenarioCatalogue::builtin()
                                 .find(id)
                                 ->analyse(page->results())
                                 .value(QLatin1String("headline"))
                                 .toString();
    EXPECT_EQ(page->analysisLabel()->isVisibleTo(&window), !headline.isEmpty());
    EXPECT_EQ(page->analysisLabel()->text(), headline);
    EXPECT_TRUE(test::saveScreenshot(window, QStringLiteral("scenario-") + id));
}

INSTANTIATE_TEST_SUITE_P(Catalogue, ScenarioScreenshot,
    ::testing::ValuesIn(ScenarioCatalogue::builtin().ids()),
    [](const ::testing::TestParamInfo<QString>& param) {
        QString name = param.param;
        name.replace(QLatin1Char('-'), QLatin1Char('_'));
        return name.toStdString();
    });

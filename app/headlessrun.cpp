#include "headlessrun.h"

#include "engine.h"
#include "export/exporter.h"
#include "mainwindow.h"
#include "model/runsummary.h"
#include "pages/runpage.h"
#include "session/report.h"
#include "session/sessionwriter.h"
#include "session/traceexport.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QPixmap>

#include <csignal>
#include <memory>

namespace spindle {

namespace {

QString qstr(std::string_view s)
{
    return QString::fromLatin1(s.data(), static_cast<qsizetype>(s.size()));
}

// Runs the plan's specs one after another on a bare engine.
QList<RunResultPtr> runWithEngine(Engine& engine, const RunPlan& plan, QTextStream& err)
{
    QList<RunResultPtr> results;
    QEventLoop loop;
    QObject::connect(&engine, &Engine::runFinished, &loop, [&](const RunResultPtr& r) {
        results << r;
        loop.quit();
    });
    for (const RunSpec& spec : plan.runs) {
        const QString error = engine.start(spec);
        if (!error.isEmpty()) {
            err << "spindle: " << error << Qt::endl;
            break;
        }
        loop.exec();
    }
    return results;
}

} // namespace

int HeadlessRun::exec(const RunPlan& plan, const HeadlessOutputs& outputs)
{
    Engine engine;
    std::shared_ptr<SessionWriter> session;
    if (!outputs.session.isEmpty()) {
        session = std::make_shared<SessionWriter>();
        QString error;
        if (!session->open(outputs.session, &error)) {
            m_err << "spindle: " << error << Qt::endl;
            return 1;
        }
        engine.setSessionWriter(session);
    }
    std::unique_ptr<MainWindow> window;
    if (!outputs.screenshot.isEmpty()) {
        // The same page the window shows, driven the same way: the picture is
        // what a user would see after pressing Run.
        window = std::make_unique<MainWindow>(&engine);
        window->resize(1280, 800);
        RunPage* page = window->runPage();
        page->selectScenario(plan.scenario->id());
        page->setParams(plan.params);
        QList<Model> models;
        for (const RunSpec& spec : plan.runs)
            models << spec.model;
        page->setModels(models);
        page->setFlavour(plan.runs.front().flavour);
        page->setWorkers(plan.runs.front().workers);
        window->show();
        QEventLoop loop;
        QObject::connect(page, &RunPage::allRunsFinished, &loop, &QEventLoop::quit);
        page->startRuns();
        loop.exec();
        m_results = page->results();
    } else {
        m_results = runWithEngine(engine, plan, m_err);
    }

    bool ok = m_results.size() == plan.runs.size();
    for (const RunResultPtr& r : m_results) {
        printRun(*r);
        ok = ok && r->succeeded();
    }
    // The scenario's own figures in one line, as the window shows them.
    const QString headline = plan.scenario->analyse(m_results).value(QLatin1String("headline")).toString();
    if (!headline.isEmpty())
        m_out << headline << Qt::endl;
    if (!outputs.report.isEmpty()) {
        QString error;
        if (writeJsonFile(outputs.report, makeReport(plan.scenario->id(), m_results), &error))
            m_out << "report: " << outputs.report << Qt::endl;
        else {
            m_err << "spindle: " << error << Qt::endl;
            ok = false;
        }
    }
    if (session) {
        session->close();
        if (session->error().isEmpty())
            m_out << "session: " << outputs.session << Qt::endl;
        else {
            m_err << "spindle: " << session->error() << Qt::endl;
            ok = false;
        }
    }
    if (!outputs.trace.isEmpty()) {
        QString error;
        if (writeChromeTrace(outputs.trace, m_results, &error))
            m_out << "trace: " << outputs.trace << Qt::endl;
        else {
            m_err << "spindle: " << error << Qt::endl;
            ok = false;
        }
    }
    if (window) {
        QCoreApplication::processEvents(); // let the last replot land
        QString error;
        if (Exporter::writeImage(window->grab().toImage(), outputs.screenshot, &error))
            m_out << "screenshot: " << outputs.screenshot << Qt::endl;
        else {
            m_err << "spindle: " << error << Qt::endl;
            ok = false;
        }
    }
    return ok ? 0 : 1;
}

void HeadlessRun::printRun(const RunResult& r)
{
    const RunResult* baseline = nullptr;
    for (const RunResultPtr& other : m_results) {
        if (other->spec.model == Model::Sequential && other->spec.flavour == r.spec.flavour)
            baseline = other.get();
    }
    const RunSummary s = summarize(r, baseline);
    m_out << qstr(toString(r.spec.model)) << " · " << qstr(toString(r.spec.flavour)) << " · " << r.workerCount
          << (r.workerCount == 1 ? " worker" : " workers") << ": wall " << QString::number(s.wallS, 'f', 3)
          << " s, CPU " << QString::number(s.cpuPct, 'f', 0) << " %";
    if (s.speedup)
        m_out << ", speed-up " << QString::number(*s.speedup, 'f', 2) << "×";
    if (s.gilWaitPct)
        m_out << ", GIL wait " << QString::number(*s.gilWaitPct, 'f', 0) << " %";
    if (s.maxSpinnerGapMs)
        m_out << ", spinner " << s.spinnerFrames << " frames, longest gap "
              << QString::number(*s.maxSpinnerGapMs, 'f', 0) << " ms";
    m_out << ", tasks " << s.tasksDone << "/" << s.tasksTotal;
    if (r.timedOut)
        m_out << " (timed out)";
    else if (r.cancelled)
        m_out << " (cancelled)";
    else if (!r.error.isEmpty())
        m_out << " (failed: " << r.error << ")";
    m_out << Qt::endl;
}

} // namespace spindle

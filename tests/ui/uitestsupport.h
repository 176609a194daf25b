#pragma once
// Helpers of the widget tests: a window of the default size on the offscreen
// platform, waiting on a condition while events flow (never a bare sleep),
// and screenshots saved where the build keeps them.

#include "engine.h"
#include "mainwindow.h"

#include <QCoreApplication>
#include <QDir>
#include <QStandardPaths>
#include <QTest>
#include <qcustomplot.h>

#include <functional>

namespace spindle::test {

// Processes events until cond holds or timeoutMs passes, like QTRY_VERIFY.
inline bool waitUntil(const std::function<bool()>& cond, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (!cond()) {
        if (timer.elapsed() > timeoutMs)
            return cond();
        QTest::qWait(10);
    }
    return true;
}

inline QString screenshotPath(const QString& name)
{
    const QString dir = QString(SPINDLE_BIN_DIR) + QStringLiteral("/../screenshots");
    QDir().mkpath(dir);
    return QDir(dir).absoluteFilePath(name + QStringLiteral(".png"));
}

// Brings every chart up to date, then saves the window as a PNG.
inline bool saveScreenshot(QWidget& window, const QString& name)
{
    QCoreApplication::processEvents();
    for (QCustomPlot* plot : window.findChildren<QCustomPlot*>())
        plot->replot(QCustomPlot::rpImmediateRefresh);
    return window.grab().save(screenshotPath(name));
}

// Keeps QSettings of the tests away from the user's own.
inline void isolateSettings()
{
    QStandardPaths::setTestModeEnabled(true);
}

} // namespace spindle::test

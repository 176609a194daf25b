// Entry point. With arguments: the command line of SPEC.md, never a window.
// Without: the window, or the headless demo when there is no display.
#include "cli.h"
#include "engine.h"
#include "mainwindow.h"
#include "runtime/workerpriority.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QStringList>

#include <cstdio>
#include <string>
#include <unistd.h>

namespace {

QtMessageHandler g_previousHandler = nullptr;

// The offscreen platform warns about window hints it cannot honour; that is
// noise on a headless command line, not something the user can act on.
void filterMessages(QtMsgType type, const QMessageLogContext& context, const QString& message)
{
    if (message.contains(QLatin1String("does not support propagateSizeHints")))
        return;
    if (g_previousHandler != nullptr)
        g_previousHandler(type, context, message);
}

bool hasDisplay()
{
    return !qEnvironmentVariableIsEmpty("DISPLAY") || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")
        || !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM");
}

} // namespace

int main(int argc, char** argv)
{
    // The words as typed: QApplication removes some it claims for itself
    // (e.g. -session for X11 session management), which are ours here.
    QStringList words;
    for (int i = 0; i < argc; ++i)
        words << QString::fromLocal8Bit(argv[i]);
    const bool commandLine = argc > 1;
    const bool display = hasDisplay(); // before we pick a platform ourselves
    const bool headless = commandLine || !display;
    if (headless && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    if (qEnvironmentVariableIsEmpty("XDG_RUNTIME_DIR")) {
        // Qt warns without one; a private folder under /tmp is what it would pick.
        const QString dir = QDir::tempPath() + QStringLiteral("/spindle-runtime-") + QString::number(getuid());
        QDir().mkpath(dir);
        QFile::setPermissions(dir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        qputenv("XDG_RUNTIME_DIR", dir.toLocal8Bit());
    }
    if (headless)
        g_previousHandler = qInstallMessageHandler(filterMessages);
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Spindle"));
    QApplication::setOrganizationName(QStringLiteral("Spindle"));
    QApplication::setApplicationVersion(QStringLiteral(SPINDLE_VERSION));
    spindle::registerEngineMetaTypes();
    std::string niceError;
    spindle::workerNiceIncrement(&niceError);
    if (!niceError.empty())
        std::fprintf(stderr, "spindle: %s\n", niceError.c_str());

    spindle::Cli cli;
    if (commandLine)
        return cli.exec(words);
    if (!display)
        return cli.runDemo(QDir::current().absoluteFilePath(QStringLiteral("spindle-demo")));

    spindle::Engine engine;
    spindle::MainWindow window(&engine);
    window.show();
    return QApplication::exec();
}

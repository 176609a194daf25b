// Entry point: with arguments, the command line of SPEC.md; without, the
// window, or the headless demo when there is no display to open it on.
#include "mainwindow.h"

#include <QApplication>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    spindle::MainWindow window;
    window.show();
    return QApplication::exec();
}

#include "mainwindow.h"

#include <QIcon>
#include <QLabel>

namespace spindle {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent)
{
    setWindowTitle(QStringLiteral("Spindle"));
    setWindowIcon(QIcon(QStringLiteral(":/spindle/icon.svg")));
    setCentralWidget(new QLabel(tr("Spindle"), this));
    resize(1280, 800);
}

} // namespace spindle

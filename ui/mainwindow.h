#pragma once
// The thin shell of the window: title, icon, actions, and the page it shows.

#include <QMainWindow>

namespace spindle {

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
};

} // namespace spindle

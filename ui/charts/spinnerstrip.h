#pragma once
// The row of spinners: one per spinner lane of the run on show, each fed only
// by its own lane's frames, and the GUI thread's own spinner, fed by a QTimer
// of the GUI thread - so blocking the event loop freezes exactly that one.
// Under them, what the freeze watchdog measured last.

#include "charts/spinnerwidget.h"
#include "model/guifreeze.h"
#include "session/timelinemodel.h"
#include "theme.h"

#include <QList>
#include <QTimer>
#include <QWidget>

class QLabel;
class QVBoxLayout;

namespace spindle {

class SpinnerStrip : public QWidget {
    Q_OBJECT
public:
    explicit SpinnerStrip(QWidget* parent = nullptr);

    // A new run (or a recorded one) is on show: its spinners replace the previous ones.
    void setRun(const QString& label, int intervalMs);
    // Brings the run's spinners up to the model's latest data.
    void sync(const TimelineModel& model);
    void showUiFreeze(const GuiFreeze& freeze);
    void applyTheme(const Theme& theme);

    const QList<SpinnerWidget*>& runSpinners() const { return m_runSpinners; }
    SpinnerWidget* guiSpinner() const { return m_guiSpinner; }
    QString freezeReport() const;

private:
    void guiFrame();

    QVBoxLayout* m_runColumn = nullptr;
    QLabel* m_emptyLabel = nullptr;
    QLabel* m_freezeLabel = nullptr;
    QList<SpinnerWidget*> m_runSpinners;
    SpinnerWidget* m_guiSpinner = nullptr;
    QTimer m_guiTimer;
    SpinnerWidget::Status m_gui;
    QString m_label;
    int m_intervalMs = 100;
    Theme m_theme = Theme::make(false, false);
};

} // namespace spindle

#pragma once
// "Export picture…": what to draw (the window or one of the charts on show),
// PNG, PDF or SVG, the size (presets for slides or the current size) and,
// for PNG, 1× or 2× pixels, and where. Remembers the last choices.

#include <QDialog>
#include <QList>
#include <QPair>
#include <QPointer>

class QComboBox;
class QLineEdit;
class QSpinBox;

namespace spindle {

class ExportDialog : public QDialog {
    Q_OBJECT
public:
    using Target = QPair<QString, QPointer<QWidget>>;

    ExportDialog(const QList<Target>& targets, const QString& folder, QWidget* parent = nullptr);

    QWidget* target() const;
    QString path() const;
    QSize size() const;
    double scale() const;

    void accept() override;

private:
    void formatChanged();
    void targetChanged();
    void presetChanged();
    void browse();

    QList<Target> m_targets;
    QComboBox* m_targetBox = nullptr;
    QComboBox* m_formatBox = nullptr;
    QComboBox* m_presetBox = nullptr;
    QSpinBox* m_width = nullptr;
    QSpinBox* m_height = nullptr;
    QComboBox* m_scaleBox = nullptr;
    QLineEdit* m_pathEdit = nullptr;
};

} // namespace spindle

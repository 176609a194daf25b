#include "export/exportdialog.h"

#include "export/exporter.h"

#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>

namespace spindle {

namespace {

QSettings settings()
{
    return QSettings(QStringLiteral("Spindle"), QStringLiteral("Spindle"));
}

struct Preset {
    const char* name;
    int width;
    int height;
};
// 0 × 0 = the target's size on screen.
constexpr Preset kPresets[] = {
    {QT_TRANSLATE_NOOP("ExportDialog", "As on screen"), 0, 0},
    {QT_TRANSLATE_NOOP("ExportDialog", "Slide 16:9 (1920 × 1080)"), 1920, 1080},
    {QT_TRANSLATE_NOOP("ExportDialog", "Slide 16:9 (1280 × 720)"), 1280, 720},
    {QT_TRANSLATE_NOOP("ExportDialog", "Slide 4:3 (1024 × 768)"), 1024, 768},
    {QT_TRANSLATE_NOOP("ExportDialog", "Book figure (1200 × 600)"), 1200, 600},
    {QT_TRANSLATE_NOOP("ExportDialog", "Custom"), -1, -1},
};

} // namespace

ExportDialog::ExportDialog(const QList<Target>& targets, const QString& folder, QWidget* parent)
    : QDialog(parent), m_targets(targets)
{
    setWindowTitle(tr("Export picture"));
    auto* form = new QFormLayout;
    m_targetBox = new QComboBox;
    for (const Target& t : targets)
        m_targetBox->addItem(t.first);
    form->addRow(tr("What"), m_targetBox);
    m_formatBox = new QComboBox;
    m_formatBox->addItem(tr("PNG picture"), QStringLiteral("png"));
    m_formatBox->addItem(tr("PDF (vector)"), QStringLiteral("pdf"));
    m_formatBox->addItem(tr("SVG (vector)"), QStringLiteral("svg"));
    form->addRow(tr("Format"), m_formatBox);
    m_presetBox = new QComboBox;
    for (const Preset& p : kPresets)
        m_presetBox->addItem(tr(p.name));
    form->addRow(tr("Size"), m_presetBox);
    auto* sizeRow = new QHBoxLayout;
    m_width = new QSpinBox;
    m_height = new QSpinBox;
    for (QSpinBox* box : {m_width, m_height}) {
        box->setRange(16, 8000);
        box->setSuffix(tr(" px"));
    }
    sizeRow->addWidget(m_width);
    sizeRow->addWidget(new QLabel(QStringLiteral("×")));
    sizeRow->addWidget(m_height);
    sizeRow->addStretch(1);
    form->addRow(QString(), sizeRow);
    m_scaleBox = new QComboBox;
    m_scaleBox->addItem(tr("1× (as many pixels as the size)"), 1.0);
    m_scaleBox->addItem(tr("2× (sharp on high-resolution screens)"), 2.0);
    form->addRow(tr("Scale"), m_scaleBox);
    auto* pathRow = new QHBoxLayout;
    m_pathEdit = new QLineEdit;
    m_pathEdit->setMinimumWidth(360);
    auto* browseButton = new QPushButton(tr("Browse…"));
    pathRow->addWidget(m_pathEdit, 1);
    pathRow->addWidget(browseButton);
    form->addRow(tr("File"), pathRow);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Export"));
    connect(buttons, &QDialogButtonBox::accepted, this, &ExportDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &ExportDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);

    const QSettings s = settings();
    m_formatBox->setCurrentIndex(
        std::max(0, m_formatBox->findData(s.value(QStringLiteral("export/format")))));
    m_presetBox->setCurrentIndex(s.value(QStringLiteral("export/preset"), 1).toInt());
    m_scaleBox->setCurrentIndex(s.value(QStringLiteral("export/scale"), 0).toInt());
    m_width->setValue(s.value(QStringLiteral("export/width"), 1920).toInt());
    m_height->setValue(s.value(QStringLiteral("export/height"), 1080).toInt());
    const QString stamp = QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    m_pathEdit->setText(QDir(folder).filePath(QStringLiteral("spindle-%1.png").arg(stamp)));

    connect(m_formatBox, &QComboBox::currentIndexChanged, this, &ExportDialog::formatChanged);
    connect(m_presetBox, &QComboBox::currentIndexChanged, this, &ExportDialog::presetChanged);
    connect(m_targetBox, &QComboBox::currentIndexChanged, this, &ExportDialog::targetChanged);
    connect(browseButton, &QPushButton::clicked, this, &ExportDialog::browse);
    formatChanged();
    presetChanged();
}

QWidget* ExportDialog::target() const
{
    const int i = m_targetBox->currentIndex();
    return i >= 0 && i < m_targets.size() ? m_targets[i].second.data() : nullptr;
}

QString ExportDialog::path() const
{
    return m_pathEdit->text().trimmed();
}

QSize ExportDialog::size() const
{
    return QSize(m_width->value(), m_height->value());
}

double ExportDialog::scale() const
{
    return m_scaleBox->currentData().toDouble();
}

void ExportDialog::formatChanged()
{
    const QString suffix = m_formatBox->currentData().toString();
    const bool png = suffix == QLatin1String("png");
    m_scaleBox->setEnabled(png); // vector formats have no pixels to multiply
    for (QSpinBox* box : {m_width, m_height})
        box->setSuffix(png ? tr(" px") : tr(" pt"));
    QFileInfo info(path());
    if (!info.fileName().isEmpty())
        m_pathEdit->setText(info.dir().filePath(info.completeBaseName() + QLatin1Char('.') + suffix));
}

void ExportDialog::targetChanged()
{
    presetChanged();
}

void ExportDialog::presetChanged()
{
    const Preset& p
        = kPresets[std::clamp(m_presetBox->currentIndex(), 0, static_cast<int>(std::size(kPresets)) - 1)];
    const bool custom = p.width < 0;
    m_width->setEnabled(custom);
    m_height->setEnabled(custom);
    if (custom)
        return;
    QSize size(p.width, p.height);
    if (p.width == 0 && target() != nullptr)
        size = target()->size();
    m_width->setValue(size.width());
    m_height->setValue(size.height());
}

void ExportDialog::browse()
{
    const QString suffix = m_formatBox->currentData().toString();
    const QString chosen = QFileDialog::getSaveFileName(
        this, tr("Export picture"), path(), tr("%1 files (*.%2)").arg(suffix.toUpper(), suffix));
    if (!chosen.isEmpty())
        m_pathEdit->setText(chosen);
}

void ExportDialog::accept()
{
    if (!Exporter::formatOf(path())) {
        m_pathEdit->setFocus();
        m_pathEdit->setToolTip(tr("The name must end in .png, .pdf or .svg"));
        return;
    }
    QSettings s = settings();
    s.setValue(QStringLiteral("export/format"), m_formatBox->currentData());
    s.setValue(QStringLiteral("export/preset"), m_presetBox->currentIndex());
    s.setValue(QStringLiteral("export/scale"), m_scaleBox->currentIndex());
    s.setValue(QStringLiteral("export/width"), m_width->value());
    s.setValue(QStringLiteral("export/height"), m_height->value());
    QDialog::accept();
}

} // namespace spindle

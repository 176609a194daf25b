#include "pages/parameditor.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QVBoxLayout>

#include <climits>

namespace spindle {

ParamEditor::ParamEditor(QWidget* parent) : QWidget(parent)
{
    m_form = new QFormLayout(this);
    m_form->setContentsMargins(0, 0, 0, 0);
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_form->setRowWrapPolicy(QFormLayout::DontWrapRows);
}

void ParamEditor::setSchema(const QList<ParamSpec>& schema)
{
    while (m_form->rowCount() > 0)
        m_form->removeRow(0);
    m_fields.clear();
    m_schema = schema;
    for (const ParamSpec& spec : schema) {
        Field field;
        field.spec = spec;
        const QString tip = spec.help.isEmpty()
            ? spec.allowedText()
            : QStringLiteral("%1\nAllowed: %2").arg(spec.help, spec.allowedText());
        switch (spec.kind) {
        case ParamSpec::Kind::Int:
            if (spec.min >= INT_MIN && spec.max <= INT_MAX) {
                auto* spin = new QSpinBox;
                spin->setRange(static_cast<int>(spec.min), static_cast<int>(spec.max));
                if (!spec.unit.isEmpty())
                    spin->setSuffix(QLatin1Char(' ') + spec.unit);
                // A bare "0" reads as zero seconds or zero workers; say what it stands for.
                if (!spec.zeroMeans.isEmpty() && spec.min == 0)
                    spin->setSpecialValueText(spec.zeroMeans);
                spin->setValue(spec.defaultValue.toInt());
                connect(spin, &QSpinBox::textChanged, this, [this] { validate(); });
                field.editor = spin;
            } else {
                auto* line = new QLineEdit(spec.defaultValue);
                if (!spec.zeroMeans.isEmpty()) {
                    // Empty stands for 0, and the placeholder says what that means.
                    line->setPlaceholderText(QStringLiteral("0 = %1").arg(spec.zeroMeans));
                    if (spec.defaultValue == QLatin1String("0"))
                        line->clear();
                }
                connect(line, &QLineEdit::textChanged, this, [this] { validate(); });
                field.editor = line;
            }
            break;
        case ParamSpec::Kind::Choice: {
            auto* combo = new QComboBox;
            combo->addItems(spec.choices);
            combo->setCurrentText(spec.defaultValue);
            connect(combo, &QComboBox::currentTextChanged, this, [this] { validate(); });
            field.editor = combo;
            break;
        }
        case ParamSpec::Kind::IntList: {
            auto* combo = new QComboBox;
            combo->setEditable(true);
            combo->setInsertPolicy(QComboBox::NoInsert);
            combo->addItems(spec.choices);
            combo->setCurrentText(spec.defaultValue);
            combo->lineEdit()->setPlaceholderText(QStringLiteral("preset or n1,n2,…"));
            connect(combo, &QComboBox::currentTextChanged, this, [this] { validate(); });
            field.editor = combo;
            break;
        }
        }
        field.editor->setToolTip(tip);
        field.editor->setObjectName(QStringLiteral("param-%1").arg(spec.name));
        field.error = new QLabel;
        field.error->setWordWrap(true);
        field.error->setVisible(false);
        field.error->setObjectName(QStringLiteral("param-error-%1").arg(spec.name));
        auto* cell = new QWidget;
        auto* column = new QVBoxLayout(cell);
        column->setContentsMargins(0, 0, 0, 0);
        column->setSpacing(2);
        column->addWidget(field.editor);
        column->addWidget(field.error);
        auto* label = new QLabel(spec.name);
        label->setToolTip(tip);
        m_form->addRow(label, cell);
        m_fields << field;
    }
    applyTheme(m_theme);
    validate();
}

QString ParamEditor::valueOf(const Field& field) const
{
    if (field.overridden)
        return field.override;
    if (auto* spin = qobject_cast<QSpinBox*>(field.editor))
        return QString::number(spin->value());
    if (auto* combo = qobject_cast<QComboBox*>(field.editor))
        return combo->currentText().trimmed();
    if (auto* line = qobject_cast<QLineEdit*>(field.editor)) {
        const QString text = line->text().trimmed();
        return text.isEmpty() && !field.spec.zeroMeans.isEmpty() ? QStringLiteral("0") : text;
    }
    return {};
}

void ParamEditor::setFieldValue(Field& field, const QString& value)
{
    field.overridden = false;
    if (auto* spin = qobject_cast<QSpinBox*>(field.editor)) {
        bool ok = false;
        const int v = value.trimmed().toInt(&ok);
        if (ok && v >= spin->minimum() && v <= spin->maximum()) {
            spin->setValue(v);
        } else {
            field.override = value;
            field.overridden = true;
        }
    } else if (auto* combo = qobject_cast<QComboBox*>(field.editor)) {
        if (combo->isEditable() || combo->findText(value) >= 0) {
            combo->setCurrentText(value);
        } else {
            field.override = value;
            field.overridden = true;
        }
    } else if (auto* line = qobject_cast<QLineEdit*>(field.editor)) {
        const bool zero = !field.spec.zeroMeans.isEmpty() && value.trimmed() == QLatin1String("0");
        line->setText(zero ? QString() : value);
    }
    if (field.overridden) {
        // Any edit of the field replaces the value it could not show.
        QWidget* editor = field.editor;
        const QString name = field.spec.name;
        const auto clear = [this, name] {
            for (Field& f : m_fields) {
                if (f.spec.name == name)
                    f.overridden = false;
            }
            validate();
        };
        if (auto* spin = qobject_cast<QSpinBox*>(editor))
            connect(spin, &QSpinBox::textChanged, this, clear, Qt::SingleShotConnection);
        else if (auto* combo = qobject_cast<QComboBox*>(editor))
            connect(combo, &QComboBox::currentTextChanged, this, clear, Qt::SingleShotConnection);
    }
}

void ParamEditor::setValues(const ParamValues& values)
{
    for (Field& field : m_fields) {
        if (values.contains(field.spec.name))
            setFieldValue(field, values.value(field.spec.name));
    }
    validate();
}

ParamValues ParamEditor::values() const
{
    ParamValues out;
    for (const Field& field : m_fields)
        out.insert(field.spec.name, valueOf(field));
    return out;
}

QString ParamEditor::errorFor(const QString& name) const
{
    for (const Field& field : m_fields) {
        if (field.spec.name == name)
            return field.error->text();
    }
    return {};
}

QWidget* ParamEditor::editorFor(const QString& name) const
{
    for (const Field& field : m_fields) {
        if (field.spec.name == name)
            return field.editor;
    }
    return nullptr;
}

void ParamEditor::applyTheme(const Theme& theme)
{
    m_theme = theme;
    for (Field& field : m_fields) {
        QPalette p = field.error->palette();
        p.setColor(QPalette::WindowText, theme.alarm);
        field.error->setPalette(p);
    }
}

void ParamEditor::validate()
{
    bool valid = true;
    for (Field& field : m_fields) {
        const auto message = field.spec.check(valueOf(field));
        field.error->setText(message.value_or(QString()));
        field.error->setVisible(message.has_value());
        valid = valid && !message;
    }
    emit edited();
    if (valid != m_valid) {
        m_valid = valid;
        emit validityChanged(valid);
    }
}

} // namespace spindle

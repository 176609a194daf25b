#pragma once
// The parameter form of a scenario, generated from its schema: a spin box per
// int, a combo box per choice, an editable combo box (presets or free text)
// per int list. Each field checks itself with ParamSpec::check and shows the
// message in red under it; the form is valid only when every field is.

#include "scenarios/paramspec.h"
#include "theme.h"

#include <QHash>
#include <QWidget>

class QFormLayout;
class QLabel;

namespace spindle {

class ParamEditor : public QWidget {
    Q_OBJECT
public:
    explicit ParamEditor(QWidget* parent = nullptr);

    void setSchema(const QList<ParamSpec>& schema);
    const QList<ParamSpec>& schema() const { return m_schema; }
    // Sets the given parameters (others keep their value). A value a field
    // cannot show (an out-of-range int) stays as given, with its message.
    void setValues(const ParamValues& values);
    ParamValues values() const;
    bool isValid() const { return m_valid; }
    // The message under a field; empty when its value is acceptable.
    QString errorFor(const QString& name) const;
    QWidget* editorFor(const QString& name) const;
    void applyTheme(const Theme& theme);

signals:
    void validityChanged(bool valid);
    void edited();

private:
    struct Field {
        ParamSpec spec;
        QWidget* editor = nullptr;
        QLabel* error = nullptr;
        QString override; // a value set from outside that the editor cannot hold
        bool overridden = false;
    };
    QString valueOf(const Field& field) const;
    void setFieldValue(Field& field, const QString& value);
    void validate();

    QFormLayout* m_form = nullptr;
    QList<ParamSpec> m_schema;
    QList<Field> m_fields;
    bool m_valid = true;
    Theme m_theme = Theme::make(false, false);
};

} // namespace spindle

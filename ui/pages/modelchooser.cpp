#include "pages/modelchooser.h"

#include "format.h"

#include <QCheckBox>
#include <QGridLayout>

namespace spindle {

ModelChooser::ModelChooser(const QString& title, const QString& objectNamePrefix, QWidget* parent)
    : QGroupBox(title, parent)
{
    auto* grid = new QGridLayout(this);
    grid->setVerticalSpacing(4);
    for (int i = 0; i < kModelCount; ++i) {
        const auto model = static_cast<Model>(i);
        auto* box = new QCheckBox(Format::model(model));
        box->setObjectName(objectNamePrefix + Format::model(model));
        box->setEnabled(isModelAvailable(model));
        if (!isModelAvailable(model))
            box->setToolTip(tr("Not available in this build yet"));
        connect(box, &QCheckBox::toggled, this, &ModelChooser::modelsChanged);
        grid->addWidget(box, i / 2, i % 2);
        m_boxes << box;
    }
}

void ModelChooser::setModels(const QList<Model>& models)
{
    for (int i = 0; i < kModelCount; ++i)
        m_boxes[i]->setChecked(models.contains(static_cast<Model>(i)) && m_boxes[i]->isEnabled());
}

QList<Model> ModelChooser::models() const
{
    QList<Model> out;
    for (int i = 0; i < kModelCount; ++i) {
        if (m_boxes[i]->isChecked() && m_boxes[i]->isEnabled())
            out << static_cast<Model>(i);
    }
    return out;
}

} // namespace spindle

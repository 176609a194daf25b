#pragma once
// The models a run or a comparison uses: a titled grid of check boxes, one
// per Model, greyed out where this build has none. The run page and the
// compare page both choose models this way.

#include "model/runspec.h"

#include <QGroupBox>
#include <QList>

class QCheckBox;

namespace spindle {

class ModelChooser : public QGroupBox {
    Q_OBJECT
public:
    // Each box is named objectNamePrefix + the model's name ("model-threads").
    ModelChooser(const QString& title, const QString& objectNamePrefix, QWidget* parent = nullptr);

    // Checks exactly these, where available.
    void setModels(const QList<Model>& models);
    // The checked ones that are available, in Model order.
    QList<Model> models() const;

signals:
    void modelsChanged();

private:
    QList<QCheckBox*> m_boxes; // indexed by Model
};

} // namespace spindle

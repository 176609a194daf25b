#include "pages/sectionheading.h"

#include <QLabel>

namespace spindle {

QLabel* sectionHeading(const QString& text)
{
    auto* label = new QLabel(text);
    QFont f = label->font();
    f.setBold(true);
    label->setFont(f);
    return label;
}

} // namespace spindle

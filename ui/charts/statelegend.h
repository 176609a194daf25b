#pragma once
// The colour key of the timeline: one chip per state colour, wrapped onto as
// many rows as the width needs, so no label is ever clipped.

#include "theme.h"

#include <QWidget>

namespace spindle {

class StateLegend : public QWidget {
    Q_OBJECT
public:
    explicit StateLegend(QWidget* parent = nullptr);

    void applyTheme(const Theme& theme);
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    // Top-left corner of every entry laid out in `width`; the last item is the total size.
    QList<QRect> layoutFor(int width) const;

    Theme m_theme = Theme::make(false, false);
};

} // namespace spindle

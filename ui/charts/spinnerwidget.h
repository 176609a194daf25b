#pragma once
// One spinner: a rotating arc (and the book's | / - \ glyph) that moves one
// step per frame received from the loop, thread or process it belongs to. It
// never animates by itself: when its source stops producing frames, it stops
// too, and a red badge says for how long ("frozen 1,234 ms") once two frames
// are overdue. Below it: frames seen and the longest gap.

#include "theme.h"

#include <QWidget>

#include <cstdint>
#include <optional>

namespace spindle {

class SpinnerWidget : public QWidget {
    Q_OBJECT
public:
    // What the widget shows, as of the latest data (all times CLOCK_MONOTONIC ns).
    struct Status {
        std::uint64_t frames = 0;
        std::optional<std::int64_t> lastFrameNs;
        std::int64_t startNs = 0; // when the spinner's source started
        std::int64_t nowNs = 0; // the time the data speaks for
        std::optional<std::int64_t> stoppedNs; // the source has ended
        std::int64_t longestGapNs = 0;
    };

    explicit SpinnerWidget(const QString& title, QWidget* parent = nullptr);

    void setTitle(const QString& title);
    QString title() const { return m_title; }
    // What drives it ("thread", "coroutine", "QTimer"), shown before the frame count.
    void setDetail(const QString& detail);
    void setIntervalMs(int ms);
    int intervalMs() const { return m_intervalMs; }
    void setStatus(const Status& status);
    const Status& status() const { return m_status; }
    void applyTheme(const Theme& theme);

    std::uint64_t frames() const { return m_status.frames; }
    // Time since the last frame (or the start), while the source runs.
    std::int64_t currentGapNs() const;
    // The badge is up: more than two intervals without a frame.
    bool isFrozen() const;
    // The badge has been up at least once since the last reset.
    bool wasFrozen() const { return m_wasFrozen; }
    void reset();

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QString m_title;
    QString m_detail;
    int m_intervalMs = 100;
    Status m_status;
    bool m_wasFrozen = false;
    Theme m_theme = Theme::make(false, false);
};

} // namespace spindle

#pragma once
// Pictures for slides and books: the window or one chart as PNG, PDF or SVG
// at a chosen size. A chart lays itself out again at that size and, in PDF
// and SVG, stays vector; anything else (the window) is drawn as it stands,
// scaled to fit the size and centred. PNG takes a scale (2× for a sharp
// slide): the file then has size × scale pixels.

#include <QByteArray>
#include <QSize>
#include <QString>

#include <optional>

class QCustomPlot;
class QImage;
class QWidget;

namespace spindle {

class Exporter {
public:
    enum class Format { Png, Pdf, Svg };

    // From the file's suffix (.png, .pdf, .svg; any case); nullopt otherwise.
    static std::optional<Format> formatOf(const QString& path);
    static QString suffix(Format format);
    // Writes `widget` to path in the format its suffix names. False with a
    // reason naming the path when the format is unknown or the file cannot be written.
    static bool exportWidget(QWidget* widget, const QString& path, QSize size, double scale, QString* error);
    // A PNG of `image` (a screenshot) written like every export: whole or not
    // at all, with the reason naming the path.
    static bool writeImage(const QImage& image, const QString& path, QString* error);

private:
    // Each draws the picture into *out.
    static bool renderPlot(QCustomPlot* plot, Format format, QSize size, double scale, QByteArray* out);
    static bool renderPlain(QWidget* widget, Format format, QSize size, double scale, QByteArray* out);
};

} // namespace spindle

#include "export/exporter.h"

#include "session/atomicfile.h"

#include <QBuffer>
#include <QFileInfo>
#include <QImage>
#include <QPainter>
#include <QPdfWriter>
#include <QSvgGenerator>
#include <QWidget>
#include <qcustomplot.h>

#include <algorithm>

namespace spindle {

std::optional<Exporter::Format> Exporter::formatOf(const QString& path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("png"))
        return Format::Png;
    if (suffix == QLatin1String("pdf"))
        return Format::Pdf;
    if (suffix == QLatin1String("svg"))
        return Format::Svg;
    return std::nullopt;
}

QString Exporter::suffix(Format format)
{
    switch (format) {
    case Format::Png:
        return QStringLiteral("png");
    case Format::Pdf:
        return QStringLiteral("pdf");
    case Format::Svg:
        return QStringLiteral("svg");
    }
    return {};
}

bool Exporter::exportWidget(QWidget* widget, const QString& path, QSize size, double scale, QString* error)
{
    const auto format = formatOf(path);
    if (!format) {
        *error = QObject::tr("cannot export to %1: the name must end in .png, .pdf or .svg").arg(path);
        return false;
    }
    if (widget == nullptr || size.width() < 1 || size.height() < 1 || scale <= 0) {
        *error = QObject::tr("cannot export to %1: nothing to draw at that size").arg(path);
        return false;
    }
    // Drawn into memory, then written by AtomicFile: the picture writers only
    // say that they failed, AtomicFile says why (a full disk, a missing folder)
    // and never leaves half a picture behind.
    QByteArray bytes;
    bool ok = false;
    if (auto* plot = qobject_cast<QCustomPlot*>(widget)) {
        ok = renderPlot(plot, *format, size, scale, &bytes);
        // The export laid the plot out at another size; lay it out for the screen again.
        plot->replot(QCustomPlot::rpQueuedReplot);
    } else {
        ok = renderPlain(widget, *format, size, scale, &bytes);
    }
    if (!ok || bytes.isEmpty()) {
        *error = QObject::tr("cannot export to %1: drawing the picture failed").arg(path);
        return false;
    }
    return AtomicFile::writeWhole(path, bytes, error);
}

bool Exporter::writeImage(const QImage& image, const QString& path, QString* error)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    if (image.isNull() || !buffer.open(QIODevice::WriteOnly) || !image.save(&buffer, "PNG")) {
        *error = QObject::tr("cannot write %1: encoding the picture failed").arg(path);
        return false;
    }
    return AtomicFile::writeWhole(path, bytes, error);
}

bool Exporter::renderPlot(QCustomPlot* plot, Format format, QSize size, double scale, QByteArray* out)
{
    QBuffer buffer(out);
    if (!buffer.open(QIODevice::WriteOnly))
        return false;
    switch (format) {
    case Format::Png: {
        // As QCustomPlot::savePng does it, at its default 96 dpi.
        QImage image = plot->toPixmap(size.width(), size.height(), scale).toImage();
        const int dotsPerMeter = qRound(96 / 0.0254);
        image.setDotsPerMeterX(dotsPerMeter);
        image.setDotsPerMeterY(dotsPerMeter);
        return !image.isNull() && image.save(&buffer, "PNG");
    }
    case Format::Pdf: {
        QPdfWriter pdf(&buffer);
        pdf.setCreator(QStringLiteral("Spindle"));
        pdf.setResolution(72); // one unit is one point
        pdf.setPageSize(QPageSize(QSizeF(size), QPageSize::Point, QString(), QPageSize::ExactMatch));
        pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
        QCPPainter painter;
        if (!painter.begin(&pdf))
            return false;
        painter.setMode(QCPPainter::pmVectorized);
        plot->toPainter(&painter, size.width(), size.height());
        return painter.end();
    }
    case Format::Svg: {
        QSvgGenerator svg;
        svg.setOutputDevice(&buffer);
        svg.setSize(size);
        svg.setViewBox(QRect(QPoint(0, 0), size));
        svg.setTitle(QStringLiteral("Spindle"));
        QCPPainter painter;
        if (!painter.begin(&svg))
            return false;
        plot->toPainter(&painter, size.width(), size.height());
        return painter.end();
    }
    }
    return false;
}

bool Exporter::renderPlain(QWidget* widget, Format format, QSize size, double scale, QByteArray* out)
{
    QBuffer buffer(out);
    if (!buffer.open(QIODevice::WriteOnly))
        return false;
    const QSize source = widget->size();
    const double fit = std::min(static_cast<double>(size.width()) / std::max(1, source.width()),
        static_cast<double>(size.height()) / std::max(1, source.height()));
    const QPointF offset(
        (size.width() - source.width() * fit) / 2, (size.height() - source.height() * fit) / 2);
    const double pixels = format == Format::Png ? fit * scale : fit;
    // Charts paint a cached bitmap: redraw it at the output's resolution so
    // a 2× picture is sharp, not a blown-up screen.
    const QList<QCustomPlot*> plots = widget->findChildren<QCustomPlot*>();
    QList<double> ratios;
    QList<bool> cached;
    for (QCustomPlot* plot : plots) {
        ratios << plot->bufferDevicePixelRatio();
        cached << plot->plottingHints().testFlag(QCP::phCacheLabels);
        plot->setBufferDevicePixelRatio(std::max(1.0, pixels));
        // Cached tick labels are bitmaps of the screen's ratio: draw them afresh.
        plot->setPlottingHint(QCP::phCacheLabels, false);
        plot->replot(QCustomPlot::rpImmediateRefresh);
    }
    const auto draw = [&](QPainter& painter, double unit) {
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setRenderHint(QPainter::SmoothPixmapTransform);
        painter.scale(unit, unit);
        painter.fillRect(QRectF(QPointF(0, 0), QSizeF(size)), widget->palette().color(QPalette::Window));
        painter.translate(offset);
        painter.scale(fit, fit);
        widget->render(&painter, QPoint(), QRegion(), QWidget::DrawWindowBackground | QWidget::DrawChildren);
    };
    bool ok = false;
    switch (format) {
    case Format::Png: {
        QImage image(QSize(qRound(size.width() * scale), qRound(size.height() * scale)),
            QImage::Format_ARGB32_Premultiplied);
        image.fill(widget->palette().color(QPalette::Window));
        {
            QPainter painter(&image);
            draw(painter, scale);
        }
        ok = image.save(&buffer, "PNG");
        break;
    }
    case Format::Pdf: {
        QPdfWriter pdf(&buffer);
        pdf.setCreator(QStringLiteral("Spindle"));
        pdf.setResolution(72); // one unit is one point
        pdf.setPageSize(QPageSize(QSizeF(size), QPageSize::Point, QString(), QPageSize::ExactMatch));
        pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
        QPainter painter;
        ok = painter.begin(&pdf);
        if (ok) {
            draw(painter, 1.0);
            ok = painter.end();
        }
        break;
    }
    case Format::Svg: {
        QSvgGenerator svg;
        svg.setOutputDevice(&buffer);
        svg.setSize(size);
        svg.setViewBox(QRect(QPoint(0, 0), size));
        svg.setTitle(QStringLiteral("Spindle"));
        QPainter painter;
        ok = painter.begin(&svg);
        if (ok) {
            draw(painter, 1.0);
            ok = painter.end();
        }
        break;
    }
    }
    for (int i = 0; i < plots.size(); ++i) {
        plots[i]->setBufferDevicePixelRatio(ratios[i]);
        plots[i]->setPlottingHint(QCP::phCacheLabels, cached[i]);
        plots[i]->replot(QCustomPlot::rpQueuedReplot);
    }
    return ok;
}

} // namespace spindle

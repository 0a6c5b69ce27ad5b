#pragma once

#include "core/common/result.h"
#include "ui/printing/reportdocument.h"

#include <QCoreApplication>
#include <QImage>
#include <QPageLayout>

class QPagedPaintDevice;
class QPainter;
class QWidget;

namespace Boxoffice::Gui {

// Draws a PrintableReport on the 80 mm receipt roll (one page as long as the report) and sends
// it to a PDF file, a printer or a preview image. Every function checks the report first
// (validateReport): BadRequest, with nothing written, when its lines do not add up. GUI thread
// for printers; PDF and images from any thread that may paint.
class ReportPrinter
{
    Q_DECLARE_TR_FUNCTIONS(Boxoffice::Gui::ReportPrinter)

public:
    static constexpr qreal kRollWidthMm = 80.0;

    // The roll page for `report`: 80 mm wide, as long as the report, zero margins.
    [[nodiscard]] static QPageLayout pageLayout(const PrintableReport &report);
    // Paints on the painter's current page (origin top-left, device pixels). Input assumed valid.
    static void paint(QPainter &painter, const PrintableReport &report);

    // Writes one PDF page at `path`, whole or not at all (temporary file renamed at the end).
    // BadRequest for an invalid report or an unusable path; Internal if writing fails.
    [[nodiscard]] static Core::Result<> writePdf(const QString &path,
                                                 const PrintableReport &report);
    // The print dialog, then the chosen printer. true: printed; false: cancelled.
    [[nodiscard]] static Core::Result<bool> printWithDialog(QWidget *parent,
                                                            const PrintableReport &report);
    // A preview on white at `dpi`.
    [[nodiscard]] static QImage image(const PrintableReport &report, qreal dpi);

private:
    [[nodiscard]] static Core::Result<> paintDocument(QPagedPaintDevice &device,
                                                      const PrintableReport &report);
};

} // namespace Boxoffice::Gui

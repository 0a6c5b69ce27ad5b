#pragma once

#include "core/common/result.h"
#include "ui/printing/ticketdocument.h"

#include <QCoreApplication>
#include <QImage>
#include <QList>
#include <QPageLayout>
#include <QSizeF>

#include <optional>

class QPagedPaintDevice;
class QPaintDevice;
class QPainter;

namespace Boxoffice::Gui {

// Draws tickets and receipts with QPainter, in millimetres of real paper, on any paint device:
// QPdfWriter, QPrinter (both paged) or a QImage for previews. Stateless; every function is safe
// to call from any thread that may paint (QImage and QPdfWriter: any thread; QPrinter: the GUI
// thread). Text is DejaVu Sans only.
//
// Ticket: 203.2 × 82.55 mm (8 × 3.25 in, landscape), the fanfold thermal stock that venue ticket
// printers take (a portrait 82.55 × 203.2 mm sheet turned landscape). A main part with the show,
// date and time, venue, section/row/seat, tier, price, the QR code (36 mm symbol, 4-module quiet
// zone, error correction M) and the order id and ticket code; right of a perforation, a stub
// that the usher tears off. A reprint is stamped "REPRINT" on both parts.
// Receipt: 80 mm wide (till roll), as long as its content.
class TicketRenderer
{
    Q_DECLARE_TR_FUNCTIONS(Boxoffice::Gui::TicketRenderer)

public:
    static constexpr qreal kTicketWidthMm = 203.2;
    static constexpr qreal kTicketHeightMm = 82.55;
    static constexpr qreal kStubWidthMm = 53.2;
    static constexpr qreal kQrSideMm = 36.0; // the symbol without its quiet zone
    static constexpr int kQrQuietZoneModules = 4;
    static constexpr qreal kReceiptWidthMm = 80.0;

    // Page layouts with zero margins: the painter's origin is the paper's top-left corner.
    [[nodiscard]] static QPageLayout ticketPageLayout();
    // The receipt's page: kReceiptWidthMm wide and as long as `receipt` laid out with the font
    // metrics of `device` (the device it will be painted on).
    [[nodiscard]] static QPageLayout receiptPageLayout(const PrintableReceipt &receipt,
                                                       QPaintDevice *device);

    // Paint one ticket / the receipt on the painter's current page, whose top-left corner must
    // be the painter's origin (device pixels, no transform). The input is assumed valid
    // (validateTicket / validateReceipt); nothing here fails.
    static void paintTicket(QPainter &painter, const PrintableTicket &ticket);
    static void paintReceipt(QPainter &painter, const PrintableReceipt &receipt);

    // The whole print job on a paged device: each ticket on a ticket page, in order, then the
    // receipt, if any, on a receipt page. Sets the device's page layout for each page and
    // begins and ends the painting itself (the device must not be painted on already).
    // BadRequest, before anything is drawn, if `tickets` is empty or any ticket or the receipt
    // is invalid. Internal if the device refuses to begin, to turn a page or to finish (a
    // QPdfWriter's device failed, a printer went away).
    [[nodiscard]] static Core::Result<>
    paintDocument(QPagedPaintDevice &device, const QList<PrintableTicket> &tickets,
                  const std::optional<PrintableReceipt> &receipt);

    // Previews on white, at `dpi` pixels per inch (the image carries that resolution).
    [[nodiscard]] static QImage ticketImage(const PrintableTicket &ticket, qreal dpi);
    [[nodiscard]] static QImage receiptImage(const PrintableReceipt &receipt, qreal dpi);

    // "Monday, 23 February 2026" and "19:30" in the terminal's locale and local time zone.
    [[nodiscard]] static QString dateText(qint64 utcMs);
    [[nodiscard]] static QString timeText(qint64 utcMs);
    // "45.00 EUR": how amounts are printed.
    [[nodiscard]] static QString moneyText(qint64 minorUnits, const QString &currency);
};

} // namespace Boxoffice::Gui

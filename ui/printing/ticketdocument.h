#pragma once

#include "core/common/result.h"

#include <QList>
#include <QString>

#include <optional>

// What goes on paper at the window: tickets (DESIGN.md §3.5) and the receipt of an order. Plain
// copyable values filled in by the screen that prints (sale, order view); TicketRenderer draws
// them and TicketPrinter sends them to a PDF file or a printer.
namespace Boxoffice::Gui {

// One admission. Times are UTC milliseconds since the Unix epoch and are printed in the local
// time of the terminal; amounts are integer minor units of `currency` (ISO 4217, "EUR").
struct PrintableTicket
{
    QString showTitle, venueName, city;
    qint64 startMs = 0;
    QString sectionName, rowLabel, seatNumber, seatId, tierName;
    qint64 priceCents = 0;
    QString currency, orderId, ticketCode, qrPayload; // qrPayload: signed, as from the server
    bool wheelchair = false;
    bool reprint = false; // a duplicate of an issued ticket: stamped "REPRINT"
};

struct ReceiptLine
{
    QString description;
    qint64 amountCents = 0; // negative for a discount or a refund line
};

struct PrintableReceipt
{
    QString venueName, orderId, clerk, terminal;
    qint64 paidAtMs = 0;
    QList<ReceiptLine> lines;
    qint64 totalCents = 0;
    QString currency;
    QString method;                            // "CASH" or "CARD"
    qint64 tenderedCents = 0, changeCents = 0; // CASH only
    QString cardReference;                     // CARD only; may be empty
    QString customerName;                      // optional
    bool reprint = false;                      // a copy printed later: marked "COPY"
};

inline constexpr QLatin1String kPaymentCash{"CASH"};
inline constexpr QLatin1String kPaymentCard{"CARD"};

// BadRequest, naming the field, if a ticket cannot be printed as asked: an empty show title,
// venue, seat id, order id, ticket code or QR payload; a QR payload longer than
// Core::kTicketPayloadMaxLength (too dense to scan off the ticket); a start time not after the
// epoch; a negative price or one above Core::kMaxMinorUnits; a currency that is not three capital
// letters.
[[nodiscard]] Core::Result<> validateTicket(const PrintableTicket &ticket);

// BadRequest, naming the field, for an empty venue or order id, no payment time, no lines, a
// line without description, lines that do not add up to the total, an unknown method, a bad
// currency, an amount out of range, or (cash) tendered minus change not equal to the total.
[[nodiscard]] Core::Result<> validateReceipt(const PrintableReceipt &receipt);

// A print job: at least one ticket (BadRequest "nothing to print" otherwise), every ticket and
// the receipt, if any, valid. The first problem found is returned.
[[nodiscard]] Core::Result<> validatePrintJob(const QList<PrintableTicket> &tickets,
                                              const std::optional<PrintableReceipt> &receipt);

} // namespace Boxoffice::Gui

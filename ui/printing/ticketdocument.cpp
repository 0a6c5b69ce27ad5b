#include "ui/printing/ticketdocument.h"

#include "core/common/money.h"
#include "core/security/ticketsigner.h"
#include "ui/printing/qrimage.h"

#include <QCoreApplication>

namespace Boxoffice::Gui {

using Core::ErrorCode;
using Core::fail;
using Core::Result;

namespace {

// Translation contexts for the messages below (the value types themselves stay plain).
struct TicketText
{
    Q_DECLARE_TR_FUNCTIONS(Boxoffice::Gui::PrintableTicket)
};
struct ReceiptText
{
    Q_DECLARE_TR_FUNCTIONS(Boxoffice::Gui::PrintableReceipt)
};

bool isCurrencyCode(const QString &code)
{
    return Core::Money::fromMinor(0, code).has_value();
}

bool inRange(qint64 amount)
{
    return amount >= -Core::kMaxMinorUnits && amount <= Core::kMaxMinorUnits;
}

} // namespace

Result<> validateTicket(const PrintableTicket &ticket)
{
    // Name the ticket by whatever it has, so the message points at the right one.
    const QString name = !ticket.ticketCode.trimmed().isEmpty() ? ticket.ticketCode
                         : !ticket.seatId.trimmed().isEmpty()   ? ticket.seatId
                                                                : TicketText::tr("(unnamed)");
    const auto missing = [&](const QString &what) {
        return fail(ErrorCode::BadRequest, TicketText::tr("ticket %1: %2").arg(name, what));
    };
    if (ticket.showTitle.trimmed().isEmpty())
        return missing(TicketText::tr("no show title"));
    if (ticket.venueName.trimmed().isEmpty())
        return missing(TicketText::tr("no venue name"));
    if (ticket.seatId.trimmed().isEmpty())
        return missing(TicketText::tr("no seat id"));
    if (ticket.orderId.trimmed().isEmpty())
        return missing(TicketText::tr("no order id"));
    if (ticket.ticketCode.trimmed().isEmpty())
        return missing(TicketText::tr("no ticket code"));
    if (ticket.qrPayload.isEmpty())
        return missing(TicketText::tr("no QR payload"));
    if (ticket.qrPayload.size() > Core::kTicketPayloadMaxLength) {
        // Longer payloads need a denser symbol than a door scanner reads off 36 mm of paper.
        return missing(TicketText::tr("the QR payload is longer than %1 characters")
                           .arg(Core::kTicketPayloadMaxLength));
    }
    if (!qrCodeModules(ticket.qrPayload.toUtf8()).isValid()) {
        return fail(
            ErrorCode::BadRequest,
            TicketText::tr("ticket %1: the QR payload (%2 characters) does not fit a QR code")
                .arg(name)
                .arg(ticket.qrPayload.size()));
    }
    if (ticket.startMs <= 0) {
        return fail(ErrorCode::BadRequest,
                    TicketText::tr("ticket %1: the show has no start time").arg(name));
    }
    if (ticket.priceCents < 0 || !inRange(ticket.priceCents)) {
        return fail(
            ErrorCode::BadRequest,
            TicketText::tr("ticket %1: price %2 is out of range").arg(name).arg(ticket.priceCents));
    }
    if (!isCurrencyCode(ticket.currency)) {
        return fail(ErrorCode::BadRequest,
                    TicketText::tr("ticket %1: '%2' is not a three-letter currency code")
                        .arg(name, ticket.currency));
    }
    return {};
}

Result<> validateReceipt(const PrintableReceipt &receipt)
{
    const auto bad = [&](const QString &message) {
        return fail(ErrorCode::BadRequest,
                    ReceiptText::tr("receipt of order %1: %2").arg(receipt.orderId, message));
    };
    if (receipt.venueName.trimmed().isEmpty())
        return bad(ReceiptText::tr("venue name is empty"));
    if (receipt.orderId.trimmed().isEmpty())
        return bad(ReceiptText::tr("order id is empty"));
    if (receipt.paidAtMs <= 0)
        return bad(ReceiptText::tr("no payment time"));
    if (!isCurrencyCode(receipt.currency))
        return bad(
            ReceiptText::tr("'%1' is not a three-letter currency code").arg(receipt.currency));
    if (receipt.lines.isEmpty())
        return bad(ReceiptText::tr("no lines"));
    qint64 sum = 0;
    for (const ReceiptLine &line : receipt.lines) {
        if (line.description.trimmed().isEmpty())
            return bad(ReceiptText::tr("a line has no description"));
        if (!inRange(line.amountCents))
            return bad(ReceiptText::tr("amount %1 is out of range").arg(line.amountCents));
        sum += line.amountCents;
    }
    if (!inRange(receipt.totalCents) || receipt.totalCents < 0)
        return bad(ReceiptText::tr("total %1 is out of range").arg(receipt.totalCents));
    if (sum != receipt.totalCents) {
        return bad(ReceiptText::tr("the lines add up to %1, the total is %2")
                       .arg(sum)
                       .arg(receipt.totalCents));
    }
    if (receipt.method == kPaymentCash) {
        if (!inRange(receipt.tenderedCents) || receipt.changeCents < 0 ||
            !inRange(receipt.changeCents) ||
            receipt.tenderedCents - receipt.changeCents != receipt.totalCents) {
            return bad(ReceiptText::tr("tendered %1 minus change %2 is not the total %3")
                           .arg(receipt.tenderedCents)
                           .arg(receipt.changeCents)
                           .arg(receipt.totalCents));
        }
    } else if (receipt.method != kPaymentCard) {
        return bad(
            ReceiptText::tr("unknown payment method '%1' (CASH or CARD)").arg(receipt.method));
    }
    return {};
}

Result<> validatePrintJob(const QList<PrintableTicket> &tickets,
                          const std::optional<PrintableReceipt> &receipt)
{
    if (tickets.isEmpty())
        return fail(ErrorCode::BadRequest, TicketText::tr("nothing to print: no tickets"));
    for (const PrintableTicket &ticket : tickets) {
        if (auto valid = validateTicket(ticket); !valid)
            return valid;
    }
    if (receipt)
        return validateReceipt(*receipt);
    return {};
}

} // namespace Boxoffice::Gui

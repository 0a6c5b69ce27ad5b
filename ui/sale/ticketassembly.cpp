#include "ui/sale/ticketassembly.h"

#include "core/common/money.h"
#include "core/seatmap/seatmapmodel.h"
#include "core/venue/venuelayout.h"

#include <QCoreApplication>

namespace Boxoffice::Gui {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Boxoffice::Gui::TicketAssembly", text);
}

struct SeatFacts
{
    QString section;
    QString row;
    QString number;
    QString tier;
    qint64 priceCents = 0;
    bool wheelchair = false;
};

SeatFacts seatFacts(const Core::SeatId &seat, const Sync::ShowDetail &show,
                    const Core::VenueLayout &layout)
{
    SeatFacts facts;
    const int index = layout.indexOf(seat);
    if (index < 0) {
        facts.section = seat.value();
        return facts;
    }
    const Core::LayoutSeat &s = layout.seats()[std::size_t(index)];
    facts.section = layout.sections()[s.section].name;
    facts.row = s.row;
    facts.number = QString::number(s.number);
    facts.wheelchair = s.has(Core::SeatFlag::Wheelchair);
    const Core::SeatCategory &category = layout.categories()[s.category];
    facts.tier = category.name;
    for (const Sync::PriceTierInfo &tier : show.tiers) {
        if (tier.category == category.id) {
            facts.tier = tier.name;
            facts.priceCents = tier.priceCents;
        }
    }
    return facts;
}

} // namespace

QList<PrintableTicket> printableTickets(const Sync::OrderInfo &order, const Sync::ShowDetail &show,
                                        const Core::VenueLayout &layout, bool reprint)
{
    QList<PrintableTicket> tickets;
    for (const Sync::TicketInfo &info : order.tickets) {
        const SeatFacts facts = seatFacts(info.seat, show, layout);
        PrintableTicket ticket;
        ticket.showTitle = show.summary.title;
        ticket.venueName = show.summary.venueName;
        ticket.city = show.summary.city;
        ticket.startMs = show.summary.startMs;
        ticket.sectionName = facts.section;
        ticket.rowLabel = facts.row;
        ticket.seatNumber = facts.number;
        ticket.seatId = info.seat.value();
        ticket.tierName = facts.tier;
        ticket.priceCents = facts.priceCents;
        ticket.currency = order.currency;
        ticket.orderId = order.id.value();
        ticket.ticketCode = info.code.value();
        ticket.qrPayload = info.qrPayload;
        ticket.wheelchair = facts.wheelchair;
        ticket.reprint = reprint;
        tickets.append(ticket);
    }
    return tickets;
}

PrintableReceipt printableReceipt(const Sync::OrderInfo &order, const Sync::ShowDetail &show,
                                  const Core::VenueLayout &layout, const QString &clerk,
                                  const QString &terminal)
{
    PrintableReceipt receipt;
    receipt.venueName = show.summary.venueName;
    receipt.orderId = order.id.value();
    receipt.clerk = clerk;
    receipt.terminal = terminal;
    receipt.currency = order.currency;
    receipt.totalCents = order.amountCents;
    receipt.customerName = order.contact.name;
    for (const Core::SeatId &seat : order.seats) {
        const SeatFacts facts = seatFacts(seat, show, layout);
        receipt.lines.append(
            {tr("%1 — %2, row %3, seat %4 (%5)")
                 .arg(show.summary.title, facts.section, facts.row, facts.number, facts.tier),
             facts.priceCents});
    }
    // The successful payment decides the tender lines.
    for (const Sync::PaymentInfo &payment : order.payments) {
        if (payment.status != QLatin1StringView("APPLIED"))
            continue;
        receipt.method = payment.method;
        receipt.paidAtMs = payment.receivedMs;
        receipt.tenderedCents = payment.tenderedCents;
        receipt.changeCents = payment.changeCents;
        if (payment.method == QLatin1StringView("CARD"))
            receipt.cardReference = payment.id.value();
    }
    return receipt;
}

QString saleMoney(const Core::SeatMapModel &model, const Sync::ShowDetail &show, qint64 cents)
{
    const QString currency = model.currency().isEmpty() ? show.summary.currency : model.currency();
    auto amount = Core::Money::fromMinor(cents, currency);
    return amount ? amount->toString() : QString::number(cents);
}

QString saleSeatLine(const Core::SeatMapModel &model, const Sync::ShowDetail &show, int seat)
{
    const Core::VenueLayout &layout = model.layout();
    const Core::LayoutSeat &place = layout.seats()[std::size_t(seat)];
    const QString category = layout.categories()[place.category].id;
    QString tier = layout.categories()[place.category].name;
    for (const Sync::PriceTierInfo &info : show.tiers) {
        if (info.category == category)
            tier = info.name;
    }
    return tr("%1 · Row %2 · Seat %3 · %4 · %5")
        .arg(layout.sections()[place.section].name, place.row)
        .arg(place.number)
        .arg(tier, saleMoney(model, show, model.priceCents(seat)));
}

} // namespace Boxoffice::Gui

#pragma once

#include "sync/client/apitypes.h"
#include "ui/printing/ticketdocument.h"

namespace Boxoffice::Core {
class SeatMapModel;
class VenueLayout;
} // namespace Boxoffice::Core

namespace Boxoffice::Gui {

// What goes on the printed tickets of an order: the show and venue from the show detail, the
// place and tier from the venue layout, the codes and QR payloads from the server's order.
[[nodiscard]] QList<PrintableTicket> printableTickets(const Sync::OrderInfo &order,
                                                      const Sync::ShowDetail &show,
                                                      const Core::VenueLayout &layout,
                                                      bool reprint);

// The receipt of a paid order; `tender` is the cash or card answer when this terminal took it.
[[nodiscard]] PrintableReceipt printableReceipt(const Sync::OrderInfo &order,
                                                const Sync::ShowDetail &show,
                                                const Core::VenueLayout &layout,
                                                const QString &clerk, const QString &terminal);

// An amount in the loaded show's currency (the show detail's while the model has none yet).
[[nodiscard]] QString saleMoney(const Core::SeatMapModel &model, const Sync::ShowDetail &show,
                                qint64 cents);
// One seat of a sale as the customer reads it on screen: "Stalls · Row A · Seat 10 · Premium ·
// 95.00 EUR", the tier named as the show's price list names the seat's category. `seat` is an
// index into the model's layout.
[[nodiscard]] QString saleSeatLine(const Core::SeatMapModel &model, const Sync::ShowDetail &show,
                                   int seat);

} // namespace Boxoffice::Gui

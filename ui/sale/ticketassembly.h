#pragma once

#include "sync/client/apitypes.h"
#include "ui/printing/ticketdocument.h"

namespace Boxoffice::Core {
class VenueLayout;
}

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

} // namespace Boxoffice::Gui

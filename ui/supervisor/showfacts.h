#pragma once

#include "core/common/result.h"
#include "core/venue/venuelayout.h"
#include "sync/client/apitypes.h"
#include "ui/printing/ticketdocument.h"

#include <QObject>

#include <functional>
#include <memory>

namespace Boxoffice::Sync {
class ApiClient;
class TerminalCache;
} // namespace Boxoffice::Sync

namespace Boxoffice::Gui {

// A show's detail and venue layout: what printing its tickets needs.
struct ShowFacts
{
    Sync::ShowDetail detail;
    std::shared_ptr<const Core::VenueLayout> layout;
};

// Reads the show's detail from the server and its layout from the cache (or the server, then
// cached). `done` runs once on `context`'s thread, unless `context` went away.
void loadShowFacts(Sync::ApiClient &client, Sync::TerminalCache &cache, const Core::ShowId &show,
                   QObject *context, std::function<void(Core::Result<ShowFacts>)> done);

// The printable tickets of `tickets` (of `order`, a show of `facts`).
[[nodiscard]] QList<PrintableTicket> printableTicketsOf(const Sync::OrderInfo &order,
                                                        const QList<Sync::TicketInfo> &tickets,
                                                        const ShowFacts &facts, bool reprint);

} // namespace Boxoffice::Gui

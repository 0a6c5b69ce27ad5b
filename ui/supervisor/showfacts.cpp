#include "ui/supervisor/showfacts.h"

#include "sync/client/apiclient.h"
#include "sync/client/terminalcache.h"
#include "ui/sale/ticketassembly.h"

#include <QDebug>

namespace Boxoffice::Gui {

void loadShowFacts(Sync::ApiClient &client, Sync::TerminalCache &cache, const Core::ShowId &show,
                   QObject *context, std::function<void(Core::Result<ShowFacts>)> done)
{
    client.showDetail(
        show, context,
        [&client, &cache, context, done = std::move(done)](Sync::Result<Sync::ShowDetail> detail) {
            if (!detail)
                return done(std::unexpected(detail.error()));
            const auto finish = [done, detail = *detail](const QByteArray &json) {
                auto layout = Core::parseVenueLayout(
                    json, QStringLiteral("layout of %1").arg(detail.summary.venue.value()));
                if (!layout)
                    return done(std::unexpected(layout.error()));
                done(ShowFacts{detail,
                               std::make_shared<const Core::VenueLayout>(std::move(*layout))});
            };
            if (auto cached = cache.layout(detail->summary.venue); cached && *cached)
                return finish(**cached);
            client.venueLayout(detail->summary.venue, context,
                               [&cache, venue = detail->summary.venue, finish,
                                done](Sync::Result<QByteArray> json) {
                                   if (!json)
                                       return done(std::unexpected(json.error()));
                                   // A cache that cannot keep it only costs a download next time.
                                   if (auto saved = cache.saveLayout(venue, *json); !saved)
                                       qWarning().noquote()
                                           << "cannot cache the layout of" << venue.value()
                                           << saved.error().message;
                                   finish(*json);
                               });
        });
}

QList<PrintableTicket> printableTicketsOf(const Sync::OrderInfo &order,
                                          const QList<Sync::TicketInfo> &tickets,
                                          const ShowFacts &facts, bool reprint)
{
    Sync::OrderInfo subset = order;
    subset.tickets = tickets;
    QList<PrintableTicket> printable =
        printableTickets(subset, facts.detail, *facts.layout, reprint);
    // The price the seat was sold at, as the server recorded it, wins over today's price list.
    for (qsizetype i = 0; i < printable.size() && i < tickets.size(); ++i) {
        if (tickets[i].priceCents > 0)
            printable[i].priceCents = tickets[i].priceCents;
    }
    return printable;
}

} // namespace Boxoffice::Gui

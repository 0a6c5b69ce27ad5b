#pragma once

#include "core/booking/showstate.h"
#include "core/common/result.h"

#include <QByteArray>

namespace Boxoffice::Core {

class Connection;
class VenueLayout;

struct ShowSpec
{
    ShowId id;
    QString title;
    VenueId venue;
    qint64 startMs = 0;
    qint64 saleStartMs = 0;
    qint64 saleEndMs = 0;
    QString currency;
    QList<PriceTier> tiers; // one per category of the venue that has seats
};

// Writes venues and shows: the setup side of the booking schema. Each call is one transaction.
// `layoutJson` is stored as given and parsed again whenever the venue is loaded.
[[nodiscard]] Result<> addVenue(Connection &connection, const VenueLayout &layout,
                                const QByteArray &layoutJson, qint64 nowMs);
// Creates the show and one AVAILABLE seat_inventory row per seat of its venue.
[[nodiscard]] Result<> addShow(Connection &connection, const ShowSpec &show,
                               const VenueLayout &layout, qint64 nowMs);
[[nodiscard]] Result<bool> venueExists(Connection &connection, const VenueId &venue);
[[nodiscard]] Result<bool> showExists(Connection &connection, const ShowId &show);

} // namespace Boxoffice::Core

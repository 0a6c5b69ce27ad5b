#pragma once

#include "core/booking/showstate.h"
#include "core/storage/database.h"

#include <QHash>

#include <memory>
#include <mutex>

namespace Boxoffice::Core {

class VenueLayout;

// The loaded seat maps, one ShowState per show, loaded on first use from a consistent read of
// the database. Venue layouts are parsed once and shared by all shows of a venue.
// Thread-safe. The writer applies committed changes through apply(), under the same lock
// that guards loading, so a map is never loaded from a snapshot older than a change it missed.
class ShowRegistry
{
public:
    // The state of `show`, loading it with `connection` (of the calling thread) if needed.
    [[nodiscard]] Result<std::shared_ptr<ShowState>> get(const ShowId &show,
                                                         Connection &connection);
    // The state of `show` if it is loaded, else null. Never touches the database.
    [[nodiscard]] std::shared_ptr<ShowState> find(const ShowId &show);
    // Ids of all shows in the database, by start time.
    [[nodiscard]] Result<QList<ShowId>> showIds(Connection &connection);
    // Applies a committed change to a loaded show; does nothing for a show not loaded yet
    // (its later load reads the committed rows).
    void apply(const ShowId &show, const SeatChange &change);
    // Forgets loaded maps (after demo data was rewritten, or in tests).
    void clear();

private:
    [[nodiscard]] Result<std::shared_ptr<ShowState>> load(const ShowId &show,
                                                          Connection &connection);
    [[nodiscard]] Result<std::shared_ptr<const VenueLayout>> layoutFor(const VenueId &venue,
                                                                       const QByteArray &json);

    std::mutex m_mutex;
    QHash<ShowId, std::shared_ptr<ShowState>> m_shows;
    QHash<VenueId, std::shared_ptr<const VenueLayout>> m_layouts;
};

} // namespace Boxoffice::Core

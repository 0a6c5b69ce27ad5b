#include "core/booking/showregistry.h"

#include "core/venue/venuelayout.h"

#include <QSqlQuery>

namespace Boxoffice::Core {

Result<std::shared_ptr<ShowState>> ShowRegistry::get(const ShowId &show, Connection &connection)
{
    std::lock_guard lock(m_mutex);
    if (auto it = m_shows.constFind(show); it != m_shows.cend())
        return *it;
    auto loaded = load(show, connection);
    if (loaded)
        m_shows.insert(show, *loaded);
    return loaded;
}

std::shared_ptr<ShowState> ShowRegistry::find(const ShowId &show)
{
    std::lock_guard lock(m_mutex);
    return m_shows.value(show);
}

void ShowRegistry::apply(const ShowId &show, const SeatChange &change)
{
    std::lock_guard lock(m_mutex);
    if (auto it = m_shows.constFind(show); it != m_shows.cend())
        (*it)->apply(change);
}

void ShowRegistry::clear()
{
    std::lock_guard lock(m_mutex);
    m_shows.clear();
}

Result<QList<ShowId>> ShowRegistry::showIds(Connection &connection)
{
    auto query = connection.prepare(
        QStringLiteral("SELECT show_id FROM event_show ORDER BY start_time, show_id"));
    if (!query)
        return std::unexpected(query.error());
    if (auto ok = Connection::run(**query); !ok)
        return std::unexpected(ok.error());
    QList<ShowId> ids;
    while ((*query)->next())
        ids.append(ShowId((*query)->value(0).toString()));
    (*query)->finish();
    return ids;
}

Result<std::shared_ptr<const VenueLayout>> ShowRegistry::layoutFor(const VenueId &venue,
                                                                   const QByteArray &json)
{
    if (auto it = m_layouts.constFind(venue); it != m_layouts.cend())
        return *it;
    auto parsed = parseVenueLayout(json, QStringLiteral("venue %1").arg(venue.value()));
    if (!parsed)
        return std::unexpected(parsed.error());
    auto layout = std::make_shared<const VenueLayout>(std::move(*parsed));
    m_layouts.insert(venue, layout);
    return layout;
}

Result<std::shared_ptr<ShowState>> ShowRegistry::load(const ShowId &show, Connection &connection)
{
    // One read transaction, so the version and the seat rows are of the same commit.
    if (auto ok = connection.execute(QStringLiteral("BEGIN")); !ok)
        return std::unexpected(ok.error());
    struct EndRead
    {
        Connection &c;
        ~EndRead() { (void)c.execute(QStringLiteral("COMMIT")); }
    } endRead{connection};

    auto head = connection.prepare(QStringLiteral(
        "SELECT s.title, s.venue_id, s.city, s.start_time, s.sale_start_time, s.sale_end_time,"
        " s.status, s.currency, s.version, v.name, v.layout_json, v.seat_count"
        " FROM event_show s JOIN venue v ON v.venue_id = s.venue_id WHERE s.show_id = ?"));
    if (!head)
        return std::unexpected(head.error());
    QSqlQuery &h = **head;
    h.bindValue(0, show.value());
    if (auto ok = Connection::run(h); !ok)
        return std::unexpected(ok.error());
    if (!h.next()) {
        h.finish();
        return fail(ErrorCode::NotFound, QStringLiteral("no show %1").arg(show.value()));
    }
    ShowInfo info;
    info.id = show;
    info.title = h.value(0).toString();
    info.venue = VenueId(h.value(1).toString());
    info.city = h.value(2).toString();
    info.startMs = h.value(3).toLongLong();
    info.saleStartMs = h.value(4).toLongLong();
    info.saleEndMs = h.value(5).toLongLong();
    info.status = h.value(6).toInt();
    info.currency = h.value(7).toString();
    const qint64 version = h.value(8).toLongLong();
    info.venueName = h.value(9).toString();
    const QByteArray layoutJson = h.value(10).toString().toUtf8();
    const int seatCount = h.value(11).toInt();
    h.finish();

    auto layout = layoutFor(info.venue, layoutJson);
    if (!layout)
        return std::unexpected(layout.error());
    if ((*layout)->seatCount() != seatCount)
        return fail(ErrorCode::StorageFailure,
                    QStringLiteral("venue %1 has %2 seats in its layout but %3 recorded")
                        .arg(info.venue.value())
                        .arg((*layout)->seatCount())
                        .arg(seatCount));

    auto tiers = connection.prepare(QStringLiteral(
        "SELECT category, name, price_cents FROM price_tier WHERE show_id = ? ORDER BY category"));
    if (!tiers)
        return std::unexpected(tiers.error());
    (*tiers)->bindValue(0, show.value());
    if (auto ok = Connection::run(**tiers); !ok)
        return std::unexpected(ok.error());
    while ((*tiers)->next())
        info.tiers.append(PriceTier{(*tiers)->value(0).toString(), (*tiers)->value(1).toString(),
                                    (*tiers)->value(2).toLongLong()});
    (*tiers)->finish();

    auto seats = connection.prepare(QStringLiteral(
        "SELECT s.seat_index, s.status, s.price_cents, h.expiry_time FROM seat_inventory s"
        " LEFT JOIN seat_hold h ON h.hold_id = s.hold_id AND s.status = 1"
        " WHERE s.show_id = ?"));
    if (!seats)
        return std::unexpected(seats.error());
    QSqlQuery &s = **seats;
    s.bindValue(0, show.value());
    if (auto ok = Connection::run(s); !ok)
        return std::unexpected(ok.error());
    std::vector<quint8> statuses(static_cast<std::size_t>(seatCount), 0);
    std::vector<qint64> prices(static_cast<std::size_t>(seatCount), 0);
    std::vector<qint64> heldUntil(static_cast<std::size_t>(seatCount), 0);
    int rows = 0;
    while (s.next()) {
        const int index = s.value(0).toInt();
        const int status = s.value(1).toInt();
        if (index < 0 || index >= seatCount || status < 0 || status > 3) {
            s.finish();
            return fail(ErrorCode::StorageFailure,
                        QStringLiteral("show %1 has a bad seat row (index %2, status %3)")
                            .arg(show.value())
                            .arg(index)
                            .arg(status));
        }
        statuses[static_cast<std::size_t>(index)] = static_cast<quint8>(status);
        prices[static_cast<std::size_t>(index)] = s.value(2).toLongLong();
        heldUntil[static_cast<std::size_t>(index)] = s.value(3).toLongLong();
        ++rows;
    }
    s.finish();
    if (rows != seatCount)
        return fail(ErrorCode::StorageFailure,
                    QStringLiteral("show %1 has %2 seat rows, expected %3")
                        .arg(show.value())
                        .arg(rows)
                        .arg(seatCount));
    return std::make_shared<ShowState>(std::move(info), *layout, std::move(statuses),
                                       std::move(heldUntil), std::move(prices), version);
}

} // namespace Boxoffice::Core

#include "core/booking/catalog.h"

#include "core/storage/database.h"
#include "core/venue/venuelayout.h"

#include <QSqlQuery>

namespace Boxoffice::Core {

namespace {

Result<bool> exists(Connection &connection, const QString &sql, const QString &id)
{
    auto query = connection.prepare(sql);
    if (!query)
        return std::unexpected(query.error());
    (*query)->bindValue(0, id);
    if (auto ok = Connection::run(**query); !ok)
        return std::unexpected(ok.error());
    const bool found = (*query)->next();
    (*query)->finish();
    return found;
}

} // namespace

Result<bool> venueExists(Connection &connection, const VenueId &venue)
{
    return exists(connection, QStringLiteral("SELECT 1 FROM venue WHERE venue_id = ?"),
                  venue.value());
}

Result<bool> showExists(Connection &connection, const ShowId &show)
{
    return exists(connection, QStringLiteral("SELECT 1 FROM event_show WHERE show_id = ?"),
                  show.value());
}

Result<> addVenue(Connection &connection, const VenueLayout &layout, const QByteArray &layoutJson,
                  qint64 nowMs)
{
    auto tx = WriteTransaction::begin(connection);
    if (!tx)
        return std::unexpected(tx.error());
    auto query = connection.prepare(QStringLiteral(
        "INSERT INTO venue (venue_id, name, city, seat_count, layout_json, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)"));
    if (!query)
        return std::unexpected(query.error());
    QSqlQuery &q = **query;
    q.bindValue(0, layout.id().value());
    q.bindValue(1, layout.name());
    q.bindValue(2, layout.city());
    q.bindValue(3, layout.seatCount());
    q.bindValue(4, QString::fromUtf8(layoutJson));
    q.bindValue(5, nowMs);
    if (auto ok = Connection::run(q); !ok)
        return ok;
    q.finish();
    return tx->commit();
}

Result<> addShow(Connection &connection, const ShowSpec &show, const VenueLayout &layout,
                 qint64 nowMs)
{
    if (show.id.isEmpty() || show.title.isEmpty())
        return fail(ErrorCode::BadRequest, QStringLiteral("a show needs an id and a title"));
    if (show.saleEndMs <= show.saleStartMs)
        return fail(
            ErrorCode::BadRequest,
            QStringLiteral("show %1: the sale must end after it starts").arg(show.id.value()));
    std::vector<qint64> priceOfCategory(static_cast<std::size_t>(layout.categories().size()), -1);
    for (const PriceTier &tier : show.tiers) {
        const int category = layout.categoryIndex(tier.category);
        if (category < 0)
            return fail(ErrorCode::BadRequest,
                        QStringLiteral("show %1: venue %2 has no category %3")
                            .arg(show.id.value(), layout.id().value(), tier.category));
        if (tier.priceCents < 0 || tier.priceCents > kMaxMinorUnits)
            return fail(ErrorCode::BadRequest,
                        QStringLiteral("show %1: price of %2 is out of range")
                            .arg(show.id.value(), tier.category));
        priceOfCategory[static_cast<std::size_t>(category)] = tier.priceCents;
    }
    for (const LayoutSeat &seat : layout.seats()) {
        if (priceOfCategory[static_cast<std::size_t>(seat.category)] < 0)
            return fail(ErrorCode::BadRequest,
                        QStringLiteral("show %1: no price for category %2")
                            .arg(show.id.value(), layout.categories()[seat.category].id));
    }

    auto tx = WriteTransaction::begin(connection);
    if (!tx)
        return std::unexpected(tx.error());
    auto head = connection.prepare(QStringLiteral(
        "INSERT INTO event_show (show_id, title, venue_id, city, start_time, sale_start_time,"
        " sale_end_time, status, currency, version, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, 0, ?, ?)"));
    if (!head)
        return std::unexpected(head.error());
    const QVariantList values{
        show.id.value(),  show.title,     layout.id().value(), layout.city(), show.startMs,
        show.saleStartMs, show.saleEndMs, show.currency,       nowMs,         nowMs};
    for (int i = 0; i < values.size(); ++i)
        (*head)->bindValue(i, values[i]);
    if (auto ok = Connection::run(**head); !ok)
        return ok;
    (*head)->finish();

    auto tier = connection.prepare(QStringLiteral(
        "INSERT INTO price_tier (show_id, category, name, price_cents) VALUES (?, ?, ?, ?)"));
    if (!tier)
        return std::unexpected(tier.error());
    for (const PriceTier &t : show.tiers) {
        (*tier)->bindValue(0, show.id.value());
        (*tier)->bindValue(1, t.category);
        (*tier)->bindValue(2, t.name);
        (*tier)->bindValue(3, t.priceCents);
        if (auto ok = Connection::run(**tier); !ok)
            return ok;
    }

    auto seat = connection.prepare(QStringLiteral(
        "INSERT INTO seat_inventory (show_id, seat_id, seat_index, section_id, row_num, col_num,"
        " price_cents, status, version, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, ?)"));
    if (!seat)
        return std::unexpected(seat.error());
    QSqlQuery &s = **seat;
    const auto &seats = layout.seats();
    for (std::size_t i = 0; i < seats.size(); ++i) {
        const LayoutSeat &ls = seats[i];
        s.bindValue(0, show.id.value());
        s.bindValue(1, ls.id.value());
        s.bindValue(2, static_cast<int>(i));
        s.bindValue(3, layout.sections()[ls.section].id);
        s.bindValue(4, ls.rowNumber);
        s.bindValue(5, ls.number);
        s.bindValue(6, priceOfCategory[static_cast<std::size_t>(ls.category)]);
        s.bindValue(7, nowMs);
        if (auto ok = Connection::run(s); !ok)
            return ok;
    }
    return tx->commit();
}

} // namespace Boxoffice::Core

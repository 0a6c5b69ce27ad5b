#include "core/booking/invariantaudit.h"

#include "core/storage/database.h"

#include <QSqlError>
#include <QSqlQuery>

namespace Boxoffice::Core {

namespace {

struct Check
{
    const char *invariant;
    const char *sql; // returns one row per violation, first column a description
};

constexpr Check kChecks[] = {
    {"a HELD seat belongs to exactly one ACTIVE hold of its show",
     "SELECT s.show_id || '/' || s.seat_id FROM seat_inventory s"
     " LEFT JOIN seat_hold h ON h.hold_id = s.hold_id"
     " WHERE s.status = 1 AND (h.hold_id IS NULL OR h.status <> 0 OR h.show_id <> s.show_id)"},
    {"an ACTIVE hold holds all of its seats",
     "SELECT h.hold_id FROM seat_hold h WHERE h.status = 0 AND h.seat_count <>"
     " (SELECT COUNT(*) FROM seat_inventory s WHERE s.hold_id = h.hold_id AND s.status = 1)"},
    {"a SOLD seat belongs to a PAID or TICKETED order whose hold is CONFIRMED",
     "SELECT s.show_id || '/' || s.seat_id FROM seat_inventory s"
     " LEFT JOIN ticket_order o ON o.order_id = s.order_id"
     " LEFT JOIN seat_hold h ON h.hold_id = o.hold_id"
     " WHERE s.status = 2 AND (o.order_id IS NULL OR o.status NOT IN (2, 3)"
     " OR h.status IS NULL OR h.status <> 2 OR o.show_id <> s.show_id)"},
    // A refund, void or exchange gives seats of a confirmed hold back: then the order has a
    // refund record or revoked tickets, and fewer seats are still sold.
    {"a CONFIRMED hold has a paid order and all its seats SOLD, but those given back",
     "SELECT h.hold_id FROM seat_hold h WHERE h.status = 2 AND (NOT EXISTS"
     " (SELECT 1 FROM ticket_order o WHERE o.hold_id = h.hold_id AND (o.status IN (2, 3, 5)"
     " OR (o.status = 4 AND EXISTS (SELECT 1 FROM refund r WHERE r.order_id = o.order_id"
     " AND r.kind = 'VOID'))))"
     " OR h.seat_count - (SELECT COUNT(DISTINCT t.seat_id) FROM ticket_order o"
     " JOIN issued_ticket t ON t.order_id = o.order_id WHERE o.hold_id = h.hold_id"
     " AND t.revoked_reason IN ('REFUND', 'VOID', 'EXCHANGE')) <>"
     " (SELECT COUNT(*) FROM seat_inventory s WHERE s.hold_id = h.hold_id"
     " AND s.status IN (2, 3)))"},
    {"an EXPIRED or RELEASED hold never became a paid order",
     "SELECT o.order_id FROM ticket_order o JOIN seat_hold h ON h.hold_id = o.hold_id"
     " WHERE o.status IN (2, 3) AND h.status IN (1, 3)"},
    {"an order waiting for payment keeps an ACTIVE hold",
     "SELECT o.order_id FROM ticket_order o JOIN seat_hold h ON h.hold_id = o.hold_id"
     " WHERE o.status = 1 AND h.status <> 0"},
    {"a seat has the capacity of its show: one inventory row per venue seat",
     "SELECT e.show_id FROM event_show e JOIN venue v ON v.venue_id = e.venue_id"
     " WHERE v.seat_count <> (SELECT COUNT(*) FROM seat_inventory s WHERE s.show_id = e.show_id)"},
    {"a TICKETED order has one live ticket per seat it still holds",
     "SELECT o.order_id FROM ticket_order o"
     " WHERE o.status = 3 AND (SELECT COUNT(*) FROM seat_inventory s"
     " WHERE s.order_id = o.order_id AND s.status = 2) <> (SELECT COUNT(*) FROM issued_ticket t"
     " WHERE t.order_id = o.order_id AND t.status IN (1, 2))"},
    {"a REFUNDED or CANCELLED order keeps no seat and no live ticket",
     "SELECT o.order_id FROM ticket_order o WHERE o.status IN (4, 5) AND (EXISTS"
     " (SELECT 1 FROM seat_inventory s WHERE s.order_id = o.order_id AND s.status = 2)"
     " OR EXISTS (SELECT 1 FROM issued_ticket t WHERE t.order_id = o.order_id"
     " AND t.status IN (1, 2)))"},
    {"at most one live ticket per seat of a show",
     "SELECT show_id || '/' || seat_id FROM issued_ticket WHERE status IN (1, 2)"
     " GROUP BY show_id, seat_id HAVING COUNT(*) > 1"},
    // A REVOKED ticket's seat may be sold again; a live one's seat is sold to its order.
    {"a live ticket's seat is SOLD to the ticket's order",
     "SELECT t.ticket_code FROM issued_ticket t LEFT JOIN seat_inventory s"
     " ON s.show_id = t.show_id AND s.seat_id = t.seat_id WHERE t.status IN (1, 2)"
     " AND (s.status IS NULL OR s.status <> 2 OR s.order_id IS NULL OR s.order_id <> t.order_id)"},
    {"a revoked ticket says why", "SELECT ticket_code FROM issued_ticket WHERE status = 3 AND"
                                  " (revoked_reason IS NULL OR revoked_at IS NULL)"},
    // Exchange credits carry the value of the old tickets; only one real payment per order.
    {"at most one applied payment per order",
     "SELECT order_id FROM payment WHERE status = 'APPLIED' AND source <> 'EXCHANGE'"
     " GROUP BY order_id HAVING COUNT(*) > 1"},
    // What went back (refunds, and the credit an exchange moved to a new order) never exceeds
    // what was paid.
    {"refunded amounts never exceed paid amounts",
     "SELECT o.order_id FROM ticket_order o WHERE"
     " (SELECT COALESCE(SUM(r.amount_cents), 0) FROM refund r WHERE r.order_id = o.order_id)"
     " + (SELECT COALESCE(SUM(c.amount_cents), 0) FROM payment c WHERE c.source = 'EXCHANGE'"
     " AND c.status = 'APPLIED' AND c.reference = o.order_id)"
     " > (SELECT COALESCE(SUM(p.amount_cents), 0) FROM payment p WHERE p.order_id = o.order_id"
     " AND p.status = 'APPLIED')"},
    {"a refund names the tickets it pays back",
     "SELECT r.refund_id FROM refund r WHERE r.ticket_codes = '[]' OR r.amount_cents < 0"},
};

} // namespace

Result<InvariantReport> auditInvariants(Connection &connection)
{
    InvariantReport report;
    for (const Check &check : kChecks) {
        QSqlQuery query(connection.database());
        query.setForwardOnly(true);
        if (!query.exec(QLatin1StringView(check.sql)))
            return std::unexpected(storageError(
                QStringLiteral("audit query failed (%1)").arg(QLatin1StringView(check.invariant)),
                query.lastError().text()));
        int shown = 0;
        while (query.next()) {
            if (++shown <= 20)
                report.violations.append(QStringLiteral("%1: %2").arg(
                    QLatin1StringView(check.invariant), query.value(0).toString()));
        }
        if (shown > 20)
            report.violations.append(QStringLiteral("%1: ... %2 violations in all")
                                         .arg(QLatin1StringView(check.invariant))
                                         .arg(shown));
    }
    QSqlQuery counts(connection.database());
    if (!counts.exec(QStringLiteral("SELECT show_id, status, COUNT(*) FROM seat_inventory"
                                    " GROUP BY show_id, status")))
        return std::unexpected(
            storageError(QStringLiteral("audit count failed"), counts.lastError().text()));
    while (counts.next()) {
        SeatCounts &c = report.countsByShow[counts.value(0).toString()];
        const int n = counts.value(2).toInt();
        switch (counts.value(1).toInt()) {
        case 0:
            c.available += n;
            break;
        case 1:
            c.held += n;
            break;
        case 2:
            c.sold += n;
            break;
        case 3:
            c.refundPending += n;
            break;
        default:
            report.violations.append(QStringLiteral("show %1 has seats in unknown state %2")
                                         .arg(counts.value(0).toString())
                                         .arg(counts.value(1).toInt()));
        }
    }
    return report;
}

} // namespace Boxoffice::Core

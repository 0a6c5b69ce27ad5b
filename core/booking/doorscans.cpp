#include "core/booking/doorscans.h"

#include "core/storage/database.h"

#include <QSqlQuery>

#include <limits>

namespace Boxoffice::Core {

Result<TicketChanges> ticketChangesSince(Connection &connection, const ShowId &show,
                                         std::optional<qint64> sinceMs)
{
    // Without `since` every row qualifies: the bounds then include everything.
    const qint64 since = sinceMs.value_or(std::numeric_limits<qint64>::min());
    TicketChanges changes;
    auto revoked =
        connection.query(QStringLiteral("SELECT ticket_code, revoked_at, revoked_reason"
                                        " FROM issued_ticket WHERE show_id = ? AND status = 3"
                                        " AND revoked_at >= ? ORDER BY revoked_at, ticket_code"),
                         {show.value(), since});
    if (!revoked)
        return std::unexpected(revoked.error());
    while ((*revoked)->next())
        changes.revoked.append(RevokedTicket{TicketCode((*revoked)->value(0).toString()),
                                             (*revoked)->value(1).toLongLong(),
                                             (*revoked)->value(2).toString()});
    (*revoked)->finish();

    auto used = connection.query(
        QStringLiteral("SELECT t.ticket_code, t.used_at, t.used_door"
                       " FROM issued_ticket t WHERE t.show_id = ? AND t.status = 2"
                       " AND (t.used_at >= ? OR t.ticket_code IN (SELECT s.ticket_code"
                       " FROM ticket_scan s WHERE s.show_id = ? AND s.offline = 1"
                       " AND s.result = 'VALID' AND s.uploaded_at >= ?))"
                       " ORDER BY t.used_at, t.ticket_code"),
        {show.value(), since, show.value(), since});
    if (!used)
        return std::unexpected(used.error());
    while ((*used)->next())
        changes.used.append(UsedTicket{TicketCode((*used)->value(0).toString()),
                                       (*used)->value(1).toLongLong(),
                                       (*used)->value(2).toString()});
    (*used)->finish();
    return changes;
}

Result<QList<ScanRecord>> findScans(Connection &connection, const ScanFilter &filter)
{
    auto query = connection.query(
        QStringLiteral("SELECT s.scan_id, s.ticket_code, s.show_id, s.door,"
                       " s.terminal, COALESCE(u.username, s.user_id), s.scanned_at,"
                       " s.uploaded_at, s.result, s.offline, s.flagged"
                       " FROM ticket_scan s LEFT JOIN app_user u"
                       " ON u.user_id = s.user_id WHERE s.show_id = ?"
                       " AND (s.flagged = 1 OR ? = 0)"
                       " ORDER BY s.scanned_at DESC, s.scan_id DESC LIMIT ?"),
        {filter.show.value(), filter.flaggedOnly ? 1 : 0, filter.limit});
    if (!query)
        return std::unexpected(query.error());
    QList<ScanRecord> scans;
    QSqlQuery &q = **query;
    while (q.next()) {
        ScanRecord scan;
        scan.scanId = q.value(0).toString();
        scan.ticket = TicketCode(q.value(1).toString());
        scan.show = ShowId(q.value(2).toString());
        scan.door = q.value(3).toString();
        scan.terminal = q.value(4).toString();
        scan.user = q.value(5).toString();
        scan.scannedAtMs = q.value(6).toLongLong();
        scan.uploadedAtMs = q.value(7).toLongLong();
        scan.result = q.value(8).toString();
        scan.offline = q.value(9).toInt() != 0;
        scan.flagged = q.value(10).toInt() != 0;
        scans.append(scan);
    }
    q.finish();
    return scans;
}

} // namespace Boxoffice::Core

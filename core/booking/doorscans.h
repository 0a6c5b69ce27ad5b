#pragma once

#include "core/common/ids.h"
#include "core/common/result.h"

#include <QList>
#include <QString>

#include <optional>

namespace Boxoffice::Core {

class Connection;

// What doors read back about a show's tickets and scans (docs/kiosk-and-door-api.md). Plain
// reads on the caller's connection; thread-safe as the connection is.

struct RevokedTicket
{
    TicketCode ticket;
    qint64 revokedAtMs = 0;
    QString reason; // REFUND, VOID, REPRINT or EXCHANGE
};

struct UsedTicket
{
    TicketCode ticket;
    qint64 usedAtMs = 0;
    QString usedDoor;
};

struct TicketChanges
{
    QList<RevokedTicket> revoked;
    QList<UsedTicket> used;
};

// The show's tickets revoked, or used, at or after `sinceMs` (all when nullopt). A ticket used
// by an offline scan counts from when the scan was uploaded, not from its (earlier) use, so a
// door that asked before the upload still learns of it.
[[nodiscard]] Result<TicketChanges> ticketChangesSince(Connection &connection, const ShowId &show,
                                                       std::optional<qint64> sinceMs);

struct ScanRecord
{
    QString scanId;
    TicketCode ticket;
    ShowId show;
    QString door;
    QString terminal;
    QString user; // user name
    qint64 scannedAtMs = 0;
    qint64 uploadedAtMs = 0;
    QString result; // wire name of the ScanResult
    bool offline = false;
    bool flagged = false;
};

struct ScanFilter
{
    ShowId show;
    bool flaggedOnly = false;
    int limit = 100;
};

// The show's recorded scans, newest first.
[[nodiscard]] Result<QList<ScanRecord>> findScans(Connection &connection, const ScanFilter &filter);

} // namespace Boxoffice::Core

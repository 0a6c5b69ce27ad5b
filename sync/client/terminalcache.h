#pragma once

#include "core/common/result.h"
#include "sync/client/apitypes.h"

#include <QByteArray>
#include <QHash>
#include <QString>

#include <memory>
#include <optional>
#include <vector>

namespace Boxoffice::Core {
class Connection;
}

namespace Boxoffice::Sync {

using Core::Result;

// An operation the clerk committed to that must reach the server even across a crash: it is
// written here before it is sent and removed when the server has answered for good.
struct OutboxEntry
{
    qint64 id = 0;          // assigned by enqueue()
    QString kind;           // "createOrder", "payCash"
    QString idempotencyKey; // sent again unchanged on every retry
    QByteArray payload;     // the request as JSON, as the outbox will send it
    qint64 createdMs = 0;
    int attempts = 0;
    QString lastError; // the last failure, for the clerk and the log
};

// The availability of one show as last confirmed by the server.
struct CachedAvailability
{
    std::vector<quint8> statuses; // Core::SeatState per seat, layout order
    qint64 version = 0;
    qint64 confirmedMs = 0; // when the server last confirmed it
};

// A scan a door decided offline, waiting in the cache to be uploaded.
struct QueuedScan
{
    qint64 id = 0; // assigned by queueScan(); upload order
    OfflineScan scan;
    int attempts = 0;
    QString lastError;
    bool refused = false; // the server refused the entry itself: kept for the record, not sent
};

// The terminal's local SQLite cache (DESIGN.md §4): shows, venue layouts, availability with
// its version, the outbox, and the sale in progress, so the map appears at once after a
// restart and a sale survives a crash. Real SQLite file, WAL, synchronous=FULL.
//
// Thread affinity: use it only on the thread that opened it (one Qt SQL connection, named
// uniquely per instance, removed in the destructor). Every method returns StorageFailure
// with the SQL error when the database fails; nothing is swallowed.
class TerminalCache
{
public:
    // Opens or creates the cache at `path` (its folder is created) and migrates its schema.
    // A file that is not a Boxoffice cache (or is corrupt) fails with StorageFailure naming it.
    [[nodiscard]] static Result<std::unique_ptr<TerminalCache>> open(const QString &path);
    ~TerminalCache();
    TerminalCache(const TerminalCache &) = delete;
    TerminalCache &operator=(const TerminalCache &) = delete;

    [[nodiscard]] const QString &path() const { return m_path; }

    // The show list as last fetched, replacing the previous list.
    [[nodiscard]] Result<> saveShows(const QList<ShowSummary> &shows, qint64 fetchedMs);
    [[nodiscard]] Result<QList<ShowSummary>> shows() const;
    [[nodiscard]] Result<qint64> showsFetchedMs() const; // 0 when never

    [[nodiscard]] Result<> saveShowDetail(const ShowDetail &detail);
    [[nodiscard]] Result<std::optional<ShowDetail>> showDetail(const Core::ShowId &show) const;

    // Venue layout documents, unparsed, by venue id.
    [[nodiscard]] Result<> saveLayout(const Core::VenueId &venue, const QByteArray &json);
    [[nodiscard]] Result<std::optional<QByteArray>> layout(const Core::VenueId &venue) const;

    [[nodiscard]] Result<> saveAvailability(const Core::ShowId &show,
                                            const CachedAvailability &availability);
    [[nodiscard]] Result<std::optional<CachedAvailability>>
    availability(const Core::ShowId &show) const;

    // Outbox, oldest first.
    [[nodiscard]] Result<qint64> enqueue(const OutboxEntry &entry);
    [[nodiscard]] Result<QList<OutboxEntry>> outbox() const;
    [[nodiscard]] Result<> recordAttempt(qint64 id, const QString &error);
    [[nodiscard]] Result<> removeFromOutbox(qint64 id);

    // The sale in progress (a JSON document the sale controller defines); one at a time.
    [[nodiscard]] Result<> saveSale(const QByteArray &json);
    [[nodiscard]] Result<std::optional<QByteArray>> sale() const;
    [[nodiscard]] Result<> clearSale();

    // Pinned server certificates (ServerTrust): origin -> SHA-256 of the DER certificate.
    [[nodiscard]] Result<> savePin(const QString &origin, const QByteArray &sha256,
                                   qint64 pinnedMs);
    [[nodiscard]] Result<> removePin(const QString &origin);
    [[nodiscard]] Result<QHash<QString, QByteArray>> pins() const;

    // --- Door scanning (docs/kiosk-and-door-api.md) ---------------------------------------
    // The ticket signing keys, replacing the previous set (an empty list keeps nothing).
    [[nodiscard]] Result<> saveTicketKeys(const QList<TicketKey> &keys);
    [[nodiscard]] Result<QList<TicketKey>> ticketKeys() const;
    // Applies a revocations answer (idempotent: entries may repeat) and remembers its asOf.
    // A used ticket keeps its earliest known use.
    [[nodiscard]] Result<> applyRevocations(const TicketRevocations &revocations);
    // The asOf of the last revocations applied for the show; empty when never.
    [[nodiscard]] Result<QString> revocationsAsOf(const Core::ShowId &show) const;
    [[nodiscard]] Result<std::optional<RevokedTicket>>
    revokedTicket(const Core::ShowId &show, const Core::TicketCode &ticket) const;
    [[nodiscard]] Result<std::optional<UsedTicket>>
    usedTicket(const Core::ShowId &show, const Core::TicketCode &ticket) const;
    // A revocation the door learned outside the sync (an online verify's answer).
    [[nodiscard]] Result<> recordRevocation(const Core::ShowId &show, const RevokedTicket &revoked);
    // A use the door decided itself (or learned from the server); an earlier use is kept.
    [[nodiscard]] Result<> recordUse(const Core::ShowId &show, const UsedTicket &use);

    // The offline scan queue, oldest first. Conflict if the scan id is already queued.
    [[nodiscard]] Result<qint64> queueScan(const OfflineScan &scan);
    // Up to `limit` scans still to upload (not refused), oldest first.
    [[nodiscard]] Result<QList<QueuedScan>> pendingScans(int limit) const;
    [[nodiscard]] Result<int> pendingScanCount() const;
    // Every queued scan, refused ones included, oldest first.
    [[nodiscard]] Result<QList<QueuedScan>> queuedScans() const;
    // The server has decided these scans: they leave the queue.
    [[nodiscard]] Result<> removeScans(const QStringList &scanIds);
    [[nodiscard]] Result<> recordScanAttempt(const QStringList &scanIds, const QString &error);
    // The server refused this entry itself (malformed): it stays, marked, and is not sent again.
    [[nodiscard]] Result<> refuseScan(const QString &scanId, const QString &error);

    // The schema version this build writes (PRAGMA user_version).
    [[nodiscard]] static int schemaVersion();

private:
    TerminalCache(QString path, std::unique_ptr<Core::Connection> connection);
    [[nodiscard]] Result<> migrate();

    QString m_path;
    std::unique_ptr<Core::Connection> m_connection; // named uniquely per instance
};

} // namespace Boxoffice::Sync

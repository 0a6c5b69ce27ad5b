#pragma once

#include "core/common/clock.h"
#include "core/common/result.h"

#include <QJsonObject>

#include <QList>

#include <functional>
#include <mutex>
#include <optional>

namespace Boxoffice::Core {

class Connection;

// One thing that happened, as recorded.
struct AuditEntry
{
    QString actor;    // user name, "acquirer", "anonymous", ...
    QString action;   // "login", "order.created", "override.used", ...
    QString subject;  // what it happened to: an order id, a hold id, a path
    QString terminal; // the terminal of the actor's session; "" when none
    QJsonObject detail;
};

struct AuditRecord
{
    qint64 id = 0;
    qint64 atMs = 0;
    AuditEntry entry;
};

// What GET /audit asks for. Empty strings and zero numbers filter nothing.
struct AuditQuery
{
    QString actor;                // exact
    QString actionPrefix;         // "refund" finds "refund" and "refund.card"
    QString subject;              // exact
    QString terminal;             // exact
    std::optional<qint64> fromMs; // at >= fromMs
    std::optional<qint64> toMs;   // at <= toMs
    qint64 beforeId = 0;          // id < beforeId: the next page back
    int limit = 100;
};

struct AuditPage
{
    QList<AuditRecord> records; // newest first
    qint64 nextBeforeId = 0;    // beforeId of the next page; 0 when this was the last
};

// The append-only record of who did what: logins, sales, overrides, rejected payment callbacks,
// denials. Hash-chained: each record stores the hash of the one before it and its own hash over
// that and its fields, so a record changed or deleted afterwards breaks the chain
// (verifyAuditChain). The terminal is one of the hashed fields when it is not empty; records
// without one hash exactly as before the column existed, so older chains stay verifiable.
// Thread-safe: each call writes through the connection the provider gives the calling thread;
// records are chained one at a time.
class AuditLog
{
public:
    using ConnectionProvider = std::function<Result<Connection *>()>;
    AuditLog(ConnectionProvider connections, const Clock &clock);

    [[nodiscard]] Result<> record(const QString &actor, const QString &action,
                                  const QString &subject, const QJsonObject &detail = {});
    [[nodiscard]] Result<> record(const AuditEntry &entry);

    // Records matching `query`, newest first, one page of at most query.limit.
    [[nodiscard]] Result<AuditPage> find(const AuditQuery &query);

private:
    ConnectionProvider m_connections;
    const Clock &m_clock;
    std::mutex m_chainMutex;
};

struct AuditChainReport
{
    int records = 0;       // records read
    int unchained = 0;     // records written before the chain existed (schema < 3), at the start
    qint64 brokenAtId = 0; // the first record that does not fit the chain; 0 when intact
    QString problem;       // what is wrong with it

    [[nodiscard]] bool intact() const { return brokenAtId == 0; }
};

// Walks the audit log in order and checks every record's hashes. Finds a changed record (its
// hash no longer matches its fields) and a deleted one (the next record's previous-hash does
// not match, also for the first record). A deletion of the newest records leaves no trace in
// a chain alone.
[[nodiscard]] Result<AuditChainReport> verifyAuditChain(Connection &connection);

} // namespace Boxoffice::Core

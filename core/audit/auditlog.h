#pragma once

#include "core/common/clock.h"
#include "core/common/result.h"

#include <QJsonObject>

#include <functional>
#include <mutex>

namespace Boxoffice::Core {

class Connection;

// The append-only record of who did what: logins, rejected payment callbacks, denials.
// Hash-chained: each record stores the hash of the one before it and its own hash over that
// and its fields, so a record changed or deleted afterwards breaks the chain (verifyAuditChain).
// Thread-safe: each call writes through the connection the provider gives the calling thread;
// records are chained one at a time.
class AuditLog
{
public:
    using ConnectionProvider = std::function<Result<Connection *>()>;
    AuditLog(ConnectionProvider connections, const Clock &clock);

    [[nodiscard]] Result<> record(const QString &actor, const QString &action,
                                  const QString &subject, const QJsonObject &detail = {});

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

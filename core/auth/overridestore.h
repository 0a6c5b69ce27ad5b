#pragma once

#include "core/common/clock.h"
#include "core/common/ids.h"
#include "core/common/result.h"

#include <QString>

#include <functional>

namespace Boxoffice::Core {

class Connection;

// A supervisor's authorisation for one action on one subject, asked for at a clerk's terminal.
struct OverrideRequest
{
    UserId supervisor;
    QString supervisorName;
    UserId requestedBy;  // the clerk
    QString sessionHash; // the clerk's session: only it may use the token
    QString terminal;
    QString action;  // "refund", "void", "exchange", "reprint", "release"
    QString subject; // the order id, ticket code or hold id the action is for
};

struct OverrideGrant
{
    QString overrideId;
    QString token; // handed to the clerk once; stored only as its hash
    QString action;
    QString subject;
    QString supervisorName;
    qint64 expiresMs = 0;
};

// A consumed override: who authorised what.
struct OverrideUse
{
    QString overrideId;
    UserId supervisor;
    QString supervisorName;
};

// Supervisor overrides (table supervisor_override). A grant is valid for `validityMs` and is
// used at most once: consume() marks it used with one guarded UPDATE (used_at still null, not
// expired, same session, action and subject) and checks the row count, so two requests racing
// with one token cannot both win, on SQLite or PostgreSQL. Thread-safe like AccountStore.
class OverrideStore
{
public:
    using ConnectionProvider = std::function<Result<Connection *>()>;

    OverrideStore(ConnectionProvider connections, const Clock &clock, qint64 validityMs);

    [[nodiscard]] static bool isKnownAction(const QString &action);

    [[nodiscard]] Result<OverrideGrant> grant(const OverrideRequest &request);
    // OverrideRejected, with the reason in the message and details.reason ("UNKNOWN", "USED",
    // "EXPIRED", "OTHER_SESSION", "OTHER_ACTION", "OTHER_SUBJECT"), unless the token authorises
    // exactly this.
    [[nodiscard]] Result<OverrideUse> consume(const QString &token, const QString &sessionHash,
                                              const QString &action, const QString &subject);

    [[nodiscard]] qint64 validityMs() const { return m_validityMs; }

private:
    ConnectionProvider m_connections;
    const Clock &m_clock;
    qint64 m_validityMs;
};

} // namespace Boxoffice::Core

#include "core/auth/overridestore.h"

#include "core/security/random.h"
#include "core/storage/database.h"

#include <QSqlQuery>

#include <array>

namespace Boxoffice::Core {

namespace {

constexpr std::array kActions{"refund", "void", "exchange", "reprint", "release"};

QString hashOf(const QString &token)
{
    return QString::fromLatin1(sha256(token.toUtf8()).toHex());
}

Error rejected(const char *reason, const QString &message)
{
    return Error::make(ErrorCode::OverrideRejected, message,
                       QJsonObject{{QStringLiteral("reason"), QLatin1StringView(reason)}});
}

} // namespace

OverrideStore::OverrideStore(ConnectionProvider connections, const Clock &clock, qint64 validityMs)
    : m_connections(std::move(connections))
    , m_clock(clock)
    , m_validityMs(validityMs)
{}

bool OverrideStore::isKnownAction(const QString &action)
{
    for (const char *known : kActions) {
        if (action == QLatin1StringView(known))
            return true;
    }
    return false;
}

Result<OverrideGrant> OverrideStore::grant(const OverrideRequest &request)
{
    if (!isKnownAction(request.action))
        return fail(ErrorCode::BadRequest,
                    QStringLiteral("action must be refund, void, exchange, reprint or release"));
    auto connection = m_connections();
    if (!connection)
        return std::unexpected(connection.error());
    const qint64 now = m_clock.nowMs();
    OverrideGrant grant;
    grant.overrideId = newSortableId(u"OVR_", now);
    grant.token = randomToken(32);
    grant.action = request.action;
    grant.subject = request.subject;
    grant.supervisorName = request.supervisorName;
    grant.expiresMs = now + m_validityMs;
    auto insert = (*connection)
                      ->prepare(QStringLiteral(
                          "INSERT INTO supervisor_override (token_hash, override_id, supervisor_id,"
                          " requested_by, session_hash, terminal, action, subject, created_at,"
                          " expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    if (!insert)
        return std::unexpected(insert.error());
    QSqlQuery &q = **insert;
    q.bindValue(0, hashOf(grant.token));
    q.bindValue(1, grant.overrideId);
    q.bindValue(2, request.supervisor.value());
    q.bindValue(3, request.requestedBy.value());
    q.bindValue(4, request.sessionHash);
    // Not a null QString: Qt SQL binds a null string as NULL.
    q.bindValue(5, request.terminal.isNull() ? QStringLiteral("") : request.terminal);
    q.bindValue(6, request.action);
    q.bindValue(7, request.subject);
    q.bindValue(8, now);
    q.bindValue(9, grant.expiresMs);
    auto ok = Connection::run(q);
    q.finish();
    if (!ok)
        return std::unexpected(ok.error());
    return grant;
}

Result<OverrideUse> OverrideStore::consume(const QString &token, const QString &sessionHash,
                                           const QString &action, const QString &subject)
{
    if (token.isEmpty() || token.size() > 256)
        return std::unexpected(rejected("UNKNOWN", QStringLiteral("no such override")));
    auto connection = m_connections();
    if (!connection)
        return std::unexpected(connection.error());
    const QString tokenHash = hashOf(token);
    const qint64 now = m_clock.nowMs();
    auto transaction = WriteTransaction::begin(**connection);
    if (!transaction)
        return std::unexpected(transaction.error());
    // The guard is the whole rule: one row changes only for an unused, unexpired token of this
    // session, action and subject.
    auto use = (*connection)
                   ->prepare(QStringLiteral(
                       "UPDATE supervisor_override SET used_at = ? WHERE token_hash = ?"
                       " AND used_at IS NULL AND expires_at > ? AND session_hash = ?"
                       " AND action = ? AND subject = ?"));
    if (!use)
        return std::unexpected(use.error());
    (*use)->bindValue(0, now);
    (*use)->bindValue(1, tokenHash);
    (*use)->bindValue(2, now);
    (*use)->bindValue(3, sessionHash);
    (*use)->bindValue(4, action);
    (*use)->bindValue(5, subject);
    if (auto ok = Connection::run(**use); !ok)
        return std::unexpected(ok.error());
    const int used = (*use)->numRowsAffected();
    (*use)->finish();

    auto read = (*connection)
                    ->prepare(QStringLiteral(
                        "SELECT o.override_id, o.supervisor_id, u.username, o.used_at,"
                        " o.expires_at, o.session_hash, o.action, o.subject"
                        " FROM supervisor_override o JOIN app_user u ON u.user_id = o.supervisor_id"
                        " WHERE o.token_hash = ?"));
    if (!read)
        return std::unexpected(read.error());
    (*read)->bindValue(0, tokenHash);
    if (auto ok = Connection::run(**read); !ok)
        return std::unexpected(ok.error());
    QSqlQuery &q = **read;
    if (!q.next()) {
        q.finish();
        return std::unexpected(rejected("UNKNOWN", QStringLiteral("no such override")));
    }
    OverrideUse result{q.value(0).toString(), UserId(q.value(1).toString()), q.value(2).toString()};
    const bool usedBefore = !q.value(3).isNull() && used != 1;
    const qint64 expires = q.value(4).toLongLong();
    const QString grantedSession = q.value(5).toString();
    const QString grantedAction = q.value(6).toString();
    const QString grantedSubject = q.value(7).toString();
    q.finish();
    if (used == 1) {
        if (auto ok = transaction->commit(); !ok)
            return std::unexpected(ok.error());
        return result;
    }
    // Why it was refused, most telling first.
    if (usedBefore)
        return std::unexpected(rejected(
            "USED", QStringLiteral("override %1 was used already").arg(result.overrideId)));
    if (expires <= now)
        return std::unexpected(
            rejected("EXPIRED", QStringLiteral("override %1 expired").arg(result.overrideId)));
    if (grantedSession != sessionHash)
        return std::unexpected(rejected(
            "OTHER_SESSION",
            QStringLiteral("override %1 was granted to another session").arg(result.overrideId)));
    if (grantedAction != action)
        return std::unexpected(
            rejected("OTHER_ACTION", QStringLiteral("override %1 is for %2, not %3")
                                         .arg(result.overrideId, grantedAction, action)));
    return std::unexpected(rejected(
        "OTHER_SUBJECT", QStringLiteral("override %1 is for %2 %3, not %4")
                             .arg(result.overrideId, grantedAction, grantedSubject, subject)));
}

} // namespace Boxoffice::Core

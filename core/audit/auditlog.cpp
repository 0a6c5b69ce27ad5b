#include "core/audit/auditlog.h"

#include "core/common/logging.h"
#include "core/storage/database.h"

#include <QJsonDocument>
#include <QSqlQuery>

namespace Boxoffice::Core {

AuditLog::AuditLog(ConnectionProvider connections, const Clock &clock)
    : m_connections(std::move(connections))
    , m_clock(clock)
{}

Result<> AuditLog::record(const QString &actor, const QString &action, const QString &subject,
                          const QJsonObject &detail)
{
    auto connection = m_connections();
    if (!connection)
        return std::unexpected(connection.error());
    auto query = (*connection)
                     ->prepare(QStringLiteral("INSERT INTO audit_log (at, actor, action, subject, "
                                              "detail) VALUES (?, ?, ?, ?, ?)"));
    if (!query)
        return std::unexpected(query.error());
    QSqlQuery &q = **query;
    q.bindValue(0, m_clock.nowMs());
    q.bindValue(1, actor.left(64));
    q.bindValue(2, action.left(64));
    q.bindValue(3, subject.left(128));
    q.bindValue(4, QString::fromUtf8(QJsonDocument(detail).toJson(QJsonDocument::Compact)));
    auto ok = Connection::run(q);
    q.finish();
    if (!ok)
        qCWarning(lcCore).noquote()
            << "audit record lost:" << action << subject << ok.error().message;
    return ok;
}

} // namespace Boxoffice::Core

#include "core/audit/auditlog.h"

#include "core/common/logging.h"
#include "core/security/random.h"
#include "core/storage/database.h"

#include <QJsonDocument>
#include <QSqlQuery>

namespace Boxoffice::Core {

AuditLog::AuditLog(ConnectionProvider connections, const Clock &clock)
    : m_connections(std::move(connections))
    , m_clock(clock)
{}

namespace {

struct AuditFields
{
    qint64 at = 0;
    QString actor;
    QString action;
    QString subject;
    QString detail;
};

// The hash of a record: over the previous record's hash and every field, each length-prefixed
// so that no two different records spell the same input.
QString chainHash(const QString &previous, const AuditFields &f)
{
    QByteArray input;
    for (const QString &part :
         {previous, QString::number(f.at), f.actor, f.action, f.subject, f.detail}) {
        const QByteArray bytes = part.toUtf8();
        input.append(QByteArray::number(bytes.size())).append(':').append(bytes);
    }
    return QString::fromLatin1(sha256(input).toHex());
}

Result<> insertChained(Connection &connection, const AuditFields &fields)
{
    auto transaction = WriteTransaction::begin(connection);
    if (!transaction)
        return std::unexpected(transaction.error());
    auto last = connection.prepare(
        QStringLiteral("SELECT row_hash FROM audit_log ORDER BY id DESC LIMIT 1"));
    if (!last)
        return std::unexpected(last.error());
    if (auto ok = Connection::run(**last); !ok)
        return ok;
    // Not a null QString: Qt SQL binds a null string as NULL.
    const QString previous = (*last)->next() ? (*last)->value(0).toString() : QStringLiteral("");
    (*last)->finish();
    auto insert = connection.prepare(
        QStringLiteral("INSERT INTO audit_log (at, actor, action, subject, detail, prev_hash,"
                       " row_hash) VALUES (?, ?, ?, ?, ?, ?, ?)"));
    if (!insert)
        return std::unexpected(insert.error());
    QSqlQuery &q = **insert;
    q.bindValue(0, fields.at);
    q.bindValue(1, fields.actor);
    q.bindValue(2, fields.action);
    q.bindValue(3, fields.subject);
    q.bindValue(4, fields.detail);
    q.bindValue(5, previous);
    q.bindValue(6, chainHash(previous, fields));
    auto ok = Connection::run(q);
    q.finish();
    if (!ok)
        return ok;
    return transaction->commit();
}

} // namespace

Result<> AuditLog::record(const QString &actor, const QString &action, const QString &subject,
                          const QJsonObject &detail)
{
    auto connection = m_connections();
    if (!connection)
        return std::unexpected(connection.error());
    const AuditFields fields{
        m_clock.nowMs(), actor.left(64), action.left(64), subject.left(128),
        QString::fromUtf8(QJsonDocument(detail).toJson(QJsonDocument::Compact))};
    // One record at a time in this process; the write transaction orders them against other
    // processes on the same database.
    std::lock_guard lock(m_chainMutex);
    auto ok = insertChained(**connection, fields);
    if (!ok)
        qCWarning(lcCore).noquote()
            << "audit record lost:" << action << subject << ok.error().message;
    return ok;
}

Result<AuditChainReport> verifyAuditChain(Connection &connection)
{
    auto query = connection.prepare(
        QStringLiteral("SELECT id, at, actor, action, subject, detail, prev_hash, row_hash"
                       " FROM audit_log ORDER BY id"));
    if (!query)
        return std::unexpected(query.error());
    if (auto ok = Connection::run(**query); !ok)
        return std::unexpected(ok.error());
    QSqlQuery &q = **query;
    AuditChainReport report;
    QString previous;
    bool chained = false;
    while (q.next()) {
        ++report.records;
        const qint64 id = q.value(0).toLongLong();
        const AuditFields fields{q.value(1).toLongLong(), q.value(2).toString(),
                                 q.value(3).toString(), q.value(4).toString(),
                                 q.value(5).toString()};
        const QString prevHash = q.value(6).toString();
        const QString rowHash = q.value(7).toString();
        if (rowHash.isEmpty()) {
            if (chained) {
                report.brokenAtId = id;
                report.problem = QStringLiteral("the record has no hash after chained records");
                break;
            }
            ++report.unchained;
            continue;
        }
        if (prevHash != previous) {
            report.brokenAtId = id;
            report.problem = QStringLiteral("the record before it is missing or was changed");
            break;
        }
        if (chainHash(prevHash, fields) != rowHash) {
            report.brokenAtId = id;
            report.problem = QStringLiteral("the record was changed");
            break;
        }
        chained = true;
        previous = rowHash;
    }
    q.finish();
    return report;
}

} // namespace Boxoffice::Core

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
    QString terminal;
};

// The hash of a record: over the previous record's hash and every field, each length-prefixed
// so that no two different records spell the same input. The terminal is appended only when
// there is one, so records written before schema 4 (and records without a terminal) hash as
// they always did.
QString chainHash(const QString &previous, const AuditFields &f)
{
    QByteArray input;
    auto append = [&input](const QString &part) {
        const QByteArray bytes = part.toUtf8();
        input.append(QByteArray::number(bytes.size())).append(':').append(bytes);
    };
    for (const QString &part :
         {previous, QString::number(f.at), f.actor, f.action, f.subject, f.detail})
        append(part);
    if (!f.terminal.isEmpty())
        append(f.terminal);
    return QString::fromLatin1(sha256(input).toHex());
}

QString notNull(const QString &text)
{
    // Qt SQL binds a null QString as NULL; the text columns are NOT NULL.
    return text.isNull() ? QStringLiteral("") : text;
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
                       " row_hash, terminal) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    if (!insert)
        return std::unexpected(insert.error());
    QSqlQuery &q = **insert;
    q.bindValue(0, fields.at);
    q.bindValue(1, notNull(fields.actor));
    q.bindValue(2, notNull(fields.action));
    q.bindValue(3, notNull(fields.subject));
    q.bindValue(4, fields.detail);
    q.bindValue(5, previous);
    q.bindValue(6, chainHash(previous, fields));
    q.bindValue(7, notNull(fields.terminal));
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
    return record(AuditEntry{actor, action, subject, {}, detail});
}

Result<> AuditLog::record(const AuditEntry &entry)
{
    auto connection = m_connections();
    if (!connection)
        return std::unexpected(connection.error());
    const QString &action = entry.action;
    const QString &subject = entry.subject;
    const AuditFields fields{
        m_clock.nowMs(),
        entry.actor.left(64),
        action.left(64),
        subject.left(128),
        QString::fromUtf8(QJsonDocument(entry.detail).toJson(QJsonDocument::Compact)),
        entry.terminal.left(64)};
    // One record at a time in this process; the write transaction orders them against other
    // processes on the same database.
    std::lock_guard lock(m_chainMutex);
    auto ok = insertChained(**connection, fields);
    if (!ok)
        qCWarning(lcCore).noquote()
            << "audit record lost:" << action << subject << ok.error().message;
    return ok;
}

Result<AuditPage> AuditLog::find(const AuditQuery &query)
{
    auto connection = m_connections();
    if (!connection)
        return std::unexpected(connection.error());
    // One statement for every combination of filters: an unused filter compares a flag, so
    // the text (and the prepared statement) stays the same.
    auto select = (*connection)
                      ->prepare(QStringLiteral(
                          "SELECT id, at, actor, action, subject, detail, terminal FROM audit_log"
                          " WHERE (? = 0 OR actor = ?)"
                          " AND (? = 0 OR SUBSTR(action, 1, ?) = ?)"
                          " AND (? = 0 OR subject = ?)"
                          " AND (? = 0 OR terminal = ?)"
                          " AND (? = 0 OR at >= ?) AND (? = 0 OR at <= ?)"
                          " AND (? = 0 OR id < ?)"
                          " ORDER BY id DESC LIMIT ?"));
    if (!select)
        return std::unexpected(select.error());
    QSqlQuery &q = **select;
    int i = 0;
    auto filter = [&q, &i](bool used, const QVariant &value) {
        q.bindValue(i++, used ? 1 : 0);
        q.bindValue(i++, value);
    };
    filter(!query.actor.isEmpty(), notNull(query.actor));
    q.bindValue(i++, query.actionPrefix.isEmpty() ? 0 : 1);
    q.bindValue(i++, static_cast<int>(query.actionPrefix.size()));
    q.bindValue(i++, notNull(query.actionPrefix));
    filter(!query.subject.isEmpty(), notNull(query.subject));
    filter(!query.terminal.isEmpty(), notNull(query.terminal));
    filter(query.fromMs.has_value(), query.fromMs.value_or(0));
    filter(query.toMs.has_value(), query.toMs.value_or(0));
    filter(query.beforeId > 0, query.beforeId);
    const int limit = std::max(1, query.limit);
    q.bindValue(i++, limit + 1); // one more says whether another page follows
    if (auto ok = Connection::run(q); !ok)
        return std::unexpected(ok.error());
    AuditPage page;
    while (q.next()) {
        if (page.records.size() == limit) {
            page.nextBeforeId = page.records.last().id;
            break;
        }
        AuditRecord record;
        record.id = q.value(0).toLongLong();
        record.atMs = q.value(1).toLongLong();
        record.entry.actor = q.value(2).toString();
        record.entry.action = q.value(3).toString();
        record.entry.subject = q.value(4).toString();
        record.entry.detail = QJsonDocument::fromJson(q.value(5).toString().toUtf8()).object();
        record.entry.terminal = q.value(6).toString();
        page.records.append(record);
    }
    q.finish();
    return page;
}

Result<AuditChainReport> verifyAuditChain(Connection &connection)
{
    auto query = connection.prepare(
        QStringLiteral("SELECT id, at, actor, action, subject, detail, prev_hash, row_hash,"
                       " terminal FROM audit_log ORDER BY id"));
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
                                 q.value(3).toString(),   q.value(4).toString(),
                                 q.value(5).toString(),   q.value(8).toString()};
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

#include "core/storage/database.h"

#include "core/common/logging.h"

#include <QSqlError>

namespace Boxoffice::Core {

Error storageError(const QString &what, const QString &detail)
{
    qCWarning(lcStorage).noquote() << what << detail;
    return Error::make(ErrorCode::StorageFailure, QStringLiteral("%1: %2").arg(what, detail));
}

Result<std::unique_ptr<Connection>> Connection::open(const DatabaseConfig &config,
                                                     const QString &name)
{
    if (config.dialect != SqlDialect::Sqlite)
        return fail(ErrorCode::Internal, QStringLiteral("only the SQLite backend is built in"));
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(config.path);
        // The busy timeout lets a short writer on another connection (logins) wait instead
        // of failing; the group-commit writer holds the lock for milliseconds at a time.
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000"));
        if (!db.open()) {
            const QString detail = db.lastError().text();
            db = QSqlDatabase();
            QSqlDatabase::removeDatabase(name);
            return std::unexpected(
                storageError(QStringLiteral("cannot open database %1").arg(config.path), detail));
        }
    }
    std::unique_ptr<Connection> connection(new Connection(name, config.dialect));
    for (const char *pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
                               "PRAGMA foreign_keys=ON", "PRAGMA temp_store=MEMORY"}) {
        if (auto ok = connection->execute(QLatin1StringView(pragma)); !ok)
            return std::unexpected(ok.error());
    }
    return connection;
}

Connection::~Connection()
{
    m_statements.clear();
    {
        QSqlDatabase db = QSqlDatabase::database(m_name, false);
        if (db.isOpen())
            db.close();
    }
    QSqlDatabase::removeDatabase(m_name);
}

QSqlDatabase Connection::database() const
{
    return QSqlDatabase::database(m_name, false);
}

Result<QSqlQuery *> Connection::query(const QString &sql, const QVariantList &values)
{
    auto query = prepare(sql);
    if (!query)
        return query;
    for (int i = 0; i < values.size(); ++i)
        (*query)->bindValue(i, values[i]);
    if (auto ok = run(**query); !ok)
        return std::unexpected(ok.error());
    return query;
}

Result<QSqlQuery *> Connection::prepare(const QString &sql)
{
    if (auto it = m_statements.find(sql); it != m_statements.end())
        return it->second.get();
    auto query = std::make_unique<QSqlQuery>(database());
    query->setForwardOnly(true);
    if (!query->prepare(sql))
        return std::unexpected(storageError(QStringLiteral("cannot prepare [%1]").arg(sql),
                                            query->lastError().text()));
    QSqlQuery *raw = query.get();
    m_statements.emplace(sql, std::move(query));
    return raw;
}

Result<> Connection::execute(const QString &sql)
{
    auto query = prepare(sql);
    if (!query)
        return std::unexpected(query.error());
    auto ok = run(**query);
    (*query)->finish();
    return ok;
}

Result<> Connection::run(QSqlQuery &query)
{
    if (!query.exec())
        return std::unexpected(
            storageError(QStringLiteral("statement failed [%1]").arg(query.lastQuery()),
                         query.lastError().text()));
    return {};
}

Result<WriteTransaction> WriteTransaction::begin(Connection &connection)
{
    const QString sql = connection.dialect() == SqlDialect::Sqlite
                            ? QStringLiteral("BEGIN IMMEDIATE")
                            : QStringLiteral("BEGIN");
    if (auto ok = connection.execute(sql); !ok)
        return std::unexpected(ok.error());
    return WriteTransaction(connection);
}

WriteTransaction::WriteTransaction(WriteTransaction &&other) noexcept
    : m_connection(other.m_connection)
    , m_open(std::exchange(other.m_open, false))
{}

WriteTransaction::~WriteTransaction()
{
    rollback();
}

Result<> WriteTransaction::commit()
{
    if (!m_open)
        return fail(ErrorCode::Internal, QStringLiteral("transaction already finished"));
    auto ok = m_connection->execute(QStringLiteral("COMMIT"));
    if (!ok) {
        rollback();
        return ok;
    }
    m_open = false;
    return {};
}

void WriteTransaction::rollback()
{
    if (!m_open)
        return;
    m_open = false;
    if (auto ok = m_connection->execute(QStringLiteral("ROLLBACK")); !ok)
        qCWarning(lcStorage).noquote() << "rollback failed:" << ok.error().message;
}

Result<Savepoint> Savepoint::begin(Connection &connection)
{
    if (auto ok = connection.execute(QStringLiteral("SAVEPOINT command")); !ok)
        return std::unexpected(ok.error());
    return Savepoint(connection);
}

Savepoint::Savepoint(Savepoint &&other) noexcept
    : m_connection(other.m_connection)
    , m_open(std::exchange(other.m_open, false))
{}

Savepoint::~Savepoint()
{
    if (auto ok = rollback(); !ok)
        qCWarning(lcStorage).noquote() << "rolling back a savepoint failed:" << ok.error().message;
}

Result<> Savepoint::release()
{
    if (!m_open)
        return fail(ErrorCode::Internal, QStringLiteral("savepoint already finished"));
    m_open = false;
    return m_connection->execute(QStringLiteral("RELEASE SAVEPOINT command"));
}

Result<> Savepoint::rollback()
{
    if (!m_open)
        return {};
    m_open = false;
    auto back = m_connection->execute(QStringLiteral("ROLLBACK TO SAVEPOINT command"));
    if (!back)
        return back;
    return m_connection->execute(QStringLiteral("RELEASE SAVEPOINT command"));
}

} // namespace Boxoffice::Core

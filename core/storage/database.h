#pragma once

#include "core/common/result.h"

#include <QHash>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QVariant>

#include <memory>
#include <unordered_map>

namespace Boxoffice::Core {

enum class SqlDialect
{
    Sqlite,
    Postgres
};

// Where the data lives. For SQLite, `path` is the database file; Postgres settings come with
// the scale backend.
struct DatabaseConfig
{
    SqlDialect dialect = SqlDialect::Sqlite;
    QString path;
};

// One named Qt SQL connection owned by one thread, with its prepared statements cached by SQL
// text. Not thread-safe: create one per thread (STYLE.md: named connections per thread; never
// keep QSqlDatabase copies around). The connection is removed when the object is destroyed.
class Connection
{
public:
    // Opens a connection named `name` (unique per thread and purpose) and applies the SQLite
    // pragmas of DESIGN.md §3.2 (WAL, synchronous=FULL, busy timeout, foreign keys).
    [[nodiscard]] static Result<std::unique_ptr<Connection>> open(const DatabaseConfig &config,
                                                                  const QString &name);
    ~Connection();
    Connection(const Connection &) = delete;
    Connection &operator=(const Connection &) = delete;

    [[nodiscard]] SqlDialect dialect() const { return m_dialect; }
    [[nodiscard]] QSqlDatabase database() const; // a handle for the calling code, not to store

    // A prepared statement for `sql`, prepared once per connection. Bind values, then exec().
    // The returned reference stays valid for the connection's lifetime.
    [[nodiscard]] Result<QSqlQuery *> prepare(const QString &sql);
    // prepare(), bind `values` in order and run(): the executed query, ready to read.
    [[nodiscard]] Result<QSqlQuery *> query(const QString &sql, const QVariantList &values);
    // Runs one statement without parameters (DDL, pragmas, transaction control).
    [[nodiscard]] Result<> execute(const QString &sql);

    // exec() of a prepared query, turning a failure into StorageFailure with the SQL's error.
    [[nodiscard]] static Result<> run(QSqlQuery &query);

private:
    Connection(QString name, SqlDialect dialect)
        : m_name(std::move(name))
        , m_dialect(dialect)
    {}
    QString m_name;
    SqlDialect m_dialect;
    std::unordered_map<QString, std::unique_ptr<QSqlQuery>> m_statements;
};

// RAII write transaction: BEGIN IMMEDIATE on SQLite (take the write lock up front), BEGIN on
// Postgres. Rolls back in the destructor unless commit() succeeded.
class WriteTransaction
{
public:
    [[nodiscard]] static Result<WriteTransaction> begin(Connection &connection);
    WriteTransaction(WriteTransaction &&other) noexcept;
    WriteTransaction &operator=(WriteTransaction &&) = delete;
    ~WriteTransaction();

    [[nodiscard]] Result<> commit();
    void rollback();

private:
    explicit WriteTransaction(Connection &connection)
        : m_connection(&connection)
    {}
    Connection *m_connection;
    bool m_open = true;
};

// A named savepoint inside a WriteTransaction: one command of a group commit. release() keeps
// its changes; the destructor rolls back to it unless released.
class Savepoint
{
public:
    [[nodiscard]] static Result<Savepoint> begin(Connection &connection);
    Savepoint(Savepoint &&other) noexcept;
    Savepoint &operator=(Savepoint &&) = delete;
    ~Savepoint();

    [[nodiscard]] Result<> release();
    // Undoes the changes since begin(). A failure leaves the enclosing transaction in an
    // unknown state: the caller must abandon it.
    [[nodiscard]] Result<> rollback();

private:
    explicit Savepoint(Connection &connection)
        : m_connection(&connection)
    {}
    Connection *m_connection;
    bool m_open = true;
};

[[nodiscard]] Error storageError(const QString &what, const QString &detail);

} // namespace Boxoffice::Core

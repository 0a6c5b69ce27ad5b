#include "core/storage/migrations.h"

#include "core/common/logging.h"

#include <QSqlError>
#include <QSqlQuery>

namespace Boxoffice::Core {

namespace {

struct Migration
{
    int version;
    const char *description;
    QStringList statements;
};

// Replaced per dialect: an auto-numbered 64-bit key.
QString autoId(SqlDialect dialect)
{
    return dialect == SqlDialect::Sqlite ? QStringLiteral("INTEGER PRIMARY KEY")
                                         : QStringLiteral("BIGSERIAL PRIMARY KEY");
}

QList<Migration> migrations(SqlDialect dialect)
{
    QList<Migration> list;
    list.append(Migration{
        1,
        "core booking schema (seed §5)",
        {
            QStringLiteral(
                "CREATE TABLE venue (venue_id VARCHAR(64) PRIMARY KEY, name VARCHAR(256) NOT NULL,"
                " city VARCHAR(64) NOT NULL, seat_count INTEGER NOT NULL,"
                " layout_json TEXT NOT NULL, created_at BIGINT NOT NULL)"),
            QStringLiteral("CREATE TABLE event_show (show_id VARCHAR(64) PRIMARY KEY,"
                           " title VARCHAR(256) NOT NULL,"
                           " venue_id VARCHAR(64) NOT NULL REFERENCES venue(venue_id),"
                           " city VARCHAR(64) NOT NULL, start_time BIGINT NOT NULL,"
                           " sale_start_time BIGINT NOT NULL, sale_end_time BIGINT NOT NULL,"
                           " status SMALLINT NOT NULL DEFAULT 1, currency CHAR(3) NOT NULL,"
                           " version BIGINT NOT NULL DEFAULT 0, created_at BIGINT NOT NULL,"
                           " updated_at BIGINT NOT NULL)"),
            QStringLiteral("CREATE INDEX idx_show_city_time ON event_show(city, start_time)"),
            QStringLiteral("CREATE TABLE price_tier (show_id VARCHAR(64) NOT NULL"
                           " REFERENCES event_show(show_id), category VARCHAR(64) NOT NULL,"
                           " name VARCHAR(128) NOT NULL, price_cents BIGINT NOT NULL,"
                           " PRIMARY KEY (show_id, category), CHECK (price_cents >= 0))"),
            // One row per seat of a show. hold_id / order_id say who holds or bought it.
            QStringLiteral("CREATE TABLE seat_inventory (show_id VARCHAR(64) NOT NULL,"
                           " seat_id VARCHAR(64) NOT NULL, seat_index INTEGER NOT NULL,"
                           " section_id VARCHAR(64) NOT NULL, row_num INTEGER NOT NULL,"
                           " col_num INTEGER NOT NULL, price_cents BIGINT NOT NULL,"
                           " status SMALLINT NOT NULL DEFAULT 0, version BIGINT NOT NULL DEFAULT 0,"
                           " hold_id VARCHAR(64), order_id VARCHAR(64), updated_at BIGINT NOT NULL,"
                           " PRIMARY KEY (show_id, seat_id), CHECK (status BETWEEN 0 AND 3))"),
            QStringLiteral(
                "CREATE UNIQUE INDEX uk_seat_show_index ON seat_inventory(show_id, seat_index)"),
            QStringLiteral("CREATE INDEX idx_seat_hold ON seat_inventory(hold_id)"
                           " WHERE hold_id IS NOT NULL"),
            QStringLiteral("CREATE TABLE seat_hold (hold_id VARCHAR(64) PRIMARY KEY,"
                           " show_id VARCHAR(64) NOT NULL REFERENCES event_show(show_id),"
                           " user_id VARCHAR(64) NOT NULL, seat_ids TEXT NOT NULL,"
                           " seat_count INTEGER NOT NULL, total_price_cents BIGINT NOT NULL,"
                           " currency CHAR(3) NOT NULL, status SMALLINT NOT NULL DEFAULT 0,"
                           " expiry_time BIGINT NOT NULL, created_at BIGINT NOT NULL,"
                           " updated_at BIGINT NOT NULL, CHECK (status BETWEEN 0 AND 3))"),
            // Seed's (expiry_time, status) scan, restricted to the rows it looks for.
            QStringLiteral("CREATE INDEX idx_hold_active_expiry ON seat_hold(expiry_time)"
                           " WHERE status = 0"),
            QStringLiteral("CREATE TABLE ticket_order (order_id VARCHAR(64) PRIMARY KEY,"
                           " hold_id VARCHAR(64) NOT NULL UNIQUE REFERENCES seat_hold(hold_id),"
                           " show_id VARCHAR(64) NOT NULL, user_id VARCHAR(64) NOT NULL,"
                           " amount_cents BIGINT NOT NULL, currency CHAR(3) NOT NULL,"
                           " status SMALLINT NOT NULL, payment_id VARCHAR(64),"
                           " idempotency_key VARCHAR(128) NOT NULL UNIQUE,"
                           " request_hash VARCHAR(64) NOT NULL, create_response TEXT NOT NULL,"
                           " contact_name VARCHAR(128), contact_phone VARCHAR(32),"
                           " pay_by BIGINT NOT NULL, created_at BIGINT NOT NULL,"
                           " updated_at BIGINT NOT NULL, CHECK (status BETWEEN 0 AND 5))"),
            QStringLiteral("CREATE INDEX idx_order_user_time ON ticket_order(user_id, created_at)"),
            // Orders paid but not yet ticketed, for the recovery scan.
            QStringLiteral("CREATE INDEX idx_order_paid ON ticket_order(updated_at)"
                           " WHERE status = 2"),
            // Payments as received: applied, failed, or money to hand back (late or double).
            QStringLiteral("CREATE TABLE payment (payment_id VARCHAR(64) NOT NULL,"
                           " order_id VARCHAR(64) NOT NULL, source VARCHAR(16) NOT NULL,"
                           " method VARCHAR(16) NOT NULL, status VARCHAR(24) NOT NULL,"
                           " amount_cents BIGINT NOT NULL, tendered_cents BIGINT,"
                           " change_cents BIGINT, reference VARCHAR(128), recorded_by VARCHAR(64),"
                           " refund_required SMALLINT NOT NULL DEFAULT 0, note TEXT,"
                           " received_at BIGINT NOT NULL, PRIMARY KEY (payment_id, order_id))"),
            QStringLiteral("CREATE INDEX idx_payment_refund ON payment(received_at)"
                           " WHERE refund_required = 1"),
            QStringLiteral("CREATE TABLE issued_ticket (ticket_code VARCHAR(64) PRIMARY KEY,"
                           " order_id VARCHAR(64) NOT NULL REFERENCES ticket_order(order_id),"
                           " show_id VARCHAR(64) NOT NULL, seat_id VARCHAR(64) NOT NULL,"
                           " qr_payload VARCHAR(512) NOT NULL, status SMALLINT NOT NULL DEFAULT 1,"
                           " used_at BIGINT, used_by VARCHAR(64), created_at BIGINT NOT NULL,"
                           " UNIQUE (order_id, seat_id), CHECK (status BETWEEN 1 AND 3))"),
            // Invariant 5: at most one valid (or used) ticket per seat of a show.
            QStringLiteral("CREATE UNIQUE INDEX uk_ticket_live_seat ON issued_ticket"
                           "(show_id, seat_id) WHERE status IN (1, 2)"),
            // The change feed: one row per committed seat change, versioned per show.
            QStringLiteral("CREATE TABLE seat_change (show_id VARCHAR(64) NOT NULL,"
                           " version BIGINT NOT NULL, status SMALLINT NOT NULL,"
                           " seat_indexes TEXT NOT NULL, changed_at BIGINT NOT NULL,"
                           " PRIMARY KEY (show_id, version))"),
            QStringLiteral("CREATE TABLE app_user (user_id VARCHAR(64) PRIMARY KEY,"
                           " username VARCHAR(64) NOT NULL UNIQUE, password_hash TEXT NOT NULL,"
                           " role VARCHAR(16) NOT NULL, disabled SMALLINT NOT NULL DEFAULT 0,"
                           " created_at BIGINT NOT NULL)"),
            QStringLiteral("CREATE TABLE user_session (token_hash VARCHAR(64) PRIMARY KEY,"
                           " user_id VARCHAR(64) NOT NULL REFERENCES app_user(user_id),"
                           " created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL,"
                           " revoked_at BIGINT)"),
            QStringLiteral("CREATE TABLE audit_log (id %1, at BIGINT NOT NULL,"
                           " actor VARCHAR(64) NOT NULL, action VARCHAR(64) NOT NULL,"
                           " subject VARCHAR(128) NOT NULL, detail TEXT NOT NULL)")
                .arg(autoId(dialect)),
            QStringLiteral("CREATE INDEX idx_audit_at ON audit_log(at)"),
        }});
    list.append(Migration{
        2,
        "login lockout: failed attempts and lock time per user",
        {
            QStringLiteral(
                "ALTER TABLE app_user ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0"),
            QStringLiteral(
                "ALTER TABLE app_user ADD COLUMN locked_until BIGINT NOT NULL DEFAULT 0"),
        }});
    list.append(Migration{
        3,
        "audit log hash chain",
        {
            QStringLiteral(
                "ALTER TABLE audit_log ADD COLUMN prev_hash VARCHAR(64) NOT NULL DEFAULT ''"),
            QStringLiteral(
                "ALTER TABLE audit_log ADD COLUMN row_hash VARCHAR(64) NOT NULL DEFAULT ''"),
        }});
    list.append(Migration{
        4,
        "supervisor tools: refunds, reprints, exchanges, shifts, overrides, terminals",
        {
            // The terminal a session was opened from; orders, money and audit records name it.
            QStringLiteral(
                "ALTER TABLE user_session ADD COLUMN terminal VARCHAR(64) NOT NULL DEFAULT ''"),
            QStringLiteral(
                "ALTER TABLE audit_log ADD COLUMN terminal VARCHAR(64) NOT NULL DEFAULT ''"),
            QStringLiteral("CREATE INDEX idx_audit_actor ON audit_log(actor, at)"),
            // A supervisor's short PIN for overrides at a clerk's terminal (empty: none set).
            QStringLiteral("ALTER TABLE app_user ADD COLUMN pin_hash TEXT NOT NULL DEFAULT ''"),
            // The cash shift (drawer) an order and a payment belong to, when one was open.
            QStringLiteral("ALTER TABLE ticket_order ADD COLUMN shift_id VARCHAR(64)"),
            QStringLiteral(
                "ALTER TABLE ticket_order ADD COLUMN terminal VARCHAR(64) NOT NULL DEFAULT ''"),
            QStringLiteral("ALTER TABLE payment ADD COLUMN shift_id VARCHAR(64)"),
            QStringLiteral("CREATE INDEX idx_payment_shift ON payment(shift_id)"
                           " WHERE shift_id IS NOT NULL"),
            // Revoked tickets say when and why (REFUND, VOID, REPRINT, EXCHANGE); a reprint
            // names the ticket it replaced.
            QStringLiteral("ALTER TABLE issued_ticket ADD COLUMN revoked_at BIGINT"),
            QStringLiteral("ALTER TABLE issued_ticket ADD COLUMN revoked_reason VARCHAR(16)"),
            QStringLiteral("ALTER TABLE issued_ticket ADD COLUMN reprint_of VARCHAR(64)"),
            QStringLiteral(
                "ALTER TABLE issued_ticket ADD COLUMN print_count INTEGER NOT NULL DEFAULT 1"),
            // Money handed back: a refund, a void, or the credit of an exchange.
            QStringLiteral(
                "CREATE TABLE refund (refund_id VARCHAR(64) PRIMARY KEY,"
                " order_id VARCHAR(64) NOT NULL REFERENCES ticket_order(order_id),"
                " kind VARCHAR(16) NOT NULL, method VARCHAR(16) NOT NULL,"
                " status VARCHAR(16) NOT NULL, amount_cents BIGINT NOT NULL,"
                " currency CHAR(3) NOT NULL, ticket_codes TEXT NOT NULL, reason TEXT NOT NULL,"
                " payment_id VARCHAR(64), acquirer_reference VARCHAR(128),"
                " exchange_order_id VARCHAR(64), requested_by VARCHAR(64) NOT NULL,"
                " authorized_by VARCHAR(64), shift_id VARCHAR(64),"
                " terminal VARCHAR(64) NOT NULL DEFAULT '', created_at BIGINT NOT NULL,"
                " updated_at BIGINT NOT NULL, CHECK (amount_cents >= 0))"),
            QStringLiteral("CREATE INDEX idx_refund_order ON refund(order_id)"),
            QStringLiteral(
                "CREATE INDEX idx_refund_shift ON refund(shift_id) WHERE shift_id IS NOT NULL"),
            // A cashier's drawer on one terminal, from float to counted cash.
            QStringLiteral(
                "CREATE TABLE cash_shift (shift_id VARCHAR(64) PRIMARY KEY,"
                " user_id VARCHAR(64) NOT NULL REFERENCES app_user(user_id),"
                " terminal VARCHAR(64) NOT NULL, status VARCHAR(8) NOT NULL,"
                " float_cents BIGINT NOT NULL, counted_cents BIGINT, opened_at BIGINT NOT NULL,"
                " closed_at BIGINT, z_report TEXT, CHECK (float_cents >= 0))"),
            QStringLiteral("CREATE UNIQUE INDEX uk_shift_open_user ON cash_shift(user_id)"
                           " WHERE status = 'OPEN'"),
            QStringLiteral("CREATE UNIQUE INDEX uk_shift_open_terminal ON cash_shift(terminal)"
                           " WHERE status = 'OPEN'"),
            QStringLiteral("CREATE INDEX idx_shift_opened ON cash_shift(opened_at)"),
            // One supervisor authorisation for one action on one subject, used at most once.
            QStringLiteral(
                "CREATE TABLE supervisor_override (token_hash VARCHAR(64) PRIMARY KEY,"
                " override_id VARCHAR(64) NOT NULL UNIQUE,"
                " supervisor_id VARCHAR(64) NOT NULL REFERENCES app_user(user_id),"
                " requested_by VARCHAR(64) NOT NULL REFERENCES app_user(user_id),"
                " session_hash VARCHAR(64) NOT NULL, terminal VARCHAR(64) NOT NULL DEFAULT '',"
                " action VARCHAR(32) NOT NULL, subject VARCHAR(128) NOT NULL,"
                " created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, used_at BIGINT)"),
        }});
    list.append(Migration{
        5,
        "reprints: several tickets of one order for one seat, one of them live",
        {
            // A reprint issues a new ticket for the same order and seat, so UNIQUE (order_id,
            // seat_id) has to go; uk_ticket_live_seat still allows one live ticket per seat.
            // SQLite cannot drop a table constraint: the table is rebuilt (the same on both).
            QStringLiteral(
                "CREATE TABLE issued_ticket_v5 (ticket_code VARCHAR(64) PRIMARY KEY,"
                " order_id VARCHAR(64) NOT NULL REFERENCES ticket_order(order_id),"
                " show_id VARCHAR(64) NOT NULL, seat_id VARCHAR(64) NOT NULL,"
                " qr_payload VARCHAR(512) NOT NULL, status SMALLINT NOT NULL DEFAULT 1,"
                " used_at BIGINT, used_by VARCHAR(64), created_at BIGINT NOT NULL,"
                " revoked_at BIGINT, revoked_reason VARCHAR(16), reprint_of VARCHAR(64),"
                " print_count INTEGER NOT NULL DEFAULT 1, CHECK (status BETWEEN 1 AND 3))"),
            QStringLiteral(
                "INSERT INTO issued_ticket_v5 (ticket_code, order_id, show_id, seat_id,"
                " qr_payload, status, used_at, used_by, created_at, revoked_at, revoked_reason,"
                " reprint_of, print_count) SELECT ticket_code, order_id, show_id, seat_id,"
                " qr_payload, status, used_at, used_by, created_at, revoked_at, revoked_reason,"
                " reprint_of, print_count FROM issued_ticket"),
            QStringLiteral("DROP TABLE issued_ticket"),
            QStringLiteral("ALTER TABLE issued_ticket_v5 RENAME TO issued_ticket"),
            QStringLiteral("CREATE UNIQUE INDEX uk_ticket_live_seat ON issued_ticket"
                           "(show_id, seat_id) WHERE status IN (1, 2)"),
            QStringLiteral("CREATE INDEX idx_ticket_order ON issued_ticket(order_id, seat_id)"),
        }});
    list.append(Migration{
        6,
        "door scanning and kiosks: where a ticket was used, every scan, holds per user",
        {
            QStringLiteral("ALTER TABLE issued_ticket ADD COLUMN used_door VARCHAR(64)"),
            // What a door needs while offline: the show's tickets by status.
            QStringLiteral("CREATE INDEX idx_ticket_show_status ON issued_ticket(show_id, status)"),
            // Every verify and every uploaded offline scan; `answer` is the JSON given back, so
            // an upload repeated after a lost reply gets the same answer (scan_id is the
            // client's idempotency key).
            QStringLiteral(
                "CREATE TABLE ticket_scan (scan_id VARCHAR(64) PRIMARY KEY,"
                " ticket_code VARCHAR(64), show_id VARCHAR(64), door VARCHAR(64),"
                " terminal VARCHAR(64), user_id VARCHAR(64), scanned_at BIGINT,"
                " uploaded_at BIGINT, result VARCHAR(16), offline INTEGER, flagged INTEGER,"
                " answer TEXT)"),
            QStringLiteral("CREATE INDEX idx_scan_show ON ticket_scan(show_id, scanned_at)"),
            QStringLiteral("CREATE INDEX idx_scan_ticket ON ticket_scan(ticket_code)"),
            // The kiosk seat cap counts a user's ACTIVE holds inside the writer transaction.
            QStringLiteral(
                "CREATE INDEX idx_hold_active_user ON seat_hold(user_id) WHERE status = 0"),
        }});
    return list;
}

} // namespace

int latestSchemaVersion()
{
    return static_cast<int>(migrations(SqlDialect::Sqlite).size());
}

Result<int> migrateSchema(Connection &connection, qint64 nowMs)
{
    if (auto ok = connection.execute(
            QStringLiteral("CREATE TABLE IF NOT EXISTS schema_migration (version INTEGER PRIMARY "
                           "KEY, description TEXT NOT NULL, applied_at BIGINT NOT NULL)"));
        !ok)
        return std::unexpected(ok.error());

    int current = 0;
    {
        QSqlQuery query(connection.database());
        if (!query.exec(QStringLiteral("SELECT MAX(version) FROM schema_migration")))
            return std::unexpected(storageError(QStringLiteral("cannot read schema version"),
                                                query.lastError().text()));
        if (query.next())
            current = query.value(0).toInt();
    }
    const QList<Migration> all = migrations(connection.dialect());
    if (current > all.size())
        return fail(ErrorCode::StorageFailure,
                    QStringLiteral("the database has schema version %1, newer than this "
                                   "server understands (%2); upgrade the server")
                        .arg(current)
                        .arg(all.size()));

    for (const Migration &migration : all) {
        if (migration.version <= current)
            continue;
        auto tx = WriteTransaction::begin(connection);
        if (!tx)
            return std::unexpected(tx.error());
        for (const QString &statement : migration.statements) {
            QSqlQuery query(connection.database());
            if (!query.exec(statement))
                return std::unexpected(storageError(QStringLiteral("migration %1 failed at [%2]")
                                                        .arg(migration.version)
                                                        .arg(statement),
                                                    query.lastError().text()));
        }
        QSqlQuery record(connection.database());
        record.prepare(QStringLiteral(
            "INSERT INTO schema_migration (version, description, applied_at) VALUES (?, ?, ?)"));
        record.addBindValue(migration.version);
        record.addBindValue(QString::fromLatin1(migration.description));
        record.addBindValue(nowMs);
        if (!record.exec())
            return std::unexpected(
                storageError(QStringLiteral("cannot record migration"), record.lastError().text()));
        if (auto ok = tx->commit(); !ok)
            return std::unexpected(ok.error());
        qCInfo(lcStorage) << "applied schema migration" << migration.version
                          << migration.description;
        current = migration.version;
    }
    return current;
}

} // namespace Boxoffice::Core

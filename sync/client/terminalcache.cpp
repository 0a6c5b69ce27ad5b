#include "sync/client/terminalcache.h"

#include "core/booking/showstate.h"
#include "core/storage/database.h"
#include "sync/client/clientlogging.h"
#include "sync/client/packedstatuses.h"

#include <QDir>
#include <QFileInfo>
#include <QSqlQuery>
#include <QVariant>

#include <atomic>

namespace Boxoffice::Sync {

using namespace Core;

namespace {

// "BoxC": marks a SQLite file as a Boxoffice terminal cache (PRAGMA application_id).
constexpr int kApplicationId = 0x426F7843;

// Migration n (1-based) brings the schema from version n - 1 to n. Append; never edit.
const QList<QStringList> &migrations()
{
    static const QList<QStringList> list{
        {
            QStringLiteral("CREATE TABLE cache_meta (key TEXT PRIMARY KEY, value BIGINT NOT NULL)"),
            // The show list in the order the server gave it.
            QStringLiteral(
                "CREATE TABLE show_list (show_id TEXT PRIMARY KEY, position INTEGER NOT NULL,"
                " title TEXT NOT NULL, venue_id TEXT NOT NULL, venue_name TEXT NOT NULL,"
                " city TEXT NOT NULL, start_ms BIGINT NOT NULL, status TEXT NOT NULL,"
                " currency TEXT NOT NULL, seat_count INTEGER NOT NULL,"
                " available_count INTEGER NOT NULL, version BIGINT NOT NULL)"),
            QStringLiteral(
                "CREATE TABLE show_detail (show_id TEXT PRIMARY KEY, title TEXT NOT NULL,"
                " venue_id TEXT NOT NULL, venue_name TEXT NOT NULL, city TEXT NOT NULL,"
                " start_ms BIGINT NOT NULL, status TEXT NOT NULL, currency TEXT NOT NULL,"
                " seat_count INTEGER NOT NULL, available_count INTEGER NOT NULL,"
                " version BIGINT NOT NULL)"),
            QStringLiteral(
                "CREATE TABLE show_section (show_id TEXT NOT NULL REFERENCES show_detail"
                " ON DELETE CASCADE, position INTEGER NOT NULL, section_id TEXT NOT NULL,"
                " name TEXT NOT NULL, level TEXT NOT NULL, PRIMARY KEY (show_id, position))"),
            QStringLiteral("CREATE TABLE show_tier (show_id TEXT NOT NULL REFERENCES show_detail"
                           " ON DELETE CASCADE, position INTEGER NOT NULL, category TEXT NOT NULL,"
                           " name TEXT NOT NULL, price_cents BIGINT NOT NULL,"
                           " PRIMARY KEY (show_id, position))"),
            QStringLiteral("CREATE TABLE venue_layout (venue_id TEXT PRIMARY KEY,"
                           " layout_json BLOB NOT NULL)"),
            // Statuses two bits per seat (packedstatuses.h).
            QStringLiteral("CREATE TABLE availability (show_id TEXT PRIMARY KEY,"
                           " seat_count INTEGER NOT NULL, statuses BLOB NOT NULL,"
                           " version BIGINT NOT NULL, confirmed_ms BIGINT NOT NULL)"),
            QStringLiteral("CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT,"
                           " kind TEXT NOT NULL, idempotency_key TEXT NOT NULL UNIQUE,"
                           " payload BLOB NOT NULL, created_ms BIGINT NOT NULL,"
                           " attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT NOT NULL"
                           " DEFAULT '')"),
            QStringLiteral("CREATE TABLE sale (id INTEGER PRIMARY KEY CHECK (id = 1),"
                           " sale_json BLOB NOT NULL)"),
        },
        {
            // Pinned server certificates (ServerTrust): origin "https://host:port" -> SHA-256.
            QStringLiteral("CREATE TABLE server_pin (origin TEXT PRIMARY KEY,"
                           " sha256 BLOB NOT NULL, pinned_ms BIGINT NOT NULL)"),
        },
        {
            // Door scanning: what a door needs to decide while the server is unreachable.
            QStringLiteral("CREATE TABLE ticket_key (key_id TEXT PRIMARY KEY,"
                           " algorithm TEXT NOT NULL, public_key BLOB NOT NULL)"),
            QStringLiteral("CREATE TABLE door_revoked (show_id TEXT NOT NULL,"
                           " ticket_code TEXT NOT NULL, revoked_ms BIGINT NOT NULL,"
                           " reason TEXT NOT NULL, PRIMARY KEY (show_id, ticket_code))"),
            QStringLiteral("CREATE TABLE door_used (show_id TEXT NOT NULL,"
                           " ticket_code TEXT NOT NULL, used_ms BIGINT NOT NULL,"
                           " used_door TEXT NOT NULL, used_by TEXT NOT NULL,"
                           " PRIMARY KEY (show_id, ticket_code))"),
            QStringLiteral("CREATE TABLE door_sync (show_id TEXT PRIMARY KEY,"
                           " as_of TEXT NOT NULL)"),
            QStringLiteral("CREATE TABLE scan_queue (id INTEGER PRIMARY KEY AUTOINCREMENT,"
                           " scan_id TEXT NOT NULL UNIQUE, qr_payload TEXT NOT NULL,"
                           " show_id TEXT NOT NULL, door TEXT NOT NULL,"
                           " scanned_ms BIGINT NOT NULL, offline_result TEXT NOT NULL,"
                           " attempts INTEGER NOT NULL DEFAULT 0,"
                           " last_error TEXT NOT NULL DEFAULT '',"
                           " refused INTEGER NOT NULL DEFAULT 0)"),
        },
    };
    return list;
}

std::atomic<quint64> g_connectionCounter{0};

// Qt SQL binds a null QString or QByteArray as SQL NULL; the columns are NOT NULL text.
QVariant text(const QString &value)
{
    return value.isNull() ? QVariant(QStringLiteral("")) : QVariant(value);
}

QVariant blob(const QByteArray &value)
{
    return value.isNull() ? QVariant(QByteArray("", 0)) : QVariant(value);
}

// Runs a prepared statement with positional values. The caller reads the rows, if any, and
// calls finish() on the query.
Result<QSqlQuery *> exec(Connection &connection, const QString &sql,
                         const QVariantList &values = {})
{
    return connection.query(sql, values);
}

QVariantList summaryValues(const ShowSummary &show)
{
    return {text(show.title),     text(show.venue.value()),
            text(show.venueName), text(show.city),
            show.startMs,         text(show.status),
            text(show.currency),  show.seatCount,
            show.availableCount,  show.version};
}

// Reads the summary columns starting at `first`, in the order of summaryValues().
ShowSummary summaryFrom(const QSqlQuery &query, const ShowId &id, int first)
{
    ShowSummary show;
    show.id = id;
    show.title = query.value(first).toString();
    show.venue = VenueId(query.value(first + 1).toString());
    show.venueName = query.value(first + 2).toString();
    show.city = query.value(first + 3).toString();
    show.startMs = query.value(first + 4).toLongLong();
    show.status = query.value(first + 5).toString();
    show.currency = query.value(first + 6).toString();
    show.seatCount = query.value(first + 7).toInt();
    show.availableCount = query.value(first + 8).toInt();
    show.version = query.value(first + 9).toLongLong();
    return show;
}

const QString kSummaryColumns = QStringLiteral(
    "title, venue_id, venue_name, city, start_ms, status, currency, seat_count, available_count,"
    " version");

} // namespace

TerminalCache::TerminalCache(QString path, std::unique_ptr<Connection> connection)
    : m_path(std::move(path))
    , m_connection(std::move(connection))
{}

TerminalCache::~TerminalCache() = default;

int TerminalCache::schemaVersion()
{
    return int(migrations().size());
}

Result<std::unique_ptr<TerminalCache>> TerminalCache::open(const QString &path)
{
    const QFileInfo file(path);
    if (path.isEmpty() || file.isDir())
        return fail(ErrorCode::StorageFailure,
                    QStringLiteral("the terminal cache path \"%1\" is not a file name").arg(path));
    if (!QDir().mkpath(file.absolutePath()))
        return fail(ErrorCode::StorageFailure,
                    QStringLiteral("cannot create the folder of the terminal cache %1")
                        .arg(QDir::toNativeSeparators(file.absoluteFilePath())));
    const QString name = QStringLiteral("boxoffice-terminal-cache-%1").arg(++g_connectionCounter);
    auto connection = Connection::open(DatabaseConfig{SqlDialect::Sqlite, path}, name);
    if (!connection)
        return fail(ErrorCode::StorageFailure,
                    QStringLiteral("cannot open the terminal cache %1: %2")
                        .arg(QDir::toNativeSeparators(path), connection.error().message));
    std::unique_ptr<TerminalCache> cache(new TerminalCache(path, std::move(*connection)));
    if (auto migrated = cache->migrate(); !migrated)
        return fail(ErrorCode::StorageFailure,
                    QStringLiteral("cannot use the terminal cache %1: %2")
                        .arg(QDir::toNativeSeparators(path), migrated.error().message));
    return cache;
}

Result<> TerminalCache::migrate()
{
    Connection &db = *m_connection;
    auto transaction = WriteTransaction::begin(db);
    if (!transaction)
        return std::unexpected(transaction.error());
    int application = 0;
    int version = 0;
    int objects = 0;
    for (auto [sql, out] :
         {std::pair{QStringLiteral("PRAGMA application_id"), &application},
          std::pair{QStringLiteral("PRAGMA user_version"), &version},
          std::pair{QStringLiteral("SELECT count(*) FROM sqlite_master"), &objects}}) {
        auto query = exec(db, sql);
        if (!query)
            return std::unexpected(query.error());
        *out = (*query)->next() ? (*query)->value(0).toInt() : 0;
        (*query)->finish();
    }
    // An empty file becomes a cache; anything else must already be one.
    if (objects > 0 && application != kApplicationId)
        return fail(ErrorCode::StorageFailure,
                    QStringLiteral("the file is a database of something else"));
    if (version > schemaVersion())
        return fail(ErrorCode::StorageFailure,
                    QStringLiteral("the cache has schema version %1; this build knows up to %2")
                        .arg(version)
                        .arg(schemaVersion()));
    if (version == schemaVersion())
        return transaction->commit();
    for (int next = version; next < schemaVersion(); ++next) {
        for (const QString &sql : migrations()[next]) {
            if (auto ok = db.execute(sql); !ok)
                return ok;
        }
    }
    // PRAGMA takes no bound parameters; both values are our own integers.
    if (auto ok = db.execute(QStringLiteral("PRAGMA application_id = %1").arg(kApplicationId)); !ok)
        return ok;
    if (auto ok = db.execute(QStringLiteral("PRAGMA user_version = %1").arg(schemaVersion())); !ok)
        return ok;
    qCInfo(lcClient).noquote() << "terminal cache" << m_path << "migrated from schema" << version
                               << "to" << schemaVersion();
    return transaction->commit();
}

// ---------------------------------------------------------------------------------------------

Result<> TerminalCache::saveShows(const QList<ShowSummary> &shows, qint64 fetchedMs)
{
    Connection &db = *m_connection;
    auto transaction = WriteTransaction::begin(db);
    if (!transaction)
        return std::unexpected(transaction.error());
    if (auto ok = exec(db, QStringLiteral("DELETE FROM show_list")); !ok)
        return std::unexpected(ok.error());
    const QString insert = QStringLiteral("INSERT INTO show_list (show_id, position, %1)"
                                          " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                               .arg(kSummaryColumns);
    for (qsizetype i = 0; i < shows.size(); ++i) {
        QVariantList values{shows[i].id.value(), qint64(i)};
        values.append(summaryValues(shows[i]));
        if (auto ok = exec(db, insert, values); !ok)
            return std::unexpected(ok.error());
    }
    if (auto ok = exec(db,
                       QStringLiteral("INSERT INTO cache_meta (key, value) VALUES (?, ?)"
                                      " ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
                       {QStringLiteral("shows_fetched_ms"), fetchedMs});
        !ok)
        return std::unexpected(ok.error());
    return transaction->commit();
}

Result<QList<ShowSummary>> TerminalCache::shows() const
{
    auto query = exec(
        *m_connection,
        QStringLiteral("SELECT show_id, %1 FROM show_list ORDER BY position").arg(kSummaryColumns));
    if (!query)
        return std::unexpected(query.error());
    QList<ShowSummary> shows;
    while ((*query)->next())
        shows.append(summaryFrom(**query, ShowId((*query)->value(0).toString()), 1));
    (*query)->finish();
    return shows;
}

Result<qint64> TerminalCache::showsFetchedMs() const
{
    auto query = exec(*m_connection, QStringLiteral("SELECT value FROM cache_meta WHERE key = ?"),
                      {QStringLiteral("shows_fetched_ms")});
    if (!query)
        return std::unexpected(query.error());
    const qint64 fetched = (*query)->next() ? (*query)->value(0).toLongLong() : 0;
    (*query)->finish();
    return fetched;
}

Result<> TerminalCache::saveShowDetail(const ShowDetail &detail)
{
    Connection &db = *m_connection;
    auto transaction = WriteTransaction::begin(db);
    if (!transaction)
        return std::unexpected(transaction.error());
    const QString show = detail.summary.id.value();
    // Sections and tiers go with the row (ON DELETE CASCADE).
    if (auto ok = exec(db, QStringLiteral("DELETE FROM show_detail WHERE show_id = ?"), {show});
        !ok)
        return std::unexpected(ok.error());
    QVariantList values{show};
    values.append(summaryValues(detail.summary));
    if (auto ok = exec(db,
                       QStringLiteral("INSERT INTO show_detail (show_id, %1)"
                                      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                           .arg(kSummaryColumns),
                       values);
        !ok)
        return std::unexpected(ok.error());
    for (qsizetype i = 0; i < detail.sections.size(); ++i) {
        const SectionInfo &section = detail.sections[i];
        if (auto ok =
                exec(db,
                     QStringLiteral("INSERT INTO show_section (show_id, position,"
                                    " section_id, name, level) VALUES (?, ?, ?, ?, ?)"),
                     {show, qint64(i), text(section.id), text(section.name), text(section.level)});
            !ok)
            return std::unexpected(ok.error());
    }
    for (qsizetype i = 0; i < detail.tiers.size(); ++i) {
        const PriceTierInfo &tier = detail.tiers[i];
        if (auto ok =
                exec(db,
                     QStringLiteral("INSERT INTO show_tier (show_id, position, category,"
                                    " name, price_cents) VALUES (?, ?, ?, ?, ?)"),
                     {show, qint64(i), text(tier.category), text(tier.name), tier.priceCents});
            !ok)
            return std::unexpected(ok.error());
    }
    return transaction->commit();
}

Result<std::optional<ShowDetail>> TerminalCache::showDetail(const ShowId &show) const
{
    Connection &db = *m_connection;
    auto query = exec(
        db, QStringLiteral("SELECT %1 FROM show_detail WHERE show_id = ?").arg(kSummaryColumns),
        {show.value()});
    if (!query)
        return std::unexpected(query.error());
    if (!(*query)->next()) {
        (*query)->finish();
        return std::optional<ShowDetail>();
    }
    ShowDetail detail;
    detail.summary = summaryFrom(**query, show, 0);
    (*query)->finish();

    auto sections = exec(db,
                         QStringLiteral("SELECT section_id, name, level FROM show_section"
                                        " WHERE show_id = ? ORDER BY position"),
                         {show.value()});
    if (!sections)
        return std::unexpected(sections.error());
    while ((*sections)->next())
        detail.sections.append(SectionInfo{(*sections)->value(0).toString(),
                                           (*sections)->value(1).toString(),
                                           (*sections)->value(2).toString()});
    (*sections)->finish();

    auto tiers = exec(db,
                      QStringLiteral("SELECT category, name, price_cents FROM show_tier"
                                     " WHERE show_id = ? ORDER BY position"),
                      {show.value()});
    if (!tiers)
        return std::unexpected(tiers.error());
    while ((*tiers)->next())
        detail.tiers.append(PriceTierInfo{(*tiers)->value(0).toString(),
                                          (*tiers)->value(1).toString(),
                                          (*tiers)->value(2).toLongLong()});
    (*tiers)->finish();
    return std::optional<ShowDetail>(std::move(detail));
}

Result<> TerminalCache::saveLayout(const VenueId &venue, const QByteArray &json)
{
    auto ok = exec(*m_connection,
                   QStringLiteral("INSERT INTO venue_layout (venue_id, layout_json) VALUES (?, ?)"
                                  " ON CONFLICT (venue_id) DO UPDATE"
                                  " SET layout_json = excluded.layout_json"),
                   {venue.value(), blob(json)});
    if (!ok)
        return std::unexpected(ok.error());
    return {};
}

Result<std::optional<QByteArray>> TerminalCache::layout(const VenueId &venue) const
{
    auto query = exec(*m_connection,
                      QStringLiteral("SELECT layout_json FROM venue_layout WHERE venue_id = ?"),
                      {venue.value()});
    if (!query)
        return std::unexpected(query.error());
    std::optional<QByteArray> json;
    if ((*query)->next())
        json = (*query)->value(0).toByteArray();
    (*query)->finish();
    return json;
}

Result<> TerminalCache::saveAvailability(const ShowId &show, const CachedAvailability &availability)
{
    auto ok =
        exec(*m_connection,
             QStringLiteral("INSERT INTO availability (show_id, seat_count, statuses,"
                            " version, confirmed_ms) VALUES (?, ?, ?, ?, ?)"
                            " ON CONFLICT (show_id) DO UPDATE SET"
                            " seat_count = excluded.seat_count,"
                            " statuses = excluded.statuses, version = excluded.version,"
                            " confirmed_ms = excluded.confirmed_ms"),
             {show.value(), qint64(availability.statuses.size()),
              packStatuses(availability.statuses), availability.version, availability.confirmedMs});
    if (!ok)
        return std::unexpected(ok.error());
    return {};
}

Result<std::optional<CachedAvailability>> TerminalCache::availability(const ShowId &show) const
{
    auto query = exec(*m_connection,
                      QStringLiteral("SELECT seat_count, statuses, version, confirmed_ms"
                                     " FROM availability WHERE show_id = ?"),
                      {show.value()});
    if (!query)
        return std::unexpected(query.error());
    if (!(*query)->next()) {
        (*query)->finish();
        return std::optional<CachedAvailability>();
    }
    const qint64 seatCount = (*query)->value(0).toLongLong();
    const QByteArray packed = (*query)->value(1).toByteArray();
    CachedAvailability cached;
    cached.version = (*query)->value(2).toLongLong();
    cached.confirmedMs = (*query)->value(3).toLongLong();
    (*query)->finish();
    auto statuses = unpackStatuses(packed, seatCount);
    if (!statuses)
        return fail(ErrorCode::StorageFailure,
                    QStringLiteral("the cached availability of %1 is damaged: %2")
                        .arg(show.value(), statuses.error().message));
    cached.statuses = std::move(*statuses);
    return std::optional<CachedAvailability>(std::move(cached));
}

// ---------------------------------------------------------------------------------------------

Result<qint64> TerminalCache::enqueue(const OutboxEntry &entry)
{
    Connection &db = *m_connection;
    auto transaction = WriteTransaction::begin(db);
    if (!transaction)
        return std::unexpected(transaction.error());
    auto existing = exec(db, QStringLiteral("SELECT id FROM outbox WHERE idempotency_key = ?"),
                         {entry.idempotencyKey});
    if (!existing)
        return std::unexpected(existing.error());
    const bool taken = (*existing)->next();
    (*existing)->finish();
    if (taken)
        return fail(ErrorCode::Conflict,
                    QStringLiteral("the outbox already holds an operation with key %1")
                        .arg(entry.idempotencyKey));
    auto inserted = exec(db,
                         QStringLiteral("INSERT INTO outbox (kind, idempotency_key, payload,"
                                        " created_ms, attempts, last_error)"
                                        " VALUES (?, ?, ?, ?, ?, ?)"),
                         {text(entry.kind), text(entry.idempotencyKey), blob(entry.payload),
                          entry.createdMs, entry.attempts, text(entry.lastError)});
    if (!inserted)
        return std::unexpected(inserted.error());
    const qint64 id = (*inserted)->lastInsertId().toLongLong();
    if (auto ok = transaction->commit(); !ok)
        return std::unexpected(ok.error());
    return id;
}

Result<QList<OutboxEntry>> TerminalCache::outbox() const
{
    auto query =
        exec(*m_connection, QStringLiteral("SELECT id, kind, idempotency_key, payload, created_ms,"
                                           " attempts, last_error FROM outbox ORDER BY id"));
    if (!query)
        return std::unexpected(query.error());
    QList<OutboxEntry> entries;
    while ((*query)->next()) {
        OutboxEntry entry;
        entry.id = (*query)->value(0).toLongLong();
        entry.kind = (*query)->value(1).toString();
        entry.idempotencyKey = (*query)->value(2).toString();
        entry.payload = (*query)->value(3).toByteArray();
        entry.createdMs = (*query)->value(4).toLongLong();
        entry.attempts = (*query)->value(5).toInt();
        entry.lastError = (*query)->value(6).toString();
        entries.append(entry);
    }
    (*query)->finish();
    return entries;
}

Result<> TerminalCache::recordAttempt(qint64 id, const QString &error)
{
    auto query = exec(*m_connection,
                      QStringLiteral("UPDATE outbox SET attempts = attempts + 1, last_error = ?"
                                     " WHERE id = ?"),
                      {text(error), id});
    if (!query)
        return std::unexpected(query.error());
    if ((*query)->numRowsAffected() != 1)
        return fail(ErrorCode::NotFound, QStringLiteral("no outbox entry %1").arg(id));
    return {};
}

Result<> TerminalCache::removeFromOutbox(qint64 id)
{
    auto query = exec(*m_connection, QStringLiteral("DELETE FROM outbox WHERE id = ?"), {id});
    if (!query)
        return std::unexpected(query.error());
    if ((*query)->numRowsAffected() != 1)
        return fail(ErrorCode::NotFound, QStringLiteral("no outbox entry %1").arg(id));
    return {};
}

// ---------------------------------------------------------------------------------------------

Result<> TerminalCache::saveSale(const QByteArray &json)
{
    auto ok = exec(*m_connection,
                   QStringLiteral("INSERT INTO sale (id, sale_json) VALUES (1, ?)"
                                  " ON CONFLICT (id) DO UPDATE SET sale_json = excluded.sale_json"),
                   {blob(json)});
    if (!ok)
        return std::unexpected(ok.error());
    return {};
}

Result<std::optional<QByteArray>> TerminalCache::sale() const
{
    auto query = exec(*m_connection, QStringLiteral("SELECT sale_json FROM sale WHERE id = 1"));
    if (!query)
        return std::unexpected(query.error());
    std::optional<QByteArray> json;
    if ((*query)->next())
        json = (*query)->value(0).toByteArray();
    (*query)->finish();
    return json;
}

Result<> TerminalCache::clearSale()
{
    auto ok = exec(*m_connection, QStringLiteral("DELETE FROM sale"));
    if (!ok)
        return std::unexpected(ok.error());
    return {};
}

// ---------------------------------------------------------------------------------------------

Result<> TerminalCache::savePin(const QString &origin, const QByteArray &sha256, qint64 pinnedMs)
{
    auto ok =
        exec(*m_connection,
             QStringLiteral("INSERT INTO server_pin (origin, sha256, pinned_ms) VALUES (?, ?, ?)"
                            " ON CONFLICT (origin) DO UPDATE SET sha256 = excluded.sha256,"
                            " pinned_ms = excluded.pinned_ms"),
             {text(origin), blob(sha256), pinnedMs});
    if (!ok)
        return std::unexpected(ok.error());
    return {};
}

Result<> TerminalCache::removePin(const QString &origin)
{
    auto ok = exec(*m_connection, QStringLiteral("DELETE FROM server_pin WHERE origin = ?"),
                   {text(origin)});
    if (!ok)
        return std::unexpected(ok.error());
    return {};
}

Result<QHash<QString, QByteArray>> TerminalCache::pins() const
{
    auto query = exec(*m_connection, QStringLiteral("SELECT origin, sha256 FROM server_pin"));
    if (!query)
        return std::unexpected(query.error());
    QHash<QString, QByteArray> pins;
    while ((*query)->next())
        pins.insert((*query)->value(0).toString(), (*query)->value(1).toByteArray());
    (*query)->finish();
    return pins;
}

// ---------------------------------------------------------------------------------------------
// Door scanning

Result<> TerminalCache::saveTicketKeys(const QList<TicketKey> &keys)
{
    Connection &db = *m_connection;
    auto transaction = WriteTransaction::begin(db);
    if (!transaction)
        return std::unexpected(transaction.error());
    if (auto ok = exec(db, QStringLiteral("DELETE FROM ticket_key")); !ok)
        return std::unexpected(ok.error());
    for (const TicketKey &key : keys) {
        if (auto ok = exec(db,
                           QStringLiteral("INSERT INTO ticket_key (key_id, algorithm, public_key)"
                                          " VALUES (?, ?, ?) ON CONFLICT (key_id) DO UPDATE SET"
                                          " algorithm = excluded.algorithm,"
                                          " public_key = excluded.public_key"),
                           {text(key.keyId), text(key.algorithm), blob(key.publicKey)});
            !ok)
            return std::unexpected(ok.error());
    }
    return transaction->commit();
}

Result<QList<TicketKey>> TerminalCache::ticketKeys() const
{
    auto query = exec(*m_connection, QStringLiteral("SELECT key_id, algorithm, public_key"
                                                    " FROM ticket_key ORDER BY key_id"));
    if (!query)
        return std::unexpected(query.error());
    QList<TicketKey> keys;
    while ((*query)->next())
        keys.append(TicketKey{(*query)->value(0).toString(), (*query)->value(1).toString(),
                              (*query)->value(2).toByteArray()});
    (*query)->finish();
    return keys;
}

Result<> TerminalCache::applyRevocations(const TicketRevocations &revocations)
{
    Connection &db = *m_connection;
    auto transaction = WriteTransaction::begin(db);
    if (!transaction)
        return std::unexpected(transaction.error());
    const QString show = revocations.show.value();
    for (const RevokedTicket &revoked : revocations.revoked) {
        if (auto ok = recordRevocation(revocations.show, revoked); !ok)
            return ok;
    }
    for (const UsedTicket &used : revocations.used) {
        if (auto ok = recordUse(revocations.show, used); !ok)
            return ok;
    }
    if (auto ok =
            exec(db,
                 QStringLiteral("INSERT INTO door_sync (show_id, as_of) VALUES (?, ?)"
                                " ON CONFLICT (show_id) DO UPDATE SET as_of = excluded.as_of"),
                 {show, text(revocations.asOf)});
        !ok)
        return std::unexpected(ok.error());
    return transaction->commit();
}

Result<QString> TerminalCache::revocationsAsOf(const ShowId &show) const
{
    auto query =
        exec(*m_connection, QStringLiteral("SELECT as_of FROM door_sync WHERE show_id = ?"),
             {show.value()});
    if (!query)
        return std::unexpected(query.error());
    QString asOf = (*query)->next() ? (*query)->value(0).toString() : QString();
    (*query)->finish();
    return asOf;
}

Result<std::optional<RevokedTicket>> TerminalCache::revokedTicket(const ShowId &show,
                                                                  const TicketCode &ticket) const
{
    auto query = exec(*m_connection,
                      QStringLiteral("SELECT revoked_ms, reason FROM door_revoked"
                                     " WHERE show_id = ? AND ticket_code = ?"),
                      {show.value(), ticket.value()});
    if (!query)
        return std::unexpected(query.error());
    std::optional<RevokedTicket> revoked;
    if ((*query)->next())
        revoked =
            RevokedTicket{ticket, (*query)->value(0).toLongLong(), (*query)->value(1).toString()};
    (*query)->finish();
    return revoked;
}

Result<std::optional<UsedTicket>> TerminalCache::usedTicket(const ShowId &show,
                                                            const TicketCode &ticket) const
{
    auto query = exec(*m_connection,
                      QStringLiteral("SELECT used_ms, used_door, used_by FROM door_used"
                                     " WHERE show_id = ? AND ticket_code = ?"),
                      {show.value(), ticket.value()});
    if (!query)
        return std::unexpected(query.error());
    std::optional<UsedTicket> used;
    if ((*query)->next())
        used = UsedTicket{ticket, (*query)->value(0).toLongLong(), (*query)->value(1).toString(),
                          (*query)->value(2).toString()};
    (*query)->finish();
    return used;
}

Result<> TerminalCache::recordRevocation(const ShowId &show, const RevokedTicket &revoked)
{
    auto ok = exec(*m_connection,
                   QStringLiteral("INSERT INTO door_revoked (show_id, ticket_code,"
                                  " revoked_ms, reason) VALUES (?, ?, ?, ?)"
                                  " ON CONFLICT (show_id, ticket_code) DO UPDATE SET"
                                  " revoked_ms = excluded.revoked_ms, reason = excluded.reason"),
                   {show.value(), revoked.ticket.value(), revoked.revokedMs, text(revoked.reason)});
    if (!ok)
        return std::unexpected(ok.error());
    return {};
}

Result<> TerminalCache::recordUse(const ShowId &show, const UsedTicket &use)
{
    // The earliest use is the one that counts; a later report of the same use keeps what the
    // door already knew of who scanned it.
    auto ok =
        exec(*m_connection,
             QStringLiteral("INSERT INTO door_used (show_id, ticket_code, used_ms,"
                            " used_door, used_by) VALUES (?, ?, ?, ?, ?)"
                            " ON CONFLICT (show_id, ticket_code) DO UPDATE SET"
                            " used_ms = excluded.used_ms, used_door = excluded.used_door,"
                            " used_by = excluded.used_by"
                            " WHERE excluded.used_ms < door_used.used_ms"),
             {show.value(), use.ticket.value(), use.usedMs, text(use.usedDoor), text(use.usedBy)});
    if (!ok)
        return std::unexpected(ok.error());
    return {};
}

namespace {

const QString kQueueColumns = QStringLiteral(
    "id, scan_id, qr_payload, show_id, door, scanned_ms, offline_result, attempts, last_error,"
    " refused");

Result<QList<QueuedScan>> readQueue(QSqlQuery &query)
{
    QList<QueuedScan> scans;
    while (query.next()) {
        QueuedScan queued;
        queued.id = query.value(0).toLongLong();
        queued.scan.scanId = query.value(1).toString();
        queued.scan.qrPayload = query.value(2).toString();
        queued.scan.show = ShowId(query.value(3).toString());
        queued.scan.door = query.value(4).toString();
        queued.scan.scannedMs = query.value(5).toLongLong();
        const auto verdict = Core::scanResultFromWireName(query.value(6).toString());
        if (!verdict) {
            query.finish();
            return fail(ErrorCode::StorageFailure,
                        QStringLiteral("queued scan %1 has an unknown result \"%2\"")
                            .arg(queued.scan.scanId, query.value(6).toString()));
        }
        queued.scan.offlineVerdict = *verdict;
        queued.attempts = query.value(7).toInt();
        queued.lastError = query.value(8).toString();
        queued.refused = query.value(9).toInt() != 0;
        scans.append(queued);
    }
    query.finish();
    return scans;
}

} // namespace

Result<qint64> TerminalCache::queueScan(const OfflineScan &scan)
{
    Connection &db = *m_connection;
    auto transaction = WriteTransaction::begin(db);
    if (!transaction)
        return std::unexpected(transaction.error());
    auto existing =
        exec(db, QStringLiteral("SELECT id FROM scan_queue WHERE scan_id = ?"), {scan.scanId});
    if (!existing)
        return std::unexpected(existing.error());
    const bool taken = (*existing)->next();
    (*existing)->finish();
    if (taken)
        return fail(ErrorCode::Conflict,
                    QStringLiteral("scan %1 is already queued").arg(scan.scanId));
    auto inserted = exec(db,
                         QStringLiteral("INSERT INTO scan_queue (scan_id, qr_payload, show_id,"
                                        " door, scanned_ms, offline_result)"
                                        " VALUES (?, ?, ?, ?, ?, ?)"),
                         {text(scan.scanId), text(scan.qrPayload), text(scan.show.value()),
                          text(scan.door), scan.scannedMs, Core::wireName(scan.offlineVerdict)});
    if (!inserted)
        return std::unexpected(inserted.error());
    const qint64 id = (*inserted)->lastInsertId().toLongLong();
    if (auto ok = transaction->commit(); !ok)
        return std::unexpected(ok.error());
    return id;
}

Result<QList<QueuedScan>> TerminalCache::pendingScans(int limit) const
{
    auto query = exec(*m_connection,
                      QStringLiteral("SELECT %1 FROM scan_queue WHERE refused = 0"
                                     " ORDER BY id LIMIT ?")
                          .arg(kQueueColumns),
                      {limit});
    if (!query)
        return std::unexpected(query.error());
    return readQueue(**query);
}

Result<int> TerminalCache::pendingScanCount() const
{
    auto query =
        exec(*m_connection, QStringLiteral("SELECT count(*) FROM scan_queue WHERE refused = 0"));
    if (!query)
        return std::unexpected(query.error());
    const int count = (*query)->next() ? (*query)->value(0).toInt() : 0;
    (*query)->finish();
    return count;
}

Result<QList<QueuedScan>> TerminalCache::queuedScans() const
{
    auto query = exec(*m_connection,
                      QStringLiteral("SELECT %1 FROM scan_queue ORDER BY id").arg(kQueueColumns));
    if (!query)
        return std::unexpected(query.error());
    return readQueue(**query);
}

Result<> TerminalCache::removeScans(const QStringList &scanIds)
{
    Connection &db = *m_connection;
    auto transaction = WriteTransaction::begin(db);
    if (!transaction)
        return std::unexpected(transaction.error());
    for (const QString &scanId : scanIds) {
        if (auto ok =
                exec(db, QStringLiteral("DELETE FROM scan_queue WHERE scan_id = ?"), {scanId});
            !ok)
            return std::unexpected(ok.error());
    }
    return transaction->commit();
}

Result<> TerminalCache::recordScanAttempt(const QStringList &scanIds, const QString &error)
{
    Connection &db = *m_connection;
    auto transaction = WriteTransaction::begin(db);
    if (!transaction)
        return std::unexpected(transaction.error());
    for (const QString &scanId : scanIds) {
        if (auto ok = exec(db,
                           QStringLiteral("UPDATE scan_queue SET attempts = attempts + 1,"
                                          " last_error = ? WHERE scan_id = ?"),
                           {text(error), scanId});
            !ok)
            return std::unexpected(ok.error());
    }
    return transaction->commit();
}

Result<> TerminalCache::refuseScan(const QString &scanId, const QString &error)
{
    auto query = exec(*m_connection,
                      QStringLiteral("UPDATE scan_queue SET refused = 1, attempts = attempts + 1,"
                                     " last_error = ? WHERE scan_id = ?"),
                      {text(error), scanId});
    if (!query)
        return std::unexpected(query.error());
    if ((*query)->numRowsAffected() != 1)
        return fail(ErrorCode::NotFound, QStringLiteral("no queued scan %1").arg(scanId));
    return {};
}

} // namespace Boxoffice::Sync

#include "core/booking/bookingengine.h"

#include "core/booking/showregistry.h"
#include "core/common/jsontext.h"
#include "core/common/logging.h"
#include "core/security/random.h"
#include "core/storage/migrations.h"
#include "core/venue/venuelayout.h"

#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QSet>
#include <QSqlQuery>
#include <QThread>

#include <algorithm>
#include <future>
#include <map>
#include <tuple>

namespace Boxoffice::Core {

// ---------------------------------------------------------------------------------------------
// Per-thread read connections.

class ReadConnections
{
public:
    explicit ReadConnections(DatabaseConfig config)
        : m_config(std::move(config))
    {}

    Result<Connection *> forCurrentThread()
    {
        std::lock_guard lock(m_mutex);
        const auto key = reinterpret_cast<quintptr>(QThread::currentThread());
        if (auto it = m_connections.find(key); it != m_connections.end())
            return it->second.get();
        auto opened = Connection::open(
            m_config,
            QStringLiteral("boxoffice-read-%1-%2").arg(reinterpret_cast<quintptr>(this)).arg(key));
        if (!opened)
            return std::unexpected(opened.error());
        Connection *raw = opened->get();
        m_connections.emplace(key, std::move(*opened));
        return raw;
    }

private:
    DatabaseConfig m_config;
    std::mutex m_mutex;
    std::map<quintptr, std::unique_ptr<Connection>> m_connections;
};

// ---------------------------------------------------------------------------------------------
// The writer's world: its connection, the expiry schedule and the effects a batch stages until
// it commits.

struct StagedChange
{
    ShowId show;
    SeatState status;
    std::vector<int> seatIndexes;
    qint64 heldUntilMs = 0;
};

class WriterContext
{
public:
    std::unique_ptr<Connection> connection;
    ShowRegistry *registry = nullptr;

    // Active holds by expiry time. m_expiryOf says which entry is current for a hold; entries
    // left behind by an extended expiry are skipped when they come due.
    std::multimap<qint64, HoldId> expiryQueue;
    QHash<HoldId, qint64> expiryOf;

    // Staged during a batch.
    std::vector<StagedChange> changes;
    std::vector<std::function<void()>> afterCommit;
    bool broken = false; // a storage error: the batch is rolled back and retried per command

    void schedule(const HoldId &hold, qint64 expiryMs)
    {
        expiryOf.insert(hold, expiryMs);
        expiryQueue.emplace(expiryMs, hold);
    }
    void unschedule(const HoldId &hold) { expiryOf.remove(hold); }
    [[nodiscard]] std::optional<qint64> nextExpiry()
    {
        while (!expiryQueue.empty()) {
            auto first = expiryQueue.begin();
            auto current = expiryOf.constFind(first->second);
            if (current != expiryOf.cend() && *current == first->first)
                return first->first;
            expiryQueue.erase(first);
        }
        return std::nullopt;
    }
    [[nodiscard]] QList<HoldId> dueHolds(qint64 nowMs)
    {
        QList<HoldId> due;
        for (auto it = expiryQueue.begin(); it != expiryQueue.end() && it->first <= nowMs; ++it) {
            auto current = expiryOf.constFind(it->second);
            if (current != expiryOf.cend() && *current == it->first)
                due.append(it->second);
        }
        return due;
    }
    void dropStale()
    {
        while (!expiryQueue.empty()) {
            auto first = expiryQueue.begin();
            auto current = expiryOf.constFind(first->second);
            if (current != expiryOf.cend() && *current == first->first)
                return;
            expiryQueue.erase(first);
        }
    }

    // Runs `body` in a savepoint. Its staged effects survive only if it succeeds. If the
    // savepoint itself fails, the whole batch is marked broken (rolled back, retried per command).
    template <class T> Result<T> isolated(const std::function<Result<T>()> &body)
    {
        const std::size_t changeMark = changes.size();
        const std::size_t afterMark = afterCommit.size();
        auto savepoint = Savepoint::begin(*connection);
        if (!savepoint) {
            broken = true;
            return std::unexpected(savepoint.error());
        }
        Result<T> result = body();
        if (result) {
            if (auto ok = savepoint->release(); !ok) {
                broken = true;
                return std::unexpected(ok.error());
            }
            return result;
        }
        // A refused or failed command is undone alone; only a savepoint that cannot be rolled
        // back leaves the transaction in doubt and breaks the batch.
        changes.resize(changeMark);
        afterCommit.resize(afterMark);
        if (auto undone = savepoint->rollback(); !undone)
            broken = true;
        return result;
    }
};

// ---------------------------------------------------------------------------------------------
// Commands.

struct BookingEngine::Command
{
    virtual ~Command() = default;
    // The show whose seat map must be loaded before the batch starts, if any.
    [[nodiscard]] virtual ShowId preload() const { return {}; }
    virtual void execute() = 0;
    virtual void complete(const Error *batchFailure) = 0;
    virtual void refuse(const Error &error) = 0;
};

namespace {

template <class T> struct TypedCommand final : BookingEngine::Command
{
    std::function<Result<T>()> body;
    Completion<T> done;
    WriterContext *writer = nullptr;
    ShowId preloadShow;
    Result<T> result = std::unexpected(Error::make(ErrorCode::Internal, QStringLiteral("not run")));

    ShowId preload() const override { return preloadShow; }
    void execute() override { result = writer->isolated<T>(body); }
    void complete(const Error *batchFailure) override
    {
        if (batchFailure)
            done(std::unexpected(*batchFailure));
        else
            done(std::move(result));
    }
    void refuse(const Error &error) override { done(std::unexpected(error)); }
};

// Small helpers around prepared statements of the writer connection.
class Sql
{
public:
    explicit Sql(Connection &c)
        : m_connection(c)
    {}

    Result<QSqlQuery *> exec(const QString &sql, const QVariantList &values)
    {
        return m_connection.query(sql, values);
    }
    // Runs an UPDATE/INSERT/DELETE and returns the number of rows it changed.
    Result<int> change(const QString &sql, const QVariantList &values)
    {
        auto query = exec(sql, values);
        if (!query)
            return std::unexpected(query.error());
        const int rows = (*query)->numRowsAffected();
        (*query)->finish();
        return rows;
    }

private:
    Connection &m_connection;
};

// A JSON array of seat ids, built directly: it is written for every hold.
QString seatIdsJson(const QList<SeatId> &seats)
{
    QByteArray json;
    json.reserve(seats.size() * 16 + 2);
    json.append('[');
    for (qsizetype i = 0; i < seats.size(); ++i) {
        if (i > 0)
            json.append(',');
        appendJsonString(json, seats[i].value());
    }
    json.append(']');
    return QString::fromUtf8(json);
}

QList<SeatId> seatIdsFromJson(const QString &json)
{
    QList<SeatId> seats;
    const QJsonArray array = QJsonDocument::fromJson(json.toUtf8()).array();
    for (const QJsonValue &value : array)
        seats.append(SeatId(value.toString()));
    return seats;
}

#define TRY(var, expr)                                                                             \
    auto var = (expr);                                                                             \
    if (!var)                                                                                      \
        return std::unexpected(var.error());

} // namespace

// ---------------------------------------------------------------------------------------------

BookingEngine::BookingEngine(EngineOptions options, const Clock &clock, TicketSigner signer)
    : m_options(std::move(options))
    , m_clock(clock)
    , m_signer(std::move(signer))
    , m_reads(std::make_unique<ReadConnections>(m_options.database))
    , m_registry(std::make_unique<ShowRegistry>())
    , m_writer(std::make_unique<WriterContext>())
{
    m_writer->registry = m_registry.get();
}

BookingEngine::~BookingEngine()
{
    close();
}

void BookingEngine::setChangeListener(ChangeListener listener)
{
    m_listener = std::move(listener);
}

Result<Connection *> BookingEngine::readConnection()
{
    return m_reads->forCurrentThread();
}

int BookingEngine::queuedCommands() const
{
    std::lock_guard lock(m_queueMutex);
    return static_cast<int>(m_queue.size());
}

Result<std::shared_ptr<ShowState>> BookingEngine::showState(const ShowId &show)
{
    TRY(connection, readConnection());
    return m_registry->get(show, **connection);
}

Result<QList<std::shared_ptr<ShowState>>> BookingEngine::allShows()
{
    TRY(connection, readConnection());
    TRY(ids, m_registry->showIds(**connection));
    QList<std::shared_ptr<ShowState>> states;
    for (const ShowId &id : *ids) {
        TRY(state, m_registry->get(id, **connection));
        states.append(*state);
    }
    return states;
}

void BookingEngine::wake()
{
    {
        std::lock_guard lock(m_queueMutex);
        m_wakeRequested = true;
    }
    m_queueChanged.notify_one();
}

void BookingEngine::close()
{
    {
        std::lock_guard lock(m_queueMutex);
        m_stopping = true;
    }
    m_queueChanged.notify_one();
    m_checkpointerWake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
    if (m_checkpointer.joinable())
        m_checkpointer.join();
}

void BookingEngine::enqueue(std::unique_ptr<Command> command)
{
    std::unique_lock lock(m_queueMutex);
    if (m_stopping || !m_thread.joinable()) {
        lock.unlock();
        command->refuse(
            Error::make(ErrorCode::Overloaded, QStringLiteral("the server is stopping")));
        return;
    }
    if (static_cast<int>(m_queue.size()) >= m_options.maxQueuedCommands) {
        lock.unlock();
        command->refuse(Error::make(ErrorCode::Overloaded,
                                    QStringLiteral("too many requests are waiting; try again")));
        return;
    }
    m_queue.push_back(std::move(command));
    lock.unlock();
    m_queueChanged.notify_one();
}

// ---------------------------------------------------------------------------------------------
// The rules. Each runs on the writer thread inside a savepoint of the batch transaction.

namespace {

constexpr int kAvailable = static_cast<int>(SeatState::Available);
constexpr int kHeld = static_cast<int>(SeatState::Held);
constexpr int kSold = static_cast<int>(SeatState::Sold);
constexpr int kHoldActive = static_cast<int>(HoldState::Active);

struct HoldRow
{
    ShowId show;
    UserId user;
    HoldState status = HoldState::Active;
    qint64 expiryMs = 0;
    qint64 totalCents = 0;
    QString currency;
    int seatCount = 0;
    QList<SeatId> seats;
};

Result<std::optional<HoldRow>> readHold(Sql &sql, const HoldId &hold)
{
    TRY(query, sql.exec(QStringLiteral("SELECT show_id, user_id, status, expiry_time,"
                                       " total_price_cents, currency, seat_count, seat_ids"
                                       " FROM seat_hold WHERE hold_id = ?"),
                        {hold.value()}));
    QSqlQuery &q = **query;
    if (!q.next()) {
        q.finish();
        return std::optional<HoldRow>();
    }
    HoldRow row;
    row.show = ShowId(q.value(0).toString());
    row.user = UserId(q.value(1).toString());
    row.status = holdStateFromInt(q.value(2).toInt()).value_or(HoldState::Expired);
    row.expiryMs = q.value(3).toLongLong();
    row.totalCents = q.value(4).toLongLong();
    row.currency = q.value(5).toString();
    row.seatCount = q.value(6).toInt();
    row.seats = seatIdsFromJson(q.value(7).toString());
    q.finish();
    return std::optional<HoldRow>(std::move(row));
}

struct OrderRow
{
    OrderId order;
    HoldId hold;
    ShowId show;
    UserId user;
    OrderState status = OrderState::Init;
    qint64 amountCents = 0;
    QString currency;
    qint64 payByMs = 0;
    qint64 createdMs = 0;
    QString contactName;
    QString contactPhone;
    QString shiftId;
    QString terminal;
};

// A text for a nullable column: "" is stored as NULL.
QVariant nullIfEmpty(const QString &text)
{
    return text.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(text);
}

Result<std::optional<OrderRow>> readOrder(Sql &sql, const OrderId &order)
{
    TRY(query, sql.exec(QStringLiteral("SELECT hold_id, show_id, user_id, status, amount_cents,"
                                       " currency, pay_by, created_at, contact_name, contact_phone,"
                                       " shift_id, terminal FROM ticket_order WHERE order_id = ?"),
                        {order.value()}));
    QSqlQuery &q = **query;
    if (!q.next()) {
        q.finish();
        return std::optional<OrderRow>();
    }
    OrderRow row;
    row.order = order;
    row.hold = HoldId(q.value(0).toString());
    row.show = ShowId(q.value(1).toString());
    row.user = UserId(q.value(2).toString());
    row.status = orderStateFromInt(q.value(3).toInt()).value_or(OrderState::Cancelled);
    row.amountCents = q.value(4).toLongLong();
    row.currency = q.value(5).toString();
    row.payByMs = q.value(6).toLongLong();
    row.createdMs = q.value(7).toLongLong();
    row.contactName = q.value(8).toString();
    row.contactPhone = q.value(9).toString();
    row.shiftId = q.value(10).toString();
    row.terminal = q.value(11).toString();
    q.finish();
    return std::optional<OrderRow>(std::move(row));
}

// A ticket as stored, with the place and price of its seat.
struct TicketRow
{
    TicketView view;
    OrderId order;
    ShowId show;
    int status = 1; // 1 VALID, 2 USED, 3 REVOKED
    int seatIndex = -1;
};

QString ticketStatusName(int status)
{
    return status == 1   ? QStringLiteral("VALID")
           : status == 2 ? QStringLiteral("USED")
                         : QStringLiteral("REVOKED");
}

// Tickets matching `where` (a condition on issued_ticket t), oldest first per seat.
Result<QList<TicketRow>> readTicketRows(Sql &sql, const QString &where, const QVariantList &values)
{
    TRY(query, sql.exec(QStringLiteral("SELECT t.ticket_code, t.seat_id, t.qr_payload, t.status,"
                                       " t.revoked_reason, t.revoked_at, t.reprint_of,"
                                       " t.print_count, s.price_cents, s.seat_index, t.order_id,"
                                       " t.show_id FROM issued_ticket t LEFT JOIN seat_inventory s"
                                       " ON s.show_id = t.show_id AND s.seat_id = t.seat_id"
                                       " WHERE ") +
                            where + QStringLiteral(" ORDER BY t.seat_id, t.created_at"),
                        values));
    QList<TicketRow> rows;
    QSqlQuery &q = **query;
    while (q.next()) {
        TicketRow row;
        row.status = q.value(3).toInt();
        row.view.code = TicketCode(q.value(0).toString());
        row.view.seat = SeatId(q.value(1).toString());
        row.view.qrPayload = q.value(2).toString();
        row.view.status = ticketStatusName(row.status);
        row.view.revokedReason = q.value(4).toString();
        row.view.revokedMs = q.value(5).toLongLong();
        row.view.reprintOf = TicketCode(q.value(6).toString());
        row.view.printCount = q.value(7).toInt();
        row.view.priceCents = q.value(8).toLongLong();
        row.seatIndex = q.value(9).isNull() ? -1 : q.value(9).toInt();
        row.order = OrderId(q.value(10).toString());
        row.show = ShowId(q.value(11).toString());
        rows.append(std::move(row));
    }
    q.finish();
    return rows;
}

Result<QList<TicketView>> readTickets(Sql &sql, const OrderId &order)
{
    TRY(rows, readTicketRows(sql, QStringLiteral("t.order_id = ?"), {order.value()}));
    QList<TicketView> tickets;
    for (const TicketRow &row : *rows)
        tickets.append(row.view);
    return tickets;
}

// The seats a hold holds right now, in no particular order.
Result<std::vector<int>> heldSeatIndexes(Sql &sql, const HoldId &hold)
{
    TRY(query, sql.exec(QStringLiteral("SELECT seat_index FROM seat_inventory"
                                       " WHERE hold_id = ? AND status = ?"),
                        {hold.value(), kHeld}));
    std::vector<int> indexes;
    while ((*query)->next())
        indexes.push_back((*query)->value(0).toInt());
    (*query)->finish();
    return indexes;
}

Error holdGone(const HoldId &hold, HoldState state)
{
    switch (state) {
    case HoldState::Expired:
        return Error::make(ErrorCode::HoldExpired,
                           QStringLiteral("hold %1 has expired").arg(hold.value()));
    case HoldState::Released:
        return Error::make(ErrorCode::HoldReleased,
                           QStringLiteral("hold %1 was released").arg(hold.value()));
    case HoldState::Confirmed:
        return Error::make(ErrorCode::Conflict,
                           QStringLiteral("hold %1 is already paid for").arg(hold.value()));
    case HoldState::Active:
        break;
    }
    return Error::make(ErrorCode::Internal, QStringLiteral("hold %1 is active").arg(hold.value()));
}

} // namespace

namespace Rules {

// Ends an ACTIVE hold by expiry or release: an order waiting for payment on it is cancelled and
// its seats go back to AVAILABLE. Returns false when the hold was not ACTIVE (or not yet due,
// for an expiry): nothing changed.
Result<bool> endHold(WriterContext &writer, const HoldId &hold, HoldEvent event, qint64 nowMs)
{
    Sql sql(*writer.connection);
    const HoldState target = *nextState(HoldState::Active, event);
    const OrderEvent orderEvent =
        event == HoldEvent::Expire ? OrderEvent::PaymentWindowClosed : OrderEvent::Cancel;
    const int cancelled = static_cast<int>(*nextState(OrderState::PendingPay, orderEvent));

    const QString guard =
        event == HoldEvent::Expire ? QStringLiteral(" AND expiry_time <= ?") : QString();
    QVariantList holdArgs{static_cast<int>(target), nowMs, hold.value(), kHoldActive};
    if (event == HoldEvent::Expire)
        holdArgs.append(nowMs);
    TRY(ended, sql.change(QStringLiteral("UPDATE seat_hold SET status = ?, updated_at = ?"
                                         " WHERE hold_id = ? AND status = ?") +
                              guard,
                          holdArgs));
    if (*ended == 0)
        return false;

    TRY(cancelledOrders,
        sql.change(QStringLiteral("UPDATE ticket_order SET status = ?,"
                                  " updated_at = ? WHERE hold_id = ? AND status = ?"),
                   {cancelled, nowMs, hold.value(), static_cast<int>(OrderState::PendingPay)}));
    if (*cancelledOrders > 0)
        qCInfo(lcCore) << "order on hold" << hold.value() << "cancelled: payment window closed";

    TRY(showQuery, sql.exec(QStringLiteral("SELECT show_id FROM seat_hold WHERE hold_id = ?"),
                            {hold.value()}));
    ShowId show;
    if ((*showQuery)->next())
        show = ShowId((*showQuery)->value(0).toString());
    (*showQuery)->finish();

    TRY(seats, heldSeatIndexes(sql, hold));
    std::vector<int> indexes = std::move(*seats);

    TRY(freed, sql.change(QStringLiteral("UPDATE seat_inventory SET status = ?, hold_id = NULL,"
                                         " version = version + 1, updated_at = ?"
                                         " WHERE hold_id = ? AND status = ?"),
                          {kAvailable, nowMs, hold.value(), kHeld}));
    if (*freed != static_cast<int>(indexes.size()))
        return fail(ErrorCode::Internal, QStringLiteral("hold %1 freed %2 seats, expected %3")
                                             .arg(hold.value())
                                             .arg(*freed)
                                             .arg(indexes.size()));
    writer.changes.push_back(StagedChange{show, SeatState::Available, std::move(indexes)});
    writer.afterCommit.push_back([&writer, hold] { writer.unschedule(hold); });
    return true;
}

Result<HoldConfirmation> placeHold(WriterContext &writer, const EngineOptions &options,
                                   const ShowState &state, const HoldCommand &command, qint64 nowMs)
{
    const ShowInfo &info = state.info();
    if (info.status != 1 || nowMs < info.saleStartMs || nowMs >= info.saleEndMs)
        return fail(ErrorCode::Conflict,
                    QStringLiteral("show %1 is not on sale now").arg(info.id.value()));
    if (command.holdSeconds < options.minHoldSeconds ||
        command.holdSeconds > options.maxHoldSeconds)
        return fail(ErrorCode::BadRequest, QStringLiteral("holdSeconds must be between %1 and %2")
                                               .arg(options.minHoldSeconds)
                                               .arg(options.maxHoldSeconds));
    if (command.seats.isEmpty())
        return fail(ErrorCode::BadRequest, QStringLiteral("seatIds must name at least one seat"));
    if (command.seats.size() > options.maxSeatsPerHold)
        return fail(
            ErrorCode::BadRequest,
            QStringLiteral("at most %1 seats may be held at once").arg(options.maxSeatsPerHold));

    QList<int> indexes;
    QJsonArray unknown;
    QSet<int> seen;
    for (const SeatId &seat : command.seats) {
        const int index = state.layout().indexOf(seat);
        if (index < 0) {
            unknown.append(seat.value());
            continue;
        }
        if (seen.contains(index))
            return fail(ErrorCode::BadRequest,
                        QStringLiteral("seat %1 is listed twice").arg(seat.value()));
        seen.insert(index);
        indexes.append(index);
    }
    if (!unknown.isEmpty())
        return fail(ErrorCode::BadRequest,
                    QStringLiteral("show %1 has no such seats").arg(info.id.value()),
                    QJsonObject{{QStringLiteral("seatIds"), unknown}});

    Sql sql(*writer.connection);
    if (command.maxSeatsOfUser > 0) {
        // Counted here, in the writer's transaction, so concurrent holds of one kiosk cannot
        // both pass. An unpaid order keeps its hold ACTIVE, so its seats count too.
        TRY(heldQuery, sql.exec(QStringLiteral("SELECT COALESCE(SUM(seat_count), 0) FROM seat_hold"
                                               " WHERE user_id = ? AND status = 0"
                                               " AND expiry_time > ?"),
                                {command.user.value(), nowMs}));
        const int held = (*heldQuery)->next() ? (*heldQuery)->value(0).toInt() : 0;
        (*heldQuery)->finish();
        if (held + indexes.size() > command.maxSeatsOfUser)
            return fail(ErrorCode::KioskSeatLimit,
                        QStringLiteral("a kiosk may hold at most %1 seats at once (%2 held, %3 "
                                       "requested)")
                            .arg(command.maxSeatsOfUser)
                            .arg(held)
                            .arg(indexes.size()),
                        QJsonObject{{QStringLiteral("maxSeats"), command.maxSeatsOfUser},
                                    {QStringLiteral("seatsHeld"), held},
                                    {QStringLiteral("seatsRequested"), indexes.size()}});
    }

    auto unavailable = [&](const QList<int> &taken) {
        QJsonArray ids;
        for (int index : taken)
            ids.append(state.layout().seats()[static_cast<std::size_t>(index)].id.value());
        return fail(
            ErrorCode::SeatUnavailable,
            QStringLiteral("%1 of the requested seats are no longer available").arg(taken.size()),
            QJsonObject{{QStringLiteral("seatIds"), ids}});
    };
    // The cache answers most conflicts without touching the database.
    if (const QList<int> taken = state.unavailableAmong(indexes, nowMs); !taken.isEmpty())
        return unavailable(taken);

    std::sort(indexes.begin(), indexes.end());
    const HoldId hold(newSortableId(u"HOLD_", nowMs));
    QList<int> taken;
    qint64 total = 0;
    for (int index : indexes) {
        TRY(rows, sql.change(QStringLiteral("UPDATE seat_inventory SET status = ?, hold_id = ?,"
                                            " version = version + 1, updated_at = ?"
                                            " WHERE show_id = ? AND seat_index = ? AND status = ?"),
                             {kHeld, hold.value(), nowMs, info.id.value(), index, kAvailable}));
        if (*rows != 1)
            taken.append(index);
        total += state.priceCents(index);
    }
    if (!taken.isEmpty())
        return unavailable(taken);

    QList<SeatId> seats;
    for (int index : indexes)
        seats.append(state.layout().seats()[static_cast<std::size_t>(index)].id);
    const qint64 expiry = nowMs + qint64(command.holdSeconds) * 1000;
    TRY(inserted,
        sql.change(
            QStringLiteral("INSERT INTO seat_hold (hold_id, show_id, user_id, seat_ids,"
                           " seat_count, total_price_cents, currency, status, expiry_time,"
                           " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
            {hold.value(), info.id.value(), command.user.value(), seatIdsJson(seats),
             static_cast<int>(seats.size()), total, info.currency, kHoldActive, expiry, nowMs,
             nowMs}));
    Q_UNUSED(inserted);

    writer.changes.push_back(StagedChange{
        info.id, SeatState::Held, std::vector<int>(indexes.begin(), indexes.end()), expiry});
    writer.afterCommit.push_back([&writer, hold, expiry] { writer.schedule(hold, expiry); });

    TRY(money, Money::fromMinor(total, info.currency));
    return HoldConfirmation{hold, info.id, seats, expiry, *money};
}

Result<ReleaseOutcome> releaseHold(WriterContext &writer, const ReleaseCommand &command,
                                   qint64 nowMs)
{
    Sql sql(*writer.connection);
    TRY(row, readHold(sql, command.hold));
    if (!*row)
        return fail(ErrorCode::NotFound, QStringLiteral("no hold %1").arg(command.hold.value()));
    const HoldRow &hold = **row;
    if (hold.user != command.actor && !command.mayReleaseAnyHold)
        return fail(ErrorCode::Forbidden,
                    QStringLiteral("hold %1 belongs to another user").arg(command.hold.value()));
    switch (hold.status) {
    case HoldState::Released:
    case HoldState::Expired:
        // Releasing twice is harmless: the seats are already free.
        return ReleaseOutcome{command.hold, hold.status, hold.seats,
                              hold.user,    hold.show,   hold.totalCents};
    case HoldState::Confirmed:
        return std::unexpected(holdGone(command.hold, hold.status));
    case HoldState::Active:
        break;
    }
    TRY(ended, endHold(writer, command.hold, HoldEvent::Release, nowMs));
    if (!*ended)
        return fail(ErrorCode::Conflict,
                    QStringLiteral("hold %1 changed meanwhile").arg(command.hold.value()));
    return ReleaseOutcome{command.hold, HoldState::Released, hold.seats, hold.user,
                          hold.show,    hold.totalCents,     true};
}

Result<OrderCreated> createOrder(WriterContext &writer, const EngineOptions &options,
                                 const OrderCommand &command, qint64 nowMs)
{
    Sql sql(*writer.connection);
    TRY(existing, sql.exec(QStringLiteral("SELECT order_id, hold_id, request_hash, create_response,"
                                          " amount_cents, currency, pay_by FROM ticket_order"
                                          " WHERE idempotency_key = ?"),
                           {command.idempotencyKey}));
    if ((*existing)->next()) {
        QSqlQuery &q = **existing;
        const bool sameRequest = q.value(2).toString().toLatin1() == command.requestHash.toHex();
        OrderCreated replay;
        replay.order = OrderId(q.value(0).toString());
        replay.hold = HoldId(q.value(1).toString());
        replay.responseJson = q.value(3).toString().toUtf8();
        const qint64 amount = q.value(4).toLongLong();
        const QString currency = q.value(5).toString();
        replay.payByMs = q.value(6).toLongLong();
        q.finish();
        if (!sameRequest)
            return fail(ErrorCode::IdempotencyMismatch,
                        QStringLiteral("idempotency key %1 was used with a different request")
                            .arg(command.idempotencyKey));
        TRY(money, Money::fromMinor(amount, currency));
        replay.amount = *money;
        replay.replayed = true;
        return replay;
    }
    (*existing)->finish();

    TRY(row, readHold(sql, command.hold));
    if (!*row)
        return fail(ErrorCode::NotFound, QStringLiteral("no hold %1").arg(command.hold.value()));
    const HoldRow &hold = **row;
    if (hold.user != command.user)
        return fail(ErrorCode::Forbidden,
                    QStringLiteral("hold %1 belongs to another user").arg(command.hold.value()));
    if (hold.status != HoldState::Active)
        return std::unexpected(holdGone(command.hold, hold.status));
    if (hold.expiryMs <= nowMs)
        return std::unexpected(holdGone(command.hold, HoldState::Expired));

    TRY(other, sql.exec(QStringLiteral("SELECT order_id FROM ticket_order WHERE hold_id = ?"),
                        {command.hold.value()}));
    if ((*other)->next()) {
        const QString otherOrder = (*other)->value(0).toString();
        (*other)->finish();
        return fail(
            ErrorCode::Conflict,
            QStringLiteral("hold %1 already has order %2").arg(command.hold.value(), otherOrder),
            QJsonObject{{QStringLiteral("orderId"), otherOrder}});
    }
    (*other)->finish();

    // The hold lives on until the payment window closes (DESIGN.md §3.2, issue: a hold with an
    // order awaiting payment is kept until the order's payment window closes).
    const qint64 payBy =
        std::max(hold.expiryMs, nowMs + qint64(options.paymentWindowSeconds) * 1000);
    TRY(extended,
        sql.change(QStringLiteral("UPDATE seat_hold SET expiry_time = ?, updated_at = ?"
                                  " WHERE hold_id = ? AND status = ? AND expiry_time > ?"),
                   {payBy, nowMs, command.hold.value(), kHoldActive, nowMs}));
    if (*extended != 1)
        return std::unexpected(holdGone(command.hold, HoldState::Expired));

    const OrderState status = *nextState(OrderState::Init, OrderEvent::Submit);
    const OrderId order(newSortableId(u"ORD_", nowMs));
    TRY(money, Money::fromMinor(hold.totalCents, hold.currency));
    const QJsonObject response{
        {QStringLiteral("orderId"), order.value()},
        {QStringLiteral("holdId"), command.hold.value()},
        {QStringLiteral("status"), wireName(status)},
        {QStringLiteral("amountCents"), hold.totalCents},
        {QStringLiteral("currency"), hold.currency},
        {QStringLiteral("payBy"), isoUtc(payBy)},
    };
    const QByteArray responseJson = QJsonDocument(response).toJson(QJsonDocument::Compact);
    TRY(inserted,
        sql.change(QStringLiteral("INSERT INTO ticket_order (order_id, hold_id, show_id, user_id,"
                                  " amount_cents, currency, status, idempotency_key, request_hash,"
                                  " create_response, contact_name, contact_phone, pay_by,"
                                  " created_at, updated_at, shift_id, terminal)"
                                  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                   {order.value(), command.hold.value(), hold.show.value(), command.user.value(),
                    hold.totalCents, hold.currency, static_cast<int>(status),
                    command.idempotencyKey, QString::fromLatin1(command.requestHash.toHex()),
                    QString::fromUtf8(responseJson), command.contactName, command.contactPhone,
                    payBy, nowMs, nowMs, nullIfEmpty(command.shiftId),
                    command.terminal.isNull() ? QStringLiteral("") : command.terminal}));
    Q_UNUSED(inserted);
    TRY(seats, heldSeatIndexes(sql, command.hold));
    const std::vector<int> indexes = std::move(*seats);
    const HoldId holdId = command.hold;
    const ShowId show = hold.show;
    writer.afterCommit.push_back([&writer, holdId, show, indexes, payBy] {
        writer.schedule(holdId, payBy);
        if (auto state = writer.registry->find(show))
            state->extendHeld(indexes, payBy);
    });
    return OrderCreated{order, command.hold, *money, payBy, responseJson, false};
}

// Tickets of a show stay valid this long (they are checked again at the door).
Result<qint64> ticketValidUntil(Sql &sql, const EngineOptions &options, const ShowId &show,
                                qint64 nowMs)
{
    TRY(start, sql.exec(QStringLiteral("SELECT start_time FROM event_show WHERE show_id = ?"),
                        {show.value()}));
    qint64 validUntil = nowMs;
    if ((*start)->next())
        validUntil = (*start)->value(0).toLongLong() + options.ticketGraceMs;
    (*start)->finish();
    return validUntil;
}

// Signs and records one VALID ticket for `seat`; a reprint names the ticket it replaces.
Result<TicketView> insertTicket(Sql &sql, const TicketSigner &signer, qint64 validUntil,
                                const OrderId &order, const ShowId &show, const SeatId &seat,
                                qint64 priceCents, const TicketCode &reprintOf, int printCount,
                                qint64 nowMs)
{
    const TicketCode code(newSortableId(u"T", nowMs));
    TicketClaims claims;
    claims.keyId = signer.keyId();
    claims.show = show;
    claims.seat = seat;
    claims.order = order;
    claims.ticket = code;
    claims.validUntilMs = validUntil;
    TRY(payload, signer.sign(claims));
    TRY(inserted,
        sql.change(QStringLiteral("INSERT INTO issued_ticket (ticket_code, order_id, show_id,"
                                  " seat_id, qr_payload, status, created_at, reprint_of,"
                                  " print_count) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)"),
                   {code.value(), order.value(), show.value(), seat.value(), *payload, nowMs,
                    reprintOf.isEmpty() ? QVariant() : QVariant(reprintOf.value()), printCount}));
    Q_UNUSED(inserted);
    TicketView ticket;
    ticket.code = code;
    ticket.seat = seat;
    ticket.qrPayload = *payload;
    ticket.status = QStringLiteral("VALID");
    ticket.reprintOf = reprintOf;
    ticket.printCount = printCount;
    ticket.priceCents = priceCents;
    return ticket;
}

// Signs and records one ticket per seat, then moves the order PAID -> TICKETED.
Result<QList<TicketView>> issueTickets(WriterContext &writer, const TicketSigner &signer,
                                       const EngineOptions &options, const OrderRow &order,
                                       qint64 nowMs)
{
    Sql sql(*writer.connection);
    TRY(validUntil, ticketValidUntil(sql, options, order.show, nowMs));

    // Sold seats keep their hold id, so idx_seat_hold finds them without scanning the show.
    TRY(seatQuery, sql.exec(QStringLiteral("SELECT seat_id, price_cents FROM seat_inventory"
                                           " WHERE hold_id = ? AND order_id = ? AND status = ?"
                                           " ORDER BY seat_index"),
                            {order.hold.value(), order.order.value(), kSold}));
    QList<std::pair<SeatId, qint64>> seats;
    while ((*seatQuery)->next())
        seats.append(
            {SeatId((*seatQuery)->value(0).toString()), (*seatQuery)->value(1).toLongLong()});
    (*seatQuery)->finish();

    QList<TicketView> tickets;
    for (const auto &[seat, price] : seats) {
        TRY(ticket, insertTicket(sql, signer, *validUntil, order.order, order.show, seat, price,
                                 TicketCode(), 1, nowMs));
        tickets.append(*ticket);
    }
    const int ticketed = static_cast<int>(*nextState(OrderState::Paid, OrderEvent::IssueTickets));
    TRY(moved,
        sql.change(QStringLiteral("UPDATE ticket_order SET status = ?, updated_at = ?"
                                  " WHERE order_id = ? AND status = ?"),
                   {ticketed, nowMs, order.order.value(), static_cast<int>(OrderState::Paid)}));
    if (*moved != 1)
        return fail(ErrorCode::Conflict,
                    QStringLiteral("order %1 is not PAID").arg(order.order.value()));
    return tickets;
}

struct PaymentFacts
{
    PaymentId payment;
    QString source;
    QString method;
    qint64 tenderedCents = 0;
    qint64 changeCents = 0;
    QString reference;
    QString recordedBy;
    QString shiftId;             // the cash shift the money belongs to; "" for none
    bool shiftMustBeOpen = true; // box office: only a shift still open takes the payment
};

Result<> recordPayment(Sql &sql, const PaymentFacts &facts, const OrderRow &order,
                       qint64 amountCents, const QString &status, bool refundRequired,
                       const QString &note, qint64 nowMs)
{
    TRY(inserted,
        sql.change(QStringLiteral("INSERT INTO payment (payment_id, order_id, source, method,"
                                  " status, amount_cents, tendered_cents, change_cents, reference,"
                                  " recorded_by, refund_required, note, received_at, shift_id)"
                                  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                                  " (SELECT shift_id FROM cash_shift WHERE shift_id = ?"
                                  " AND (status = 'OPEN' OR ? = 0)))"),
                   {facts.payment.value(), order.order.value(), facts.source, facts.method, status,
                    amountCents, facts.tenderedCents, facts.changeCents, facts.reference,
                    facts.recordedBy, refundRequired ? 1 : 0, note, nowMs,
                    nullIfEmpty(facts.shiftId), facts.shiftMustBeOpen ? 1 : 0}));
    Q_UNUSED(inserted);
    return {};
}

// PENDING_PAY -> PAID by `payment`: the hold CONFIRMED, its seats SOLD to the order.
Result<> sellHeldSeats(WriterContext &writer, const OrderRow &order, const PaymentId &payment,
                       qint64 nowMs)
{
    Sql sql(*writer.connection);
    const int paid =
        static_cast<int>(*nextState(OrderState::PendingPay, OrderEvent::PaymentSucceeded));
    TRY(orderRows, sql.change(QStringLiteral("UPDATE ticket_order SET status = ?, payment_id = ?,"
                                             " updated_at = ? WHERE order_id = ? AND status = ?"),
                              {paid, payment.value(), nowMs, order.order.value(),
                               static_cast<int>(OrderState::PendingPay)}));
    if (*orderRows != 1)
        return fail(ErrorCode::Conflict,
                    QStringLiteral("order %1 is not awaiting payment").arg(order.order.value()));
    const int confirmed = static_cast<int>(*nextState(HoldState::Active, HoldEvent::Confirm));
    TRY(holdRows, sql.change(QStringLiteral("UPDATE seat_hold SET status = ?, updated_at = ?"
                                            " WHERE hold_id = ? AND status = ?"),
                             {confirmed, nowMs, order.hold.value(), kHoldActive}));
    if (*holdRows != 1)
        return fail(ErrorCode::Conflict,
                    QStringLiteral("hold %1 is no longer active").arg(order.hold.value()));

    TRY(seats, heldSeatIndexes(sql, order.hold));
    std::vector<int> indexes = std::move(*seats);
    TRY(sold, sql.change(QStringLiteral("UPDATE seat_inventory SET status = ?, order_id = ?,"
                                        " version = version + 1, updated_at = ?"
                                        " WHERE hold_id = ? AND status = ?"),
                         {kSold, order.order.value(), nowMs, order.hold.value(), kHeld}));
    if (*sold != static_cast<int>(indexes.size()) || indexes.empty())
        return fail(ErrorCode::Internal, QStringLiteral("hold %1 sold %2 of %3 seats")
                                             .arg(order.hold.value())
                                             .arg(*sold)
                                             .arg(indexes.size()));
    writer.changes.push_back(StagedChange{order.show, SeatState::Sold, std::move(indexes)});
    const HoldId hold = order.hold;
    writer.afterCommit.push_back([&writer, hold] { writer.unschedule(hold); });
    return {};
}

// PENDING_PAY -> PAID (hold CONFIRMED, seats SOLD) -> TICKETED.
Result<PaymentOutcome> applyPayment(WriterContext &writer, const TicketSigner &signer,
                                    const EngineOptions &options, const OrderRow &order,
                                    const PaymentFacts &facts, qint64 nowMs)
{
    Sql sql(*writer.connection);
    if (auto ok = recordPayment(sql, facts, order, order.amountCents, QStringLiteral("APPLIED"),
                                false, {}, nowMs);
        !ok)
        return std::unexpected(ok.error());
    if (auto sold = sellHeldSeats(writer, order, facts.payment, nowMs); !sold)
        return std::unexpected(sold.error());

    PaymentOutcome outcome;
    outcome.payment = facts.payment;
    outcome.order = order.order;
    outcome.result = PaymentResult::Applied;
    outcome.orderStatus = OrderState::Paid;
    TRY(money, Money::fromMinor(order.amountCents, order.currency));
    outcome.amount = *money;
    outcome.tenderedCents = facts.tenderedCents;
    outcome.changeCents = facts.changeCents;

    // Ticketing in a savepoint of its own: if it fails, the payment still stands and the
    // sweep tickets the order later.
    auto tickets = writer.isolated<QList<TicketView>>(
        [&] { return issueTickets(writer, signer, options, order, nowMs); });
    if (tickets) {
        outcome.orderStatus = OrderState::Ticketed;
        outcome.tickets = *tickets;
    } else {
        qCWarning(lcCore).noquote() << "order" << order.order.value()
                                    << "is paid but not ticketed yet:" << tickets.error().message;
    }
    return outcome;
}

Result<PaymentOutcome> tender(WriterContext &writer, const TicketSigner &signer,
                              const EngineOptions &options, const TenderCommand &command,
                              qint64 nowMs)
{
    Sql sql(*writer.connection);
    TRY(row, readOrder(sql, command.order));
    if (!*row)
        return fail(ErrorCode::NotFound, QStringLiteral("no order %1").arg(command.order.value()));
    const OrderRow &order = **row;
    switch (order.status) {
    case OrderState::Paid:
    case OrderState::Ticketed:
        return fail(ErrorCode::Conflict,
                    QStringLiteral("order %1 is already paid").arg(command.order.value()),
                    QJsonObject{{QStringLiteral("status"), wireName(order.status)}});
    case OrderState::Cancelled:
        return fail(ErrorCode::OrderExpired,
                    QStringLiteral("order %1 was cancelled (its hold was released or its payment "
                                   "window closed)")
                        .arg(command.order.value()));
    case OrderState::Refunded:
    case OrderState::Init:
        return fail(ErrorCode::Conflict, QStringLiteral("order %1 cannot be paid (%2)")
                                             .arg(command.order.value(), wireName(order.status)));
    case OrderState::PendingPay:
        break;
    }
    if (order.payByMs <= nowMs)
        return fail(
            ErrorCode::OrderExpired,
            QStringLiteral("order %1: the payment window closed").arg(command.order.value()));
    PaymentFacts facts;
    facts.payment = PaymentId(newSortableId(u"PAY_", nowMs));
    facts.source = QStringLiteral("BOX_OFFICE");
    facts.method = wireName(command.method);
    facts.reference = command.reference;
    facts.recordedBy = command.clerk.value();
    facts.shiftId = command.shiftId;
    if (command.method == PaymentMethod::Cash) {
        if (command.tenderedCents < order.amountCents)
            return fail(ErrorCode::BadRequest,
                        QStringLiteral("%1 tendered is less than the %2 due")
                            .arg(command.tenderedCents)
                            .arg(order.amountCents),
                        QJsonObject{{QStringLiteral("amountCents"), order.amountCents}});
        facts.tenderedCents = command.tenderedCents;
        facts.changeCents = command.tenderedCents - order.amountCents;
    } else {
        facts.tenderedCents = order.amountCents;
    }
    return applyPayment(writer, signer, options, order, facts, nowMs);
}

Result<PaymentOutcome> paymentCallback(WriterContext &writer, const TicketSigner &signer,
                                       const EngineOptions &options, const CallbackCommand &command,
                                       qint64 nowMs)
{
    Sql sql(*writer.connection);
    TRY(row, readOrder(sql, command.order));
    if (!*row)
        return fail(ErrorCode::NotFound, QStringLiteral("no order %1").arg(command.order.value()));
    const OrderRow &order = **row;

    PaymentOutcome outcome;
    outcome.payment = command.payment;
    outcome.order = command.order;
    TRY(money, Money::fromMinor(order.amountCents, order.currency));
    outcome.amount = *money;

    TRY(seen, sql.exec(QStringLiteral("SELECT status FROM payment WHERE payment_id = ?"
                                      " AND order_id = ?"),
                       {command.payment.value(), command.order.value()}));
    if ((*seen)->next()) {
        (*seen)->finish();
        outcome.result = PaymentResult::Duplicate;
        outcome.orderStatus = order.status;
        TRY(tickets, readTickets(sql, order.order));
        outcome.tickets = *tickets;
        return outcome;
    }
    (*seen)->finish();

    if (command.amountCents != order.amountCents)
        return fail(ErrorCode::AmountMismatch,
                    QStringLiteral("callback amount %1 differs from order amount %2")
                        .arg(command.amountCents)
                        .arg(order.amountCents));

    PaymentFacts facts;
    facts.payment = command.payment;
    facts.source = QStringLiteral("CALLBACK");
    facts.method = QStringLiteral("CARD");
    facts.tenderedCents = command.amountCents;
    facts.recordedBy = QStringLiteral("acquirer");
    // A card payment belongs to the shift its order was made in, even when the acquirer
    // answers after that shift closed (it moves no cash).
    facts.shiftId = order.shiftId;
    facts.shiftMustBeOpen = false;

    if (!command.success) {
        if (auto ok = recordPayment(sql, facts, order, command.amountCents,
                                    QStringLiteral("FAILED"), false, {}, nowMs);
            !ok)
            return std::unexpected(ok.error());
        outcome.result = PaymentResult::FailureRecorded;
        outcome.orderStatus = order.status;
        return outcome;
    }

    if (order.status == OrderState::PendingPay && order.payByMs > nowMs)
        return applyPayment(writer, signer, options, order, facts, nowMs);

    // Money for an order that cannot be sold any more (window closed, already paid by another
    // payment, refunded): keep the record and flag it so the money goes back. Never sell twice.
    if (order.status == OrderState::PendingPay) {
        TRY(ended, endHold(writer, order.hold, HoldEvent::Expire, nowMs));
        Q_UNUSED(ended);
    }
    const QString note = QStringLiteral("payment arrived for order in state %1 after %2")
                             .arg(wireName(order.status), isoUtc(order.payByMs));
    if (auto ok = recordPayment(sql, facts, order, command.amountCents,
                                QStringLiteral("REFUND_REQUIRED"), true, note, nowMs);
        !ok)
        return std::unexpected(ok.error());
    qCWarning(lcCore).noquote() << "payment" << command.payment.value() << "for order"
                                << command.order.value() << "flagged for refund:" << note;
    TRY(now, readOrder(sql, command.order));
    outcome.result = PaymentResult::RefundRequired;
    outcome.orderStatus = (*now)->status;
    return outcome;
}

// The door's verdict on a ticket whose signature verified: FORGED when it was never issued or
// its details differ from the record, WRONG_SHOW, REVOKED, else VALID (marked used at
// `usedAtMs` by the scanner at its door) or ALREADY_USED (with when, where and by whom).
// Without `admitted` (an offline door turned the holder away) a VALID ticket stays unused.
Result<VerifyOutcome> judgeTicket(Sql &sql, const VerifyCommand &command, qint64 usedAtMs,
                                  bool admitted)
{
    VerifyOutcome outcome;
    outcome.ticket = command.ticket;
    outcome.show = command.show;
    outcome.seat = command.seat;
    outcome.order = command.order;
    TRY(query, sql.exec(QStringLiteral("SELECT t.order_id, t.show_id, t.seat_id, t.status,"
                                       " t.used_at, COALESCE(u.username, t.used_by), t.used_door,"
                                       " t.revoked_at, t.revoked_reason FROM issued_ticket t"
                                       " LEFT JOIN app_user u ON u.user_id = t.used_by"
                                       " WHERE t.ticket_code = ?"),
                        {command.ticket.value()}));
    QSqlQuery &q = **query;
    if (!q.next()) {
        q.finish();
        outcome.result = ScanResult::Forged;
        outcome.reason = QStringLiteral("no such ticket was issued");
        return outcome;
    }
    const bool matches = q.value(0).toString() == command.order.value() &&
                         q.value(1).toString() == command.show.value() &&
                         q.value(2).toString() == command.seat.value();
    const int status = q.value(3).toInt();
    outcome.usedAtMs = q.value(4).toLongLong();
    outcome.usedBy = q.value(5).toString();
    outcome.usedDoor = q.value(6).toString();
    const qint64 revokedAtMs = q.value(7).toLongLong();
    const QString revokedReason = q.value(8).toString();
    q.finish();
    if (!matches) {
        outcome.usedAtMs = 0;
        outcome.usedBy.clear();
        outcome.usedDoor.clear();
        outcome.result = ScanResult::Forged;
        outcome.reason = QStringLiteral("the ticket's details do not match its record");
        return outcome;
    }
    if (!command.doorShow.isEmpty() && command.doorShow != command.show) {
        // Genuine, but this door does not admit its show: nothing about its use is told.
        outcome.result = ScanResult::WrongShow;
        outcome.usedAtMs = 0;
        outcome.usedBy.clear();
        outcome.usedDoor.clear();
        return outcome;
    }
    if (status == 3) {
        outcome.result = ScanResult::Revoked;
        outcome.revokedAtMs = revokedAtMs;
        outcome.revokedReason = revokedReason;
        return outcome;
    }
    if (!admitted) {
        // Nobody came in on this scan: an unused ticket must not be spent, or its holder, sent
        // away by a door that knew no better, would be refused at the next door too.
        outcome.result = status == 1 ? ScanResult::Valid : ScanResult::AlreadyUsed;
        if (status == 1) {
            outcome.usedAtMs = 0;
            outcome.usedBy.clear();
            outcome.usedDoor.clear();
        }
        return outcome;
    }
    TRY(used, sql.change(QStringLiteral("UPDATE issued_ticket SET status = 2, used_at = ?,"
                                        " used_by = ?, used_door = ?"
                                        " WHERE ticket_code = ? AND status = 1"),
                         {usedAtMs, command.scanner.value(), nullIfEmpty(command.door),
                          command.ticket.value()}));
    if (*used == 1) {
        outcome.result = ScanResult::Valid;
        outcome.usedAtMs = usedAtMs;
        outcome.usedBy =
            command.scannerName.isEmpty() ? command.scanner.value() : command.scannerName;
        outcome.usedDoor = command.door;
    } else {
        outcome.result = ScanResult::AlreadyUsed;
    }
    return outcome;
}

// A scan as decided: a FORGED verdict for a payload whose signature failed, else the ticket's.
Result<VerifyOutcome> decideScan(Sql &sql, const VerifyCommand &command, qint64 usedAtMs,
                                 bool admitted)
{
    if (!command.forgedReason.isEmpty()) {
        VerifyOutcome forged;
        forged.result = ScanResult::Forged;
        forged.reason = command.forgedReason;
        return forged;
    }
    return judgeTicket(sql, command, usedAtMs, admitted);
}

// Every scan is kept: online verifies and uploaded offline scans alike.
Result<> recordScan(Sql &sql, const QString &scanId, const VerifyCommand &command,
                    const VerifyOutcome &outcome, qint64 scannedAtMs, qint64 uploadedAtMs,
                    bool offline)
{
    const QString show =
        !command.doorShow.isEmpty() ? command.doorShow.value() : outcome.show.value();
    const QByteArray answer = command.answer ? command.answer(outcome) : QByteArray();
    TRY(inserted,
        sql.change(QStringLiteral("INSERT INTO ticket_scan (scan_id, ticket_code, show_id, door,"
                                  " terminal, user_id, scanned_at, uploaded_at, result, offline,"
                                  " flagged, answer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                   {scanId, nullIfEmpty(outcome.ticket.value()), nullIfEmpty(show),
                    nullIfEmpty(command.door), nullIfEmpty(command.terminal),
                    command.scanner.value(), scannedAtMs, uploadedAtMs, wireName(outcome.result),
                    offline ? 1 : 0, outcome.flagged ? 1 : 0, QString::fromUtf8(answer)}));
    Q_UNUSED(inserted);
    return {};
}

// The answer given for a scan id recorded before, as it was given then; nullopt for a new one.
Result<std::optional<VerifyOutcome>> replayedScan(Sql &sql, const QString &scanId)
{
    TRY(seen,
        sql.exec(QStringLiteral("SELECT answer FROM ticket_scan WHERE scan_id = ?"), {scanId}));
    QSqlQuery &q = **seen;
    if (!q.next()) {
        q.finish();
        return std::optional<VerifyOutcome>();
    }
    VerifyOutcome replay;
    replay.scanId = scanId;
    replay.replayed = true;
    replay.storedAnswer = q.value(0).toString().toUtf8();
    q.finish();
    return std::optional<VerifyOutcome>(std::move(replay));
}

Result<VerifyOutcome> verifyTicket(WriterContext &writer, const VerifyCommand &command,
                                   qint64 nowMs)
{
    Sql sql(*writer.connection);
    if (!command.scanId.isEmpty()) {
        TRY(replay, replayedScan(sql, command.scanId));
        if (*replay)
            return std::move(**replay);
    }
    TRY(outcome, decideScan(sql, command, nowMs, true));
    // Without the door's id, one with a '.', which a client's id never has: no upload can be
    // taken for a verify the door did not name.
    const QString scanId =
        command.scanId.isEmpty() ? newSortableId(u"SCAN.", nowMs) : command.scanId;
    if (auto ok = recordScan(sql, scanId, command, *outcome, nowMs, nowMs, false); !ok)
        return std::unexpected(ok.error());
    return outcome;
}

// Offline scans in the order the door made them. Only a scan that let its holder in uses the
// ticket. A ticket used meanwhile by another scan is ALREADY_USED; if the door let its holder
// in anyway, the scan is flagged with the earlier use. A scan id recorded before is answered
// as it was then, changing nothing.
Result<QList<VerifyOutcome>> uploadScans(WriterContext &writer, const ScanUploadCommand &command,
                                         qint64 nowMs)
{
    Sql sql(*writer.connection);
    QList<VerifyOutcome> outcomes;
    outcomes.reserve(command.scans.size());
    for (const UploadedScan &scan : command.scans) {
        TRY(replay, replayedScan(sql, scan.scanId));
        if (*replay) {
            outcomes.append(std::move(**replay));
            continue;
        }
        TRY(outcome, decideScan(sql, scan.verify, scan.scannedAtMs, scan.admittedOffline));
        outcome->scanId = scan.scanId;
        // A scan id never seen before: the earlier use was another scan.
        if (outcome->result == ScanResult::AlreadyUsed && scan.admittedOffline) {
            outcome->flagged = true;
            outcome->conflict = ScanConflict{outcome->usedAtMs, outcome->usedDoor, outcome->usedBy};
        }
        // Let in on a ticket whose money went back (or that was replaced): as much for the
        // box office to look into as a second use.
        if (outcome->result == ScanResult::Revoked && scan.admittedOffline)
            outcome->flagged = true;
        if (auto ok =
                recordScan(sql, scan.scanId, scan.verify, *outcome, scan.scannedAtMs, nowMs, true);
            !ok)
            return std::unexpected(ok.error());
        outcomes.append(std::move(*outcome));
    }
    return outcomes;
}

// The compensating scan of seed §13.3: expires every ACTIVE hold past its expiry_time found in
// the database (not only those the writer scheduled), and tickets orders left PAID.
Result<int> sweep(WriterContext &writer, const TicketSigner &signer, const EngineOptions &options,
                  qint64 nowMs)
{
    Sql sql(*writer.connection);
    // status = 0 is written out so SQLite can use the partial index idx_hold_active_expiry.
    TRY(query, sql.exec(QStringLiteral("SELECT hold_id FROM seat_hold WHERE status = 0"
                                       " AND expiry_time <= ? ORDER BY expiry_time"),
                        {nowMs}));
    QList<HoldId> due;
    while ((*query)->next())
        due.append(HoldId((*query)->value(0).toString()));
    (*query)->finish();
    int expired = 0;
    for (const HoldId &hold : due) {
        TRY(ended, endHold(writer, hold, HoldEvent::Expire, nowMs));
        expired += *ended ? 1 : 0;
    }
    TRY(paid, sql.exec(QStringLiteral("SELECT order_id FROM ticket_order WHERE status = 2"), {}));
    QList<OrderId> unticketed;
    while ((*paid)->next())
        unticketed.append(OrderId((*paid)->value(0).toString()));
    (*paid)->finish();
    for (const OrderId &id : unticketed) {
        TRY(row, readOrder(sql, id));
        if (!*row)
            continue;
        auto tickets = writer.isolated<QList<TicketView>>(
            [&] { return issueTickets(writer, signer, options, **row, nowMs); });
        if (tickets)
            qCInfo(lcCore) << "ticketed paid order" << id.value();
        else
            qCWarning(lcCore).noquote()
                << "order" << id.value() << "still not ticketed:" << tickets.error().message;
    }
    return expired;
}

} // namespace Rules

// ---------------------------------------------------------------------------------------------
// Money operations of supervisors (docs/supervisor-api.md): refunds, voids, reprints,
// exchanges. Each revokes tickets and frees seats with guarded updates in the command's
// savepoint; freed seats are staged like a released hold's, so they are sellable on every
// terminal as soon as the batch commits.

namespace {

constexpr int kTicketValid = 1;
constexpr int kTicketUsed = 2;
constexpr int kTicketRevoked = 3;

QString codesJson(const QList<TicketCode> &codes)
{
    QJsonArray array;
    for (const TicketCode &code : codes)
        array.append(code.value());
    return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact));
}

QList<TicketCode> codesFromJson(const QString &json)
{
    QList<TicketCode> codes;
    for (const QJsonValue &value : QJsonDocument::fromJson(json.toUtf8()).array())
        codes.append(TicketCode(value.toString()));
    return codes;
}

// For NOT NULL text columns: a null QString would bind as NULL.
QString notNull(const QString &text)
{
    return text.isNull() ? QStringLiteral("") : text;
}

// The order's state for an audit record: status, tickets, the seats it holds or held, and
// the money paid and handed back.
Result<QJsonObject> orderSnapshot(Sql &sql, const OrderId &orderId)
{
    TRY(row, readOrder(sql, orderId));
    if (!*row)
        return QJsonObject{{QStringLiteral("orderId"), orderId.value()}};
    const OrderRow &order = **row;
    TRY(tickets, readTicketRows(sql, QStringLiteral("t.order_id = ?"), {orderId.value()}));
    QJsonObject ticketStatuses;
    QList<SeatId> seats;
    for (const TicketRow &ticket : *tickets) {
        ticketStatuses.insert(ticket.view.code.value(), ticket.view.status);
        if (!seats.contains(ticket.view.seat))
            seats.append(ticket.view.seat);
    }
    TRY(hold, readHold(sql, order.hold));
    if (*hold) {
        for (const SeatId &seat : (*hold)->seats) {
            if (!seats.contains(seat))
                seats.append(seat);
        }
    }
    QJsonObject seatStatuses;
    for (const SeatId &seat : seats) {
        TRY(query, sql.exec(QStringLiteral("SELECT status, order_id FROM seat_inventory"
                                           " WHERE show_id = ? AND seat_id = ?"),
                            {order.show.value(), seat.value()}));
        QString status = QStringLiteral("MISSING");
        if ((*query)->next()) {
            const auto state = seatStateFromInt((*query)->value(0).toInt());
            status = state ? wireName(*state) : QStringLiteral("UNKNOWN");
            // Sold again to someone else after this order gave it back.
            if (state == SeatState::Sold && (*query)->value(1).toString() != orderId.value())
                status = QStringLiteral("SOLD_TO_OTHER_ORDER");
        }
        (*query)->finish();
        seatStatuses.insert(seat.value(), status);
    }
    TRY(paid, sql.exec(QStringLiteral("SELECT COALESCE(SUM(amount_cents), 0) FROM payment"
                                      " WHERE order_id = ? AND status = 'APPLIED'"),
                       {orderId.value()}));
    const qint64 paidCents = (*paid)->next() ? (*paid)->value(0).toLongLong() : 0;
    (*paid)->finish();
    TRY(refunded, sql.exec(QStringLiteral("SELECT COALESCE(SUM(amount_cents), 0) FROM refund"
                                          " WHERE order_id = ?"),
                           {orderId.value()}));
    const qint64 refundedCents = (*refunded)->next() ? (*refunded)->value(0).toLongLong() : 0;
    (*refunded)->finish();
    return QJsonObject{{QStringLiteral("orderId"), orderId.value()},
                       {QStringLiteral("orderStatus"), wireName(order.status)},
                       {QStringLiteral("amountCents"), order.amountCents},
                       {QStringLiteral("paidCents"), paidCents},
                       {QStringLiteral("refundedCents"), refundedCents},
                       {QStringLiteral("tickets"), ticketStatuses},
                       {QStringLiteral("seats"), seatStatuses}};
}

struct AppliedPayment
{
    PaymentId payment;
    QString method; // CASH or CARD
    qint64 receivedMs = 0;
};

// The payment the customer paid with (not an exchange credit), if any.
Result<std::optional<AppliedPayment>> tenderOf(Sql &sql, const OrderId &order)
{
    TRY(query, sql.exec(QStringLiteral("SELECT payment_id, method, received_at FROM payment"
                                       " WHERE order_id = ? AND status = 'APPLIED'"
                                       " AND source <> 'EXCHANGE' ORDER BY received_at"),
                        {order.value()}));
    std::optional<AppliedPayment> found;
    if ((*query)->next())
        found = AppliedPayment{PaymentId((*query)->value(0).toString()),
                               (*query)->value(1).toString(), (*query)->value(2).toLongLong()};
    (*query)->finish();
    return found;
}

// When the order was paid: its first applied payment, exchange credits included.
Result<qint64> paidAt(Sql &sql, const OrderId &order)
{
    TRY(query, sql.exec(QStringLiteral("SELECT MIN(received_at) FROM payment"
                                       " WHERE order_id = ? AND status = 'APPLIED'"),
                        {order.value()}));
    qint64 at = 0;
    if ((*query)->next() && !(*query)->value(0).isNull())
        at = (*query)->value(0).toLongLong();
    (*query)->finish();
    return at;
}

// The tickets a refund or exchange names: VALID tickets of the order, each once. Without
// codes, every VALID ticket of the order.
Result<QList<TicketRow>> chooseTickets(Sql &sql, const OrderId &order,
                                       const QList<TicketCode> &codes)
{
    TRY(all, readTicketRows(sql, QStringLiteral("t.order_id = ?"), {order.value()}));
    QList<TicketRow> chosen;
    if (codes.isEmpty()) {
        for (const TicketRow &row : *all) {
            if (row.status == kTicketValid)
                chosen.append(row);
        }
        return chosen;
    }
    for (const TicketCode &code : codes) {
        const auto it = std::find_if(all->cbegin(), all->cend(),
                                     [&](const TicketRow &row) { return row.view.code == code; });
        if (it == all->cend())
            return fail(
                ErrorCode::TicketNotFound,
                QStringLiteral("order %1 has no ticket %2").arg(order.value(), code.value()),
                QJsonObject{{QStringLiteral("ticketCode"), code.value()}});
        if (std::any_of(chosen.cbegin(), chosen.cend(),
                        [&](const TicketRow &row) { return row.view.code == code; }))
            return fail(ErrorCode::BadRequest,
                        QStringLiteral("ticket %1 is listed twice").arg(code.value()));
        if (it->status == kTicketUsed)
            return fail(ErrorCode::TicketUsed,
                        QStringLiteral("ticket %1 was used at the door").arg(code.value()),
                        QJsonObject{{QStringLiteral("ticketCode"), code.value()}});
        if (it->status == kTicketRevoked)
            return fail(ErrorCode::AlreadyRefunded,
                        QStringLiteral("ticket %1 was already revoked (%2)")
                            .arg(code.value(), it->view.revokedReason),
                        QJsonObject{{QStringLiteral("ticketCode"), code.value()},
                                    {QStringLiteral("revokedReason"), it->view.revokedReason}});
        chosen.append(*it);
    }
    return chosen;
}

Result<> revokeTicket(Sql &sql, const TicketCode &code, const QString &reason, qint64 nowMs)
{
    TRY(revoked, sql.change(QStringLiteral("UPDATE issued_ticket SET status = ?, revoked_at = ?,"
                                           " revoked_reason = ? WHERE ticket_code = ?"
                                           " AND status = ?"),
                            {kTicketRevoked, nowMs, notNull(reason), code.value(), kTicketValid}));
    if (*revoked != 1)
        return fail(ErrorCode::Conflict,
                    QStringLiteral("ticket %1 changed meanwhile").arg(code.value()));
    return {};
}

// SOLD -> AVAILABLE for the seats the order bought among `seats` (all of its sold seats when
// empty); returns what they cost. The seats are staged, so every terminal hears of them.
Result<qint64> freeSoldSeats(WriterContext &writer, const OrderRow &order,
                             const QList<SeatId> &seats, qint64 nowMs)
{
    Sql sql(*writer.connection);
    const int available = static_cast<int>(*nextState(SeatState::Sold, SeatEvent::Revoke));
    QList<std::tuple<SeatId, int, qint64>> targets;
    {
        TRY(query, sql.exec(QStringLiteral("SELECT seat_id, seat_index, price_cents"
                                           " FROM seat_inventory WHERE hold_id = ?"
                                           " AND order_id = ? AND status = ? ORDER BY seat_index"),
                            {order.hold.value(), order.order.value(), kSold}));
        while ((*query)->next()) {
            const SeatId seat((*query)->value(0).toString());
            if (seats.isEmpty() || seats.contains(seat))
                targets.append({seat, (*query)->value(1).toInt(), (*query)->value(2).toLongLong()});
        }
        (*query)->finish();
    }
    if (!seats.isEmpty() && targets.size() != seats.size())
        return fail(ErrorCode::Conflict,
                    QStringLiteral("%1 of the %2 seats are no longer sold to order %3")
                        .arg(seats.size() - targets.size())
                        .arg(seats.size())
                        .arg(order.order.value()));
    qint64 cents = 0;
    std::vector<int> indexes;
    for (const auto &[seat, index, price] : targets) {
        TRY(freed, sql.change(QStringLiteral("UPDATE seat_inventory SET status = ?,"
                                             " order_id = NULL, hold_id = NULL,"
                                             " version = version + 1, updated_at = ?"
                                             " WHERE show_id = ? AND seat_id = ? AND status = ?"
                                             " AND order_id = ?"),
                              {available, nowMs, order.show.value(), seat.value(), kSold,
                               order.order.value()}));
        if (*freed != 1)
            return fail(ErrorCode::Conflict,
                        QStringLiteral("seat %1 changed meanwhile").arg(seat.value()));
        cents += price;
        indexes.push_back(index);
    }
    if (!indexes.empty())
        writer.changes.push_back(
            StagedChange{order.show, SeatState::Available, std::move(indexes)});
    return cents;
}

// TICKETED -> REFUNDED once no VALID or USED ticket is left; returns the order's status.
Result<OrderState> refundOrderIfEmpty(Sql &sql, const OrderRow &order, qint64 nowMs)
{
    TRY(live, sql.exec(QStringLiteral("SELECT COUNT(*) FROM issued_ticket WHERE order_id = ?"
                                      " AND status IN (1, 2)"),
                       {order.order.value()}));
    const int remaining = (*live)->next() ? (*live)->value(0).toInt() : 0;
    (*live)->finish();
    if (remaining > 0)
        return order.status;
    const auto refunded = nextState(order.status, OrderEvent::Refund);
    if (!refunded)
        return fail(
            ErrorCode::OrderNotRefundable,
            QStringLiteral("order %1 is %2").arg(order.order.value(), wireName(order.status)));
    TRY(moved, sql.change(QStringLiteral("UPDATE ticket_order SET status = ?, updated_at = ?"
                                         " WHERE order_id = ? AND status = ?"),
                          {static_cast<int>(*refunded), nowMs, order.order.value(),
                           static_cast<int>(order.status)}));
    if (*moved != 1)
        return fail(ErrorCode::Conflict,
                    QStringLiteral("order %1 changed meanwhile").arg(order.order.value()));
    return *refunded;
}

// Cash from the drawer completes at once; a card refund waits for the acquirer.
Result<RefundView> recordRefund(Sql &sql, const OrderRow &order, RefundKind kind,
                                RefundMethod method, const std::optional<AppliedPayment> &tender,
                                qint64 amountCents, const QList<TicketRow> &tickets,
                                const QString &reason, const Requester &by,
                                const OrderId &exchangeOrder, qint64 nowMs)
{
    RefundView refund;
    refund.refund = RefundId(newSortableId(u"RFD_", nowMs));
    refund.order = order.order;
    refund.kind = kind;
    refund.method = method;
    if (method == RefundMethod::Card) {
        if (!tender || tender->method != QLatin1StringView("CARD"))
            return fail(ErrorCode::NoCardPayment,
                        QStringLiteral("order %1 was not paid by card").arg(order.order.value()));
        refund.payment = tender->payment;
        refund.status = RefundStatus::CardPending;
    } else {
        refund.status = RefundStatus::Completed;
    }
    TRY(money, Money::fromMinor(amountCents, order.currency));
    refund.amount = *money;
    for (const TicketRow &ticket : tickets) {
        refund.tickets.append(ticket.view.code);
        refund.seats.append(ticket.view.seat);
    }
    refund.reason = reason;
    refund.exchangeOrder = exchangeOrder;
    refund.requestedBy = by.username;
    refund.authorizedBy = by.authorizedBy;
    refund.shiftId = by.shiftId;
    refund.terminal = by.terminal;
    refund.createdMs = nowMs;
    TRY(inserted,
        sql.change(QStringLiteral("INSERT INTO refund (refund_id, order_id, kind, method, status,"
                                  " amount_cents, currency, ticket_codes, reason, payment_id,"
                                  " exchange_order_id, requested_by, authorized_by, shift_id,"
                                  " terminal, created_at, updated_at)"
                                  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                   {refund.refund.value(), order.order.value(), wireName(kind), wireName(method),
                    wireName(refund.status), amountCents, order.currency, codesJson(refund.tickets),
                    notNull(reason), nullIfEmpty(refund.payment.value()),
                    nullIfEmpty(exchangeOrder.value()), notNull(by.username),
                    nullIfEmpty(by.authorizedBy), nullIfEmpty(by.shiftId), notNull(by.terminal),
                    nowMs, nowMs}));
    Q_UNUSED(inserted);
    return refund;
}

const QString kRefundColumns = QStringLiteral(
    "r.refund_id, r.order_id, r.kind, r.method, r.status, r.amount_cents, r.currency,"
    " r.ticket_codes, r.reason, r.payment_id, r.acquirer_reference, r.exchange_order_id,"
    " r.requested_by, r.authorized_by, r.shift_id, r.terminal, r.created_at, o.status");

Result<QList<RefundView>> readRefunds(Sql &sql, const QString &where, const QVariantList &values)
{
    TRY(query, sql.exec(QStringLiteral("SELECT ") + kRefundColumns +
                            QStringLiteral(" FROM refund r JOIN ticket_order o"
                                           " ON o.order_id = r.order_id WHERE ") +
                            where + QStringLiteral(" ORDER BY r.created_at, r.refund_id"),
                        values));
    QList<RefundView> refunds;
    QSqlQuery &q = **query;
    while (q.next()) {
        RefundView r;
        r.refund = RefundId(q.value(0).toString());
        r.order = OrderId(q.value(1).toString());
        r.kind = refundKindFromWireName(q.value(2).toString()).value_or(RefundKind::Refund);
        r.method = refundMethodFromWireName(q.value(3).toString()).value_or(RefundMethod::Cash);
        r.status =
            refundStatusFromWireName(q.value(4).toString()).value_or(RefundStatus::Completed);
        TRY(money, Money::fromMinor(q.value(5).toLongLong(), q.value(6).toString()));
        r.amount = *money;
        r.tickets = codesFromJson(q.value(7).toString());
        r.reason = q.value(8).toString();
        r.payment = PaymentId(q.value(9).toString());
        r.acquirerReference = q.value(10).toString();
        r.exchangeOrder = OrderId(q.value(11).toString());
        r.requestedBy = q.value(12).toString();
        r.authorizedBy = q.value(13).toString();
        r.shiftId = q.value(14).toString();
        r.terminal = q.value(15).toString();
        r.createdMs = q.value(16).toLongLong();
        r.orderStatus = orderStateFromInt(q.value(17).toInt()).value_or(OrderState::Cancelled);
        refunds.append(std::move(r));
    }
    q.finish();
    for (RefundView &r : refunds) {
        for (const TicketCode &code : r.tickets) {
            TRY(seat, sql.exec(QStringLiteral("SELECT seat_id FROM issued_ticket"
                                              " WHERE ticket_code = ?"),
                               {code.value()}));
            if ((*seat)->next())
                r.seats.append(SeatId((*seat)->value(0).toString()));
            (*seat)->finish();
        }
    }
    return refunds;
}

Result<RefundMethod> methodOrTender(const std::optional<RefundMethod> &asked,
                                    const std::optional<AppliedPayment> &tender)
{
    if (asked)
        return *asked;
    return tender && tender->method == QLatin1StringView("CARD") ? RefundMethod::Card
                                                                 : RefundMethod::Cash;
}

} // namespace

namespace Rules {

Result<RefundOutcome> refund(WriterContext &writer, const RefundCommand &command, qint64 nowMs)
{
    Sql sql(*writer.connection);
    TRY(row, readOrder(sql, command.order));
    if (!*row)
        return fail(ErrorCode::NotFound, QStringLiteral("no order %1").arg(command.order.value()));
    const OrderRow &order = **row;
    if (order.status != OrderState::Paid && order.status != OrderState::Ticketed)
        return fail(ErrorCode::OrderNotRefundable,
                    QStringLiteral("order %1 is %2: only PAID or TICKETED orders are refunded%3")
                        .arg(command.order.value(), wireName(order.status),
                             order.status == OrderState::PendingPay
                                 ? QStringLiteral(" (void an unpaid order instead)")
                                 : QString()),
                    QJsonObject{{QStringLiteral("status"), wireName(order.status)}});
    TRY(tickets, chooseTickets(sql, order.order, command.tickets));
    if (tickets->isEmpty())
        return fail(ErrorCode::OrderNotRefundable,
                    QStringLiteral("order %1 has no valid ticket left to refund")
                        .arg(command.order.value()));
    TRY(tender, tenderOf(sql, order.order));
    TRY(method, methodOrTender(command.method, *tender));
    if (*method == RefundMethod::Card &&
        (!*tender || (*tender)->method != QLatin1StringView("CARD")))
        return fail(ErrorCode::NoCardPayment,
                    QStringLiteral("order %1 was not paid by card").arg(order.order.value()));

    TRY(before, orderSnapshot(sql, order.order));
    QList<SeatId> seats;
    for (const TicketRow &ticket : *tickets) {
        if (auto ok = revokeTicket(sql, ticket.view.code, QStringLiteral("REFUND"), nowMs); !ok)
            return std::unexpected(ok.error());
        seats.append(ticket.view.seat);
    }
    TRY(cents, freeSoldSeats(writer, order, seats, nowMs));
    TRY(status, refundOrderIfEmpty(sql, order, nowMs));
    TRY(refund, recordRefund(sql, order, RefundKind::Refund, *method, *tender, *cents, *tickets,
                             command.reason, command.by, OrderId(), nowMs));
    refund->orderStatus = *status;
    TRY(after, orderSnapshot(sql, order.order));
    return RefundOutcome{*refund, AuditStates{*before, *after}};
}

Result<RefundCallbackOutcome> refundCallback(WriterContext &writer,
                                             const RefundCallbackCommand &command, qint64 nowMs)
{
    Sql sql(*writer.connection);
    TRY(found, readRefunds(sql, QStringLiteral("r.refund_id = ?"), {command.refund.value()}));
    if (found->isEmpty())
        return fail(ErrorCode::NotFound,
                    QStringLiteral("no refund %1").arg(command.refund.value()));
    RefundView refund = found->first();
    if (refund.method != RefundMethod::Card)
        return fail(
            ErrorCode::Conflict,
            QStringLiteral("refund %1 was paid in cash, not by card").arg(command.refund.value()));
    if (refund.payment != command.payment)
        return fail(ErrorCode::BadRequest, QStringLiteral("refund %1 pays back payment %2, not %3")
                                               .arg(command.refund.value(), refund.payment.value(),
                                                    command.payment.value()));
    if (refund.amount.minorUnits() != command.amountCents)
        return fail(ErrorCode::AmountMismatch,
                    QStringLiteral("callback amount %1 differs from refund amount %2")
                        .arg(command.amountCents)
                        .arg(refund.amount.minorUnits()));
    RefundCallbackOutcome outcome;
    outcome.before = refund.status;
    // A repeat, or news that changes nothing: the stored state stands.
    if (refund.status == RefundStatus::Completed ||
        (refund.status == RefundStatus::CardFailed && !command.success)) {
        outcome.refund = refund;
        return outcome;
    }
    const RefundStatus target =
        command.success ? RefundStatus::Completed : RefundStatus::CardFailed;
    TRY(moved, sql.change(QStringLiteral("UPDATE refund SET status = ?, acquirer_reference = ?,"
                                         " updated_at = ? WHERE refund_id = ? AND status = ?"),
                          {wireName(target),
                           command.success ? nullIfEmpty(command.acquirerReference) : QVariant(),
                           nowMs, command.refund.value(), wireName(refund.status)}));
    if (*moved != 1)
        return fail(ErrorCode::Conflict,
                    QStringLiteral("refund %1 changed meanwhile").arg(command.refund.value()));
    refund.status = target;
    if (command.success)
        refund.acquirerReference = command.acquirerReference;
    outcome.refund = refund;
    outcome.changed = true;
    return outcome;
}

Result<VoidOutcome> voidOrder(WriterContext &writer, const EngineOptions &options,
                              const VoidCommand &command, qint64 nowMs)
{
    Sql sql(*writer.connection);
    TRY(row, readOrder(sql, command.order));
    if (!*row)
        return fail(ErrorCode::NotFound, QStringLiteral("no order %1").arg(command.order.value()));
    const OrderRow &order = **row;
    auto notVoidable = [&](const QString &why) {
        return fail(ErrorCode::OrderNotVoidable,
                    QStringLiteral("order %1 cannot be voided: %2").arg(order.order.value(), why),
                    QJsonObject{{QStringLiteral("status"), wireName(order.status)},
                                {QStringLiteral("reason"), why}});
    };
    TRY(before, orderSnapshot(sql, order.order));
    VoidOutcome outcome;
    outcome.order = order.order;
    switch (order.status) {
    case OrderState::PendingPay: {
        // Nothing was paid: the hold is released and its seats are free, as on a release.
        TRY(ended, endHold(writer, order.hold, HoldEvent::Release, nowMs));
        if (!*ended)
            return notVoidable(QStringLiteral("its hold is no longer active"));
        break;
    }
    case OrderState::Paid:
    case OrderState::Ticketed: {
        TRY(paid, paidAt(sql, order.order));
        const qint64 closes = *paid + qint64(options.voidWindowSeconds) * 1000;
        if (nowMs >= closes)
            return notVoidable(QStringLiteral("the void window of %1 minutes closed at %2")
                                   .arg(options.voidWindowSeconds / 60)
                                   .arg(isoUtc(closes)));
        TRY(tickets, readTicketRows(sql, QStringLiteral("t.order_id = ?"), {order.order.value()}));
        QList<TicketRow> valid;
        for (const TicketRow &ticket : *tickets) {
            if (ticket.status == kTicketUsed)
                return notVoidable(
                    QStringLiteral("ticket %1 was used at the door").arg(ticket.view.code.value()));
            if (ticket.status == kTicketValid)
                valid.append(ticket);
        }
        TRY(tender, tenderOf(sql, order.order));
        for (const TicketRow &ticket : valid) {
            if (auto ok = revokeTicket(sql, ticket.view.code, QStringLiteral("VOID"), nowMs); !ok)
                return std::unexpected(ok.error());
        }
        TRY(cents, freeSoldSeats(writer, order, {}, nowMs));
        const auto cancelled = nextState(order.status, OrderEvent::Void);
        TRY(moved, sql.change(QStringLiteral("UPDATE ticket_order SET status = ?, updated_at = ?"
                                             " WHERE order_id = ? AND status = ?"),
                              {static_cast<int>(*cancelled), nowMs, order.order.value(),
                               static_cast<int>(order.status)}));
        if (*moved != 1)
            return fail(ErrorCode::Conflict,
                        QStringLiteral("order %1 changed meanwhile").arg(order.order.value()));
        if (*cents > 0) {
            TRY(method, methodOrTender(std::nullopt, *tender));
            TRY(refund, recordRefund(sql, order, RefundKind::Void, *method, *tender, *cents, valid,
                                     command.reason, command.by, OrderId(), nowMs));
            refund->orderStatus = *cancelled;
            outcome.refund = *refund;
        }
        break;
    }
    case OrderState::Cancelled:
        return notVoidable(QStringLiteral("it is already cancelled"));
    case OrderState::Refunded:
        return notVoidable(QStringLiteral("it was refunded"));
    case OrderState::Init:
        return notVoidable(QStringLiteral("it was never submitted"));
    }
    TRY(after, orderSnapshot(sql, order.order));
    outcome.status = OrderState::Cancelled;
    outcome.states = AuditStates{*before, *after};
    return outcome;
}

// PENDING_PAY -> CANCELLED by the seller: the hold is released as on a release or a void of an
// unpaid order, so its seats are AVAILABLE once the batch commits. Cancelling again is harmless.
Result<CancelOrderOutcome> cancelOrder(WriterContext &writer, const CancelOrderCommand &command,
                                       qint64 nowMs)
{
    Sql sql(*writer.connection);
    TRY(row, readOrder(sql, command.order));
    if (!*row)
        return fail(ErrorCode::NotFound, QStringLiteral("no order %1").arg(command.order.value()));
    const OrderRow &order = **row;
    if (order.user != command.actor && !command.mayCancelAnyOrder)
        return fail(ErrorCode::Forbidden,
                    QStringLiteral("order %1 was made by another user").arg(order.order.value()));
    CancelOrderOutcome outcome{order.order, order.show, order.hold, {}, false};
    switch (order.status) {
    case OrderState::Cancelled:
        return outcome;
    case OrderState::PendingPay: {
        TRY(hold, readHold(sql, order.hold));
        if (*hold)
            outcome.seats = (*hold)->seats;
        TRY(ended, endHold(writer, order.hold, HoldEvent::Release, nowMs));
        if (!*ended)
            return fail(
                ErrorCode::Conflict,
                QStringLiteral("order %1: its hold is no longer active").arg(order.order.value()),
                QJsonObject{{QStringLiteral("status"), wireName(order.status)}});
        outcome.changed = true;
        return outcome;
    }
    case OrderState::Paid:
    case OrderState::Ticketed:
    case OrderState::Refunded:
    case OrderState::Init:
        break;
    }
    return fail(ErrorCode::Conflict,
                QStringLiteral("order %1 is %2: only an unpaid order can be cancelled")
                    .arg(order.order.value(), wireName(order.status)),
                QJsonObject{{QStringLiteral("status"), wireName(order.status)}});
}

Result<ReprintOutcome> reprint(WriterContext &writer, const TicketSigner &signer,
                               const EngineOptions &options, const ReprintCommand &command,
                               qint64 nowMs)
{
    Sql sql(*writer.connection);
    TRY(rows, readTicketRows(sql, QStringLiteral("t.ticket_code = ?"), {command.ticket.value()}));
    if (rows->isEmpty())
        return fail(ErrorCode::TicketNotFound,
                    QStringLiteral("no ticket %1").arg(command.ticket.value()));
    const TicketRow old = rows->first();
    if (old.status != kTicketValid)
        return fail(ErrorCode::TicketNotValid,
                    QStringLiteral("ticket %1 is %2 and cannot be reprinted")
                        .arg(command.ticket.value(), old.view.status),
                    QJsonObject{{QStringLiteral("status"), old.view.status}});
    TRY(before, orderSnapshot(sql, old.order));
    if (auto ok = revokeTicket(sql, old.view.code, QStringLiteral("REPRINT"), nowMs); !ok)
        return std::unexpected(ok.error());
    TRY(validUntil, ticketValidUntil(sql, options, old.show, nowMs));
    TRY(ticket, insertTicket(sql, signer, *validUntil, old.order, old.show, old.view.seat,
                             old.view.priceCents, old.view.code, old.view.printCount + 1, nowMs));
    TRY(after, orderSnapshot(sql, old.order));
    return ReprintOutcome{old.order, old.view.code, *ticket, AuditStates{*before, *after}};
}

Result<ExchangeOutcome> exchange(WriterContext &writer, const TicketSigner &signer,
                                 const EngineOptions &options, const ExchangeCommand &command,
                                 qint64 nowMs)
{
    Sql sql(*writer.connection);
    TRY(row, readOrder(sql, command.order));
    if (!*row)
        return fail(ErrorCode::NotFound, QStringLiteral("no order %1").arg(command.order.value()));
    const OrderRow &order = **row;
    if (order.status != OrderState::Paid && order.status != OrderState::Ticketed)
        return fail(ErrorCode::OrderNotRefundable,
                    QStringLiteral("order %1 is %2: only PAID or TICKETED orders are exchanged")
                        .arg(command.order.value(), wireName(order.status)),
                    QJsonObject{{QStringLiteral("status"), wireName(order.status)}});
    TRY(tickets, chooseTickets(sql, order.order, command.tickets));
    if (tickets->isEmpty())
        return fail(ErrorCode::BadRequest, QStringLiteral("ticketCodes must name a ticket"));

    TRY(holdRow, readHold(sql, command.hold));
    if (!*holdRow)
        return fail(ErrorCode::NotFound, QStringLiteral("no hold %1").arg(command.hold.value()));
    const HoldRow &hold = **holdRow;
    if (hold.user != command.by.user)
        return fail(ErrorCode::Forbidden,
                    QStringLiteral("hold %1 belongs to another user").arg(command.hold.value()));
    if (hold.status != HoldState::Active)
        return std::unexpected(holdGone(command.hold, hold.status));
    if (hold.expiryMs <= nowMs)
        return std::unexpected(holdGone(command.hold, HoldState::Expired));
    if (hold.currency != order.currency)
        return fail(ErrorCode::CurrencyMismatch,
                    QStringLiteral("the new seats cost %1, the order was paid in %2")
                        .arg(hold.currency, order.currency));
    if (hold.seatCount != tickets->size())
        return fail(ErrorCode::BadRequest,
                    QStringLiteral("hold %1 has %2 seats for %3 tickets: exchange seat for seat")
                        .arg(command.hold.value())
                        .arg(hold.seatCount)
                        .arg(tickets->size()),
                    QJsonObject{{QStringLiteral("seatCount"), hold.seatCount},
                                {QStringLiteral("ticketCount"), int(tickets->size())}});
    TRY(other, sql.exec(QStringLiteral("SELECT order_id FROM ticket_order WHERE hold_id = ?"),
                        {command.hold.value()}));
    const bool ordered = (*other)->next();
    (*other)->finish();
    if (ordered)
        return fail(ErrorCode::Conflict,
                    QStringLiteral("hold %1 already has an order").arg(command.hold.value()));

    qint64 oldValue = 0;
    for (const TicketRow &ticket : *tickets)
        oldValue += ticket.view.priceCents;
    const qint64 difference = hold.totalCents - oldValue;
    TRY(tender, tenderOf(sql, order.order));
    TRY(method, methodOrTender(command.method, *tender));

    ExchangeOutcome outcome;
    outcome.exchange = newSortableId(u"EXC_", nowMs);
    outcome.order = order.order;
    outcome.differenceCents = difference;
    PaymentFacts topUp;
    if (difference > 0) {
        topUp.payment = PaymentId(newSortableId(u"PAY_", nowMs));
        topUp.source = QStringLiteral("BOX_OFFICE");
        topUp.method = wireName(*method);
        topUp.recordedBy = command.by.user.value();
        if (*method == RefundMethod::Cash) {
            if (command.tenderedCents < difference)
                return fail(ErrorCode::BadRequest,
                            QStringLiteral("%1 tendered is less than the %2 due")
                                .arg(std::max<qint64>(command.tenderedCents, 0))
                                .arg(difference),
                            QJsonObject{{QStringLiteral("differenceCents"), difference}});
            topUp.tenderedCents = command.tenderedCents;
            topUp.changeCents = command.tenderedCents - difference;
        } else {
            if (command.reference.isEmpty())
                return fail(ErrorCode::BadRequest,
                            QStringLiteral("reference: the card slip is required to take the %1 "
                                           "due by card")
                                .arg(difference));
            topUp.tenderedCents = difference;
            topUp.reference = command.reference;
        }
    } else if (difference < 0 && *method == RefundMethod::Card &&
               (!*tender || (*tender)->method != QLatin1StringView("CARD"))) {
        return fail(ErrorCode::NoCardPayment,
                    QStringLiteral("order %1 was not paid by card").arg(order.order.value()));
    }

    TRY(before, orderSnapshot(sql, order.order));
    // The old tickets go back and their seats are for sale again.
    QList<SeatId> oldSeats;
    for (const TicketRow &ticket : *tickets) {
        if (auto ok = revokeTicket(sql, ticket.view.code, QStringLiteral("EXCHANGE"), nowMs); !ok)
            return std::unexpected(ok.error());
        oldSeats.append(ticket.view.seat);
        outcome.revoked.append(ticket.view.code);
    }
    TRY(freed, freeSoldSeats(writer, order, oldSeats, nowMs));
    Q_UNUSED(freed);
    TRY(oldStatus, refundOrderIfEmpty(sql, order, nowMs));
    Q_UNUSED(oldStatus);

    // The new order, paid by the old tickets' value (and the customer's top-up).
    const OrderId newOrder(newSortableId(u"ORD_", nowMs));
    const OrderState pending = *nextState(OrderState::Init, OrderEvent::Submit);
    TRY(inserted,
        sql.change(QStringLiteral("INSERT INTO ticket_order (order_id, hold_id, show_id, user_id,"
                                  " amount_cents, currency, status, idempotency_key, request_hash,"
                                  " create_response, contact_name, contact_phone, pay_by,"
                                  " created_at, updated_at, shift_id, terminal)"
                                  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                   {newOrder.value(), command.hold.value(), hold.show.value(),
                    command.by.user.value(), hold.totalCents, hold.currency,
                    static_cast<int>(pending), outcome.exchange, QStringLiteral(""),
                    QStringLiteral("{}"), order.contactName, order.contactPhone, nowMs, nowMs,
                    nowMs, nullIfEmpty(command.by.shiftId), notNull(command.by.terminal)}));
    Q_UNUSED(inserted);
    OrderRow created;
    created.order = newOrder;
    created.hold = command.hold;
    created.show = hold.show;
    created.user = command.by.user;
    created.status = pending;
    created.amountCents = hold.totalCents;
    created.currency = hold.currency;
    created.payByMs = nowMs;
    created.createdMs = nowMs;

    PaymentFacts credit;
    credit.payment = PaymentId(outcome.exchange);
    credit.source = QStringLiteral("EXCHANGE");
    credit.method = QStringLiteral("EXCHANGE");
    credit.reference = order.order.value();
    credit.recordedBy = command.by.user.value();
    // What the old tickets pay of the new order; a surplus goes back as a refund below.
    const qint64 creditCents = std::min(oldValue, hold.totalCents);
    credit.tenderedCents = creditCents;
    if (auto ok =
            recordPayment(sql, credit, created, creditCents, QStringLiteral("APPLIED"), false,
                          QStringLiteral("exchange of order %1").arg(order.order.value()), nowMs);
        !ok)
        return std::unexpected(ok.error());
    PaymentId settling = credit.payment;
    if (difference > 0) {
        if (auto ok = recordPayment(sql, topUp, created, difference, QStringLiteral("APPLIED"),
                                    false, {}, nowMs);
            !ok)
            return std::unexpected(ok.error());
        settling = topUp.payment;
        outcome.changeCents = topUp.changeCents;
        outcome.payment = PaymentRecord{
            topUp.payment, topUp.source,        topUp.method,      QStringLiteral("APPLIED"),
            difference,    topUp.tenderedCents, topUp.changeCents, nowMs};
    }
    if (auto sold = sellHeldSeats(writer, created, settling, nowMs); !sold)
        return std::unexpected(sold.error());
    created.status = OrderState::Paid;
    TRY(issued, issueTickets(writer, signer, options, created, nowMs));
    outcome.tickets = *issued;
    outcome.newOrder = newOrder;

    if (difference < 0) {
        TRY(refund, recordRefund(sql, order, RefundKind::Exchange, *method, *tender, -difference,
                                 *tickets, command.reason, command.by, newOrder, nowMs));
        TRY(now, readOrder(sql, order.order));
        refund->orderStatus = (*now)->status;
        outcome.refund = *refund;
    }
    TRY(after, orderSnapshot(sql, order.order));
    TRY(afterNew, orderSnapshot(sql, newOrder));
    QJsonObject afterBoth = *after;
    afterBoth.insert(QStringLiteral("newOrder"), *afterNew);
    outcome.states = AuditStates{*before, afterBoth};
    return outcome;
}

} // namespace Rules

// ---------------------------------------------------------------------------------------------
// Queueing the commands.

namespace {

template <class T>
std::unique_ptr<TypedCommand<T>> makeCommand(WriterContext *writer, Completion<T> done)
{
    auto command = std::make_unique<TypedCommand<T>>();
    command->writer = writer;
    command->done = std::move(done);
    return command;
}

} // namespace

void BookingEngine::hold(HoldCommand command, Completion<HoldConfirmation> done)
{
    auto typed = makeCommand<HoldConfirmation>(m_writer.get(), std::move(done));
    typed->preloadShow = command.show;
    typed->body = [this, command = std::move(command)]() -> Result<HoldConfirmation> {
        // Loaded before the batch began (runBatch); never load inside the transaction.
        const auto state = m_registry->find(command.show);
        if (!state)
            return fail(ErrorCode::NotFound,
                        QStringLiteral("no show %1").arg(command.show.value()));
        return Rules::placeHold(*m_writer, m_options, *state, command, m_clock.nowMs());
    };
    enqueue(std::move(typed));
}

void BookingEngine::release(ReleaseCommand command, Completion<ReleaseOutcome> done)
{
    auto typed = makeCommand<ReleaseOutcome>(m_writer.get(), std::move(done));
    typed->body = [this, command = std::move(command)] {
        return Rules::releaseHold(*m_writer, command, m_clock.nowMs());
    };
    enqueue(std::move(typed));
}

void BookingEngine::createOrder(OrderCommand command, Completion<OrderCreated> done)
{
    auto typed = makeCommand<OrderCreated>(m_writer.get(), std::move(done));
    typed->body = [this, command = std::move(command)] {
        return Rules::createOrder(*m_writer, m_options, command, m_clock.nowMs());
    };
    enqueue(std::move(typed));
}

void BookingEngine::tender(TenderCommand command, Completion<PaymentOutcome> done)
{
    auto typed = makeCommand<PaymentOutcome>(m_writer.get(), std::move(done));
    typed->body = [this, command = std::move(command)] {
        return Rules::tender(*m_writer, m_signer, m_options, command, m_clock.nowMs());
    };
    enqueue(std::move(typed));
}

void BookingEngine::paymentCallback(CallbackCommand command, Completion<PaymentOutcome> done)
{
    auto typed = makeCommand<PaymentOutcome>(m_writer.get(), std::move(done));
    typed->body = [this, command = std::move(command)] {
        return Rules::paymentCallback(*m_writer, m_signer, m_options, command, m_clock.nowMs());
    };
    enqueue(std::move(typed));
}

void BookingEngine::verifyTicket(VerifyCommand command, Completion<VerifyOutcome> done)
{
    auto typed = makeCommand<VerifyOutcome>(m_writer.get(), std::move(done));
    typed->body = [this, command = std::move(command)] {
        return Rules::verifyTicket(*m_writer, command, m_clock.nowMs());
    };
    enqueue(std::move(typed));
}

void BookingEngine::uploadScans(ScanUploadCommand command, Completion<QList<VerifyOutcome>> done)
{
    auto typed = makeCommand<QList<VerifyOutcome>>(m_writer.get(), std::move(done));
    typed->body = [this, command = std::move(command)] {
        return Rules::uploadScans(*m_writer, command, m_clock.nowMs());
    };
    enqueue(std::move(typed));
}

void BookingEngine::cancelOrder(CancelOrderCommand command, Completion<CancelOrderOutcome> done)
{
    auto typed = makeCommand<CancelOrderOutcome>(m_writer.get(), std::move(done));
    typed->body = [this, command = std::move(command)] {
        return Rules::cancelOrder(*m_writer, command, m_clock.nowMs());
    };
    enqueue(std::move(typed));
}

void BookingEngine::sweepNow(Completion<int> done)
{
    auto typed = makeCommand<int>(m_writer.get(), std::move(done));
    typed->body = [this] { return Rules::sweep(*m_writer, m_signer, m_options, m_clock.nowMs()); };
    enqueue(std::move(typed));
}

void BookingEngine::refund(RefundCommand command, Completion<RefundOutcome> done)
{
    auto typed = makeCommand<RefundOutcome>(m_writer.get(), std::move(done));
    typed->body = [this, command = std::move(command)] {
        return Rules::refund(*m_writer, command, m_clock.nowMs());
    };
    enqueue(std::move(typed));
}

void BookingEngine::refundCallback(RefundCallbackCommand command,
                                   Completion<RefundCallbackOutcome> done)
{
    auto typed = makeCommand<RefundCallbackOutcome>(m_writer.get(), std::move(done));
    typed->body = [this, command = std::move(command)] {
        return Rules::refundCallback(*m_writer, command, m_clock.nowMs());
    };
    enqueue(std::move(typed));
}

void BookingEngine::voidOrder(VoidCommand command, Completion<VoidOutcome> done)
{
    auto typed = makeCommand<VoidOutcome>(m_writer.get(), std::move(done));
    typed->body = [this, command = std::move(command)] {
        return Rules::voidOrder(*m_writer, m_options, command, m_clock.nowMs());
    };
    enqueue(std::move(typed));
}

void BookingEngine::reprint(ReprintCommand command, Completion<ReprintOutcome> done)
{
    auto typed = makeCommand<ReprintOutcome>(m_writer.get(), std::move(done));
    typed->body = [this, command = std::move(command)] {
        return Rules::reprint(*m_writer, m_signer, m_options, command, m_clock.nowMs());
    };
    enqueue(std::move(typed));
}

void BookingEngine::exchange(ExchangeCommand command, Completion<ExchangeOutcome> done)
{
    auto typed = makeCommand<ExchangeOutcome>(m_writer.get(), std::move(done));
    typed->body = [this, command = std::move(command)] {
        return Rules::exchange(*m_writer, m_signer, m_options, command, m_clock.nowMs());
    };
    enqueue(std::move(typed));
}

Result<QList<ActiveHold>> BookingEngine::activeHolds(const ShowId &show, qint64 createdUpToMs,
                                                     int limit)
{
    TRY(connection, readConnection());
    Sql sql(**connection);
    TRY(query, sql.exec(QStringLiteral("SELECT h.hold_id, h.show_id, h.user_id, u.username,"
                                       " h.seat_ids, h.created_at, h.expiry_time,"
                                       " h.total_price_cents FROM seat_hold h"
                                       " LEFT JOIN app_user u ON u.user_id = h.user_id"
                                       " WHERE h.status = 0 AND h.show_id = ? AND h.created_at <= ?"
                                       " ORDER BY h.created_at, h.hold_id LIMIT ?"),
                        {show.value(), createdUpToMs, limit}));
    QList<ActiveHold> holds;
    QSqlQuery &q = **query;
    while (q.next())
        holds.append(ActiveHold{HoldId(q.value(0).toString()), ShowId(q.value(1).toString()),
                                UserId(q.value(2).toString()), q.value(3).toString(),
                                seatIdsFromJson(q.value(4).toString()), q.value(5).toLongLong(),
                                q.value(6).toLongLong(), q.value(7).toLongLong()});
    q.finish();
    return holds;
}

Result<QByteArray> BookingEngine::venueLayoutJson(const VenueId &venue)
{
    TRY(connection, readConnection());
    Sql sql(**connection);
    TRY(query, sql.exec(QStringLiteral("SELECT layout_json FROM venue WHERE venue_id = ?"),
                        {venue.value()}));
    QSqlQuery &q = **query;
    if (!q.next())
        return fail(ErrorCode::NotFound, QStringLiteral("no venue %1").arg(venue.value()));
    QByteArray json = q.value(0).toString().toUtf8();
    q.finish();
    return json;
}

Result<OrderView> BookingEngine::order(const OrderId &orderId)
{
    TRY(connection, readConnection());
    Sql sql(**connection);
    TRY(row, readOrder(sql, orderId));
    if (!*row)
        return fail(ErrorCode::NotFound, QStringLiteral("no order %1").arg(orderId.value()));
    const OrderRow &o = **row;
    OrderView view;
    view.order = o.order;
    view.hold = o.hold;
    view.show = o.show;
    view.user = o.user;
    view.status = o.status;
    TRY(money, Money::fromMinor(o.amountCents, o.currency));
    view.amount = *money;
    view.payByMs = o.payByMs;
    view.createdMs = o.createdMs;
    view.contactName = o.contactName;
    view.contactPhone = o.contactPhone;
    view.terminal = o.terminal;
    view.shiftId = o.shiftId;
    TRY(hold, readHold(sql, o.hold));
    if (*hold)
        view.seats = (*hold)->seats;
    TRY(tickets, readTickets(sql, o.order));
    view.tickets = *tickets;
    TRY(payments, sql.exec(QStringLiteral("SELECT payment_id, source, method, status, amount_cents,"
                                          " tendered_cents, change_cents, received_at FROM payment"
                                          " WHERE order_id = ? ORDER BY received_at"),
                           {orderId.value()}));
    while ((*payments)->next()) {
        QSqlQuery &q = **payments;
        view.payments.append(PaymentRecord{PaymentId(q.value(0).toString()), q.value(1).toString(),
                                           q.value(2).toString(), q.value(3).toString(),
                                           q.value(4).toLongLong(), q.value(5).toLongLong(),
                                           q.value(6).toLongLong(), q.value(7).toLongLong()});
    }
    (*payments)->finish();
    TRY(refunds, readRefunds(sql, QStringLiteral("r.order_id = ?"), {orderId.value()}));
    view.refunds = *refunds;
    return view;
}

// ---------------------------------------------------------------------------------------------
// Opening, recovery and the writer loop.

Result<> BookingEngine::open()
{
    if (m_thread.joinable())
        return fail(ErrorCode::Internal, QStringLiteral("the booking engine is already open"));
    {
        std::lock_guard lock(m_queueMutex);
        m_stopping = false;
    }
    // A Qt SQL connection belongs to the thread that opened it, so the writer opens its own,
    // migrates and schedules the active holds before it reports back.
    std::promise<Result<>> started;
    auto ready = started.get_future();
    m_thread = std::thread([this, &started] {
        auto prepared = prepareWriter();
        const bool ok = prepared.has_value();
        started.set_value(std::move(prepared));
        if (ok)
            writerMain();
        m_writer->connection.reset();
    });
    Result<> result = ready.get();
    if (!result) {
        m_thread.join();
        return result;
    }
    if (m_options.database.dialect == SqlDialect::Sqlite)
        m_checkpointer = std::thread([this] { checkpointerMain(); });
    return {};
}

Result<> BookingEngine::prepareWriter()
{
    auto connection = Connection::open(
        m_options.database,
        QStringLiteral("boxoffice-writer-%1").arg(reinterpret_cast<quintptr>(this)));
    if (!connection)
        return std::unexpected(connection.error());
    m_writer->connection = std::move(*connection);
    if (auto migrated = migrateSchema(*m_writer->connection, m_clock.nowMs()); !migrated)
        return std::unexpected(migrated.error());
    if (m_options.database.dialect == SqlDialect::Sqlite) {
        // Checkpoints run on the checkpointer thread, not inside the writer's COMMIT.
        if (auto ok = m_writer->connection->execute(QStringLiteral("PRAGMA wal_autocheckpoint=0"));
            !ok)
            return std::unexpected(ok.error());
    }

    // Holds that are still active: schedule them. Those already overdue (the server was down)
    // expire in the first batch, before any new command.
    Sql sql(*m_writer->connection);
    TRY(active,
        sql.exec(QStringLiteral("SELECT hold_id, expiry_time FROM seat_hold WHERE status = 0"),
                 {}));
    while ((*active)->next())
        m_writer->schedule(HoldId((*active)->value(0).toString()),
                           (*active)->value(1).toLongLong());
    (*active)->finish();
    qCInfo(lcCore) << "booking engine open:" << m_writer->expiryOf.size() << "active holds";
    return {};
}

void BookingEngine::checkpointerMain()
{
    auto connection = Connection::open(
        m_options.database,
        QStringLiteral("boxoffice-checkpoint-%1").arg(reinterpret_cast<quintptr>(this)));
    if (!connection) {
        qCWarning(lcCore).noquote() << "no checkpointer; the log grows until the writer bounds it:"
                                    << connection.error().message;
        return;
    }
    for (;;) {
        {
            std::unique_lock lock(m_queueMutex);
            if (m_checkpointerWake.wait_for(lock, std::chrono::milliseconds(50),
                                            [this] { return m_stopping; }))
                break;
        }
        // PASSIVE never blocks the writer; once it has copied every frame, the writer's next
        // transaction starts the log from the beginning again.
        if (auto ok = (*connection)->execute(QStringLiteral("PRAGMA wal_checkpoint(PASSIVE)")); !ok)
            qCWarning(lcCore).noquote() << "checkpoint failed:" << ok.error().message;
    }
    (void)(*connection)->execute(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
}

void BookingEngine::boundWriteAheadLog()
{
    // Under sustained load the passive checkpoints never catch up with the end of the log, so
    // it would grow without end; past a bound the writer waits for one complete checkpoint.
    constexpr qint64 kMaxLogBytes = 64LL * 1024 * 1024;
    if (m_options.database.dialect != SqlDialect::Sqlite || ++m_batchesSinceLogCheck < 32)
        return;
    m_batchesSinceLogCheck = 0;
    const QFileInfo log(m_options.database.path + QStringLiteral("-wal"));
    if (log.size() <= kMaxLogBytes)
        return;
    if (auto ok = m_writer->connection->execute(QStringLiteral("PRAGMA wal_checkpoint(RESTART)"));
        !ok)
        qCWarning(lcCore).noquote() << "log restart failed:" << ok.error().message;
}

void BookingEngine::writerMain()
{
    using SteadyClock = std::chrono::steady_clock;
    auto nextSweep = SteadyClock::now();
    for (;;) {
        std::vector<std::unique_ptr<Command>> commands;
        bool stopping = false;
        {
            std::unique_lock lock(m_queueMutex);
            auto deadline = nextSweep;
            if (m_options.expiryTimerEnabled) {
                if (const auto next = m_writer->nextExpiry()) {
                    const qint64 waitMs = std::max<qint64>(0, *next - m_clock.nowMs());
                    deadline =
                        std::min(deadline, SteadyClock::now() + std::chrono::milliseconds(waitMs));
                }
            }
            m_queueChanged.wait_until(
                lock, deadline, [&] { return m_stopping || m_wakeRequested || !m_queue.empty(); });
            m_wakeRequested = false;
            stopping = m_stopping;
            while (!m_queue.empty() && static_cast<int>(commands.size()) < m_options.maxBatch) {
                commands.push_back(std::move(m_queue.front()));
                m_queue.pop_front();
            }
        }
        const bool sweepDue = SteadyClock::now() >= nextSweep;
        if (sweepDue) {
            nextSweep = SteadyClock::now() + std::chrono::milliseconds(m_options.sweepIntervalMs);
            // The compensating scan goes through the queue like any command.
            std::vector<std::unique_ptr<Command>> scan;
            auto typed = makeCommand<int>(m_writer.get(), [](Result<int> expired) {
                if (!expired)
                    qCWarning(lcCore).noquote() << "expiry scan failed:" << expired.error().message;
                else if (*expired > 0)
                    qCInfo(lcCore) << "expiry scan released" << *expired << "overdue holds";
            });
            typed->body = [this] {
                return Rules::sweep(*m_writer, m_signer, m_options, m_clock.nowMs());
            };
            commands.insert(commands.begin(), std::move(typed));
        }
        const bool holdsDue =
            m_options.expiryTimerEnabled && !m_writer->dueHolds(m_clock.nowMs()).isEmpty();
        if (!commands.empty() || holdsDue) {
            const bool ok = runBatch(commands);
            boundWriteAheadLog();
            // A database that fails every batch (disk full) is not retried in a tight loop.
            if (!ok)
                std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
        if (stopping) {
            std::lock_guard lock(m_queueMutex);
            if (m_queue.empty())
                break;
        }
    }
}

bool BookingEngine::runBatch(std::vector<std::unique_ptr<Command>> &commands)
{
    WriterContext &writer = *m_writer;
    // Seat maps are loaded outside the transaction so that they only ever hold committed rows.
    for (auto &command : commands) {
        const ShowId show = command->preload();
        if (!show.isEmpty())
            (void)m_registry->get(show, *writer.connection);
    }

    auto attempt = [&](std::vector<Command *> group) -> Result<> {
        writer.changes.clear();
        writer.afterCommit.clear();
        writer.broken = false;
        auto tx = WriteTransaction::begin(*writer.connection);
        if (!tx)
            return std::unexpected(tx.error());
        // Holds that came due expire before any command sees their seats.
        const qint64 now = m_clock.nowMs();
        const QList<HoldId> due =
            m_options.expiryTimerEnabled ? writer.dueHolds(now) : QList<HoldId>();
        for (const HoldId &hold : due) {
            auto ended = writer.isolated<bool>(
                [&] { return Rules::endHold(writer, hold, HoldEvent::Expire, now); });
            if (!ended)
                qCWarning(lcCore).noquote()
                    << "expiring hold" << hold.value()
                    << "failed; the expiry scan retries it:" << ended.error().message;
            // Not due any more (or failing): off the schedule, so the writer does not spin on
            // it; the periodic scan still finds it by its expiry_time.
            if (!ended || !*ended)
                writer.afterCommit.push_back([&writer, hold] { writer.unschedule(hold); });
            if (writer.broken)
                return fail(ErrorCode::StorageFailure, QStringLiteral("expiring holds failed"));
        }
        for (Command *command : group) {
            command->execute();
            if (writer.broken)
                return fail(ErrorCode::StorageFailure, QStringLiteral("a command broke the batch"));
        }
        // The change feed: one version per change, per show, in commit order.
        Sql sql(*writer.connection);
        QHash<ShowId, qint64> versions;
        CommittedChanges committed;
        // Per show, consecutive changes to the same status share one version: a batch of
        // holds on one show becomes one change-feed row instead of hundreds. A seat cannot
        // appear twice in such a run (it would have to change status in between).
        std::vector<SeatChange> folded;
        std::vector<ShowId> foldedShow;
        QHash<ShowId, std::size_t> lastOfShow;
        for (StagedChange &staged : writer.changes) {
            if (staged.seatIndexes.empty())
                continue;
            const auto last = lastOfShow.constFind(staged.show);
            if (last != lastOfShow.cend() && folded[*last].status == staged.status) {
                SeatChange &into = folded[*last];
                into.seatIndexes.insert(into.seatIndexes.end(), staged.seatIndexes.begin(),
                                        staged.seatIndexes.end());
                into.heldUntilPerSeat.insert(into.heldUntilPerSeat.end(), staged.seatIndexes.size(),
                                             staged.heldUntilMs);
                continue;
            }
            SeatChange change;
            change.status = staged.status;
            change.heldUntilPerSeat.assign(staged.seatIndexes.size(), staged.heldUntilMs);
            change.seatIndexes = std::move(staged.seatIndexes);
            lastOfShow.insert(staged.show, folded.size());
            folded.push_back(std::move(change));
            foldedShow.push_back(staged.show);
        }
        // Each show's version moves by its number of changes in one guarded increment (never
        // read-then-write, so several instances on one database cannot hand out a version
        // twice), shows in id order so concurrent batches lock them in the same order.
        QMap<ShowId, qint64> changesOfShow;
        for (const ShowId &show : foldedShow)
            ++changesOfShow[show];
        for (auto it = changesOfShow.cbegin(); it != changesOfShow.cend(); ++it) {
            TRY(bumped,
                sql.exec(QStringLiteral("UPDATE event_show SET version = version + ?,"
                                        " updated_at = ? WHERE show_id = ? RETURNING version"),
                         {it.value(), now, it.key().value()}));
            if (!(*bumped)->next()) {
                (*bumped)->finish();
                return fail(ErrorCode::Internal,
                            QStringLiteral("show %1 vanished").arg(it.key().value()));
            }
            versions.insert(it.key(), (*bumped)->value(0).toLongLong() - it.value());
            (*bumped)->finish();
        }
        for (std::size_t i = 0; i < folded.size(); ++i) {
            const ShowId &show = foldedShow[i];
            SeatChange &change = folded[i];
            change.version = ++versions[show];
            QByteArray indexes;
            indexes.reserve(static_cast<qsizetype>(change.seatIndexes.size()) * 7);
            for (int index : change.seatIndexes) {
                if (!indexes.isEmpty())
                    indexes.append(',');
                indexes.append(QByteArray::number(index));
            }
            TRY(feed,
                sql.change(QStringLiteral("INSERT INTO seat_change (show_id, version, status,"
                                          " seat_indexes, changed_at) VALUES (?, ?, ?, ?, ?)"),
                           {show.value(), change.version, static_cast<int>(change.status),
                            QString::fromLatin1(indexes), now}));
            Q_UNUSED(feed);
            committed.emplace_back(show, std::move(change));
        }
        if (auto ok = tx->commit(); !ok)
            return ok;
        for (auto &after : writer.afterCommit)
            after();
        writer.dropStale();
        for (const auto &[show, change] : committed)
            m_registry->apply(show, change);
        if (m_listener && !committed.empty())
            m_listener(committed);
        return {};
    };

    std::vector<Command *> all;
    all.reserve(commands.size());
    for (auto &command : commands)
        all.push_back(command.get());
    if (auto ok = attempt(all); ok) {
        for (Command *command : all)
            command->complete(nullptr);
        return true;
    } else {
        qCWarning(lcCore).noquote()
            << "batch of" << all.size()
            << "commands failed, retrying one by one:" << ok.error().message;
    }
    // One command poisoned the batch (or the disk failed): isolate it.
    for (Command *command : all) {
        if (auto ok = attempt({command}); ok)
            command->complete(nullptr);
        else
            command->complete(&ok.error());
    }
    return false;
}

} // namespace Boxoffice::Core

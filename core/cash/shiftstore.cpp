#include "core/cash/shiftstore.h"

#include "core/common/logging.h"
#include "core/security/random.h"
#include "core/storage/database.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>
#include <QSqlQuery>
#include <QTimeZone>

namespace Boxoffice::Core {

namespace {

const QString kOpen = QStringLiteral("OPEN");
const QString kClosed = QStringLiteral("CLOSED");
constexpr qint64 kDayMs = 24LL * 3600 * 1000;

const QString kShiftColumns =
    QStringLiteral("SELECT s.shift_id, s.user_id, u.username, s.terminal, s.status,"
                   " s.float_cents, s.opened_at, s.closed_at, s.counted_cents"
                   " FROM cash_shift s JOIN app_user u ON u.user_id = s.user_id");

Shift shiftFrom(const QSqlQuery &q)
{
    Shift shift;
    shift.id = q.value(0).toString();
    shift.user = UserId(q.value(1).toString());
    shift.username = q.value(2).toString();
    shift.terminal = q.value(3).toString();
    shift.open = q.value(4).toString() == kOpen;
    shift.floatCents = q.value(5).toLongLong();
    shift.openedMs = q.value(6).toLongLong();
    shift.closedMs = q.value(7).isNull() ? 0 : q.value(7).toLongLong();
    if (!q.value(8).isNull())
        shift.countedCents = q.value(8).toLongLong();
    return shift;
}

Result<std::optional<Shift>> readShift(Connection &connection, const QString &shiftId)
{
    auto query =
        connection.query(kShiftColumns + QStringLiteral(" WHERE s.shift_id = ?"), {shiftId});
    if (!query)
        return std::unexpected(query.error());
    std::optional<Shift> shift;
    if ((*query)->next())
        shift = shiftFrom(**query);
    (*query)->finish();
    return shift;
}

// Ticket codes of a refund: a JSON array, or a comma-separated list.
int ticketCount(const QString &codes)
{
    const QJsonDocument json = QJsonDocument::fromJson(codes.toUtf8());
    if (json.isArray())
        return static_cast<int>(json.array().size());
    return static_cast<int>(codes.split(u',', Qt::SkipEmptyParts).size());
}

// The money of one shift, from the payments and refunds stamped with its id.
Result<ShiftFigures> figuresOf(Connection &connection, const Shift &shift)
{
    ShiftFigures figures;
    figures.floatCents = shift.floatCents;
    // A payment on an order that also holds an EXCHANGE credit is the top-up of an exchange,
    // not a sale of its own.
    auto sales = connection.query(
        QStringLiteral("SELECT p.method, p.amount_cents, COALESCE(h.seat_count, 0),"
                       " (SELECT COUNT(*) FROM payment x WHERE x.order_id = p.order_id"
                       " AND x.method = 'EXCHANGE')"
                       " FROM payment p JOIN ticket_order o ON o.order_id = p.order_id"
                       " LEFT JOIN seat_hold h ON h.hold_id = o.hold_id"
                       " WHERE p.shift_id = ? AND p.status = 'APPLIED'"
                       " AND p.method IN ('CASH', 'CARD')"),
        {shift.id});
    if (!sales)
        return std::unexpected(sales.error());
    while ((*sales)->next()) {
        const QSqlQuery &q = **sales;
        const bool cash = q.value(0).toString() == QLatin1StringView("CASH");
        const qint64 amount = q.value(1).toLongLong();
        if (q.value(3).toLongLong() > 0) {
            ++figures.exchanges.count;
            (cash ? figures.exchanges.cashInCents : figures.exchanges.cardInCents) += amount;
            continue;
        }
        ++figures.sales.count;
        figures.sales.tickets += q.value(2).toInt();
        (cash ? figures.sales.cashCents : figures.sales.cardCents) += amount;
    }
    (*sales)->finish();

    // Money out: completed refunds, and card refunds on their way back. Failed card refunds
    // and EXCHANGE credits moved no money.
    auto refunds = connection.query(
        QStringLiteral("SELECT kind, method, amount_cents, ticket_codes FROM refund"
                       " WHERE shift_id = ? AND status IN ('COMPLETED',"
                       " 'CARD_PENDING') AND method IN ('CASH', 'CARD')"),
        {shift.id});
    if (!refunds)
        return std::unexpected(refunds.error());
    while ((*refunds)->next()) {
        const QSqlQuery &q = **refunds;
        const bool cash = q.value(1).toString() == QLatin1StringView("CASH");
        const qint64 amount = q.value(2).toLongLong();
        if (q.value(0).toString() == QLatin1StringView("EXCHANGE")) {
            ++figures.exchanges.count;
            (cash ? figures.exchanges.cashOutCents : figures.exchanges.cardOutCents) += amount;
            continue;
        }
        ++figures.refunds.count;
        figures.refunds.tickets += ticketCount(q.value(3).toString());
        (cash ? figures.refunds.cashCents : figures.refunds.cardCents) += amount;
    }
    (*refunds)->finish();
    return figures;
}

QJsonObject tenderJson(const TenderTotals &t)
{
    return QJsonObject{{QStringLiteral("count"), t.count},
                       {QStringLiteral("tickets"), t.tickets},
                       {QStringLiteral("cashCents"), t.cashCents},
                       {QStringLiteral("cardCents"), t.cardCents},
                       {QStringLiteral("totalCents"), t.totalCents()}};
}

QJsonObject exchangeJson(const ExchangeTotals &e)
{
    return QJsonObject{{QStringLiteral("count"), e.count},
                       {QStringLiteral("cashInCents"), e.cashInCents},
                       {QStringLiteral("cashOutCents"), e.cashOutCents},
                       {QStringLiteral("cardInCents"), e.cardInCents},
                       {QStringLiteral("cardOutCents"), e.cardOutCents}};
}

void addFigures(QJsonObject &json, const ShiftFigures &f)
{
    json.insert(QStringLiteral("sales"), tenderJson(f.sales));
    json.insert(QStringLiteral("refunds"), tenderJson(f.refunds));
    json.insert(QStringLiteral("exchanges"), exchangeJson(f.exchanges));
    json.insert(QStringLiteral("netCashCents"), f.netCashCents());
    json.insert(QStringLiteral("floatCents"), f.floatCents);
    json.insert(QStringLiteral("expectedCashCents"), f.expectedCashCents());
}

QJsonObject groupJson(const ShiftGroupTotals &g)
{
    QJsonObject json{{QStringLiteral("shifts"), g.shifts},
                     {QStringLiteral("openShifts"), g.openShifts},
                     {QStringLiteral("countedCents"), g.countedCents},
                     {QStringLiteral("differenceCents"), g.differenceCents}};
    addFigures(json, g.figures);
    return json;
}

void addTo(ShiftGroupTotals &group, const Shift &shift, const ShiftFigures &figures)
{
    ++group.shifts;
    group.figures += figures;
    if (shift.open) {
        ++group.openShifts;
    } else {
        const qint64 counted = shift.countedCents.value_or(0);
        group.countedCents += counted;
        group.differenceCents += counted - figures.expectedCashCents();
    }
}

} // namespace

TenderTotals &TenderTotals::operator+=(const TenderTotals &other)
{
    count += other.count;
    tickets += other.tickets;
    cashCents += other.cashCents;
    cardCents += other.cardCents;
    return *this;
}

ExchangeTotals &ExchangeTotals::operator+=(const ExchangeTotals &other)
{
    count += other.count;
    cashInCents += other.cashInCents;
    cashOutCents += other.cashOutCents;
    cardInCents += other.cardInCents;
    cardOutCents += other.cardOutCents;
    return *this;
}

qint64 ShiftFigures::netCashCents() const
{
    return sales.cashCents - refunds.cashCents + exchanges.cashInCents - exchanges.cashOutCents;
}

ShiftFigures &ShiftFigures::operator+=(const ShiftFigures &other)
{
    sales += other.sales;
    refunds += other.refunds;
    exchanges += other.exchanges;
    floatCents += other.floatCents;
    return *this;
}

QJsonObject shiftJson(const Shift &shift)
{
    QJsonObject json{{QStringLiteral("shiftId"), shift.id},
                     {QStringLiteral("userId"), shift.user.value()},
                     {QStringLiteral("username"), shift.username},
                     {QStringLiteral("terminal"), shift.terminal},
                     {QStringLiteral("status"), shift.open ? kOpen : kClosed},
                     {QStringLiteral("floatCents"), shift.floatCents},
                     {QStringLiteral("openedAt"), isoUtc(shift.openedMs)}};
    if (!shift.open)
        json.insert(QStringLiteral("closedAt"), isoUtc(shift.closedMs));
    if (shift.countedCents)
        json.insert(QStringLiteral("countedCents"), *shift.countedCents);
    return json;
}

QJsonObject shiftReportJson(const ShiftReport &report)
{
    QJsonObject json{
        {QStringLiteral("kind"), report.closing ? QStringLiteral("Z") : QStringLiteral("X")},
        {QStringLiteral("shift"), shiftJson(report.shift)},
        {QStringLiteral("generatedAt"), isoUtc(report.generatedMs)}};
    addFigures(json, report.figures);
    if (report.shift.countedCents) {
        json.insert(QStringLiteral("countedCents"), *report.shift.countedCents);
        json.insert(QStringLiteral("differenceCents"),
                    *report.shift.countedCents - report.figures.expectedCashCents());
    }
    return json;
}

QJsonObject dayReportJson(const DayReport &report)
{
    QJsonArray cashiers;
    for (const ShiftGroupTotals &g : report.byCashier) {
        QJsonObject json = groupJson(g);
        json.insert(QStringLiteral("userId"), g.key);
        json.insert(QStringLiteral("username"), g.username);
        cashiers.append(json);
    }
    QJsonArray terminals;
    for (const ShiftGroupTotals &g : report.byTerminal) {
        QJsonObject json = groupJson(g);
        json.insert(QStringLiteral("terminal"), g.key);
        terminals.append(json);
    }
    return QJsonObject{{QStringLiteral("date"), report.date.toString(Qt::ISODate)},
                       {QStringLiteral("byCashier"), cashiers},
                       {QStringLiteral("byTerminal"), terminals},
                       {QStringLiteral("total"), groupJson(report.total)}};
}

ShiftStore::ShiftStore(ConnectionProvider connections, const Clock &clock)
    : m_connections(std::move(connections))
    , m_clock(clock)
{}

Result<Shift> ShiftStore::open(const UserId &user, const QString &terminal, qint64 floatCents)
{
    if (terminal.isEmpty())
        return fail(ErrorCode::BadRequest,
                    QStringLiteral("a shift belongs to a terminal: log in with a terminal name"));
    if (floatCents < 0)
        return fail(ErrorCode::BadRequest, QStringLiteral("floatCents must not be negative"));
    auto connection = m_connections();
    if (!connection)
        return std::unexpected(connection.error());
    auto transaction = WriteTransaction::begin(**connection);
    if (!transaction)
        return std::unexpected(transaction.error());
    auto taken =
        (*connection)
            ->query(QStringLiteral("SELECT shift_id, user_id, terminal FROM cash_shift"
                                   " WHERE status = 'OPEN' AND (user_id = ? OR terminal = ?)"),
                    {user.value(), terminal});
    if (!taken)
        return std::unexpected(taken.error());
    if ((*taken)->next()) {
        const QString other = (*taken)->value(0).toString();
        const bool sameUser = (*taken)->value(1).toString() == user.value();
        (*taken)->finish();
        return fail(
            ErrorCode::ShiftAlreadyOpen,
            sameUser ? QStringLiteral("you already have shift %1 open").arg(other)
                     : QStringLiteral("terminal %1 already has shift %2 open").arg(terminal, other),
            QJsonObject{{QStringLiteral("shiftId"), other}});
    }
    (*taken)->finish();
    const qint64 now = m_clock.nowMs();
    const QString id = newSortableId(u"SHIFT_", now);
    auto insert =
        (*connection)
            ->query(QStringLiteral("INSERT INTO cash_shift (shift_id, user_id, terminal, status,"
                                   " float_cents, opened_at) VALUES (?, ?, ?, 'OPEN', ?, ?)"),
                    {id, user.value(), terminal, floatCents, now});
    if (!insert)
        return std::unexpected(insert.error());
    (*insert)->finish();
    if (auto ok = transaction->commit(); !ok)
        return std::unexpected(ok.error());
    auto shift = readShift(**connection, id);
    if (!shift)
        return std::unexpected(shift.error());
    if (!*shift)
        return fail(ErrorCode::Internal, QStringLiteral("shift %1 vanished").arg(id));
    qCInfo(lcCore).noquote() << "shift" << id << "opened on" << terminal;
    return **shift;
}

Result<Shift> ShiftStore::current(const UserId &user)
{
    auto connection = m_connections();
    if (!connection)
        return std::unexpected(connection.error());
    auto query =
        (*connection)
            ->query(kShiftColumns + QStringLiteral(" WHERE s.user_id = ? AND s.status = 'OPEN'"),
                    {user.value()});
    if (!query)
        return std::unexpected(query.error());
    if (!(*query)->next()) {
        (*query)->finish();
        return fail(ErrorCode::NoOpenShift, QStringLiteral("no shift is open for this user"));
    }
    Shift shift = shiftFrom(**query);
    (*query)->finish();
    return shift;
}

Result<QString> ShiftStore::openShiftId(const UserId &user, const QString &terminal)
{
    if (terminal.isEmpty())
        return QString();
    auto connection = m_connections();
    if (!connection)
        return std::unexpected(connection.error());
    auto query = (*connection)
                     ->query(QStringLiteral("SELECT shift_id FROM cash_shift WHERE user_id = ?"
                                            " AND terminal = ? AND status = 'OPEN'"),
                             {user.value(), terminal});
    if (!query)
        return std::unexpected(query.error());
    QString id;
    if ((*query)->next())
        id = (*query)->value(0).toString();
    (*query)->finish();
    return id;
}

Result<Shift> ShiftStore::find(const QString &shiftId)
{
    auto connection = m_connections();
    if (!connection)
        return std::unexpected(connection.error());
    auto shift = readShift(**connection, shiftId);
    if (!shift)
        return std::unexpected(shift.error());
    if (!*shift)
        return fail(ErrorCode::NotFound, QStringLiteral("no shift %1").arg(shiftId));
    return **shift;
}

Result<QList<Shift>> ShiftStore::list(const ShiftFilter &filter, int limit)
{
    auto connection = m_connections();
    if (!connection)
        return std::unexpected(connection.error());
    const QString empty = QStringLiteral("");
    auto query =
        (*connection)
            ->query(kShiftColumns +
                        QStringLiteral(
                            " WHERE (? = 0 OR s.user_id = ?) AND (? = 0 OR s.terminal = ?)"
                            " AND (? = 0 OR s.opened_at >= ?) AND (? = 0 OR s.opened_at <= ?)"
                            " AND (? = 0 OR s.status = ?)"
                            " ORDER BY s.opened_at DESC, s.shift_id DESC LIMIT ?"),
                    {filter.user.isEmpty() ? 0 : 1, filter.user.isEmpty() ? empty : filter.user,
                     filter.terminal.isEmpty() ? 0 : 1,
                     filter.terminal.isEmpty() ? empty : filter.terminal, filter.fromMs ? 1 : 0,
                     filter.fromMs.value_or(0), filter.toMs ? 1 : 0, filter.toMs.value_or(0),
                     filter.open ? 1 : 0, filter.open ? (*filter.open ? kOpen : kClosed) : empty,
                     limit});
    if (!query)
        return std::unexpected(query.error());
    QList<Shift> shifts;
    while ((*query)->next())
        shifts.append(shiftFrom(**query));
    (*query)->finish();
    return shifts;
}

Result<QJsonObject> ShiftStore::report(const QString &shiftId)
{
    auto connection = m_connections();
    if (!connection)
        return std::unexpected(connection.error());
    auto shift = readShift(**connection, shiftId);
    if (!shift)
        return std::unexpected(shift.error());
    if (!*shift)
        return fail(ErrorCode::NotFound, QStringLiteral("no shift %1").arg(shiftId));
    if (!(*shift)->open) {
        auto stored =
            (*connection)
                ->query(QStringLiteral("SELECT z_report FROM cash_shift WHERE shift_id = ?"),
                        {shiftId});
        if (!stored)
            return std::unexpected(stored.error());
        QJsonObject z;
        if ((*stored)->next())
            z = QJsonDocument::fromJson((*stored)->value(0).toString().toUtf8()).object();
        (*stored)->finish();
        if (z.isEmpty())
            return fail(ErrorCode::Internal,
                        QStringLiteral("shift %1 is closed but has no Z report").arg(shiftId));
        return z;
    }
    auto figures = figuresOf(**connection, **shift);
    if (!figures)
        return std::unexpected(figures.error());
    return shiftReportJson(ShiftReport{false, **shift, *figures, m_clock.nowMs()});
}

Result<QJsonObject> ShiftStore::close(const QString &shiftId, qint64 countedCents)
{
    if (countedCents < 0)
        return fail(ErrorCode::BadRequest, QStringLiteral("countedCents must not be negative"));
    auto connection = m_connections();
    if (!connection)
        return std::unexpected(connection.error());
    // The write lock is taken first: no payment can join the shift between the figures and
    // the close.
    auto transaction = WriteTransaction::begin(**connection);
    if (!transaction)
        return std::unexpected(transaction.error());
    auto shift = readShift(**connection, shiftId);
    if (!shift)
        return std::unexpected(shift.error());
    if (!*shift)
        return fail(ErrorCode::NotFound, QStringLiteral("no shift %1").arg(shiftId));
    if (!(*shift)->open)
        return fail(ErrorCode::ShiftClosed, QStringLiteral("shift %1 is closed").arg(shiftId));
    auto figures = figuresOf(**connection, **shift);
    if (!figures)
        return std::unexpected(figures.error());
    const qint64 now = m_clock.nowMs();
    Shift closed = **shift;
    closed.open = false;
    closed.closedMs = now;
    closed.countedCents = countedCents;
    const QJsonObject z = shiftReportJson(ShiftReport{true, closed, *figures, now});
    auto update =
        (*connection)
            ->query(QStringLiteral("UPDATE cash_shift SET status = 'CLOSED', counted_cents = ?,"
                                   " closed_at = ?, z_report = ? WHERE shift_id = ?"
                                   " AND status = 'OPEN'"),
                    {countedCents, now,
                     QString::fromUtf8(QJsonDocument(z).toJson(QJsonDocument::Compact)), shiftId});
    if (!update)
        return std::unexpected(update.error());
    const int rows = (*update)->numRowsAffected();
    (*update)->finish();
    if (rows != 1)
        return fail(ErrorCode::ShiftClosed, QStringLiteral("shift %1 is closed").arg(shiftId));
    if (auto ok = transaction->commit(); !ok)
        return std::unexpected(ok.error());
    qCInfo(lcCore).noquote() << "shift" << shiftId << "closed; difference"
                             << countedCents - figures->expectedCashCents();
    return z;
}

Result<DayReport> ShiftStore::day(const QDate &date)
{
    const qint64 from = QDateTime(date, QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch();
    ShiftFilter filter;
    filter.fromMs = from;
    filter.toMs = from + kDayMs - 1;
    auto shifts = list(filter, 100'000);
    if (!shifts)
        return std::unexpected(shifts.error());
    auto connection = m_connections();
    if (!connection)
        return std::unexpected(connection.error());
    DayReport report;
    report.date = date;
    QMap<QString, ShiftGroupTotals> cashiers;
    QMap<QString, ShiftGroupTotals> terminals;
    // Groups come out sorted by user id and by terminal name.
    for (auto it = shifts->crbegin(); it != shifts->crend(); ++it) {
        const Shift &shift = *it;
        auto figures = figuresOf(**connection, shift);
        if (!figures)
            return std::unexpected(figures.error());
        ShiftGroupTotals &cashier = cashiers[shift.user.value()];
        cashier.key = shift.user.value();
        cashier.username = shift.username;
        addTo(cashier, shift, *figures);
        ShiftGroupTotals &terminal = terminals[shift.terminal];
        terminal.key = shift.terminal;
        addTo(terminal, shift, *figures);
        addTo(report.total, shift, *figures);
    }
    report.byCashier = cashiers.values();
    report.byTerminal = terminals.values();
    return report;
}

} // namespace Boxoffice::Core

#include "core/booking/ordersearch.h"

#include "core/storage/database.h"

#include <QSqlQuery>

namespace Boxoffice::Core {

namespace {

constexpr int kMinPhoneDigits = 4;
constexpr int kMinNameLength = 2;

// The stored number's digits: the separators phoneDigits() accepts, removed in SQL.
const QString kStoredDigits = QStringLiteral(
    "REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(COALESCE(o.contact_phone, ''),"
    " ' ', ''), '+', ''), '-', ''), '(', ''), ')', ''), '.', ''), '/', '')");

// A LIKE pattern matching `text` anywhere, with the pattern characters escaped by '\'.
QString containsPattern(const QString &text)
{
    QString escaped;
    for (QChar c : text) {
        if (c == u'\\' || c == u'%' || c == u'_')
            escaped.append(u'\\');
        escaped.append(c);
    }
    return u'%' + escaped + u'%';
}

Result<QList<OrderSummary>> select(Connection &connection, const QString &condition,
                                   const QVariant &value, const OrderSearch &search)
{
    auto query = connection.prepare(
        QStringLiteral(
            "SELECT o.order_id, o.show_id, COALESCE(e.title, ''), COALESCE(e.start_time, 0),"
            " o.status, o.amount_cents, o.currency, o.created_at, o.contact_name,"
            " o.contact_phone, COALESCE(h.seat_count, 0),"
            " (SELECT COUNT(*) FROM issued_ticket t WHERE t.order_id = o.order_id"
            " AND t.status = 1), o.terminal, o.user_id"
            " FROM ticket_order o LEFT JOIN event_show e ON e.show_id = o.show_id"
            " LEFT JOIN seat_hold h ON h.hold_id = o.hold_id WHERE ") +
        condition +
        QStringLiteral(" AND (? = 0 OR o.show_id = ?)"
                       " ORDER BY o.created_at DESC, o.order_id DESC LIMIT ?"));
    if (!query)
        return std::unexpected(query.error());
    QSqlQuery &q = **query;
    q.bindValue(0, value);
    q.bindValue(1, search.show.isEmpty() ? 0 : 1);
    q.bindValue(2, search.show.isEmpty() ? QStringLiteral("") : search.show.value());
    q.bindValue(3, search.limit);
    if (auto ok = Connection::run(q); !ok)
        return std::unexpected(ok.error());
    QList<OrderSummary> orders;
    while (q.next()) {
        OrderSummary o;
        o.order = OrderId(q.value(0).toString());
        o.show = ShowId(q.value(1).toString());
        o.showTitle = q.value(2).toString();
        o.showStartMs = q.value(3).toLongLong();
        o.status = orderStateFromInt(q.value(4).toInt()).value_or(OrderState::Cancelled);
        o.amountCents = q.value(5).toLongLong();
        o.currency = q.value(6).toString();
        o.createdMs = q.value(7).toLongLong();
        o.contactName = q.value(8).toString();
        o.contactPhone = q.value(9).toString();
        o.seatCount = q.value(10).toInt();
        o.validTicketCount = q.value(11).toInt();
        o.terminal = q.value(12).toString();
        o.user = UserId(q.value(13).toString());
        orders.append(o);
    }
    q.finish();
    return orders;
}

} // namespace

QString wireName(OrderMatch match)
{
    switch (match) {
    case OrderMatch::OrderId:
        return QStringLiteral("ORDER_ID");
    case OrderMatch::TicketCode:
        return QStringLiteral("TICKET_CODE");
    case OrderMatch::Qr:
        return QStringLiteral("QR");
    case OrderMatch::Phone:
        return QStringLiteral("PHONE");
    case OrderMatch::Name:
        return QStringLiteral("NAME");
    case OrderMatch::None:
        break;
    }
    return QStringLiteral("NONE");
}

QString phoneDigits(const QString &text)
{
    QString digits;
    for (QChar c : text) {
        if (c >= u'0' && c <= u'9')
            digits.append(c);
        else if (!QStringView(u" +-()./").contains(c))
            return {};
    }
    return digits;
}

Result<OrderSearchResult> searchOrders(Connection &connection, const OrderSearch &search)
{
    const QString text = search.text.trimmed();
    struct Attempt
    {
        OrderMatch match;
        QString condition;
        QVariant value;
    };
    QList<Attempt> attempts;
    if (!text.isEmpty()) {
        attempts.append({OrderMatch::OrderId, QStringLiteral("o.order_id = ?"), text});
        const QString byTicket = QStringLiteral(
            "o.order_id IN (SELECT t.order_id FROM issued_ticket t WHERE t.ticket_code = ?)");
        attempts.append({OrderMatch::TicketCode, byTicket, text});
        if (search.qrTicket)
            attempts.append({OrderMatch::Qr, byTicket, search.qrTicket->value()});
        const QString digits = phoneDigits(text);
        if (digits.size() >= kMinPhoneDigits)
            attempts.append({OrderMatch::Phone, kStoredDigits + QStringLiteral(" LIKE ?"),
                             containsPattern(digits)});
        else if (digits.isEmpty() && text.size() >= kMinNameLength)
            attempts.append(
                {OrderMatch::Name,
                 QStringLiteral("LOWER(COALESCE(o.contact_name, '')) LIKE ? ESCAPE '\\'"),
                 containsPattern(text.toLower())});
    }
    for (const Attempt &attempt : attempts) {
        auto orders = select(connection, attempt.condition, attempt.value, search);
        if (!orders)
            return std::unexpected(orders.error());
        if (!orders->isEmpty())
            return OrderSearchResult{*orders, attempt.match};
    }
    return OrderSearchResult{};
}

} // namespace Boxoffice::Core

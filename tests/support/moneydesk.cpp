#include "moneydesk.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QUuid>

#include <algorithm>

namespace Boxoffice::Test {

MoneyDesk::MoneyDesk(TestServer &server)
    : m_server(server)
{}

bool MoneyDesk::loginAll(QString *why)
{
    m_clients.clear();
    for (const char *role : {"clerk", "supervisor", "kiosk", "admin"}) {
        auto client = std::make_unique<TestClient>(m_server.baseUrl());
        const HttpReply reply =
            client->login(QLatin1StringView(role), m_server.options().demoPassword);
        if (reply.status != 201) {
            *why = reply.describe();
            return false;
        }
        m_clients[QLatin1StringView(role)] = std::move(client);
    }
    m_clients[QStringLiteral("anonymous")] = std::make_unique<TestClient>(m_server.baseUrl());
    return true;
}

QList<qint64> MoneyDesk::prices(const QString &show)
{
    QList<qint64> prices;
    const HttpReply reply =
        as(QStringLiteral("clerk")).get(QStringLiteral("/shows/%1/seats").arg(show));
    for (const QJsonValue &seat : reply.json.value(QStringLiteral("seats")).toArray()) {
        const qint64 price = seat[QStringLiteral("priceCents")].toInteger();
        if (!prices.contains(price))
            prices.append(price);
    }
    std::sort(prices.begin(), prices.end());
    return prices;
}

QStringList MoneyDesk::freeSeats(const QString &show, int count, qint64 priceCents)
{
    QStringList seats;
    const HttpReply reply =
        as(QStringLiteral("clerk")).get(QStringLiteral("/shows/%1/seats").arg(show));
    for (const QJsonValue &seat : reply.json.value(QStringLiteral("seats")).toArray()) {
        const QString id = seat[QStringLiteral("seatId")].toString();
        if (seat[QStringLiteral("status")].toString() == QLatin1StringView("AVAILABLE") &&
            !m_handedOut.contains(show + u'/' + id) &&
            (priceCents < 0 || seat[QStringLiteral("priceCents")].toInteger() == priceCents)) {
            seats.append(id);
            m_handedOut.insert(show + u'/' + id);
        }
        if (seats.size() == count)
            break;
    }
    return seats;
}

QString MoneyDesk::hold(const QString &role, const QString &show, const QStringList &seats,
                        QString *why)
{
    const HttpReply held =
        as(role).post(QStringLiteral("/shows/%1/holds").arg(show),
                      QJsonObject{{QStringLiteral("seatIds"), QJsonArray::fromStringList(seats)},
                                  {QStringLiteral("holdSeconds"), 600}});
    if (held.status != 201) {
        *why = QStringLiteral("hold: ") + held.describe();
        return {};
    }
    return held.json.value(QStringLiteral("holdId")).toString();
}

std::optional<TestSale> MoneyDesk::unpaidSale(int count, const QString &show, QString *why,
                                              qint64 priceCents)
{
    TestSale sale;
    sale.show = show;
    sale.seats = freeSeats(show, count, priceCents);
    if (sale.seats.size() != count) {
        *why = QStringLiteral("not enough free seats in ") + show;
        return std::nullopt;
    }
    sale.hold = hold(QStringLiteral("clerk"), show, sale.seats, why);
    if (sale.hold.isEmpty())
        return std::nullopt;
    const HttpReply ordered =
        as(QStringLiteral("clerk"))
            .post(QStringLiteral("/orders"),
                  QJsonObject{{QStringLiteral("holdId"), sale.hold},
                              {QStringLiteral("contact"),
                               QJsonObject{{QStringLiteral("name"), QStringLiteral("Nina")}}}},
                  {{"X-Idempotency-Key", "money-desk-" + QByteArray::number(++m_keys) + '-' +
                                             QUuid::createUuid().toByteArray(QUuid::Id128)}});
    if (ordered.status != 201) {
        *why = QStringLiteral("order: ") + ordered.describe();
        return std::nullopt;
    }
    sale.order = ordered.json.value(QStringLiteral("orderId")).toString();
    sale.amountCents = ordered.json.value(QStringLiteral("amountCents")).toInteger();
    sale.currency = ordered.json.value(QStringLiteral("currency")).toString();
    return sale;
}

std::optional<TestSale> MoneyDesk::paidSale(int count, const QString &show, QString *why,
                                            qint64 priceCents)
{
    auto sale = unpaidSale(count, show, why, priceCents);
    if (!sale)
        return std::nullopt;
    const HttpReply paid =
        as(QStringLiteral("clerk"))
            .post(QStringLiteral("/orders/%1/payments").arg(sale->order),
                  QJsonObject{{QStringLiteral("method"), QStringLiteral("CASH")},
                              {QStringLiteral("amountTenderedCents"), sale->amountCents}});
    if (paid.status != 201 ||
        paid.json.value(QStringLiteral("status")).toString() != QLatin1StringView("TICKETED")) {
        *why = QStringLiteral("payment: ") + paid.describe();
        return std::nullopt;
    }
    for (const QJsonValue &ticket : paid.json.value(QStringLiteral("tickets")).toArray())
        sale->tickets.append(ticket.toObject());
    if (sale->tickets.size() != count) {
        *why = QStringLiteral("payment issued %1 tickets").arg(sale->tickets.size());
        return std::nullopt;
    }
    return sale;
}

QStringList MoneyDesk::seatStatuses(const QString &show, const QStringList &seats)
{
    QHash<QString, QString> all;
    const HttpReply reply =
        as(QStringLiteral("supervisor")).get(QStringLiteral("/shows/%1/seats").arg(show));
    for (const QJsonValue &seat : reply.json.value(QStringLiteral("seats")).toArray())
        all.insert(seat[QStringLiteral("seatId")].toString(),
                   seat[QStringLiteral("status")].toString());
    QStringList statuses;
    for (const QString &seat : seats)
        statuses.append(all.value(seat, QStringLiteral("MISSING")));
    return statuses;
}

QJsonObject MoneyDesk::order(const QString &orderId)
{
    return as(QStringLiteral("supervisor")).get(QStringLiteral("/orders/") + orderId).json;
}

QString MoneyDesk::scan(const QString &qrPayload)
{
    const HttpReply reply = as(QStringLiteral("supervisor"))
                                .post(QStringLiteral("/tickets/verify"),
                                      QJsonObject{{QStringLiteral("qrPayload"), qrPayload}});
    return reply.status == 200 ? reply.json.value(QStringLiteral("result")).toString()
                               : QStringLiteral("HTTP %1").arg(reply.status);
}

QList<QJsonObject> MoneyDesk::auditDetails(const QString &action, const QString &subject)
{
    const QString name = QStringLiteral("money-desk-audit-") + QUuid::createUuid().toString();
    QList<QJsonObject> details;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(m_server.dataDir() + QStringLiteral("/boxoffice.db"));
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
        if (db.open()) {
            QSqlQuery query(db);
            query.prepare(QStringLiteral("SELECT detail FROM audit_log WHERE action = ?"
                                         " AND subject = ? ORDER BY id"));
            query.addBindValue(action);
            query.addBindValue(subject);
            if (query.exec()) {
                while (query.next())
                    details.append(
                        QJsonDocument::fromJson(query.value(0).toString().toUtf8()).object());
            }
        }
    }
    QSqlDatabase::removeDatabase(name);
    return details;
}

} // namespace Boxoffice::Test

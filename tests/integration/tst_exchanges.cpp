// Exchanges over HTTP against the real server (docs/supervisor-api.md, Exchanges): tickets
// traded for seats the supervisor holds, on the same show or another, the price difference
// settled (cash with change when the customer pays more, a refund when less); the old tickets
// revoked and their seats for sale again, a new ticketed order for the new seats. Mismatched
// currencies, a seat count that does not match, an expired or foreign hold, short cash: clear
// errors that change nothing.

#include "moneydesk.h"
#include "testserver.h"

#include <QJsonArray>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

using namespace Boxoffice::Test;

namespace {

constexpr int kWaitMs = 30'000;

TestServer::Options shortHolds()
{
    TestServer::Options options;
    options.extraArguments = {QStringLiteral("--min-hold-seconds"), QStringLiteral("1")};
    return options;
}

QStringList codesOf(const TestSale &sale)
{
    QStringList codes;
    for (const QJsonObject &ticket : sale.tickets)
        codes.append(ticket.value(QStringLiteral("ticketCode")).toString());
    return codes;
}

} // namespace

class TestExchanges : public QObject
{
    Q_OBJECT

private:
    TestServer m_server{shortHolds()};
    MoneyDesk m_desk{m_server};
    qint64 m_low = 0;  // the cheapest seat price of seagull-1
    qint64 m_high = 0; // the dearest

    HttpReply exchange(const QString &role, const TestSale &sale, const QString &hold,
                       QJsonObject extra = {}, const QStringList &codes = {})
    {
        extra.insert(QStringLiteral("ticketCodes"),
                     QJsonArray::fromStringList(codes.isEmpty() ? codesOf(sale) : codes));
        extra.insert(QStringLiteral("holdId"), hold);
        if (!extra.contains(QStringLiteral("reason")))
            extra.insert(QStringLiteral("reason"), QStringLiteral("wants to sit closer"));
        return m_desk.as(role).post(QStringLiteral("/orders/%1/exchanges").arg(sale.order), extra);
    }
    QString holdSeats(const QString &show, int count, qint64 price, QStringList *seats)
    {
        *seats = m_desk.freeSeats(show, count, price);
        QString why;
        const QString hold = m_desk.hold(QStringLiteral("supervisor"), show, *seats, &why);
        if (hold.isEmpty())
            qWarning().noquote() << why;
        return hold;
    }
    void expectUnchanged(const TestSale &sale)
    {
        QCOMPARE(m_desk.order(sale.order).value(QStringLiteral("status")).toString(),
                 QStringLiteral("TICKETED"));
        QCOMPARE(m_desk.seatStatuses(sale.show, sale.seats),
                 QStringList(sale.seats.size(), QStringLiteral("SOLD")));
    }

private slots:
    void initTestCase()
    {
        // One show sells in another currency.
        QVERIFY2(m_server.start(), qPrintable(m_server.output()));
        m_server.stop();
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"),
                                                        QStringLiteral("exchange-setup"));
            db.setDatabaseName(m_server.dataDir() + QStringLiteral("/boxoffice.db"));
            QVERIFY(db.open());
            QSqlQuery query(db);
            QVERIFY(query.exec(QStringLiteral(
                "UPDATE event_show SET currency = 'USD' WHERE show_id = 'jazz-night'")));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("exchange-setup"));
        QVERIFY2(m_server.restart(), qPrintable(m_server.output()));
        QString why;
        QVERIFY2(m_desk.loginAll(&why), qPrintable(why));
        const QList<qint64> prices = m_desk.prices(QStringLiteral("seagull-1"));
        QVERIFY(prices.size() >= 2);
        m_low = prices.first();
        m_high = prices.last();
    }

    void cleanup()
    {
        QString report;
        QVERIFY2(m_server.runAudit(&report) == 0, qPrintable(report));
    }

    void upgradePaidInCashWithChange()
    {
        QString why;
        const auto sale = m_desk.paidSale(2, QStringLiteral("seagull-1"), &why, m_low);
        QVERIFY2(sale, qPrintable(why));
        QStringList seats;
        const QString hold = holdSeats(QStringLiteral("seagull-1"), 2, m_high, &seats);
        QVERIFY(!hold.isEmpty());
        const qint64 difference = 2 * (m_high - m_low);

        const HttpReply done = exchange(QStringLiteral("supervisor"), *sale, hold,
                                        {{QStringLiteral("method"), QStringLiteral("CASH")},
                                         {QStringLiteral("tenderedCents"), difference + 500}});
        QVERIFY2(done.status == 201, qPrintable(done.describe()));
        const QJsonObject &e = done.json;
        QVERIFY(
            e.value(QStringLiteral("exchangeId")).toString().startsWith(QLatin1StringView("EXC_")));
        QCOMPARE(e.value(QStringLiteral("orderId")).toString(), sale->order);
        const QString newOrder = e.value(QStringLiteral("newOrderId")).toString();
        QVERIFY(!newOrder.isEmpty() && newOrder != sale->order);
        QCOMPARE(sorted(stringList(e.value(QStringLiteral("revokedTicketCodes")))),
                 sorted(codesOf(*sale)));
        QCOMPARE(e.value(QStringLiteral("differenceCents")).toInteger(), difference);
        QCOMPARE(e.value(QStringLiteral("changeCents")).toInteger(), 500);
        QCOMPARE(e[QStringLiteral("payment")][QStringLiteral("method")].toString(),
                 QStringLiteral("CASH"));
        QCOMPARE(e[QStringLiteral("payment")][QStringLiteral("amountCents")].toInteger(),
                 difference);
        QVERIFY(!e.contains(QStringLiteral("refund")));
        const QJsonArray tickets = e.value(QStringLiteral("tickets")).toArray();
        QCOMPARE(tickets.size(), 2);

        // Old seats for sale, new seats sold, old QRs revoked, new ones valid.
        QCOMPARE(m_desk.seatStatuses(QStringLiteral("seagull-1"), sale->seats),
                 QStringList(2, QStringLiteral("AVAILABLE")));
        QCOMPARE(m_desk.seatStatuses(QStringLiteral("seagull-1"), seats),
                 QStringList(2, QStringLiteral("SOLD")));
        for (const QJsonObject &ticket : sale->tickets)
            QCOMPARE(m_desk.scan(ticket.value(QStringLiteral("qrPayload")).toString()),
                     QStringLiteral("REVOKED"));
        QCOMPARE(m_desk.scan(tickets[0][QStringLiteral("qrPayload")].toString()),
                 QStringLiteral("VALID"));
        const QJsonObject old = m_desk.order(sale->order);
        QCOMPARE(old.value(QStringLiteral("status")).toString(), QStringLiteral("REFUNDED"));
        QCOMPARE(old[QStringLiteral("tickets")][0][QStringLiteral("revokedReason")].toString(),
                 QStringLiteral("EXCHANGE"));
        const QJsonObject created = m_desk.order(newOrder);
        QCOMPARE(created.value(QStringLiteral("status")).toString(), QStringLiteral("TICKETED"));
        QCOMPARE(created.value(QStringLiteral("amountCents")).toInteger(), 2 * m_high);
        const QJsonArray payments = created.value(QStringLiteral("payments")).toArray();
        QCOMPARE(payments.size(), 2);
        QCOMPARE(payments[0][QStringLiteral("source")].toString(), QStringLiteral("EXCHANGE"));
        QCOMPARE(payments[0][QStringLiteral("amountCents")].toInteger(), 2 * m_low);

        QTRY_COMPARE_WITH_TIMEOUT(
            m_desk.auditDetails(QStringLiteral("exchange"), sale->order).size(), 1, kWaitMs);
        const QJsonObject detail =
            m_desk.auditDetails(QStringLiteral("exchange"), sale->order).first();
        QCOMPARE(detail.value(QStringLiteral("newOrderId")).toString(), newOrder);
        QCOMPARE(detail[QStringLiteral("before")][QStringLiteral("orderStatus")].toString(),
                 QStringLiteral("TICKETED"));
        QCOMPARE(detail[QStringLiteral("after")][QStringLiteral("orderStatus")].toString(),
                 QStringLiteral("REFUNDED"));
        QCOMPARE(detail[QStringLiteral("after")][QStringLiteral("newOrder")]
                       [QStringLiteral("orderStatus")]
                           .toString(),
                 QStringLiteral("TICKETED"));
    }

    void downgradeRefundsTheDifference()
    {
        QString why;
        const auto sale = m_desk.paidSale(1, QStringLiteral("seagull-1"), &why, m_high);
        QVERIFY2(sale, qPrintable(why));
        QStringList seats;
        const QString hold = holdSeats(QStringLiteral("seagull-1"), 1, m_low, &seats);
        QVERIFY(!hold.isEmpty());
        const HttpReply done = exchange(QStringLiteral("supervisor"), *sale, hold);
        QVERIFY2(done.status == 201, qPrintable(done.describe()));
        QCOMPARE(done.json.value(QStringLiteral("differenceCents")).toInteger(), m_low - m_high);
        QVERIFY(!done.json.contains(QStringLiteral("payment")));
        const QJsonObject refund = done.json.value(QStringLiteral("refund")).toObject();
        QCOMPARE(refund.value(QStringLiteral("kind")).toString(), QStringLiteral("EXCHANGE"));
        QCOMPARE(refund.value(QStringLiteral("method")).toString(), QStringLiteral("CASH"));
        QCOMPARE(refund.value(QStringLiteral("status")).toString(), QStringLiteral("COMPLETED"));
        QCOMPARE(refund.value(QStringLiteral("amountCents")).toInteger(), m_high - m_low);
        QCOMPARE(refund.value(QStringLiteral("exchangeOrderId")),
                 done.json.value(QStringLiteral("newOrderId")));
        QCOMPARE(m_desk.order(sale->order).value(QStringLiteral("refunds")).toArray().size(), 1);
    }

    void partialExchangeToAnotherShow()
    {
        QString why;
        const auto sale = m_desk.paidSale(2, QStringLiteral("seagull-1"), &why, m_low);
        QVERIFY2(sale, qPrintable(why));
        QStringList seats;
        const QString hold = holdSeats(QStringLiteral("seagull-2"), 1, m_low, &seats);
        QVERIFY(!hold.isEmpty());
        const QString first = codesOf(*sale).first();
        const HttpReply done = exchange(QStringLiteral("supervisor"), *sale, hold, {}, {first});
        QVERIFY2(done.status == 201, qPrintable(done.describe()));
        QCOMPARE(done.json.value(QStringLiteral("differenceCents")).toInteger(), 0);
        QVERIFY(!done.json.contains(QStringLiteral("refund")));
        QCOMPARE(m_desk.order(sale->order).value(QStringLiteral("status")).toString(),
                 QStringLiteral("TICKETED"));
        QCOMPARE(m_desk.seatStatuses(QStringLiteral("seagull-2"), seats),
                 QStringList{QStringLiteral("SOLD")});
        const QJsonObject created =
            m_desk.order(done.json.value(QStringLiteral("newOrderId")).toString());
        QCOMPARE(created.value(QStringLiteral("showId")).toString(), QStringLiteral("seagull-2"));
        QCOMPARE(created.value(QStringLiteral("status")).toString(), QStringLiteral("TICKETED"));
    }

    void clearErrorsChangeNothing()
    {
        QString why;
        const auto sale = m_desk.paidSale(2, QStringLiteral("seagull-1"), &why, m_low);
        QVERIFY2(sale, qPrintable(why));
        QStringList seats;

        // Another currency.
        const QString dollars = holdSeats(QStringLiteral("jazz-night"), 2, -1, &seats);
        QVERIFY(!dollars.isEmpty());
        const HttpReply currency = exchange(QStringLiteral("supervisor"), *sale, dollars);
        QCOMPARE(currency.status, 409);
        QCOMPARE(currency.errorCode(), QStringLiteral("CURRENCY_MISMATCH"));
        expectUnchanged(*sale);

        // Too few seats for the tickets.
        const QString one = holdSeats(QStringLiteral("seagull-1"), 1, m_low, &seats);
        QVERIFY(!one.isEmpty());
        const HttpReply count = exchange(QStringLiteral("supervisor"), *sale, one);
        QCOMPARE(count.status, 400);
        QCOMPARE(m_desk.seatStatuses(QStringLiteral("seagull-1"), seats),
                 QStringList{QStringLiteral("HELD")});
        expectUnchanged(*sale);

        // Short cash, and card without a slip, when the customer pays more.
        const QString dear = holdSeats(QStringLiteral("seagull-1"), 2, m_high, &seats);
        QVERIFY(!dear.isEmpty());
        const HttpReply shortCash = exchange(QStringLiteral("supervisor"), *sale, dear,
                                             {{QStringLiteral("method"), QStringLiteral("CASH")},
                                              {QStringLiteral("tenderedCents"), 1}});
        QCOMPARE(shortCash.status, 400);
        const HttpReply noSlip = exchange(QStringLiteral("supervisor"), *sale, dear,
                                          {{QStringLiteral("method"), QStringLiteral("CARD")}});
        QCOMPARE(noSlip.status, 400);
        expectUnchanged(*sale);

        // Someone else's hold.
        const QStringList clerkSeats = m_desk.freeSeats(QStringLiteral("seagull-1"), 2, m_low);
        const QString foreign =
            m_desk.hold(QStringLiteral("clerk"), QStringLiteral("seagull-1"), clerkSeats, &why);
        QVERIFY2(!foreign.isEmpty(), qPrintable(why));
        QCOMPARE(exchange(QStringLiteral("supervisor"), *sale, foreign).status, 403);

        // Unknown hold, order, ticket.
        QCOMPARE(exchange(QStringLiteral("supervisor"), *sale, QStringLiteral("HOLD_NONE")).status,
                 404);
        QCOMPARE(exchange(QStringLiteral("supervisor"), *sale, dear, {},
                          {QStringLiteral("T_NOT_THERE"), QStringLiteral("T_NOR_THIS")})
                     .errorCode(),
                 QStringLiteral("TICKET_NOT_FOUND"));
        TestSale ghost = *sale;
        ghost.order = QStringLiteral("ORD_NOT_THERE");
        QCOMPARE(exchange(QStringLiteral("supervisor"), ghost, dear).status, 404);
        expectUnchanged(*sale);

        // Clerks cannot exchange.
        QCOMPARE(exchange(QStringLiteral("clerk"), *sale, foreign).status, 403);
        QCOMPARE(exchange(QStringLiteral("anonymous"), *sale, dear).status, 401);
        expectUnchanged(*sale);
    }

    void expiredHoldIsRefused()
    {
        QString why;
        const auto sale = m_desk.paidSale(1, QStringLiteral("seagull-1"), &why, m_low);
        QVERIFY2(sale, qPrintable(why));
        const QStringList seats = m_desk.freeSeats(QStringLiteral("seagull-1"), 1, m_low);
        const HttpReply held =
            m_desk.as(QStringLiteral("supervisor"))
                .post(QStringLiteral("/shows/seagull-1/holds"),
                      QJsonObject{{QStringLiteral("seatIds"), QJsonArray::fromStringList(seats)},
                                  {QStringLiteral("holdSeconds"), 1}});
        QCOMPARE(held.status, 201);
        // The expiry frees the seat; then the hold is gone for good.
        QTRY_COMPARE_WITH_TIMEOUT(m_desk.seatStatuses(QStringLiteral("seagull-1"), seats),
                                  QStringList{QStringLiteral("AVAILABLE")}, kWaitMs);
        const HttpReply refused = exchange(QStringLiteral("supervisor"), *sale,
                                           held.json.value(QStringLiteral("holdId")).toString());
        QCOMPARE(refused.status, 410);
        QCOMPARE(refused.errorCode(), QStringLiteral("HOLD_EXPIRED"));
        expectUnchanged(*sale);
    }

    void badInput_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("empty body") << QByteArray();
        QTest::newRow("not JSON") << QByteArray("{\"holdId\"");
        QTest::newRow("ticketCodes missing") << QByteArray(R"({"holdId":"H","reason":"r"})");
        QTest::newRow("ticketCodes empty")
            << QByteArray(R"({"ticketCodes":[],"holdId":"H","reason":"r"})");
        QTest::newRow("holdId missing") << QByteArray(R"({"ticketCodes":["T"],"reason":"r"})");
        QTest::newRow("holdId too long") << QByteArray(R"({"ticketCodes":["T"],"holdId":")" +
                                                       QByteArray(65, 'h') + R"(","reason":"r"})");
        QTest::newRow("reason missing") << QByteArray(R"({"ticketCodes":["T"],"holdId":"H"})");
        QTest::newRow("method unknown")
            << QByteArray(R"({"ticketCodes":["T"],"holdId":"H","reason":"r","method":"IOU"})");
        QTest::newRow("tenderedCents negative")
            << QByteArray(R"({"ticketCodes":["T"],"holdId":"H","reason":"r","tenderedCents":-1})");
        QTest::newRow("tenderedCents a string")
            << QByteArray(R"({"ticketCodes":["T"],"holdId":"H","reason":"r","tenderedCents":"9"})");
        QTest::newRow("reference too long")
            << QByteArray(R"({"ticketCodes":["T"],"holdId":"H","reason":"r","reference":")" +
                          QByteArray(129, 'x') + R"("})");
    }

    void badInput()
    {
        QFETCH(QByteArray, body);
        QString why;
        const auto sale = m_desk.paidSale(1, QStringLiteral("seagull-1"), &why);
        QVERIFY2(sale, qPrintable(why));
        const HttpReply reply =
            m_desk.as(QStringLiteral("supervisor"))
                .request("POST", QStringLiteral("/orders/%1/exchanges").arg(sale->order), body,
                         {{"Content-Type", "application/json"}});
        QVERIFY2(reply.status == 400, qPrintable(reply.describe()));
        QCOMPARE(reply.errorCode(), QStringLiteral("BAD_REQUEST"));
        expectUnchanged(*sale);
    }
};

QTEST_GUILESS_MAIN(TestExchanges)
#include "tst_exchanges.moc"

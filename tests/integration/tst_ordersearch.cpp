// Finding an order at the box office (GET /orders?q=) against a real server: by order id,
// ticket code, the full scanned QR payload, phone digits however they are typed, and a part of
// the customer's name in any case; newest first; nothing found is an empty list; bad input is a
// 400; a kiosk may not search.

#include "testserver.h"

#include <QJsonArray>
#include <QTest>
#include <QUrl>

#include <memory>

using namespace Boxoffice::Test;
using namespace Qt::StringLiterals;

class TestOrderSearch : public QObject
{
    Q_OBJECT

private:
    TestServer m_server;
    std::unique_ptr<TestClient> m_clerk;
    int m_nextSeat = 0;
    int m_keys = 0;

    struct Placed
    {
        QString order;
        QString ticket;
        QString qr;
    };
    Placed m_anna;   // paid, ticketed
    Placed m_bernd;  // awaiting payment
    Placed m_annika; // paid, on the other show

    std::optional<Placed> place(const QString &show, int seats, const QString &name,
                                const QString &phone, bool pay)
    {
        QJsonArray ids;
        for (int i = 0; i < seats; ++i)
            ids.append(u"STALLS-B-%1"_s.arg(++m_nextSeat));
        const HttpReply hold = m_clerk->post(u"/shows/%1/holds"_s.arg(show), {{u"seatIds"_s, ids}});
        if (hold.status != 201)
            return std::nullopt;
        const HttpReply made =
            m_clerk->post(u"/orders"_s,
                          {{u"holdId"_s, hold.json.value(u"holdId"_s)},
                           {u"contact"_s, QJsonObject{{u"name"_s, name}, {u"phone"_s, phone}}}},
                          {{"X-Idempotency-Key", "search-" + QByteArray::number(++m_keys)}});
        if (made.status != 201)
            return std::nullopt;
        Placed placed{made.json.value(u"orderId"_s).toString(), {}, {}};
        if (pay) {
            const HttpReply paid =
                m_clerk->post(u"/orders/%1/payments"_s.arg(placed.order),
                              {{u"method"_s, u"CASH"_s},
                               {u"amountTenderedCents"_s, made.json.value(u"amountCents"_s)}});
            if (paid.status != 201)
                return std::nullopt;
            const QJsonObject ticket = paid.json.value(u"tickets"_s).toArray().first().toObject();
            placed.ticket = ticket.value(u"ticketCode"_s).toString();
            placed.qr = ticket.value(u"qrPayload"_s).toString();
        }
        return placed;
    }

    HttpReply search(const QString &q, const QString &extra = {})
    {
        return m_clerk->get(u"/orders?q="_s + QString::fromLatin1(QUrl::toPercentEncoding(q)) +
                            extra);
    }

    static QStringList ids(const HttpReply &reply)
    {
        QStringList list;
        for (const QJsonValue &order : reply.json.value(u"orders"_s).toArray())
            list.append(order[u"orderId"_s].toString());
        return list;
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(m_server.start(), qPrintable(m_server.output()));
        m_clerk = std::make_unique<TestClient>(m_server.baseUrl());
        QCOMPARE(m_clerk->login(u"clerk"_s, m_server.options().demoPassword, u"Window 3"_s).status,
                 201);
        auto anna = place(u"seagull-1"_s, 2, u"Anna Lindqvist"_s, u"+49 170 555-1234"_s, true);
        QVERIFY(anna);
        m_anna = *anna;
        auto bernd = place(u"seagull-1"_s, 1, u"Bernd Ohm"_s, u"0761 99 88 77"_s, false);
        QVERIFY(bernd);
        m_bernd = *bernd;
        auto annika = place(u"seagull-2"_s, 1, u"ANNIKA Berg"_s, u"(030) 1234-00"_s, true);
        QVERIFY(annika);
        m_annika = *annika;
    }

    void byOrderId()
    {
        const HttpReply found = search(m_bernd.order);
        QVERIFY2(found.status == 200, qPrintable(found.describe()));
        QCOMPARE(found.json.value(u"matchedBy"_s).toString(), u"ORDER_ID"_s);
        QCOMPARE(ids(found), QStringList{m_bernd.order});
        const QJsonObject order = found.json.value(u"orders"_s).toArray().first().toObject();
        QCOMPARE(order.value(u"showId"_s).toString(), u"seagull-1"_s);
        QCOMPARE(order.value(u"showTitle"_s).toString(), u"The Seagull"_s);
        QVERIFY(!order.value(u"showStart"_s).toString().isEmpty());
        QCOMPARE(order.value(u"status"_s).toString(), u"PENDING_PAY"_s);
        QVERIFY(order.value(u"amountCents"_s).toInteger() > 0);
        QCOMPARE(order.value(u"currency"_s).toString(), u"EUR"_s);
        QCOMPARE(order[u"contact"_s][u"name"_s].toString(), u"Bernd Ohm"_s);
        QCOMPARE(order[u"contact"_s][u"phone"_s].toString(), u"0761 99 88 77"_s);
        QCOMPARE(order.value(u"seatCount"_s).toInt(), 1);
        QCOMPARE(order.value(u"validTicketCount"_s).toInt(), 0);
        QCOMPARE(order.value(u"terminal"_s).toString(), u"Window 3"_s);
        QVERIFY(!order.value(u"userId"_s).toString().isEmpty());
        QVERIFY(!order.value(u"createdAt"_s).toString().isEmpty());
    }

    void byTicketCode()
    {
        const HttpReply found = search(m_anna.ticket);
        QCOMPARE(found.status, 200);
        QCOMPARE(found.json.value(u"matchedBy"_s).toString(), u"TICKET_CODE"_s);
        QCOMPARE(ids(found), QStringList{m_anna.order});
        const QJsonObject order = found.json.value(u"orders"_s).toArray().first().toObject();
        QCOMPARE(order.value(u"seatCount"_s).toInt(), 2);
        QCOMPARE(order.value(u"validTicketCount"_s).toInt(), 2);
        QCOMPARE(order.value(u"status"_s).toString(), u"TICKETED"_s);
    }

    void byScannedQr()
    {
        // As a keyboard-wedge scanner types it: with a trailing newline.
        const HttpReply found = search(m_annika.qr + u"\n"_s);
        QCOMPARE(found.status, 200);
        QCOMPARE(found.json.value(u"matchedBy"_s).toString(), u"QR"_s);
        QCOMPARE(ids(found), QStringList{m_annika.order});
        // A payload with a broken signature finds nothing.
        QString forged = m_annika.qr;
        forged[forged.size() - 2] = forged[forged.size() - 2] == u'A' ? u'B' : u'A';
        const HttpReply none = search(forged);
        QCOMPARE(none.status, 200);
        QCOMPARE(none.json.value(u"matchedBy"_s).toString(), u"NONE"_s);
        QVERIFY(ids(none).isEmpty());
    }

    void byPhoneDigits_data()
    {
        QTest::addColumn<QString>("q");
        QTest::addColumn<QString>("who");
        QTest::newRow("international") << u"+49 170 5551234"_s << u"anna"_s;
        QTest::newRow("tail digits") << u"1234"_s << u"both"_s;
        QTest::newRow("spaced") << u"555 12 34"_s << u"anna"_s;
        QTest::newRow("dashes") << u"0761-998877"_s << u"bernd"_s;
        QTest::newRow("brackets") << u"(030) 123400"_s << u"annika"_s;
    }

    void byPhoneDigits()
    {
        QFETCH(QString, q);
        QFETCH(QString, who);
        const HttpReply found = search(q);
        QVERIFY2(found.status == 200, qPrintable(found.describe()));
        QCOMPARE(found.json.value(u"matchedBy"_s).toString(), u"PHONE"_s);
        if (who == u"anna"_s)
            QCOMPARE(ids(found), QStringList{m_anna.order});
        else if (who == u"bernd"_s)
            QCOMPARE(ids(found), QStringList{m_bernd.order});
        else if (who == u"annika"_s)
            QCOMPARE(ids(found), QStringList{m_annika.order});
        else // newest first
            QCOMPARE(ids(found), (QStringList{m_annika.order, m_anna.order}));
    }

    void byNameInAnyCase()
    {
        const HttpReply found = search(u"aNn"_s);
        QCOMPARE(found.status, 200);
        QCOMPARE(found.json.value(u"matchedBy"_s).toString(), u"NAME"_s);
        QCOMPARE(ids(found), (QStringList{m_annika.order, m_anna.order}));
        QCOMPARE(ids(search(u"ohm"_s)), QStringList{m_bernd.order});
        // Narrowed to one show, and limited.
        QCOMPARE(ids(search(u"ann"_s, u"&showId=seagull-1"_s)), QStringList{m_anna.order});
        QCOMPARE(ids(search(u"ann"_s, u"&limit=1"_s)), QStringList{m_annika.order});
        // LIKE's wildcards are plain characters here.
        QVERIFY(ids(search(u"%%"_s)).isEmpty());
        QVERIFY(ids(search(u"a_n"_s)).isEmpty());
    }

    void nothingFound()
    {
        for (const QString &q :
             {u"ORD_NOT_THERE"_s, u"Zacharias"_s, u"9999999"_s, u"x"_s, u"12"_s}) {
            const HttpReply none = search(q);
            QVERIFY2(none.status == 200, qPrintable(none.describe()));
            QCOMPARE(none.json.value(u"matchedBy"_s).toString(), u"NONE"_s);
            QCOMPARE(none.json.value(u"orders"_s).toArray().size(), 0);
        }
    }

    void badInput_data()
    {
        QTest::addColumn<QString>("query");
        QTest::newRow("no q") << u""_s;
        QTest::newRow("empty q") << u"?q="_s;
        QTest::newRow("blank q") << u"?q=%20%20"_s;
        QTest::newRow("q too long") << u"?q="_s + QString(513, u'a');
        QTest::newRow("limit zero") << u"?q=anna&limit=0"_s;
        QTest::newRow("limit too big") << u"?q=anna&limit=101"_s;
        QTest::newRow("limit not a number") << u"?q=anna&limit=ten"_s;
        QTest::newRow("bad show id") << u"?q=anna&showId=a%2Fb"_s;
    }

    void badInput()
    {
        QFETCH(QString, query);
        const HttpReply reply = m_clerk->get(u"/orders"_s + query);
        QCOMPARE(reply.status, 400);
        QCOMPARE(reply.errorCode(), u"BAD_REQUEST"_s);
    }

    void kioskMayNotSearch()
    {
        TestClient kiosk(m_server.baseUrl());
        QCOMPARE(kiosk.login(u"kiosk"_s, m_server.options().demoPassword).status, 201);
        QCOMPARE(kiosk.get(u"/orders?q=anna"_s).status, 403);
    }
};

QTEST_GUILESS_MAIN(TestOrderSearch)
#include "tst_ordersearch.moc"

// The whole P0 flow of seed §1.1 against the real server over HTTP: shows, seats, hold, order,
// cash payment, tickets, verification, delta feed.

#include "testserver.h"

#include <QJsonArray>
#include <QTest>

using namespace Boxoffice::Test;

class TestSaleFlow : public QObject
{
    Q_OBJECT

private:
    TestServer m_server;
    std::unique_ptr<TestClient> m_clerk;

    QStringList availableSeats(const QString &show, int count)
    {
        const HttpReply seats = m_clerk->get(QStringLiteral("/shows/%1/seats").arg(show));
        QStringList ids;
        for (const QJsonValue &seat : seats.json.value(QStringLiteral("seats")).toArray()) {
            if (seat[QStringLiteral("status")].toString() == QLatin1StringView("AVAILABLE"))
                ids.append(seat[QStringLiteral("seatId")].toString());
            if (ids.size() == count)
                break;
        }
        return ids;
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(m_server.start(), qPrintable(m_server.output()));
        m_clerk = std::make_unique<TestClient>(m_server.baseUrl());
        const HttpReply login =
            m_clerk->login(QStringLiteral("clerk"), m_server.options().demoPassword);
        QVERIFY2(login.status == 201, qPrintable(login.describe()));
        QCOMPARE(login.json.value(QStringLiteral("role")).toString(), QStringLiteral("clerk"));
    }

    void healthNeedsNoSession()
    {
        TestClient anonymous(m_server.baseUrl());
        const HttpReply health = anonymous.get(QStringLiteral("/health"));
        QCOMPARE(health.status, 200);
        QCOMPARE(health.json.value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
        QCOMPARE(anonymous.get(QStringLiteral("/shows")).status, 401);
    }

    void showsListCounts()
    {
        const HttpReply shows = m_clerk->get(QStringLiteral("/shows"));
        QCOMPARE(shows.status, 200);
        const QJsonArray list = shows.json.value(QStringLiteral("shows")).toArray();
        QCOMPARE(list.size(), 5);
        bool arena = false;
        for (const QJsonValue &show : list) {
            if (show[QStringLiteral("showId")].toString() == QLatin1StringView("arena-rock")) {
                arena = true;
                QCOMPARE(show[QStringLiteral("seatCount")].toInt(), 100000);
            }
            QVERIFY(show[QStringLiteral("availableCount")].toInt() <=
                    show[QStringLiteral("seatCount")].toInt());
        }
        QVERIFY(arena);
    }

    void compactSnapshotIsSmall()
    {
        const HttpReply compact =
            m_clerk->get(QStringLiteral("/shows/arena-rock/seats?format=compact"));
        QCOMPARE(compact.status, 200);
        QVERIFY2(compact.body.size() <= 64 * 1024,
                 qPrintable(QString::number(compact.body.size())));
        const QByteArray packed = QByteArray::fromBase64(
            compact.json.value(QStringLiteral("statuses")).toString().toLatin1());
        QCOMPARE(packed.size(), 25000);
    }

    void sellTwoSeatsForCash()
    {
        const QStringList seats = availableSeats(QStringLiteral("seagull-1"), 2);
        QCOMPARE(seats.size(), 2);
        const HttpReply before =
            m_clerk->get(QStringLiteral("/shows/seagull-1/seats?format=compact"));
        const qint64 version = before.json.value(QStringLiteral("version")).toInteger();

        const HttpReply hold = m_clerk->post(
            QStringLiteral("/shows/seagull-1/holds"),
            QJsonObject{{QStringLiteral("seatIds"), QJsonArray::fromStringList(seats)},
                        {QStringLiteral("holdSeconds"), 120}});
        QVERIFY2(hold.status == 201, qPrintable(hold.describe()));
        const QString holdId = hold.json.value(QStringLiteral("holdId")).toString();
        const qint64 total = hold.json.value(QStringLiteral("totalPriceCents")).toInteger();
        QVERIFY(total > 0);

        // Someone else asking for one of these seats is refused and told which.
        const HttpReply clash =
            m_clerk->post(QStringLiteral("/shows/seagull-1/holds"),
                          QJsonObject{{QStringLiteral("seatIds"), QJsonArray{seats[1]}}});
        QCOMPARE(clash.status, 409);
        QCOMPARE(clash.errorCode(), QStringLiteral("SEAT_UNAVAILABLE"));
        QCOMPARE(clash.json[QStringLiteral("error")][QStringLiteral("seatIds")]
                     .toArray()
                     .first()
                     .toString(),
                 seats[1]);

        const QList<QPair<QByteArray, QByteArray>> key{{"X-Idempotency-Key", "sale-flow-1"}};
        const HttpReply order = m_clerk->post(
            QStringLiteral("/orders"),
            QJsonObject{{QStringLiteral("holdId"), holdId},
                        {QStringLiteral("contact"),
                         QJsonObject{{QStringLiteral("name"), QStringLiteral("Zhang San")}}}},
            key);
        QVERIFY2(order.status == 201, qPrintable(order.describe()));
        QCOMPARE(order.json.value(QStringLiteral("status")).toString(),
                 QStringLiteral("PENDING_PAY"));
        QCOMPARE(order.json.value(QStringLiteral("amountCents")).toInteger(), total);
        const QString orderId = order.json.value(QStringLiteral("orderId")).toString();

        const HttpReply short_ =
            m_clerk->post(QStringLiteral("/orders/%1/payments").arg(orderId),
                          QJsonObject{{QStringLiteral("method"), QStringLiteral("CASH")},
                                      {QStringLiteral("amountTenderedCents"), total - 1}});
        QCOMPARE(short_.status, 400);

        const HttpReply paid =
            m_clerk->post(QStringLiteral("/orders/%1/payments").arg(orderId),
                          QJsonObject{{QStringLiteral("method"), QStringLiteral("CASH")},
                                      {QStringLiteral("amountTenderedCents"), total + 1000}});
        QVERIFY2(paid.status == 201, qPrintable(paid.describe()));
        QCOMPARE(paid.json.value(QStringLiteral("changeCents")).toInteger(), 1000);
        QCOMPARE(paid.json.value(QStringLiteral("status")).toString(), QStringLiteral("TICKETED"));
        const QJsonArray tickets = paid.json.value(QStringLiteral("tickets")).toArray();
        QCOMPARE(tickets.size(), 2);

        const HttpReply again =
            m_clerk->post(QStringLiteral("/orders/%1/payments").arg(orderId),
                          QJsonObject{{QStringLiteral("method"), QStringLiteral("CASH")},
                                      {QStringLiteral("amountTenderedCents"), total}});
        QCOMPARE(again.status, 409);

        const HttpReply view = m_clerk->get(QStringLiteral("/orders/%1").arg(orderId));
        QCOMPARE(view.status, 200);
        QCOMPARE(view.json.value(QStringLiteral("status")).toString(), QStringLiteral("TICKETED"));
        QCOMPARE(view.json.value(QStringLiteral("tickets")).toArray().size(), 2);
        QCOMPARE(view.json.value(QStringLiteral("contact"))[QStringLiteral("name")].toString(),
                 QStringLiteral("Zhang San"));

        // The ticket verifies once, then reports when it was used; a forged one is refused.
        const QString qr = tickets.first()[QStringLiteral("qrPayload")].toString();
        const HttpReply first = m_clerk->post(QStringLiteral("/tickets/verify"),
                                              QJsonObject{{QStringLiteral("qrPayload"), qr}});
        QCOMPARE(first.status, 200);
        QCOMPARE(first.json.value(QStringLiteral("result")).toString(), QStringLiteral("VALID"));
        const HttpReply second = m_clerk->post(QStringLiteral("/tickets/verify"),
                                               QJsonObject{{QStringLiteral("qrPayload"), qr}});
        QCOMPARE(second.json.value(QStringLiteral("result")).toString(),
                 QStringLiteral("ALREADY_USED"));
        QVERIFY(!second.json.value(QStringLiteral("usedAt")).toString().isEmpty());
        QString forgedQr = qr;
        forgedQr[forgedQr.size() - 3] = forgedQr[forgedQr.size() - 3] == u'A' ? u'B' : u'A';
        const HttpReply forged =
            m_clerk->post(QStringLiteral("/tickets/verify"),
                          QJsonObject{{QStringLiteral("qrPayload"), forgedQr}});
        QCOMPARE(forged.json.value(QStringLiteral("result")).toString(), QStringLiteral("FORGED"));

        // The delta feed shows the seats going HELD then SOLD.
        const HttpReply delta =
            m_clerk->get(QStringLiteral("/shows/seagull-1/seats?since=%1").arg(version));
        QCOMPARE(delta.status, 200);
        QVERIFY(delta.json.value(QStringLiteral("delta")).toBool());
        const QJsonArray changes = delta.json.value(QStringLiteral("changes")).toArray();
        QCOMPARE(changes.size(), 2);
        QCOMPARE(changes[0][QStringLiteral("status")].toString(), QStringLiteral("HELD"));
        QCOMPARE(changes[1][QStringLiteral("status")].toString(), QStringLiteral("SOLD"));
    }

    void auditAfterwards()
    {
        m_server.stop();
        QString report;
        QCOMPARE(m_server.runAudit(&report), 0);
        QVERIFY2(report.contains(QStringLiteral("all invariants hold")), qPrintable(report));
    }
};

QTEST_GUILESS_MAIN(TestSaleFlow)
#include "tst_saleflow.moc"

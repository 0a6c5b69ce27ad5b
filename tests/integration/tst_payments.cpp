// Payment callbacks and idempotency over HTTP against the real server (DESIGN.md §3.1 #3-#5,
// §3.4): signed acquirer callbacks, duplicates, forgeries, stale timestamps, wrong amounts,
// failures, money arriving after the payment window, order idempotency keys, holds that are
// released or expired (also across a restart), and who may do what.

#include "testserver.h"

#include "core/security/paymentsignature.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QSet>
#include <QTest>

#include <map>
#include <optional>

using namespace Boxoffice::Test;

namespace {

using Headers = QList<QPair<QByteArray, QByteArray>>;

TestServer::Options withArguments(const QStringList &arguments)
{
    TestServer::Options options;
    options.extraArguments = arguments;
    return options;
}

QByteArray headerValue(const HttpReply &reply, QByteArrayView name)
{
    for (const auto &[key, value] : reply.headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

qint64 msFromIso(const QString &text)
{
    return QDateTime::fromString(text, Qt::ISODateWithMs).toMSecsSinceEpoch();
}

QByteArray callbackBody(const QString &payment, const QString &order, const char *status,
                        qint64 amountCents)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("paymentId"), payment},
                                     {QStringLiteral("orderId"), order},
                                     {QStringLiteral("status"), QLatin1StringView(status)},
                                     {QStringLiteral("amountCents"), amountCents}})
        .toJson(QJsonDocument::Compact);
}

// An order waiting for payment.
struct Sale
{
    QString hold;
    QString order;
    QStringList seats;
    qint64 amountCents = 0;
};

} // namespace

class TestPayments : public QObject
{
    Q_OBJECT

private:
    TestServer m_server{withArguments({QStringLiteral("--min-hold-seconds"), QStringLiteral("1")})};
    std::unique_ptr<TestServer> m_restarted; // m_server's data directory, started again
    std::map<QString, std::unique_ptr<TestClient>> m_clients; // by role; "acquirer": no session
    QSet<QString> m_used;                                     // seats some test has taken
    int m_keys = 0;

    // Roles fixture.
    Sale m_clerkSale;
    Sale m_kioskSale;
    QString m_clerkHold;
    QString m_kioskHold;
    QString m_spareSeat;

    TestServer &server() { return m_restarted ? *m_restarted : m_server; }
    TestClient &as(const QString &role) { return *m_clients.at(role); }
    TestClient &clerk() { return as(QStringLiteral("clerk")); }

    QByteArray freshKey() { return "payments-key-" + QByteArray::number(++m_keys); }

    // Logs every role in to `server` (each login costs a scrypt).
    bool loginAll(TestServer &target, QString *why)
    {
        m_clients.clear();
        for (const char *role : {"clerk", "kiosk", "supervisor", "admin"}) {
            auto client = std::make_unique<TestClient>(target.baseUrl());
            const HttpReply reply =
                client->login(QLatin1StringView(role), target.options().demoPassword);
            if (reply.status != 201) {
                *why = reply.describe();
                return false;
            }
            m_clients[QLatin1StringView(role)] = std::move(client);
        }
        m_clients[QStringLiteral("acquirer")] = std::make_unique<TestClient>(target.baseUrl());
        return true;
    }

    QHash<QString, QString> statuses(TestClient &client, const QString &show)
    {
        QHash<QString, QString> result;
        const HttpReply seats = client.get(QStringLiteral("/shows/%1/seats").arg(show));
        for (const QJsonValue &seat : seats.json.value(QStringLiteral("seats")).toArray())
            result.insert(seat[QStringLiteral("seatId")].toString(),
                          seat[QStringLiteral("status")].toString());
        return result;
    }

    QStringList statusesOf(TestClient &client, const QString &show, const QStringList &seats)
    {
        const QHash<QString, QString> all = statuses(client, show);
        QStringList result;
        for (const QString &seat : seats)
            result.append(all.value(seat, QStringLiteral("MISSING")));
        return result;
    }

    // `count` seats of `show` that are AVAILABLE and no other test has used.
    QStringList takeSeats(TestClient &client, const QString &show, int count)
    {
        QStringList taken;
        const HttpReply seats = client.get(QStringLiteral("/shows/%1/seats").arg(show));
        for (const QJsonValue &seat : seats.json.value(QStringLiteral("seats")).toArray()) {
            const QString id = seat[QStringLiteral("seatId")].toString();
            if (seat[QStringLiteral("status")].toString() == QLatin1StringView("AVAILABLE") &&
                !m_used.contains(show + u'/' + id)) {
                taken.append(id);
                m_used.insert(show + u'/' + id);
            }
            if (taken.size() == count)
                break;
        }
        return taken;
    }

    HttpReply hold(TestClient &client, const QStringList &seats, int holdSeconds = 300,
                   const QString &show = QStringLiteral("seagull-1"))
    {
        return client.post(
            QStringLiteral("/shows/%1/holds").arg(show),
            QJsonObject{{QStringLiteral("seatIds"), QJsonArray::fromStringList(seats)},
                        {QStringLiteral("holdSeconds"), holdSeconds}});
    }

    HttpReply order(TestClient &client, const QString &holdId, const QByteArray &key,
                    const QString &contactName = {})
    {
        QJsonObject body{{QStringLiteral("holdId"), holdId}};
        if (!contactName.isEmpty())
            body.insert(QStringLiteral("contact"),
                        QJsonObject{{QStringLiteral("name"), contactName}});
        return client.post(QStringLiteral("/orders"), body, {{"X-Idempotency-Key", key}});
    }

    // Holds `seatCount` seats and orders them; nullopt (with *why) on failure.
    std::optional<Sale> newSale(TestClient &client, int seatCount, QString *why,
                                int holdSeconds = 300)
    {
        Sale sale;
        sale.seats = takeSeats(client, QStringLiteral("seagull-1"), seatCount);
        if (sale.seats.size() != seatCount) {
            *why = QStringLiteral("not enough free seats");
            return std::nullopt;
        }
        const HttpReply held = hold(client, sale.seats, holdSeconds);
        if (held.status != 201) {
            *why = QStringLiteral("hold: ") + held.describe();
            return std::nullopt;
        }
        sale.hold = held.json.value(QStringLiteral("holdId")).toString();
        const HttpReply ordered = order(client, sale.hold, freshKey());
        if (ordered.status != 201) {
            *why = QStringLiteral("order: ") + ordered.describe();
            return std::nullopt;
        }
        sale.order = ordered.json.value(QStringLiteral("orderId")).toString();
        sale.amountCents = ordered.json.value(QStringLiteral("amountCents")).toInteger();
        return sale;
    }

    HttpReply callback(const QByteArray &body, qint64 unixSeconds = -1,
                       const QByteArray &secret = {})
    {
        if (unixSeconds < 0)
            unixSeconds = QDateTime::currentSecsSinceEpoch();
        const QByteArray signature = Boxoffice::Core::paymentSignatureHeader(
            secret.isEmpty() ? server().options().paymentSecret : secret, unixSeconds, body);
        return as(QStringLiteral("acquirer"))
            .request("POST", QStringLiteral("/payments/callback"), body,
                     {{Boxoffice::Core::kPaymentSignatureHeader, signature}});
    }

    HttpReply viewOrder(const QString &orderId)
    {
        return clerk().get(QStringLiteral("/orders/") + orderId);
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(m_server.start(), qPrintable(m_server.output()));
        QString why;
        QVERIFY2(loginAll(m_server, &why), qPrintable(why));

        auto clerkSale = newSale(clerk(), 1, &why);
        QVERIFY2(clerkSale, qPrintable(why));
        m_clerkSale = *clerkSale;
        auto kioskSale = newSale(as(QStringLiteral("kiosk")), 1, &why);
        QVERIFY2(kioskSale, qPrintable(why));
        m_kioskSale = *kioskSale;
        const HttpReply clerkHold =
            hold(clerk(), takeSeats(clerk(), QStringLiteral("seagull-1"), 1));
        QVERIFY2(clerkHold.status == 201, qPrintable(clerkHold.describe()));
        m_clerkHold = clerkHold.json.value(QStringLiteral("holdId")).toString();
        const HttpReply kioskHold =
            hold(as(QStringLiteral("kiosk")), takeSeats(clerk(), QStringLiteral("seagull-1"), 1));
        QVERIFY2(kioskHold.status == 201, qPrintable(kioskHold.describe()));
        m_kioskHold = kioskHold.json.value(QStringLiteral("holdId")).toString();
        m_spareSeat = takeSeats(clerk(), QStringLiteral("seagull-1"), 1).value(0);
        QVERIFY(!m_spareSeat.isEmpty());
    }

    // A valid signed SUCCESS tickets the order and sells its seats; the same callback again is
    // a DUPLICATE that changes nothing.
    void successTicketsOnceAndDuplicatesChangeNothing()
    {
        QString why;
        const auto sale = newSale(clerk(), 2, &why);
        QVERIFY2(sale, qPrintable(why));
        QCOMPARE(statusesOf(clerk(), QStringLiteral("seagull-1"), sale->seats),
                 QStringList(2, QStringLiteral("HELD")));

        const QByteArray body = callbackBody(QStringLiteral("PAY-success-1"), sale->order,
                                             "SUCCESS", sale->amountCents);
        const qint64 sentAt = QDateTime::currentSecsSinceEpoch();
        const HttpReply paid = callback(body, sentAt);
        QVERIFY2(paid.status == 200, qPrintable(paid.describe()));
        QCOMPARE(paid.json.value(QStringLiteral("result")).toString(), QStringLiteral("APPLIED"));
        QCOMPARE(paid.json.value(QStringLiteral("status")).toString(), QStringLiteral("TICKETED"));
        QCOMPARE(paid.json.value(QStringLiteral("orderId")).toString(), sale->order);
        const QJsonArray tickets = paid.json.value(QStringLiteral("tickets")).toArray();
        QCOMPARE(tickets.size(), 2);

        const HttpReply view = viewOrder(sale->order);
        QCOMPARE(view.status, 200);
        QCOMPARE(view.json.value(QStringLiteral("status")).toString(), QStringLiteral("TICKETED"));
        QCOMPARE(view.json.value(QStringLiteral("tickets")).toArray(), tickets);
        QSet<QString> ticketSeats;
        for (const QJsonValue &ticket : tickets) {
            ticketSeats.insert(ticket[QStringLiteral("seatId")].toString());
            QCOMPARE(ticket[QStringLiteral("status")].toString(), QStringLiteral("VALID"));
            QVERIFY(!ticket[QStringLiteral("qrPayload")].toString().isEmpty());
        }
        QCOMPARE(ticketSeats, QSet<QString>(sale->seats.cbegin(), sale->seats.cend()));
        const QJsonArray payments = view.json.value(QStringLiteral("payments")).toArray();
        QCOMPARE(payments.size(), 1);
        QCOMPARE(payments[0][QStringLiteral("paymentId")].toString(),
                 QStringLiteral("PAY-success-1"));
        QCOMPARE(payments[0][QStringLiteral("source")].toString(), QStringLiteral("CALLBACK"));
        QCOMPARE(payments[0][QStringLiteral("status")].toString(), QStringLiteral("APPLIED"));
        QCOMPARE(statusesOf(clerk(), QStringLiteral("seagull-1"), sale->seats),
                 QStringList(2, QStringLiteral("SOLD")));

        // The acquirer retries: byte-identical (same timestamp), then re-signed later.
        for (const qint64 t : {sentAt, sentAt + 5}) {
            const HttpReply again = callback(body, t);
            QVERIFY2(again.status == 200, qPrintable(again.describe()));
            QCOMPARE(again.json.value(QStringLiteral("result")).toString(),
                     QStringLiteral("DUPLICATE"));
            QCOMPARE(again.json.value(QStringLiteral("status")).toString(),
                     QStringLiteral("TICKETED"));
            QCOMPARE(again.json.value(QStringLiteral("tickets")).toArray(), tickets);
            const HttpReply unchanged = viewOrder(sale->order);
            QCOMPARE(unchanged.body, view.body);
        }
        QCOMPARE(statusesOf(clerk(), QStringLiteral("seagull-1"), sale->seats),
                 QStringList(2, QStringLiteral("SOLD")));
    }

    // A second, different payment for an order that is already paid is never applied: the
    // money is flagged for refund and the tickets stay as they are.
    void secondPaymentForPaidOrderIsFlaggedForRefund()
    {
        QString why;
        const auto sale = newSale(clerk(), 1, &why);
        QVERIFY2(sale, qPrintable(why));
        const HttpReply first = callback(
            callbackBody(QStringLiteral("PAY-first"), sale->order, "SUCCESS", sale->amountCents));
        QCOMPARE(first.json.value(QStringLiteral("result")).toString(), QStringLiteral("APPLIED"));
        const HttpReply before = viewOrder(sale->order);

        const HttpReply second = callback(
            callbackBody(QStringLiteral("PAY-second"), sale->order, "SUCCESS", sale->amountCents));
        QVERIFY2(second.status == 200, qPrintable(second.describe()));
        QCOMPARE(second.json.value(QStringLiteral("result")).toString(),
                 QStringLiteral("REFUND_REQUIRED"));
        QCOMPARE(second.json.value(QStringLiteral("status")).toString(),
                 QStringLiteral("TICKETED"));
        const HttpReply after = viewOrder(sale->order);
        QCOMPARE(after.json.value(QStringLiteral("tickets")),
                 before.json.value(QStringLiteral("tickets")));
        QCOMPARE(after.json.value(QStringLiteral("status")).toString(), QStringLiteral("TICKETED"));
        const QJsonArray payments = after.json.value(QStringLiteral("payments")).toArray();
        QCOMPARE(payments.size(), 2);
        QCOMPARE(payments[1][QStringLiteral("status")].toString(),
                 QStringLiteral("REFUND_REQUIRED"));
    }

    void forgedSignatureIsRefused()
    {
        QString why;
        const auto sale = newSale(clerk(), 1, &why);
        QVERIFY2(sale, qPrintable(why));
        const QByteArray body =
            callbackBody(QStringLiteral("PAY-forged"), sale->order, "SUCCESS", sale->amountCents);

        const HttpReply wrongSecret =
            callback(body, -1, QByteArrayLiteral("not-the-acquirer-secret"));
        QCOMPARE(wrongSecret.status, 401);
        QCOMPARE(wrongSecret.errorCode(), QStringLiteral("SIGNATURE_INVALID"));

        // Signed, then tampered with: a lower amount.
        const QByteArray signature = Boxoffice::Core::paymentSignatureHeader(
            server().options().paymentSecret, QDateTime::currentSecsSinceEpoch(), body);
        const QByteArray tampered =
            callbackBody(QStringLiteral("PAY-forged"), sale->order, "SUCCESS", 1);
        const HttpReply altered = as(QStringLiteral("acquirer"))
                                      .request("POST", QStringLiteral("/payments/callback"),
                                               tampered, {{"X-Payment-Signature", signature}});
        QCOMPARE(altered.status, 401);
        QCOMPARE(altered.errorCode(), QStringLiteral("SIGNATURE_INVALID"));

        const HttpReply unsigned_ =
            as(QStringLiteral("acquirer"))
                .request("POST", QStringLiteral("/payments/callback"), body);
        QCOMPARE(unsigned_.status, 401);
        QCOMPARE(unsigned_.errorCode(), QStringLiteral("SIGNATURE_INVALID"));

        const HttpReply view = viewOrder(sale->order);
        QCOMPARE(view.json.value(QStringLiteral("status")).toString(),
                 QStringLiteral("PENDING_PAY"));
        QVERIFY(view.json.value(QStringLiteral("payments")).toArray().isEmpty());
        QCOMPARE(statusesOf(clerk(), QStringLiteral("seagull-1"), sale->seats),
                 QStringList{QStringLiteral("HELD")});
    }

    // More than 300 s off either way is refused; within the tolerance it is applied.
    void staleOrEarlyTimestampIsRefused()
    {
        QString why;
        const auto sale = newSale(clerk(), 1, &why);
        QVERIFY2(sale, qPrintable(why));
        const QByteArray body =
            callbackBody(QStringLiteral("PAY-stale"), sale->order, "SUCCESS", sale->amountCents);
        const qint64 now = QDateTime::currentSecsSinceEpoch();

        const HttpReply stale = callback(body, now - 301);
        QCOMPARE(stale.status, 401);
        QCOMPARE(stale.errorCode(), QStringLiteral("SIGNATURE_INVALID"));
        const HttpReply early = callback(body, now + 301);
        QCOMPARE(early.status, 401);
        QCOMPARE(early.errorCode(), QStringLiteral("SIGNATURE_INVALID"));
        QCOMPARE(viewOrder(sale->order).json.value(QStringLiteral("status")).toString(),
                 QStringLiteral("PENDING_PAY"));

        const HttpReply late = callback(body, now - 200);
        QVERIFY2(late.status == 200, qPrintable(late.describe()));
        QCOMPARE(late.json.value(QStringLiteral("result")).toString(), QStringLiteral("APPLIED"));
    }

    void wrongAmountIsRefused()
    {
        QString why;
        const auto sale = newSale(clerk(), 2, &why);
        QVERIFY2(sale, qPrintable(why));
        for (const qint64 amount : {sale->amountCents + 1, sale->amountCents - 1, qint64(0)}) {
            const HttpReply reply = callback(
                callbackBody(QStringLiteral("PAY-amount"), sale->order, "SUCCESS", amount));
            QCOMPARE(reply.status, 400);
            QCOMPARE(reply.errorCode(), QStringLiteral("AMOUNT_MISMATCH"));
        }
        const HttpReply view = viewOrder(sale->order);
        QCOMPARE(view.json.value(QStringLiteral("status")).toString(),
                 QStringLiteral("PENDING_PAY"));
        QVERIFY(view.json.value(QStringLiteral("payments")).toArray().isEmpty());
        QCOMPARE(statusesOf(clerk(), QStringLiteral("seagull-1"), sale->seats),
                 QStringList(2, QStringLiteral("HELD")));
        // The same payment id with the right amount is still accepted: the refusal recorded
        // nothing.
        const HttpReply right = callback(
            callbackBody(QStringLiteral("PAY-amount"), sale->order, "SUCCESS", sale->amountCents));
        QCOMPARE(right.json.value(QStringLiteral("result")).toString(), QStringLiteral("APPLIED"));
    }

    void unknownOrderIsNotFound()
    {
        const HttpReply reply = callback(callbackBody(
            QStringLiteral("PAY-unknown"), QStringLiteral("ORD_no_such"), "SUCCESS", 1000));
        QCOMPARE(reply.status, 404);
        QCOMPARE(reply.errorCode(), QStringLiteral("NOT_FOUND"));
    }

    void failedPaymentLeavesOrderPayable()
    {
        QString why;
        const auto sale = newSale(clerk(), 1, &why);
        QVERIFY2(sale, qPrintable(why));
        const HttpReply failed = callback(
            callbackBody(QStringLiteral("PAY-declined"), sale->order, "FAILED", sale->amountCents));
        QVERIFY2(failed.status == 200, qPrintable(failed.describe()));
        QCOMPARE(failed.json.value(QStringLiteral("result")).toString(),
                 QStringLiteral("FAILURE_RECORDED"));
        QCOMPARE(failed.json.value(QStringLiteral("status")).toString(),
                 QStringLiteral("PENDING_PAY"));
        QVERIFY(failed.json.value(QStringLiteral("tickets")).toArray().isEmpty());

        const HttpReply view = viewOrder(sale->order);
        QCOMPARE(view.json.value(QStringLiteral("status")).toString(),
                 QStringLiteral("PENDING_PAY"));
        const QJsonArray payments = view.json.value(QStringLiteral("payments")).toArray();
        QCOMPARE(payments.size(), 1);
        QCOMPARE(payments[0][QStringLiteral("status")].toString(), QStringLiteral("FAILED"));
        QCOMPARE(statusesOf(clerk(), QStringLiteral("seagull-1"), sale->seats),
                 QStringList{QStringLiteral("HELD")});

        // The customer tries again with another card.
        const HttpReply retry = callback(
            callbackBody(QStringLiteral("PAY-retry"), sale->order, "SUCCESS", sale->amountCents));
        QVERIFY2(retry.status == 200, qPrintable(retry.describe()));
        QCOMPARE(retry.json.value(QStringLiteral("result")).toString(), QStringLiteral("APPLIED"));
        QCOMPARE(retry.json.value(QStringLiteral("status")).toString(), QStringLiteral("TICKETED"));
        QCOMPARE(statusesOf(clerk(), QStringLiteral("seagull-1"), sale->seats),
                 QStringList{QStringLiteral("SOLD")});
    }

    // Money that arrives after the payment window closed never sells the seats: the order is
    // cancelled, the seats go back on sale, and the payment is flagged for refund.
    void paymentAfterWindowClosedIsRefunded()
    {
        TestServer late(
            withArguments({QStringLiteral("--payment-window-seconds"), QStringLiteral("2"),
                           QStringLiteral("--min-hold-seconds"), QStringLiteral("1")}));
        QVERIFY2(late.start(), qPrintable(late.output()));
        TestClient lateClerk(late.baseUrl());
        QCOMPARE(lateClerk.login(QStringLiteral("clerk"), late.options().demoPassword).status, 201);
        TestClient lateKiosk(late.baseUrl());
        QCOMPARE(lateKiosk.login(QStringLiteral("kiosk"), late.options().demoPassword).status, 201);
        TestClient acquirer(late.baseUrl());

        const qint64 version =
            lateClerk.get(QStringLiteral("/shows/seagull-2/seats?format=compact"))
                .json.value(QStringLiteral("version"))
                .toInteger();
        const QJsonArray layout = lateClerk.get(QStringLiteral("/shows/seagull-2/seats"))
                                      .json.value(QStringLiteral("seats"))
                                      .toArray();
        QStringList seats;
        for (qsizetype i = 0; i < 2 && i < layout.size(); ++i)
            seats.append(layout[i][QStringLiteral("seatId")].toString());
        QCOMPARE(seats.size(), 2);
        const HttpReply held = lateClerk.post(
            QStringLiteral("/shows/seagull-2/holds"),
            QJsonObject{{QStringLiteral("seatIds"), QJsonArray::fromStringList(seats)},
                        {QStringLiteral("holdSeconds"), 1}});
        QVERIFY2(held.status == 201, qPrintable(held.describe()));
        const HttpReply ordered = lateClerk.post(
            QStringLiteral("/orders"),
            QJsonObject{{QStringLiteral("holdId"), held.json[QStringLiteral("holdId")]}},
            {{"X-Idempotency-Key", "late-order"}});
        QVERIFY2(ordered.status == 201, qPrintable(ordered.describe()));
        const QString orderId = ordered.json.value(QStringLiteral("orderId")).toString();
        const qint64 amount = ordered.json.value(QStringLiteral("amountCents")).toInteger();
        const qint64 payBy = msFromIso(ordered.json.value(QStringLiteral("payBy")).toString());
        QVERIFY(payBy > QDateTime::currentMSecsSinceEpoch());

        // Wait until the payment window has been closed for a second.
        QVERIFY(QTest::qWaitFor([&] { return QDateTime::currentMSecsSinceEpoch() > payBy + 1000; },
                                10000));

        const QByteArray body =
            callbackBody(QStringLiteral("PAY-late"), orderId, "SUCCESS", amount);
        const HttpReply paid = acquirer.request(
            "POST", QStringLiteral("/payments/callback"), body,
            {{"X-Payment-Signature",
              Boxoffice::Core::paymentSignatureHeader(late.options().paymentSecret,
                                                      QDateTime::currentSecsSinceEpoch(), body)}});
        QVERIFY2(paid.status == 200, qPrintable(paid.describe()));
        QCOMPARE(paid.json.value(QStringLiteral("result")).toString(),
                 QStringLiteral("REFUND_REQUIRED"));
        QCOMPARE(paid.json.value(QStringLiteral("status")).toString(), QStringLiteral("CANCELLED"));
        QVERIFY(paid.json.value(QStringLiteral("tickets")).toArray().isEmpty());

        const HttpReply view = lateClerk.get(QStringLiteral("/orders/") + orderId);
        QCOMPARE(view.json.value(QStringLiteral("status")).toString(), QStringLiteral("CANCELLED"));
        QVERIFY(view.json.value(QStringLiteral("tickets")).toArray().isEmpty());
        const QJsonArray payments = view.json.value(QStringLiteral("payments")).toArray();
        QCOMPARE(payments.size(), 1);
        QCOMPARE(payments[0][QStringLiteral("status")].toString(),
                 QStringLiteral("REFUND_REQUIRED"));

        // The seats are on sale again and were never SOLD.
        QCOMPARE(statusesOf(lateClerk, QStringLiteral("seagull-2"), seats),
                 QStringList(2, QStringLiteral("AVAILABLE")));
        const HttpReply delta =
            lateClerk.get(QStringLiteral("/shows/seagull-2/seats?since=%1").arg(version));
        QVERIFY(delta.json.value(QStringLiteral("delta")).toBool());
        QStringList history;
        for (const QJsonValue &change : delta.json.value(QStringLiteral("changes")).toArray())
            history.append(change[QStringLiteral("status")].toString());
        QCOMPARE(history, (QStringList{QStringLiteral("HELD"), QStringLiteral("AVAILABLE")}));

        // Cash cannot revive the order either.
        const HttpReply cash =
            lateClerk.post(QStringLiteral("/orders/%1/payments").arg(orderId),
                           QJsonObject{{QStringLiteral("method"), QStringLiteral("CASH")},
                                       {QStringLiteral("amountTenderedCents"), amount}});
        QCOMPARE(cash.status, 410);
        QCOMPARE(cash.errorCode(), QStringLiteral("ORDER_EXPIRED"));

        // A second customer gets the seats.
        const HttpReply second = lateKiosk.post(
            QStringLiteral("/shows/seagull-2/holds"),
            QJsonObject{{QStringLiteral("seatIds"), QJsonArray::fromStringList(seats)},
                        {QStringLiteral("holdSeconds"), 60}});
        QVERIFY2(second.status == 201, qPrintable(second.describe()));

        late.stop();
        QString report;
        QCOMPARE(late.runAudit(&report), 0);
        QVERIFY2(report.contains(QStringLiteral("all invariants hold")), qPrintable(report));
    }

    void sameKeySameBodyReplays()
    {
        const QStringList seats = takeSeats(clerk(), QStringLiteral("seagull-1"), 1);
        const HttpReply held = hold(clerk(), seats);
        QVERIFY2(held.status == 201, qPrintable(held.describe()));
        const QString holdId = held.json.value(QStringLiteral("holdId")).toString();

        const QByteArray key = freshKey();
        const HttpReply first = order(clerk(), holdId, key, QStringLiteral("Li Si"));
        QVERIFY2(first.status == 201, qPrintable(first.describe()));
        QVERIFY(headerValue(first, "Idempotent-Replayed").isEmpty());
        const HttpReply replay = order(clerk(), holdId, key, QStringLiteral("Li Si"));
        QVERIFY2(replay.status == 201, qPrintable(replay.describe()));
        QCOMPARE(replay.body, first.body);
        QCOMPARE(headerValue(replay, "Idempotent-Replayed"), QByteArray("true"));

        const HttpReply otherBody = order(clerk(), holdId, key, QStringLiteral("Wang Wu"));
        QCOMPARE(otherBody.status, 422);
        QCOMPARE(otherBody.errorCode(), QStringLiteral("IDEMPOTENCY_KEY_REUSED"));
        // Another user with the same key and body does not get the clerk's order.
        const HttpReply otherUser =
            order(as(QStringLiteral("kiosk")), holdId, key, QStringLiteral("Li Si"));
        QCOMPARE(otherUser.status, 422);
        QCOMPARE(otherUser.errorCode(), QStringLiteral("IDEMPOTENCY_KEY_REUSED"));

        const HttpReply view = viewOrder(first.json.value(QStringLiteral("orderId")).toString());
        QCOMPARE(view.json.value(QStringLiteral("status")).toString(),
                 QStringLiteral("PENDING_PAY"));
        QCOMPARE(view.json.value(QStringLiteral("contact"))[QStringLiteral("name")].toString(),
                 QStringLiteral("Li Si"));
    }

    void secondOrderOnSameHoldConflicts()
    {
        const HttpReply held = hold(clerk(), takeSeats(clerk(), QStringLiteral("seagull-1"), 2));
        QVERIFY2(held.status == 201, qPrintable(held.describe()));
        const QString holdId = held.json.value(QStringLiteral("holdId")).toString();
        const HttpReply first = order(clerk(), holdId, freshKey());
        QVERIFY2(first.status == 201, qPrintable(first.describe()));
        const HttpReply second = order(clerk(), holdId, freshKey());
        QCOMPARE(second.status, 409);
        QCOMPARE(second.errorCode(), QStringLiteral("CONFLICT"));
        QCOMPARE(second.json[QStringLiteral("error")][QStringLiteral("orderId")].toString(),
                 first.json.value(QStringLiteral("orderId")).toString());
    }

    // Two requests with one key at the same time make one order: the second is told the key
    // is in flight, or replays the first answer.
    void concurrentSameKeyMakesOneOrder()
    {
        const HttpReply held = hold(clerk(), takeSeats(clerk(), QStringLiteral("seagull-1"), 1));
        QVERIFY2(held.status == 201, qPrintable(held.describe()));
        const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("holdId"),
                                                           held.json[QStringLiteral("holdId")]}})
                                    .toJson(QJsonDocument::Compact);
        const QByteArray key = freshKey();
        QNetworkAccessManager network;
        QList<QNetworkReply *> replies;
        for (int i = 0; i < 2; ++i) {
            QNetworkRequest request(QUrl(server().baseUrl() + QStringLiteral("/orders")));
            request.setHeader(QNetworkRequest::ContentTypeHeader,
                              QByteArrayLiteral("application/json"));
            request.setRawHeader("Authorization", "Bearer " + clerk().token().toLatin1());
            request.setRawHeader("X-Idempotency-Key", key);
            replies.append(network.post(request, body));
        }
        QTRY_VERIFY_WITH_TIMEOUT(replies[0]->isFinished() && replies[1]->isFinished(), 15000);
        QSet<QString> orders;
        for (QNetworkReply *reply : std::as_const(replies)) {
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            const QJsonObject json = QJsonDocument::fromJson(reply->readAll()).object();
            if (status == 201) {
                orders.insert(json.value(QStringLiteral("orderId")).toString());
            } else {
                QCOMPARE(status, 409);
                QCOMPARE(json[QStringLiteral("error")][QStringLiteral("code")].toString(),
                         QStringLiteral("IDEMPOTENCY_KEY_IN_FLIGHT"));
            }
            reply->deleteLater();
        }
        QCOMPARE(orders.size(), 1);
        const HttpReply view = viewOrder(*orders.cbegin());
        QCOMPARE(view.json.value(QStringLiteral("status")).toString(),
                 QStringLiteral("PENDING_PAY"));
    }

    void releasedHoldCannotBeOrdered()
    {
        const QStringList seats = takeSeats(clerk(), QStringLiteral("seagull-1"), 2);
        const HttpReply held = hold(clerk(), seats);
        QVERIFY2(held.status == 201, qPrintable(held.describe()));
        const QString holdId = held.json.value(QStringLiteral("holdId")).toString();
        const HttpReply released = clerk().request("DELETE", QStringLiteral("/holds/") + holdId);
        QCOMPARE(released.status, 200);
        QCOMPARE(released.json.value(QStringLiteral("status")).toString(),
                 QStringLiteral("RELEASED"));
        const HttpReply ordered = order(clerk(), holdId, freshKey());
        QCOMPARE(ordered.status, 410);
        QCOMPARE(ordered.errorCode(), QStringLiteral("HOLD_RELEASED"));
        QCOMPARE(statusesOf(clerk(), QStringLiteral("seagull-1"), seats),
                 QStringList(2, QStringLiteral("AVAILABLE")));
    }

    void expiredHoldCannotBeOrdered()
    {
        const QStringList seats = takeSeats(clerk(), QStringLiteral("seagull-1"), 2);
        const HttpReply held = hold(clerk(), seats, 1);
        QVERIFY2(held.status == 201, qPrintable(held.describe()));
        const QString holdId = held.json.value(QStringLiteral("holdId")).toString();
        const qint64 expiry = msFromIso(held.json.value(QStringLiteral("expiryTime")).toString());
        QVERIFY(expiry > 0);
        QVERIFY(QTest::qWaitFor([&] { return QDateTime::currentMSecsSinceEpoch() > expiry + 500; },
                                10000));
        const HttpReply ordered = order(clerk(), holdId, freshKey());
        QCOMPARE(ordered.status, 410);
        QCOMPARE(ordered.errorCode(), QStringLiteral("HOLD_EXPIRED"));
        QCOMPARE(statusesOf(clerk(), QStringLiteral("seagull-1"), seats),
                 QStringList(2, QStringLiteral("AVAILABLE")));
        // Someone else can take them now.
        const HttpReply again = hold(as(QStringLiteral("kiosk")), seats, 60);
        QVERIFY2(again.status == 201, qPrintable(again.describe()));
    }

    void roles_data()
    {
        QTest::addColumn<QString>("who"); // empty: no session
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QJsonObject>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        if (m_clerkSale.order.isEmpty() || m_kioskSale.order.isEmpty() || m_spareSeat.isEmpty())
            QSKIP("the fixture of initTestCase is missing");

        const QString clerkOrder = QStringLiteral("/orders/") + m_clerkSale.order;
        const QString kioskOrder = QStringLiteral("/orders/") + m_kioskSale.order;
        const QJsonObject cash{{QStringLiteral("method"), QStringLiteral("CASH")},
                               {QStringLiteral("amountTenderedCents"), 1000000}};
        const QJsonObject scan{{QStringLiteral("qrPayload"), QStringLiteral("BX1.x.y")}};
        const QJsonObject holdBody{{QStringLiteral("seatIds"), QJsonArray{m_spareSeat}},
                                   {QStringLiteral("holdSeconds"), 60}};
        const QJsonObject orderOnClerkHold{{QStringLiteral("holdId"), m_clerkHold}};
        const QString forbidden = QStringLiteral("FORBIDDEN");
        const QString unauth = QStringLiteral("UNAUTHENTICATED");
        const QString payments = QStringLiteral("/payments");

        QTest::newRow("kiosk cannot tender its own order")
            << "kiosk" << QByteArray("POST") << kioskOrder + payments << cash << 403 << forbidden;
        QTest::newRow("kiosk cannot tender a clerk's order")
            << "kiosk" << QByteArray("POST") << clerkOrder + payments << cash << 403 << forbidden;
        QTest::newRow("admin cannot tender")
            << "admin" << QByteArray("POST") << clerkOrder + payments << cash << 403 << forbidden;
        QTest::newRow("anonymous cannot tender")
            << "" << QByteArray("POST") << clerkOrder + payments << cash << 401 << unauth;
        QTest::newRow("kiosk cannot see a clerk's order")
            << "kiosk" << QByteArray("GET") << clerkOrder << QJsonObject() << 403 << forbidden;
        QTest::newRow("kiosk sees its own order")
            << "kiosk" << QByteArray("GET") << kioskOrder << QJsonObject() << 200 << QString();
        QTest::newRow("clerk sees a kiosk's order")
            << "clerk" << QByteArray("GET") << kioskOrder << QJsonObject() << 200 << QString();
        QTest::newRow("supervisor sees a clerk's order")
            << "supervisor" << QByteArray("GET") << clerkOrder << QJsonObject() << 200 << QString();
        QTest::newRow("admin sees a clerk's order")
            << "admin" << QByteArray("GET") << clerkOrder << QJsonObject() << 200 << QString();
        QTest::newRow("anonymous cannot see an order")
            << "" << QByteArray("GET") << clerkOrder << QJsonObject() << 401 << unauth;
        QTest::newRow("kiosk cannot scan tickets")
            << "kiosk" << QByteArray("POST") << QStringLiteral("/tickets/verify") << scan << 403
            << forbidden;
        QTest::newRow("clerk scans tickets")
            << "clerk" << QByteArray("POST") << QStringLiteral("/tickets/verify") << scan << 200
            << QString();
        QTest::newRow("admin scans tickets")
            << "admin" << QByteArray("POST") << QStringLiteral("/tickets/verify") << scan << 200
            << QString();
        QTest::newRow("anonymous cannot scan tickets")
            << "" << QByteArray("POST") << QStringLiteral("/tickets/verify") << scan << 401
            << unauth;
        QTest::newRow("admin cannot hold")
            << "admin" << QByteArray("POST") << QStringLiteral("/shows/seagull-1/holds") << holdBody
            << 403 << forbidden;
        QTest::newRow("anonymous cannot hold")
            << "" << QByteArray("POST") << QStringLiteral("/shows/seagull-1/holds") << holdBody
            << 401 << unauth;
        QTest::newRow("admin cannot order")
            << "admin" << QByteArray("POST") << QStringLiteral("/orders") << orderOnClerkHold << 403
            << forbidden;
        QTest::newRow("kiosk cannot order on a clerk's hold")
            << "kiosk" << QByteArray("POST") << QStringLiteral("/orders") << orderOnClerkHold << 403
            << forbidden;
        QTest::newRow("clerk cannot release a kiosk's hold")
            << "clerk" << QByteArray("DELETE") << QStringLiteral("/holds/") + m_kioskHold
            << QJsonObject() << 403 << forbidden;
        QTest::newRow("kiosk cannot release a clerk's hold")
            << "kiosk" << QByteArray("DELETE") << QStringLiteral("/holds/") + m_clerkHold
            << QJsonObject() << 403 << forbidden;
        QTest::newRow("admin cannot release")
            << "admin" << QByteArray("DELETE") << QStringLiteral("/holds/") + m_clerkHold
            << QJsonObject() << 403 << forbidden;
        QTest::newRow("anonymous cannot list shows")
            << "" << QByteArray("GET") << QStringLiteral("/shows") << QJsonObject() << 401
            << unauth;
        QTest::newRow("admin lists shows")
            << "admin" << QByteArray("GET") << QStringLiteral("/shows") << QJsonObject() << 200
            << QString();
        // These change state; they come last.
        QTest::newRow("supervisor holds")
            << "supervisor" << QByteArray("POST") << QStringLiteral("/shows/seagull-1/holds")
            << holdBody << 201 << QString();
        QTest::newRow("supervisor releases a kiosk's hold")
            << "supervisor" << QByteArray("DELETE") << QStringLiteral("/holds/") + m_kioskHold
            << QJsonObject() << 200 << QString();
        QTest::newRow("supervisor tenders a clerk's order")
            << "supervisor" << QByteArray("POST") << clerkOrder + payments << cash << 201
            << QString();
    }

    void roles()
    {
        QFETCH(QString, who);
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        QFETCH(QJsonObject, body);
        QFETCH(int, status);
        QFETCH(QString, code);

        TestClient &client = who.isEmpty() ? as(QStringLiteral("acquirer")) : as(who);
        // Orders need a key; other routes ignore it.
        const HttpReply reply = client.request(
            method, path, body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson(),
            {{"X-Idempotency-Key", freshKey()}});
        QVERIFY2(reply.status == status, qPrintable(reply.describe()));
        if (!code.isEmpty())
            QCOMPARE(reply.errorCode(), code);
    }

    // Holds that run out while the server is down are released when it starts again, before
    // anyone can look; what was paid for survives.
    void holdExpiryAcrossRestart()
    {
        QString why;
        const auto ticketed = newSale(clerk(), 1, &why);
        QVERIFY2(ticketed, qPrintable(why));
        const HttpReply paid =
            clerk().post(QStringLiteral("/orders/%1/payments").arg(ticketed->order),
                         QJsonObject{{QStringLiteral("method"), QStringLiteral("CARD")},
                                     {QStringLiteral("reference"), QStringLiteral("AUTH-123456")}});
        QVERIFY2(paid.status == 201, qPrintable(paid.describe()));

        const QStringList seats = takeSeats(clerk(), QStringLiteral("seagull-1"), 2);
        const HttpReply held = hold(clerk(), seats, 2);
        QVERIFY2(held.status == 201, qPrintable(held.describe()));
        const qint64 expiry = msFromIso(held.json.value(QStringLiteral("expiryTime")).toString());
        QCOMPARE(statusesOf(clerk(), QStringLiteral("seagull-1"), seats),
                 QStringList(2, QStringLiteral("HELD")));
        m_server.stop();
        QVERIFY(!m_server.isRunning());
        QVERIFY(QTest::qWaitFor([&] { return QDateTime::currentMSecsSinceEpoch() > expiry + 1000; },
                                10000));

        TestServer::Options options = m_server.options();
        options.dataDir = m_server.dataDir();
        m_restarted = std::make_unique<TestServer>(options);
        QVERIFY2(m_restarted->start(), qPrintable(m_restarted->output()));
        QVERIFY2(loginAll(*m_restarted, &why), qPrintable(why));

        QCOMPARE(statusesOf(clerk(), QStringLiteral("seagull-1"), seats),
                 QStringList(2, QStringLiteral("AVAILABLE")));
        const HttpReply order = viewOrder(ticketed->order);
        QCOMPARE(order.json.value(QStringLiteral("status")).toString(), QStringLiteral("TICKETED"));
        QCOMPARE(statusesOf(clerk(), QStringLiteral("seagull-1"), ticketed->seats),
                 QStringList{QStringLiteral("SOLD")});
        const HttpReply again = hold(as(QStringLiteral("kiosk")), seats, 60);
        QVERIFY2(again.status == 201, qPrintable(again.describe()));
    }

    void auditAfterwards()
    {
        server().stop();
        QVERIFY(!server().isRunning());
        QString report;
        QCOMPARE(server().runAudit(&report), 0);
        QVERIFY2(report.contains(QStringLiteral("all invariants hold")), qPrintable(report));
    }
};

QTEST_GUILESS_MAIN(TestPayments)
#include "tst_payments.moc"

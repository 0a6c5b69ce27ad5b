// Card payments end to end: the terminal's CardAcquirer starts charges at a real
// boxoffice-paysim process, which posts signed callbacks to a real boxoffice-server. Approvals
// ticket the order, declines leave it payable, duplicates pay once, delays keep it pending,
// wrong amounts and wrong secrets are refused by the server (and the charge says why), bad
// input to the simulator is a 400, and an acquirer that is not there is Unreachable.

#include "paysimprocess.h"
#include "testserver.h"

#include "sync/client/cardacquirer.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <optional>

using namespace Boxoffice;
using namespace Boxoffice::Test;
using Sync::CardAcquirer;
using Sync::CardCharge;
using Sync::CardChargeState;
using Sync::CardChargeStatus;

namespace {

constexpr int kWaitMs = 30'000;

// An order waiting for payment.
struct Sale
{
    Core::OrderId order;
    QStringList seats;
    qint64 amountCents = 0;
    QString currency;
};

// Why a result failed, for QVERIFY2 (which builds its message even when the check passes).
template <class T> QByteArray failure(const Core::Result<T> &result)
{
    return result ? QByteArray() : result.error().message.toUtf8();
}

// A loopback port nobody listens on (bound, then closed again).
quint16 closedPort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    const quint16 port = probe.serverPort();
    probe.close();
    return port;
}

// One answer of an HTTP exchange written byte for byte (for what QNetworkAccessManager will not
// send, such as a Content-Length with no body behind it).
QByteArray rawExchange(quint16 port, const QByteArray &request)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(10'000))
        return {};
    socket.write(request);
    QByteArray answer;
    const QDeadlineTimer deadline(kWaitMs);
    while (!deadline.hasExpired() && socket.state() == QAbstractSocket::ConnectedState) {
        if (socket.waitForReadyRead(100))
            answer += socket.readAll();
        if (answer.contains("\r\n\r\n")) {
            const qsizetype headerEnd = answer.indexOf("\r\n\r\n") + 4;
            static const QRegularExpression length(QStringLiteral("Content-Length: *(\\d+)"),
                                                   QRegularExpression::CaseInsensitiveOption);
            const auto match = length.match(QString::fromLatin1(answer.left(headerEnd)));
            if (match.hasMatch() && answer.size() - headerEnd >= match.captured(1).toLongLong())
                break;
        }
    }
    return answer + socket.readAll();
}

} // namespace

class TestPaysim : public QObject
{
    Q_OBJECT

private:
    TestServer m_server;
    std::unique_ptr<TestClient> m_clerk;
    PaysimProcess m_paysim; // signs with the server's secret; 50 ms before each callback
    QNetworkAccessManager m_network;
    CardAcquirer m_acquirer{&m_network};
    QSet<QString> m_used; // seats some test has taken
    int m_keys = 0;

    // Holds `seatCount` AVAILABLE seats of seagull-1 no other test used and orders them.
    std::optional<Sale> newSale(int seatCount, QString *why)
    {
        Sale sale;
        const HttpReply seats = m_clerk->get(QStringLiteral("/shows/seagull-1/seats"));
        for (const QJsonValue &seat : seats.json.value(QStringLiteral("seats")).toArray()) {
            const QString id = seat[QStringLiteral("seatId")].toString();
            if (seat[QStringLiteral("status")].toString() == QLatin1StringView("AVAILABLE") &&
                !m_used.contains(id)) {
                sale.seats.append(id);
                m_used.insert(id);
            }
            if (sale.seats.size() == seatCount)
                break;
        }
        if (sale.seats.size() != seatCount) {
            *why = QStringLiteral("not enough free seats: ") + seats.describe();
            return std::nullopt;
        }
        const HttpReply held = m_clerk->post(
            QStringLiteral("/shows/seagull-1/holds"),
            QJsonObject{{QStringLiteral("seatIds"), QJsonArray::fromStringList(sale.seats)},
                        {QStringLiteral("holdSeconds"), 600}});
        if (held.status != 201) {
            *why = QStringLiteral("hold: ") + held.describe();
            return std::nullopt;
        }
        const HttpReply ordered = m_clerk->post(
            QStringLiteral("/orders"),
            QJsonObject{{QStringLiteral("holdId"), held.json.value(QStringLiteral("holdId"))}},
            {{"X-Idempotency-Key", "paysim-key-" + QByteArray::number(++m_keys)}});
        if (ordered.status != 201) {
            *why = QStringLiteral("order: ") + ordered.describe();
            return std::nullopt;
        }
        sale.order = Core::OrderId(ordered.json.value(QStringLiteral("orderId")).toString());
        sale.amountCents = ordered.json.value(QStringLiteral("amountCents")).toInteger();
        sale.currency = order(sale.order).json.value(QStringLiteral("currency")).toString();
        if (sale.amountCents <= 0 || sale.currency.isEmpty()) {
            *why = QStringLiteral("order without amount or currency: ") + ordered.describe();
            return std::nullopt;
        }
        return sale;
    }

    HttpReply order(const Core::OrderId &id)
    {
        return m_clerk->get(QStringLiteral("/orders/") + id.value());
    }
    QString orderStatus(const Core::OrderId &id)
    {
        return order(id).json.value(QStringLiteral("status")).toString();
    }
    QStringList paymentStatuses(const Core::OrderId &id)
    {
        QStringList statuses;
        for (const QJsonValue &payment : order(id).json.value(QStringLiteral("payments")).toArray())
            statuses.append(payment[QStringLiteral("status")].toString());
        return statuses;
    }
    QStringList seatStatuses(const QStringList &seats)
    {
        QHash<QString, QString> all;
        const HttpReply reply = m_clerk->get(QStringLiteral("/shows/seagull-1/seats"));
        for (const QJsonValue &seat : reply.json.value(QStringLiteral("seats")).toArray())
            all.insert(seat[QStringLiteral("seatId")].toString(),
                       seat[QStringLiteral("status")].toString());
        QStringList result;
        for (const QString &seat : seats)
            result.append(all.value(seat, QStringLiteral("MISSING")));
        return result;
    }

    static CardCharge cardCharge(const Sale &sale, const QString &outcome = {})
    {
        CardCharge charge;
        charge.order = sale.order;
        charge.amountCents = sale.amountCents;
        charge.currency = sale.currency;
        charge.outcome = outcome;
        return charge;
    }

    // Starts a charge through `acquirer` and waits for its answer (nullopt: none came).
    std::optional<Core::Result<Core::PaymentId>> charge(CardAcquirer &acquirer,
                                                        const CardCharge &card)
    {
        std::optional<Core::Result<Core::PaymentId>> answer;
        acquirer.charge(card, this, [&answer](Core::Result<Core::PaymentId> result) {
            answer = std::move(result);
        });
        if (!QTest::qWaitFor([&answer] { return answer.has_value(); }, kWaitMs))
            return std::nullopt;
        return answer;
    }

    std::optional<Core::Result<CardChargeStatus>> status(CardAcquirer &acquirer,
                                                         const Core::PaymentId &payment)
    {
        std::optional<Core::Result<CardChargeStatus>> answer;
        acquirer.chargeStatus(payment, this, [&answer](Core::Result<CardChargeStatus> result) {
            answer = std::move(result);
        });
        if (!QTest::qWaitFor([&answer] { return answer.has_value(); }, kWaitMs))
            return std::nullopt;
        return answer;
    }

    // Waits until every delivery of the charge is answered or given up on; its last status.
    std::optional<CardChargeStatus> finished(CardAcquirer &acquirer, const Core::PaymentId &payment)
    {
        std::optional<CardChargeStatus> last;
        const bool done = QTest::qWaitFor(
            [&] {
                auto answer = status(acquirer, payment);
                if (!answer || !*answer)
                    return false;
                last = **answer;
                return last->state != CardChargeState::Processing &&
                       last->deliveriesDone == last->deliveries;
            },
            kWaitMs);
        return done ? last : std::nullopt;
    }

    // What the server answered to each delivery, as the simulator reports it: the result
    // ("APPLIED", "DUPLICATE", ...) or the error code.
    QStringList deliveryAnswers(const QUrl &paysim, const Core::PaymentId &payment)
    {
        TestClient client(paysim.toString());
        const HttpReply reply = client.get(QStringLiteral("/charges/") + payment.value());
        QStringList answers;
        for (const QJsonValue &attempt : reply.json.value(QStringLiteral("attempts")).toArray()) {
            const QJsonObject body = attempt[QStringLiteral("body")].toObject();
            answers.append(body.contains(QStringLiteral("error"))
                               ? body[QStringLiteral("error")][QStringLiteral("code")].toString()
                               : body[QStringLiteral("result")].toString());
        }
        return answers;
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(m_server.start(), qPrintable(m_server.output()));
        m_clerk = std::make_unique<TestClient>(m_server.baseUrl());
        const HttpReply login =
            m_clerk->login(QStringLiteral("clerk"), m_server.options().demoPassword);
        QVERIFY2(login.status == 201, qPrintable(login.describe()));
        QVERIFY2(m_paysim.start({QStringLiteral("--server"),
                                 QStringLiteral("http://127.0.0.1:%1").arg(m_server.port()),
                                 QStringLiteral("--delay-ms"), QStringLiteral("50")},
                                m_server.options().paymentSecret),
                 qPrintable(m_paysim.output()));
        m_acquirer.setEndpoint(m_paysim.url());
        QVERIFY(m_acquirer.isConfigured());
    }

    void cleanup()
    {
        if (QTest::currentTestFailed()) {
            qWarning().noquote() << "paysim output:\n" << m_paysim.output();
            qWarning().noquote() << "server output (tail):\n" << m_server.output().right(4000);
        }
    }

    // Whatever the simulator did, the server's books still balance.
    void cleanupTestCase()
    {
        QString report;
        QCOMPARE(m_server.runAudit(&report), 0);
    }

    void health()
    {
        TestClient client(m_paysim.url().toString());
        const HttpReply reply = client.get(QStringLiteral("/health"));
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json.value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
        QCOMPARE(reply.json.value(QStringLiteral("service")).toString(),
                 QStringLiteral("boxoffice-paysim"));
    }

    void approvedChargeTicketsTheOrder()
    {
        QString why;
        const auto sale = newSale(2, &why);
        QVERIFY2(sale, qPrintable(why));
        const auto started = charge(m_acquirer, cardCharge(*sale));
        QVERIFY(started);
        QVERIFY2(*started, failure(*started).constData());
        const Core::PaymentId payment = **started;
        QVERIFY(payment.value().startsWith(QLatin1StringView("PAYSIM_")));

        QTRY_COMPARE_WITH_TIMEOUT(orderStatus(sale->order), QStringLiteral("TICKETED"), kWaitMs);
        const HttpReply paid = order(sale->order);
        const QJsonArray tickets = paid.json.value(QStringLiteral("tickets")).toArray();
        QCOMPARE(tickets.size(), 2);
        QStringList ticketSeats;
        for (const QJsonValue &ticket : tickets)
            ticketSeats.append(ticket[QStringLiteral("seatId")].toString());
        QCOMPARE(sorted(ticketSeats), sorted(sale->seats));
        const QJsonArray payments = paid.json.value(QStringLiteral("payments")).toArray();
        QCOMPARE(payments.size(), 1);
        QCOMPARE(payments[0][QStringLiteral("paymentId")].toString(), payment.value());
        QCOMPARE(payments[0][QStringLiteral("source")].toString(), QStringLiteral("CALLBACK"));
        QCOMPARE(payments[0][QStringLiteral("status")].toString(), QStringLiteral("APPLIED"));
        QCOMPARE(payments[0][QStringLiteral("amountCents")].toInteger(), sale->amountCents);
        QCOMPARE(seatStatuses(sale->seats), QStringList(2, QStringLiteral("SOLD")));

        const auto charged = finished(m_acquirer, payment);
        QVERIFY(charged);
        QCOMPARE(charged->state, CardChargeState::Approved);
        QCOMPARE(charged->order, sale->order);
        QCOMPARE(charged->amountCents, sale->amountCents);
        QCOMPARE(charged->currency, sale->currency);
        QCOMPARE(charged->serverHttpStatus, 200);
        QCOMPARE(charged->serverResult, QStringLiteral("APPLIED"));
        QCOMPARE(charged->orderStatus, QStringLiteral("TICKETED"));
        QVERIFY(!charged->callbackError);
    }

    void declinedChargeLeavesOrderPayable()
    {
        QString why;
        const auto sale = newSale(1, &why);
        QVERIFY2(sale, qPrintable(why));
        const auto started = charge(m_acquirer, cardCharge(*sale, QStringLiteral("decline")));
        QVERIFY(started);
        QVERIFY2(*started, failure(*started).constData());

        const auto declined = finished(m_acquirer, **started);
        QVERIFY(declined);
        QCOMPARE(declined->state, CardChargeState::Declined);
        QCOMPARE(declined->serverResult, QStringLiteral("FAILURE_RECORDED"));
        QCOMPARE(declined->orderStatus, QStringLiteral("PENDING_PAY"));
        QCOMPARE(orderStatus(sale->order), QStringLiteral("PENDING_PAY"));
        QCOMPARE(paymentStatuses(sale->order), QStringList{QStringLiteral("FAILED")});
        QVERIFY(order(sale->order).json.value(QStringLiteral("tickets")).toArray().isEmpty());
        QCOMPARE(seatStatuses(sale->seats), QStringList{QStringLiteral("HELD")});

        // The customer tries another card.
        const auto again = charge(m_acquirer, cardCharge(*sale, QStringLiteral("approve")));
        QVERIFY(again);
        QVERIFY2(*again, failure(*again).constData());
        QVERIFY(**again != **started);
        QTRY_COMPARE_WITH_TIMEOUT(orderStatus(sale->order), QStringLiteral("TICKETED"), kWaitMs);
        QCOMPARE(paymentStatuses(sale->order),
                 (QStringList{QStringLiteral("FAILED"), QStringLiteral("APPLIED")}));
        QCOMPARE(seatStatuses(sale->seats), QStringList{QStringLiteral("SOLD")});
    }

    // The same callback three times: one payment, one set of tickets.
    void duplicateDeliveriesPayOnce()
    {
        QString why;
        const auto sale = newSale(2, &why);
        QVERIFY2(sale, qPrintable(why));
        CardCharge card = cardCharge(*sale);
        card.deliveries = 3;
        const auto started = charge(m_acquirer, card);
        QVERIFY(started);
        QVERIFY2(*started, failure(*started).constData());

        const auto charged = finished(m_acquirer, **started);
        QVERIFY(charged);
        QCOMPARE(charged->state, CardChargeState::Approved);
        QCOMPARE(charged->deliveries, 3);
        QCOMPARE(charged->deliveriesDone, 3);
        QCOMPARE(charged->serverResult, QStringLiteral("APPLIED"));
        QCOMPARE(deliveryAnswers(m_paysim.url(), **started),
                 (QStringList{QStringLiteral("APPLIED"), QStringLiteral("DUPLICATE"),
                              QStringLiteral("DUPLICATE")}));

        const HttpReply paid = order(sale->order);
        QCOMPARE(paid.json.value(QStringLiteral("status")).toString(), QStringLiteral("TICKETED"));
        QCOMPARE(paymentStatuses(sale->order), QStringList{QStringLiteral("APPLIED")});
        const QJsonArray tickets = paid.json.value(QStringLiteral("tickets")).toArray();
        QCOMPARE(tickets.size(), 2);
        QSet<QString> codes;
        for (const QJsonValue &ticket : tickets)
            codes.insert(ticket[QStringLiteral("ticketCode")].toString());
        QCOMPARE(codes.size(), 2);
        QCOMPARE(seatStatuses(sale->seats), QStringList(2, QStringLiteral("SOLD")));
    }

    void delayedCallbackLeavesOrderPendingMeanwhile()
    {
        QString why;
        const auto sale = newSale(1, &why);
        QVERIFY2(sale, qPrintable(why));
        CardCharge card = cardCharge(*sale);
        card.delayMs = 5000;
        const auto started = charge(m_acquirer, card);
        QVERIFY(started);
        QVERIFY2(*started, failure(*started).constData());

        // Accepted, not yet called back.
        QCOMPARE(orderStatus(sale->order), QStringLiteral("PENDING_PAY"));
        QVERIFY(paymentStatuses(sale->order).isEmpty());
        const auto pending = status(m_acquirer, **started);
        QVERIFY(pending);
        QVERIFY2(*pending, failure(*pending).constData());
        QCOMPARE((*pending)->state, CardChargeState::Processing);
        QCOMPARE((*pending)->deliveriesDone, 0);
        QCOMPARE((*pending)->serverHttpStatus, 0);

        QTRY_COMPARE_WITH_TIMEOUT(orderStatus(sale->order), QStringLiteral("TICKETED"), kWaitMs);
        const auto charged = finished(m_acquirer, **started);
        QVERIFY(charged);
        QCOMPARE(charged->state, CardChargeState::Approved);
    }

    // The acquirer charged another amount than the order's: the server refuses the callback,
    // records nothing, and the charge says why.
    void wrongAmountIsRefusedByTheServer()
    {
        QString why;
        const auto sale = newSale(1, &why);
        QVERIFY2(sale, qPrintable(why));
        CardCharge card = cardCharge(*sale);
        card.amountCents = sale->amountCents + 1;
        const auto started = charge(m_acquirer, card);
        QVERIFY(started);
        QVERIFY2(*started, failure(*started).constData());

        const auto failed = finished(m_acquirer, **started);
        QVERIFY(failed);
        QCOMPARE(failed->state, CardChargeState::CallbackFailed);
        QCOMPARE(failed->serverHttpStatus, 400);
        QVERIFY(failed->callbackError);
        QCOMPARE(failed->callbackError->code, Core::ErrorCode::AmountMismatch);
        QVERIFY(!failed->callbackError->message.isEmpty());
        QCOMPARE(orderStatus(sale->order), QStringLiteral("PENDING_PAY"));
        QVERIFY(paymentStatuses(sale->order).isEmpty());
        QCOMPARE(seatStatuses(sale->seats), QStringList{QStringLiteral("HELD")});
    }

    // A simulator that signs with another secret than the server's (read from a file).
    void wrongSecretIsRefusedByTheServer()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QFile secret(dir.filePath(QStringLiteral("payment-secret")));
        QVERIFY(secret.open(QIODevice::WriteOnly));
        secret.write("not-the-server-secret\n");
        secret.close();
        PaysimProcess forger;
        QVERIFY2(forger.start({QStringLiteral("--server"),
                               QStringLiteral("http://127.0.0.1:%1").arg(m_server.port()),
                               QStringLiteral("--delay-ms"), QStringLiteral("0"),
                               QStringLiteral("--secret-file"), secret.fileName()},
                              m_server.options().paymentSecret), // the file wins
                 qPrintable(forger.output()));
        CardAcquirer acquirer(&m_network);
        acquirer.setEndpoint(forger.url());

        QString why;
        const auto sale = newSale(1, &why);
        QVERIFY2(sale, qPrintable(why));
        const auto started = charge(acquirer, cardCharge(*sale));
        QVERIFY(started);
        QVERIFY2(*started, failure(*started).constData());
        const auto failed = finished(acquirer, **started);
        QVERIFY2(failed, qPrintable(forger.output()));
        QCOMPARE(failed->state, CardChargeState::CallbackFailed);
        QCOMPARE(failed->serverHttpStatus, 401);
        QVERIFY(failed->callbackError);
        QCOMPARE(failed->callbackError->code, Core::ErrorCode::SignatureInvalid);
        QCOMPARE(orderStatus(sale->order), QStringLiteral("PENDING_PAY"));
        QVERIFY(paymentStatuses(sale->order).isEmpty());
        QCOMPARE(seatStatuses(sale->seats), QStringList{QStringLiteral("HELD")});
    }

    // The simulator's own defaults apply to charges that do not choose.
    void simulatorDefaults_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<int>("state");
        QTest::addColumn<QStringList>("answers");
        QTest::addColumn<QString>("orderStatus");
        QTest::addColumn<QStringList>("payments");

        const QString applied = QStringLiteral("APPLIED");
        const QString duplicate = QStringLiteral("DUPLICATE");
        QTest::newRow("--decline")
            << QStringList{QStringLiteral("--decline")} << int(CardChargeState::Declined)
            << QStringList{QStringLiteral("FAILURE_RECORDED")} << QStringLiteral("PENDING_PAY")
            << QStringList{QStringLiteral("FAILED")};
        QTest::newRow("--decline-rate 1")
            << QStringList{QStringLiteral("--decline-rate"), QStringLiteral("1")}
            << int(CardChargeState::Declined) << QStringList{QStringLiteral("FAILURE_RECORDED")}
            << QStringLiteral("PENDING_PAY") << QStringList{QStringLiteral("FAILED")};
        QTest::newRow("--decline-rate 0")
            << QStringList{QStringLiteral("--decline-rate"), QStringLiteral("0")}
            << int(CardChargeState::Approved) << QStringList{applied} << QStringLiteral("TICKETED")
            << QStringList{applied};
        QTest::newRow("--duplicate 3")
            << QStringList{QStringLiteral("--duplicate"), QStringLiteral("3")}
            << int(CardChargeState::Approved) << QStringList{applied, duplicate, duplicate}
            << QStringLiteral("TICKETED") << QStringList{applied};
        QTest::newRow("--decline --duplicate 2")
            << QStringList{QStringLiteral("--decline"), QStringLiteral("--duplicate"),
                           QStringLiteral("2")}
            << int(CardChargeState::Declined)
            << QStringList{QStringLiteral("FAILURE_RECORDED"), duplicate}
            << QStringLiteral("PENDING_PAY") << QStringList{QStringLiteral("FAILED")};
    }

    void simulatorDefaults()
    {
        QFETCH(QStringList, arguments);
        QFETCH(int, state);
        QFETCH(QStringList, answers);
        QFETCH(QString, orderStatus);
        QFETCH(QStringList, payments);

        PaysimProcess paysim;
        QVERIFY2(paysim.start(
                     QStringList{QStringLiteral("--server"),
                                 QStringLiteral("http://127.0.0.1:%1/api/v1").arg(m_server.port()),
                                 QStringLiteral("--delay-ms"), QStringLiteral("0")} +
                         arguments,
                     m_server.options().paymentSecret),
                 qPrintable(paysim.output()));
        CardAcquirer acquirer(&m_network);
        acquirer.setEndpoint(paysim.url());
        QString why;
        const auto sale = newSale(1, &why);
        QVERIFY2(sale, qPrintable(why));
        const auto started = charge(acquirer, cardCharge(*sale));
        QVERIFY(started);
        QVERIFY2(*started, failure(*started).constData());
        const auto charged = finished(acquirer, **started);
        QVERIFY2(charged, qPrintable(paysim.output()));
        QCOMPARE(int(charged->state), state);
        QCOMPARE(charged->deliveries, answers.size());
        QCOMPARE(deliveryAnswers(paysim.url(), **started), answers);
        QCOMPARE(this->orderStatus(sale->order), orderStatus);
        QCOMPARE(paymentStatuses(sale->order), payments);
    }

    // Bad requests to the simulator: a JSON error in the API's shape, nothing started.
    void badInput_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("field"); // the field the error names, if any

        const QString bad = QStringLiteral("BAD_REQUEST");
        auto charge = [&](const char *name, const QByteArray &body, const char *field) {
            QTest::newRow(name) << QByteArray("POST") << QStringLiteral("/charges") << body << 400
                                << bad << QString::fromLatin1(field);
        };
        const QByteArray valid = R"("orderId":"ORD_X","amountCents":100,"currency":"EUR")";
        charge("empty body", "", "");
        charge("not JSON", "orderId=ORD_X", "");
        charge("JSON array", "[1,2]", "");
        charge("truncated JSON", R"({"orderId":"ORD_X")", "");
        charge("orderId missing", R"({"amountCents":100,"currency":"EUR"})", "orderId");
        charge("orderId empty", R"({"orderId":"","amountCents":100,"currency":"EUR"})", "orderId");
        charge("orderId a number", R"({"orderId":7,"amountCents":100,"currency":"EUR"})",
               "orderId");
        charge("orderId with a space", R"({"orderId":"ORD X","amountCents":100,"currency":"EUR"})",
               "orderId");
        charge("orderId too long",
               R"({"orderId":")" + QByteArray(65, 'a') + R"(","amountCents":100,"currency":"EUR"})",
               "orderId");
        charge("amountCents missing", R"({"orderId":"ORD_X","currency":"EUR"})", "amountCents");
        charge("amountCents zero", R"({"orderId":"ORD_X","amountCents":0,"currency":"EUR"})",
               "amountCents");
        charge("amountCents negative", R"({"orderId":"ORD_X","amountCents":-5,"currency":"EUR"})",
               "amountCents");
        charge("amountCents fraction", R"({"orderId":"ORD_X","amountCents":1.5,"currency":"EUR"})",
               "amountCents");
        charge("amountCents a string",
               R"({"orderId":"ORD_X","amountCents":"100","currency":"EUR"})", "amountCents");
        charge("amountCents huge", R"({"orderId":"ORD_X","amountCents":1e30,"currency":"EUR"})",
               "amountCents");
        charge("currency missing", R"({"orderId":"ORD_X","amountCents":100})", "currency");
        charge("currency lower case", R"({"orderId":"ORD_X","amountCents":100,"currency":"eur"})",
               "currency");
        charge("currency too long", R"({"orderId":"ORD_X","amountCents":100,"currency":"EURO"})",
               "currency");
        charge("outcome unknown", "{" + valid + R"(,"outcome":"maybe"})", "outcome");
        charge("outcome a boolean", "{" + valid + R"(,"outcome":true})", "outcome");
        charge("delayMs negative", "{" + valid + R"(,"delayMs":-1})", "delayMs");
        charge("delayMs over 10 minutes", "{" + valid + R"(,"delayMs":600001})", "delayMs");
        charge("deliveries zero", "{" + valid + R"(,"deliveries":0})", "deliveries");
        charge("deliveries 11", "{" + valid + R"(,"deliveries":11})", "deliveries");
        charge("unknown field", "{" + valid + R"(,"delay":5})", "delay");

        auto refund = [&](const char *name, const QByteArray &body, const char *field) {
            QTest::newRow(qPrintable(QStringLiteral("refund: ") + QLatin1StringView(name)))
                << QByteArray("POST") << QStringLiteral("/refunds") << body << 400 << bad
                << QString::fromLatin1(field);
        };
        const QByteArray validRefund =
            R"("refundId":"RFD_X","paymentId":"PAYSIM_X","amountCents":100,"currency":"EUR")";
        refund("empty body", "", "");
        refund("not JSON", "refundId=RFD_X", "");
        refund("refundId missing", R"({"paymentId":"P","amountCents":100,"currency":"EUR"})",
               "refundId");
        refund("refundId with a slash",
               R"({"refundId":"R/1","paymentId":"P","amountCents":100,"currency":"EUR"})",
               "refundId");
        refund("refundId too long",
               R"({"refundId":")" + QByteArray(65, 'r') +
                   R"(","paymentId":"P","amountCents":100,"currency":"EUR"})",
               "refundId");
        refund("paymentId missing", R"({"refundId":"R","amountCents":100,"currency":"EUR"})",
               "paymentId");
        refund("paymentId a number",
               R"({"refundId":"R","paymentId":5,"amountCents":100,"currency":"EUR"})", "paymentId");
        refund("amountCents zero",
               R"({"refundId":"R","paymentId":"P","amountCents":0,"currency":"EUR"})",
               "amountCents");
        refund("amountCents fraction",
               R"({"refundId":"R","paymentId":"P","amountCents":2.5,"currency":"EUR"})",
               "amountCents");
        refund("currency lower case",
               R"({"refundId":"R","paymentId":"P","amountCents":100,"currency":"eur"})",
               "currency");
        refund("outcome unknown", "{" + validRefund + R"(,"outcome":"perhaps"})", "outcome");
        refund("delayMs over 10 minutes", "{" + validRefund + R"(,"delayMs":600001})", "delayMs");
        refund("deliveries 11", "{" + validRefund + R"(,"deliveries":11})", "deliveries");
        refund("unknown field", "{" + validRefund + R"(,"orderId":"ORD_X"})", "orderId");
        QTest::newRow("unknown refund")
            << QByteArray("GET") << QStringLiteral("/refunds/RFD_NONE") << QByteArray() << 404
            << QStringLiteral("NOT_FOUND") << QString();
        QTest::newRow("GET /refunds")
            << QByteArray("GET") << QStringLiteral("/refunds") << QByteArray() << 405
            << QStringLiteral("METHOD_NOT_ALLOWED") << QString();
        QTest::newRow("DELETE a refund")
            << QByteArray("DELETE") << QStringLiteral("/refunds/RFD_NONE") << QByteArray() << 405
            << QStringLiteral("METHOD_NOT_ALLOWED") << QString();
        QTest::newRow("unknown charge")
            << QByteArray("GET") << QStringLiteral("/charges/PAYSIM_NONE") << QByteArray() << 404
            << QStringLiteral("NOT_FOUND") << QString();
        QTest::newRow("unknown path")
            << QByteArray("GET") << QStringLiteral("/api/v1/charges") << QByteArray() << 404
            << QStringLiteral("NOT_FOUND") << QString();
        QTest::newRow("GET /charges")
            << QByteArray("GET") << QStringLiteral("/charges") << QByteArray() << 405
            << QStringLiteral("METHOD_NOT_ALLOWED") << QString();
        QTest::newRow("DELETE a charge")
            << QByteArray("DELETE") << QStringLiteral("/charges/PAYSIM_NONE") << QByteArray() << 405
            << QStringLiteral("METHOD_NOT_ALLOWED") << QString();
        QTest::newRow("POST /health")
            << QByteArray("POST") << QStringLiteral("/health") << QByteArray("{}") << 405
            << QStringLiteral("METHOD_NOT_ALLOWED") << QString();
        QTest::newRow("body of 1 MB")
            << QByteArray("POST") << QStringLiteral("/charges")
            << QByteArray("{\"orderId\":\"" + QByteArray(1024 * 1024, 'y') + "\"}") << 413
            << QStringLiteral("PAYLOAD_TOO_LARGE") << QString();
    }

    void badInput()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, code);
        QFETCH(QString, field);

        TestClient client(m_paysim.url().toString());
        const HttpReply before = client.get(QStringLiteral("/health"));
        const HttpReply reply = client.request(method, path, body);
        QVERIFY2(reply.status == status, qPrintable(reply.describe()));
        QCOMPARE(reply.errorCode(), code);
        const QJsonObject error = reply.json.value(QStringLiteral("error")).toObject();
        QVERIFY(!error.value(QStringLiteral("message")).toString().isEmpty());
        if (!field.isEmpty())
            QCOMPARE(error.value(QStringLiteral("field")).toString(), field);
        // Nothing was started.
        const HttpReply after = client.get(QStringLiteral("/health"));
        QCOMPARE(after.json.value(QStringLiteral("pendingCharges")),
                 before.json.value(QStringLiteral("pendingCharges")));
    }

    // The size limit holds before any body byte is read.
    void declaredBodyTooLargeIsRefusedAtOnce()
    {
        const QByteArray answer =
            rawExchange(quint16(m_paysim.url().port()),
                        "POST /charges HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                        "application/json\r\nContent-Length: 100000\r\n\r\n");
        QVERIFY2(answer.startsWith("HTTP/1.1 413"), answer.constData());
        QVERIFY2(answer.contains("PAYLOAD_TOO_LARGE"), answer.constData());
    }

    void refusedChargesReachTheTerminal_data()
    {
        QTest::addColumn<int>("deliveries");
        QTest::addColumn<int>("delayMs");
        QTest::addColumn<QString>("currency");
        QTest::addColumn<QString>("outcome");

        QTest::newRow("deliveries 11") << 11 << -1 << QStringLiteral("EUR") << QString();
        QTest::newRow("deliveries 0") << 0 << -1 << QStringLiteral("EUR") << QString();
        QTest::newRow("delay over 10 minutes")
            << 1 << 600'001 << QStringLiteral("EUR") << QString();
        QTest::newRow("no currency") << 1 << -1 << QString() << QString();
        QTest::newRow("unknown outcome")
            << 1 << -1 << QStringLiteral("EUR") << QStringLiteral("maybe");
    }

    void refusedChargesReachTheTerminal()
    {
        QFETCH(int, deliveries);
        QFETCH(int, delayMs);
        QFETCH(QString, currency);
        QFETCH(QString, outcome);
        CardCharge card;
        card.order = Core::OrderId(QStringLiteral("ORD_REFUSED"));
        card.amountCents = 100;
        card.currency = currency;
        card.outcome = outcome;
        card.delayMs = delayMs;
        card.deliveries = deliveries;
        const auto answer = charge(m_acquirer, card);
        QVERIFY(answer);
        QVERIFY(!*answer);
        QCOMPARE(answer->error().code, Core::ErrorCode::BadRequest);
        QVERIFY(!answer->error().message.isEmpty());
    }

    // A card refund: the supervisor's refund waits for the acquirer, which pays it back and
    // tells the server; a declined one can be sent again under the same refund id.
    void cardRefundGoesThroughTheAcquirer()
    {
        QString why;
        const auto sale = newSale(1, &why);
        QVERIFY2(sale, qPrintable(why));
        const auto started = charge(m_acquirer, cardCharge(*sale, QStringLiteral("approve")));
        QVERIFY(started && *started);
        const Core::PaymentId payment = **started;
        QTRY_COMPARE_WITH_TIMEOUT(orderStatus(sale->order), QStringLiteral("TICKETED"), kWaitMs);

        TestClient supervisor(m_server.baseUrl());
        QCOMPARE(
            supervisor.login(QStringLiteral("supervisor"), m_server.options().demoPassword).status,
            201);
        const HttpReply refunded =
            supervisor.post(QStringLiteral("/orders/%1/refunds").arg(sale->order.value()),
                            QJsonObject{{QStringLiteral("reason"), QStringLiteral("cancelled")}});
        QVERIFY2(refunded.status == 201, qPrintable(refunded.describe()));
        QCOMPARE(refunded.json.value(QStringLiteral("method")).toString(), QStringLiteral("CARD"));
        QCOMPARE(refunded.json.value(QStringLiteral("status")).toString(),
                 QStringLiteral("CARD_PENDING"));
        QCOMPARE(refunded.json.value(QStringLiteral("paymentId")).toString(), payment.value());
        const QString refundId = refunded.json.value(QStringLiteral("refundId")).toString();
        const QJsonObject toAcquirer{{QStringLiteral("refundId"), refundId},
                                     {QStringLiteral("paymentId"), payment.value()},
                                     {QStringLiteral("amountCents"), sale->amountCents},
                                     {QStringLiteral("currency"), sale->currency}};
        auto refundState = [&] {
            return supervisor.get(QStringLiteral("/orders/") + sale->order.value())
                .json.value(QStringLiteral("refunds"))[0][QStringLiteral("status")]
                .toString();
        };

        TestClient acquirer(m_paysim.url().toString());
        QJsonObject declined = toAcquirer;
        declined.insert(QStringLiteral("outcome"), QStringLiteral("decline"));
        declined.insert(QStringLiteral("delayMs"), 1000);
        const HttpReply first = acquirer.post(QStringLiteral("/refunds"), declined);
        QVERIFY2(first.status == 202, qPrintable(first.describe()));
        QCOMPARE(first.json.value(QStringLiteral("status")).toString(), QStringLiteral("PENDING"));
        // Sent again while still pending: refused.
        const HttpReply again = acquirer.post(QStringLiteral("/refunds"), declined);
        QVERIFY2(again.status == 409, qPrintable(again.describe()));
        QCOMPARE(again.errorCode(), QStringLiteral("CONFLICT"));
        QTRY_COMPARE_WITH_TIMEOUT(refundState(), QStringLiteral("CARD_FAILED"), kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(acquirer.get(QStringLiteral("/refunds/") + refundId)
                                      .json.value(QStringLiteral("status"))
                                      .toString(),
                                  QStringLiteral("FAILED"), kWaitMs);

        const HttpReply retried = acquirer.post(QStringLiteral("/refunds"), toAcquirer);
        QVERIFY2(retried.status == 202, qPrintable(retried.describe()));
        QTRY_COMPARE_WITH_TIMEOUT(refundState(), QStringLiteral("COMPLETED"), kWaitMs);
        const HttpReply shown = acquirer.get(QStringLiteral("/refunds/") + refundId);
        QCOMPARE(shown.json.value(QStringLiteral("status")).toString(),
                 QStringLiteral("SUCCEEDED"));
        const QString reference = shown.json.value(QStringLiteral("acquirerRefundId")).toString();
        QVERIFY(reference.startsWith(QLatin1StringView("PAYSIM_R_")));
        const QJsonObject stored = supervisor.get(QStringLiteral("/orders/") + sale->order.value())
                                       .json.value(QStringLiteral("refunds"))[0]
                                       .toObject();
        QCOMPARE(stored.value(QStringLiteral("acquirerReference")).toString(), reference);
        QCOMPARE(
            shown.json.value(QStringLiteral("serverAnswer"))[QStringLiteral("httpStatus")].toInt(),
            200);
    }

    void unknownChargeIsNotFound()
    {
        const auto answer = status(m_acquirer, Core::PaymentId(QStringLiteral("PAYSIM_NONE")));
        QVERIFY(answer);
        QVERIFY(!*answer);
        QCOMPARE(answer->error().code, Core::ErrorCode::NotFound);
    }

    void pendingChargesAreBounded()
    {
        PaysimProcess paysim;
        QVERIFY2(paysim.start({QStringLiteral("--server"),
                               QStringLiteral("http://127.0.0.1:%1").arg(m_server.port()),
                               QStringLiteral("--delay-ms"), QStringLiteral("600000"),
                               QStringLiteral("--max-pending"), QStringLiteral("2")},
                              m_server.options().paymentSecret),
                 qPrintable(paysim.output()));
        CardAcquirer acquirer(&m_network);
        acquirer.setEndpoint(paysim.url());
        CardCharge card;
        card.order = Core::OrderId(QStringLiteral("ORD_NEVER_CALLED_BACK"));
        card.amountCents = 100;
        card.currency = QStringLiteral("EUR");
        for (int i = 0; i < 2; ++i) {
            const auto accepted = charge(acquirer, card);
            QVERIFY(accepted);
            QVERIFY2(*accepted, failure(*accepted).constData());
        }
        const auto refused = charge(acquirer, card);
        QVERIFY(refused);
        QVERIFY(!*refused);
        QCOMPARE(refused->error().code, Core::ErrorCode::Overloaded);
    }

    void absentAcquirerIsUnreachable()
    {
        CardCharge card;
        card.order = Core::OrderId(QStringLiteral("ORD_NOBODY_THERE"));
        card.amountCents = 100;
        card.currency = QStringLiteral("EUR");

        CardAcquirer unconfigured(&m_network);
        QVERIFY(!unconfigured.isConfigured());
        bool calledInside = false;
        bool calling = true;
        unconfigured.charge(card, this,
                            [&](Core::Result<Core::PaymentId>) { calledInside = calling; });
        calling = false;
        QVERIFY(!calledInside);
        auto answer = charge(unconfigured, card);
        QVERIFY(answer);
        QVERIFY(!*answer);
        QCOMPARE(answer->error().code, Core::ErrorCode::Unreachable);

        CardAcquirer nobody(&m_network);
        const quint16 port = closedPort();
        QVERIFY(port != 0);
        nobody.setEndpoint(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)));
        answer = charge(nobody, card);
        QVERIFY(answer);
        QVERIFY(!*answer);
        QCOMPARE(answer->error().code, Core::ErrorCode::Unreachable);
        const auto state = status(nobody, Core::PaymentId(QStringLiteral("PAYSIM_X")));
        QVERIFY(state);
        QVERIFY(!*state);
        QCOMPARE(state->error().code, Core::ErrorCode::Unreachable);

        // A simulator that was there and stopped.
        PaysimProcess stopped;
        QVERIFY2(stopped.start({}, m_server.options().paymentSecret), qPrintable(stopped.output()));
        CardAcquirer gone(&m_network);
        gone.setEndpoint(stopped.url());
        CardCharge never = card;
        never.delayMs = 600'000;
        answer = charge(gone, never);
        QVERIFY(answer);
        QVERIFY2(*answer, failure(*answer).constData());
        stopped.stop();
        answer = charge(gone, never);
        QVERIFY(answer);
        QVERIFY(!*answer);
        QCOMPARE(answer->error().code, Core::ErrorCode::Unreachable);
    }

    // No answer from the server: each delivery is tried again, then the charge gives up.
    void serverDownMeansCallbackFailed()
    {
        const quint16 port = closedPort();
        QVERIFY(port != 0);
        PaysimProcess paysim;
        QVERIFY2(paysim.start({QStringLiteral("--server"),
                               QStringLiteral("http://127.0.0.1:%1").arg(port),
                               QStringLiteral("--delay-ms"), QStringLiteral("0")},
                              m_server.options().paymentSecret),
                 qPrintable(paysim.output()));
        CardAcquirer acquirer(&m_network);
        acquirer.setEndpoint(paysim.url());
        CardCharge card;
        card.order = Core::OrderId(QStringLiteral("ORD_SERVER_DOWN"));
        card.amountCents = 100;
        card.currency = QStringLiteral("EUR");
        const auto started = charge(acquirer, card);
        QVERIFY(started);
        QVERIFY2(*started, failure(*started).constData());
        const auto failed = finished(acquirer, **started);
        QVERIFY2(failed, qPrintable(paysim.output()));
        QCOMPARE(failed->state, CardChargeState::CallbackFailed);
        QCOMPARE(failed->serverHttpStatus, 0);
        QVERIFY(failed->callbackError);
        QCOMPARE(failed->callbackError->code, Core::ErrorCode::Unreachable);

        TestClient client(paysim.url().toString());
        const HttpReply view = client.get(QStringLiteral("/charges/") + started->value().value());
        const QJsonArray attempts = view.json.value(QStringLiteral("attempts")).toArray();
        QCOMPARE(attempts.size(), 4); // the first try and three more
        for (const QJsonValue &attempt : attempts) {
            QCOMPARE(attempt[QStringLiteral("httpStatus")].toInt(), 0);
            QVERIFY(!attempt[QStringLiteral("networkError")].toString().isEmpty());
        }
    }

    // The simulator refuses to start without what it needs, and says so.
    void startupRefusals_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QByteArray>("secret");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("mentions");

        const QByteArray secret = "some-secret";
        QTest::newRow("no secret")
            << QStringList() << QByteArray() << 1 << QStringLiteral("BOXOFFICE_PAYMENT_SECRET");
        QTest::newRow("secret file missing")
            << QStringList{QStringLiteral("--secret-file"), QStringLiteral("/nonexistent/secret")}
            << secret << 1 << QStringLiteral("/nonexistent/secret");
        QTest::newRow("secret file empty")
            << QStringList{QStringLiteral("--secret-file"), QStringLiteral("/dev/null")} << secret
            << 1 << QStringLiteral("empty");
        QTest::newRow("unknown option")
            << QStringList{QStringLiteral("--bogus")} << secret << 2 << QStringLiteral("--bogus");
        QTest::newRow("delay too long")
            << QStringList{QStringLiteral("--delay-ms"), QStringLiteral("600001")} << secret << 2
            << QStringLiteral("--delay-ms");
        QTest::newRow("delay not a number")
            << QStringList{QStringLiteral("--delay-ms"), QStringLiteral("soon")} << secret << 2
            << QStringLiteral("--delay-ms");
        QTest::newRow("duplicate 11")
            << QStringList{QStringLiteral("--duplicate"), QStringLiteral("11")} << secret << 2
            << QStringLiteral("--duplicate");
        QTest::newRow("decline rate 1.5")
            << QStringList{QStringLiteral("--decline-rate"), QStringLiteral("1.5")} << secret << 2
            << QStringLiteral("--decline-rate");
        QTest::newRow("server not http")
            << QStringList{QStringLiteral("--server"), QStringLiteral("ftp://127.0.0.1:8480")}
            << secret << 2 << QStringLiteral("--server");
        QTest::newRow("server with a path")
            << QStringList{QStringLiteral("--server"), QStringLiteral("http://127.0.0.1/elsewhere")}
            << secret << 2 << QStringLiteral("--server");
        QTest::newRow("listen without port")
            << QStringList{QStringLiteral("--listen"), QStringLiteral("127.0.0.1")} << secret << 2
            << QStringLiteral("--listen");
        QTest::newRow("option without value")
            << QStringList{QStringLiteral("--server")} << secret << 2 << QStringLiteral("--server");
    }

    void startupRefusals()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QByteArray, secret);
        QFETCH(int, exitCode);
        QFETCH(QString, mentions);

        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("BOXOFFICE_PAYMENT_SECRET"));
        env.remove(QStringLiteral("BOXOFFICE_PAYMENT_SECRET_FILE"));
        if (!secret.isEmpty())
            env.insert(QStringLiteral("BOXOFFICE_PAYMENT_SECRET"), QString::fromLatin1(secret));
        process.setProcessEnvironment(env);
        // Port 0: should it start after all, it does not collide with anything.
        process.start(QStringLiteral(BOXOFFICE_PAYSIM_BINARY),
                      QStringList{QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")} +
                          arguments);
        QVERIFY(process.waitForStarted(10'000));
        if (!process.waitForFinished(kWaitMs)) {
            process.kill();
            process.waitForFinished();
            QFAIL("the simulator started instead of refusing");
        }
        const QString errors = QString::fromUtf8(process.readAllStandardError());
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), exitCode);
        QVERIFY2(errors.contains(mentions), qPrintable(errors));
        QVERIFY(process.readAllStandardOutput().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestPaysim)
#include "tst_paysim.moc"

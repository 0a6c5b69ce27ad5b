// The supervisor, override, shift and audit calls of the terminal's API client: what goes on the
// wire (path, query, override header, body) and strict reading of the answers, with a recording
// fake server; then every call against the real server over real HTTP (docs/supervisor-api.md).

#include "clientwait.h"
#include "testserver.h"

#include "core/venue/venuelayout.h"
#include "sync/client/apiclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <memory>

using namespace Boxoffice;
using namespace Boxoffice::Sync;
using namespace Boxoffice::Test;
using Core::ErrorCode;

namespace {

const Core::ShowId kShow(QStringLiteral("seagull-2"));

// A loopback server that records the one request it gets and answers with canned bytes.
class RecordingServer : public QTcpServer
{
public:
    explicit RecordingServer(QByteArray answer)
        : m_answer(std::move(answer))
    {
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = nextPendingConnection()) {
                connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
                    m_request += socket->readAll();
                    const qsizetype end = m_request.indexOf("\r\n\r\n");
                    if (end < 0)
                        return;
                    const qsizetype length = contentLength();
                    if (m_request.size() < end + 4 + length)
                        return;
                    socket->write(m_answer);
                    socket->disconnectFromHost();
                });
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
        listen(QHostAddress::LocalHost, 0);
    }
    [[nodiscard]] QUrl url() const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(serverPort()));
    }
    [[nodiscard]] QByteArray requestLine() const { return m_request.left(m_request.indexOf('\r')); }
    [[nodiscard]] QByteArray header(const QByteArray &name) const
    {
        for (const QByteArray &line : m_request.left(m_request.indexOf("\r\n\r\n")).split('\n')) {
            const qsizetype colon = line.indexOf(':');
            if (colon > 0 && line.left(colon).trimmed().toLower() == name.toLower())
                return line.mid(colon + 1).trimmed();
        }
        return {};
    }
    [[nodiscard]] QJsonObject body() const
    {
        return QJsonDocument::fromJson(m_request.mid(m_request.indexOf("\r\n\r\n") + 4)).object();
    }

private:
    [[nodiscard]] qsizetype contentLength() const
    {
        const QByteArray value = header("Content-Length");
        return value.isEmpty() ? 0 : value.toLongLong();
    }

    QByteArray m_answer;
    QByteArray m_request;
};

QByteArray httpAnswer(int status, const QByteArray &body)
{
    return "HTTP/1.1 " + QByteArray::number(status) +
           " X\r\nContent-Type: application/json\r\nContent-Length: " +
           QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

const QByteArray kRefundJson =
    R"({"refundId":"RF-1","orderId":"O-1","kind":"REFUND","method":"CASH","status":"COMPLETED",)"
    R"("amountCents":9000,"currency":"EUR","ticketCodes":["T-1","T-2"],"seatIds":["S-1","S-2"],)"
    R"("reason":"ill","requestedBy":"clerk","authorizedBy":"supervisor","shiftId":"SH-1",)"
    R"("terminal":"window-1","createdAt":"2026-03-01T10:00:00.000Z","orderStatus":"TICKETED"})";

const QByteArray kZReportJson =
    R"({"kind":"Z","shift":{"shiftId":"SH-1","userId":"U-1","username":"clerk",)"
    R"("terminal":"window-1","status":"CLOSED","floatCents":10000,)"
    R"("openedAt":"2026-03-01T08:00:00.000Z","closedAt":"2026-03-01T18:00:00.000Z",)"
    R"("countedCents":19500},"sales":{"count":3,"tickets":6,"cashCents":12000,"cardCents":5000,)"
    R"("totalCents":17000},"refunds":{"count":1,"tickets":1,"cashCents":2000,"cardCents":0,)"
    R"("totalCents":2000},"exchanges":{"count":0,"cashInCents":0,"cashOutCents":0},)"
    R"("netCashCents":10000,"floatCents":10000,"expectedCashCents":20000,"countedCents":19500,)"
    R"("differenceCents":-500,"generatedAt":"2026-03-01T18:00:00.000Z"})";

QStringList codes(const QList<Core::TicketCode> &tickets)
{
    QStringList list;
    for (const auto &ticket : tickets)
        list.append(ticket.value());
    return list;
}

bool isWireCode(const Core::Error &error, const char *wireName)
{
    return qstrcmp(Core::errorCodeInfo(error.code).wireName, wireName) == 0;
}

} // namespace

class TestSupervisorClient : public QObject
{
    Q_OBJECT

private:
    TestServer m_server;
    QNetworkAccessManager m_network;
    std::unique_ptr<ApiClient> m_clerk;
    std::unique_ptr<ApiClient> m_supervisor;
    std::shared_ptr<const Core::VenueLayout> m_layout;
    int m_nextSeat = 0;

    QUrl serverUrl() const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server.port()));
    }

    std::unique_ptr<ApiClient> loggedIn(const QString &user, const QString &terminal)
    {
        auto client = std::make_unique<ApiClient>(&m_network);
        client->setServer(serverUrl());
        client->setTerminalName(terminal);
        auto session = awaitResult<Session>(
            [&](auto done) { client->login(user, m_server.options().demoPassword, this, done); });
        if (!session) {
            qWarning() << describe(session);
            return nullptr;
        }
        return client;
    }

    QList<Core::SeatId> nextSeats(int count)
    {
        QList<Core::SeatId> seats;
        for (int i = 0; i < count; ++i)
            seats.append(m_layout->seats()[std::size_t(m_nextSeat++)].id);
        return seats;
    }

    // A cash sale of `count` seats by `client`, with a contact.
    Result<OrderInfo> sell(ApiClient &client, int count, const Contact &contact)
    {
        auto hold = awaitResult<HoldInfo>(
            [&](auto done) { client.placeHold(kShow, nextSeats(count), 300, this, done); });
        if (!hold)
            return std::unexpected(hold.error());
        auto order = awaitResult<OrderInfo>([&](auto done) {
            client.createOrder(hold->id, contact, QStringLiteral("sale-%1").arg(m_nextSeat), this,
                               done);
        });
        if (!order)
            return std::unexpected(order.error());
        auto paid = awaitResult<TenderResult>(
            [&](auto done) { client.payCash(order->id, order->amountCents, this, done); });
        if (!paid)
            return std::unexpected(paid.error());
        return awaitResult<OrderInfo>([&](auto done) { client.order(order->id, this, done); });
    }

    QString verify(const QString &payload)
    {
        TestClient http(m_server.baseUrl());
        http.login(QStringLiteral("supervisor"), m_server.options().demoPassword);
        const HttpReply reply = http.post(QStringLiteral("/tickets/verify"),
                                          QJsonObject{{QStringLiteral("qrPayload"), payload}});
        return reply.json.value(QStringLiteral("result")).toString();
    }

    QString seatStatus(const Core::SeatId &seat)
    {
        auto update = awaitResult<SeatsUpdate>(
            [&](auto done) { m_supervisor->seats(kShow, -1, this, done); });
        if (!update || !std::holds_alternative<SeatSnapshot>(*update))
            return {};
        const int index = m_layout->indexOf(seat);
        const auto &statuses = std::get<SeatSnapshot>(*update).statuses;
        if (index < 0 || std::size_t(index) >= statuses.size())
            return {};
        return Core::wireName(Core::SeatState(statuses[std::size_t(index)]));
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(m_server.start(), qPrintable(m_server.output()));
        m_clerk = loggedIn(QStringLiteral("clerk"), QStringLiteral("window-7"));
        QVERIFY(m_clerk);
        m_supervisor = loggedIn(QStringLiteral("supervisor"), QStringLiteral("office"));
        QVERIFY(m_supervisor);
        auto detail = awaitResult<ShowDetail>(
            [&](auto done) { m_supervisor->showDetail(kShow, this, done); });
        QVERIFY2(detail, describe(detail));
        auto json = awaitResult<QByteArray>(
            [&](auto done) { m_supervisor->venueLayout(detail->summary.venue, this, done); });
        QVERIFY2(json, describe(json));
        auto layout = Core::parseVenueLayout(*json, QStringLiteral("layout"));
        QVERIFY2(layout, describe(layout));
        m_layout = std::make_shared<const Core::VenueLayout>(std::move(*layout));
    }

    // --- On the wire (recording fake server) -------------------------------------------------

    void refundSendsOverrideTokenAndReadsRecord()
    {
        RecordingServer fake(httpAnswer(201, kRefundJson));
        QVERIFY(fake.isListening());
        ApiClient client(&m_network);
        client.setServer(fake.url());
        client.setToken(QStringLiteral("session"));
        RefundRequest request;
        request.tickets = {Core::TicketCode(QStringLiteral("T-1")),
                           Core::TicketCode(QStringLiteral("T-2"))};
        request.reason = QStringLiteral("ill");
        request.method = QStringLiteral("CASH");
        auto refund = awaitResult<RefundInfo>([&](auto done) {
            client.refund(Core::OrderId(QStringLiteral("O 1")), request,
                          QStringLiteral("override-token-1"), this, done);
        });
        QVERIFY2(refund, describe(refund));
        QCOMPARE(fake.requestLine(), QByteArray("POST /api/v1/orders/O%201/refunds HTTP/1.1"));
        QCOMPARE(fake.header("X-Override-Token"), QByteArray("override-token-1"));
        QCOMPARE(stringList(fake.body().value(QStringLiteral("ticketCodes"))),
                 QStringList({QStringLiteral("T-1"), QStringLiteral("T-2")}));
        QCOMPARE(fake.body().value(QStringLiteral("reason")).toString(), QStringLiteral("ill"));
        QCOMPARE(fake.body().value(QStringLiteral("method")).toString(), QStringLiteral("CASH"));
        QCOMPARE(refund->id.value(), QStringLiteral("RF-1"));
        QCOMPARE(refund->amountCents, 9000);
        QCOMPARE(codes(refund->tickets),
                 QStringList({QStringLiteral("T-1"), QStringLiteral("T-2")}));
        QCOMPARE(refund->authorizedBy, QStringLiteral("supervisor"));
        QCOMPARE(refund->orderStatus, QStringLiteral("TICKETED"));
        QVERIFY(refund->createdMs > 0);
    }

    void noOverrideTokenNoHeader()
    {
        RecordingServer fake(httpAnswer(201, kRefundJson));
        ApiClient client(&m_network);
        client.setServer(fake.url());
        RefundRequest request;
        request.reason = QStringLiteral("whole order");
        auto refund = awaitResult<RefundInfo>([&](auto done) {
            client.refund(Core::OrderId(QStringLiteral("O-1")), request, QString(), this, done);
        });
        QVERIFY2(refund, describe(refund));
        QVERIFY(fake.header("X-Override-Token").isEmpty());
        // No tickets: the whole order; no method: the original tender.
        QVERIFY(!fake.body().contains(QStringLiteral("ticketCodes")));
        QVERIFY(!fake.body().contains(QStringLiteral("method")));
    }

    void searchTextIsEncoded()
    {
        RecordingServer fake(httpAnswer(200, R"({"orders":[],"matchedBy":"NONE"})"));
        ApiClient client(&m_network);
        client.setServer(fake.url());
        auto found = awaitResult<OrderSearch>([&](auto done) {
            client.findOrders(QStringLiteral("Zhang & Li+1/é"), 20, this, done);
        });
        QVERIFY2(found, describe(found));
        QCOMPARE(found->matchedBy, QStringLiteral("NONE"));
        QVERIFY(found->orders.isEmpty());
        QCOMPARE(
            fake.requestLine(),
            QByteArray("GET /api/v1/orders?q=Zhang%20%26%20Li%2B1%2F%C3%A9&limit=20 HTTP/1.1"));
    }

    void auditFilterBecomesQuery()
    {
        RecordingServer fake(httpAnswer(
            200, R"({"records":[{"id":7,"at":"2026-03-01T10:00:00.000Z","actor":"supervisor",)"
                 R"("terminal":"office","action":"refund","subject":"O-1","detail":{"a":1}}],)"
                 R"("nextBeforeId":7})"));
        ApiClient client(&m_network);
        client.setServer(fake.url());
        AuditFilter filter;
        filter.action = QStringLiteral("refund");
        filter.terminal = QStringLiteral("window 1");
        filter.fromMs = QDateTime(QDate(2026, 3, 1), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
        filter.beforeId = 50;
        filter.limit = 10;
        auto page = awaitResult<AuditPage>([&](auto done) { client.audit(filter, this, done); });
        QVERIFY2(page, describe(page));
        QCOMPARE(fake.requestLine(),
                 QByteArray("GET /api/v1/audit?action=refund&terminal=window%201&from=2026-03-01T"
                            "00%3A00%3A00.000Z&beforeId=50&limit=10 HTTP/1.1"));
        QCOMPARE(page->records.size(), 1);
        QCOMPARE(page->records[0].id, 7);
        QCOMPARE(page->records[0].detail.value(QStringLiteral("a")).toInt(), 1);
        QCOMPARE(page->nextBeforeId, 7);
    }

    void zReportIsRead()
    {
        RecordingServer fake(httpAnswer(200, kZReportJson));
        ApiClient client(&m_network);
        client.setServer(fake.url());
        auto report = awaitResult<ShiftReport>([&](auto done) {
            client.closeShift(ShiftId(QStringLiteral("SH-1")), 19500, this, done);
        });
        QVERIFY2(report, describe(report));
        QCOMPARE(fake.requestLine(), QByteArray("POST /api/v1/shifts/SH-1/close HTTP/1.1"));
        QCOMPARE(fake.body().value(QStringLiteral("countedCents")).toInteger(), 19500);
        QCOMPARE(report->kind, QStringLiteral("Z"));
        QCOMPARE(report->shift.status, QStringLiteral("CLOSED"));
        QCOMPARE(report->sales.cashCents, 12000);
        QCOMPARE(report->refunds.totalCents, 2000);
        QCOMPARE(report->expectedCashCents, 20000);
        QCOMPARE(report->countedCents.value_or(-1), 19500);
        QCOMPARE(report->differenceCents.value_or(0), -500);
    }

    void malformedReportIsRefused_data()
    {
        QTest::addColumn<QByteArray>("answer");
        QByteArray badKind = kZReportJson;
        badKind.replace(R"("kind":"Z")", R"("kind":"Q")");
        QTest::newRow("unknown kind") << badKind;
        QByteArray noShift = kZReportJson;
        noShift.replace(R"("shift":{)", R"("shoft":{)");
        QTest::newRow("no shift") << noShift;
        QByteArray textMoney = kZReportJson;
        textMoney.replace(R"("expectedCashCents":20000)", R"("expectedCashCents":"20000")");
        QTest::newRow("money as text") << textMoney;
        QByteArray badStatus = kZReportJson;
        badStatus.replace(R"("status":"CLOSED")", R"("status":"MAYBE")");
        QTest::newRow("unknown shift status") << badStatus;
    }

    void malformedReportIsRefused()
    {
        QFETCH(QByteArray, answer);
        RecordingServer fake(httpAnswer(200, answer));
        ApiClient client(&m_network);
        client.setServer(fake.url());
        auto report = awaitResult<ShiftReport>(
            [&](auto done) { client.shiftReport(ShiftId(QStringLiteral("SH-1")), this, done); });
        QVERIFY(!report);
        QCOMPARE(report.error().code, ErrorCode::BadRequest);
    }

    // --- Against the real server ---------------------------------------------------------------

    void loginNamesTheTerminal()
    {
        QCOMPARE(m_clerk->session().terminal, QStringLiteral("window-7"));
        QCOMPARE(m_supervisor->session().role, QStringLiteral("supervisor"));
    }

    void findRefundAndReprint()
    {
        const Contact contact{QStringLiteral("Ada Lovelace"), QStringLiteral("+44 20 7946 0958")};
        auto sold = sell(*m_clerk, 3, contact);
        QVERIFY2(sold, describe(sold));
        QCOMPARE(sold->tickets.size(), 3);
        QCOMPARE(sold->terminal, QStringLiteral("window-7"));

        auto byPhone = awaitResult<OrderSearch>([&](auto done) {
            m_supervisor->findOrders(QStringLiteral("79460958"), 0, this, done);
        });
        QVERIFY2(byPhone, describe(byPhone));
        QCOMPARE(byPhone->matchedBy, QStringLiteral("PHONE"));
        QVERIFY(!byPhone->orders.isEmpty());
        QCOMPARE(byPhone->orders[0].order, sold->id);
        QCOMPARE(byPhone->orders[0].validTicketCount, 3);
        QCOMPARE(byPhone->orders[0].contact.name, contact.name);

        auto byQr = awaitResult<OrderSearch>([&](auto done) {
            m_supervisor->findOrders(sold->tickets[1].qrPayload, 5, this, done);
        });
        QVERIFY2(byQr, describe(byQr));
        QCOMPARE(byQr->matchedBy, QStringLiteral("QR"));
        QCOMPARE(byQr->orders.size(), 1);
        QCOMPARE(byQr->orders[0].order, sold->id);

        RefundRequest request;
        request.tickets = {sold->tickets[0].code, sold->tickets[1].code};
        request.reason = QStringLiteral("customer ill");
        request.method = QStringLiteral("CASH");
        auto refund = awaitResult<RefundInfo>(
            [&](auto done) { m_supervisor->refund(sold->id, request, QString(), this, done); });
        QVERIFY2(refund, describe(refund));
        QCOMPARE(refund->status, QStringLiteral("COMPLETED"));
        QCOMPARE(refund->kind, QStringLiteral("REFUND"));
        QCOMPARE(refund->amountCents, sold->tickets[0].priceCents + sold->tickets[1].priceCents);
        QCOMPARE(refund->orderStatus, QStringLiteral("TICKETED"));
        QCOMPARE(refund->terminal, QStringLiteral("office"));
        QCOMPARE(seatStatus(sold->tickets[0].seat), QStringLiteral("AVAILABLE"));
        QCOMPARE(seatStatus(sold->tickets[2].seat), QStringLiteral("SOLD"));
        QCOMPARE(verify(sold->tickets[0].qrPayload), QStringLiteral("REVOKED"));

        // Refunding a revoked ticket again is refused.
        auto again = awaitResult<RefundInfo>(
            [&](auto done) { m_supervisor->refund(sold->id, request, QString(), this, done); });
        QVERIFY(!again);
        QVERIFY2(isWireCode(again.error(), "ALREADY_REFUNDED"), describe(again.error()));

        auto view =
            awaitResult<OrderInfo>([&](auto done) { m_supervisor->order(sold->id, this, done); });
        QVERIFY2(view, describe(view));
        QCOMPARE(view->refunds.size(), 1);
        QCOMPARE(view->refunds[0].id, refund->id);
        int revoked = 0;
        for (const TicketInfo &ticket : view->tickets) {
            if (ticket.status == QLatin1StringView("REVOKED")) {
                ++revoked;
                QCOMPARE(ticket.revokedReason, QStringLiteral("REFUND"));
                QVERIFY(ticket.revokedMs > 0);
            }
        }
        QCOMPARE(revoked, 2);

        auto reprint = awaitResult<ReprintResult>([&](auto done) {
            m_supervisor->reprintTicket(sold->tickets[2].code, QStringLiteral("torn"), QString(),
                                        this, done);
        });
        QVERIFY2(reprint, describe(reprint));
        QCOMPARE(reprint->revoked, sold->tickets[2].code);
        QCOMPARE(reprint->ticket.reprintOf, sold->tickets[2].code);
        QCOMPARE(reprint->ticket.printCount, 2);
        QCOMPARE(reprint->ticket.seat, sold->tickets[2].seat);
        QVERIFY(reprint->ticket.code != sold->tickets[2].code);
        QCOMPARE(verify(sold->tickets[2].qrPayload), QStringLiteral("REVOKED"));
        QCOMPARE(verify(reprint->ticket.qrPayload), QStringLiteral("VALID"));
    }

    void clerkOverrideWorksOnce()
    {
        auto sold = sell(*m_clerk, 1, {});
        QVERIFY2(sold, describe(sold));
        RefundRequest request;
        request.reason = QStringLiteral("wrong date");
        auto refused = awaitResult<RefundInfo>(
            [&](auto done) { m_clerk->refund(sold->id, request, QString(), this, done); });
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::Forbidden);

        OverrideRequest ask{QStringLiteral("supervisor"), QStringLiteral("not the password"),
                            QString(), QStringLiteral("refund"), sold->id.value()};
        auto wrong = awaitResult<OverrideGrant>(
            [&](auto done) { m_clerk->requestOverride(ask, this, done); });
        QVERIFY(!wrong);
        QVERIFY2(isWireCode(wrong.error(), "BAD_CREDENTIALS"), describe(wrong.error()));

        ask.password = m_server.options().demoPassword;
        auto grant = awaitResult<OverrideGrant>(
            [&](auto done) { m_clerk->requestOverride(ask, this, done); });
        QVERIFY2(grant, describe(grant));
        QCOMPARE(grant->action, QStringLiteral("refund"));
        QCOMPARE(grant->subject, sold->id.value());
        QVERIFY(!grant->token.isEmpty());

        auto refund = awaitResult<RefundInfo>(
            [&](auto done) { m_clerk->refund(sold->id, request, grant->token, this, done); });
        QVERIFY2(refund, describe(refund));
        QCOMPARE(refund->authorizedBy, QStringLiteral("supervisor"));
        QCOMPARE(refund->requestedBy, QStringLiteral("clerk"));

        // The same token again: refused, whatever it is for.
        auto replay = awaitResult<VoidResult>([&](auto done) {
            m_clerk->voidOrder(sold->id, QStringLiteral("replay"), grant->token, this, done);
        });
        QVERIFY(!replay);
        QVERIFY2(isWireCode(replay.error(), "OVERRIDE_REJECTED"), describe(replay.error()));
    }

    void shiftOpenReportClose()
    {
        auto cashier = loggedIn(QStringLiteral("clerk"), QStringLiteral("window-9"));
        QVERIFY(cashier);
        auto none = awaitResult<std::optional<ShiftInfo>>(
            [&](auto done) { cashier->currentShift(this, done); });
        QVERIFY2(none, describe(none));
        QVERIFY(!none->has_value());

        auto opened =
            awaitResult<ShiftInfo>([&](auto done) { cashier->openShift(10'000, this, done); });
        QVERIFY2(opened, describe(opened));
        QCOMPARE(opened->status, QStringLiteral("OPEN"));
        QCOMPARE(opened->floatCents, 10'000);
        QCOMPARE(opened->terminal, QStringLiteral("window-9"));
        auto twice =
            awaitResult<ShiftInfo>([&](auto done) { cashier->openShift(10'000, this, done); });
        QVERIFY(!twice);
        QVERIFY2(isWireCode(twice.error(), "SHIFT_ALREADY_OPEN"), describe(twice.error()));

        auto sold = sell(*cashier, 2, {});
        QVERIFY2(sold, describe(sold));
        auto x = awaitResult<ShiftReport>(
            [&](auto done) { cashier->shiftReport(opened->id, this, done); });
        QVERIFY2(x, describe(x));
        QCOMPARE(x->kind, QStringLiteral("X"));
        QCOMPARE(x->sales.cashCents, sold->amountCents);
        QCOMPARE(x->sales.tickets, 2);
        QCOMPARE(x->expectedCashCents, 10'000 + sold->amountCents);
        QVERIFY(!x->differenceCents);

        const qint64 counted = x->expectedCashCents - 500;
        auto z = awaitResult<ShiftReport>(
            [&](auto done) { cashier->closeShift(opened->id, counted, this, done); });
        QVERIFY2(z, describe(z));
        QCOMPARE(z->kind, QStringLiteral("Z"));
        QCOMPARE(z->countedCents.value_or(-1), counted);
        QCOMPARE(z->differenceCents.value_or(0), -500);
        QCOMPARE(z->shift.status, QStringLiteral("CLOSED"));
        auto closedAgain = awaitResult<ShiftReport>(
            [&](auto done) { cashier->closeShift(opened->id, counted, this, done); });
        QVERIFY(!closedAgain);
        QVERIFY2(isWireCode(closedAgain.error(), "SHIFT_CLOSED"), describe(closedAgain.error()));

        ShiftFilter filter;
        filter.terminal = QStringLiteral("window-9");
        auto listed = awaitResult<QList<ShiftInfo>>(
            [&](auto done) { m_supervisor->shifts(filter, this, done); });
        QVERIFY2(listed, describe(listed));
        QCOMPARE(listed->size(), 1);
        QCOMPARE(listed->at(0).id, opened->id);
    }

    void stuckHoldIsListedAndReleased()
    {
        const auto seats = nextSeats(2);
        auto hold = awaitResult<HoldInfo>(
            [&](auto done) { m_clerk->placeHold(kShow, seats, 600, this, done); });
        QVERIFY2(hold, describe(hold));
        auto holds = awaitResult<QList<StuckHold>>(
            [&](auto done) { m_supervisor->stuckHolds(kShow, 0, this, done); });
        QVERIFY2(holds, describe(holds));
        const auto found = std::find_if(holds->begin(), holds->end(),
                                        [&](const StuckHold &h) { return h.id == hold->id; });
        QVERIFY(found != holds->end());
        QCOMPARE(found->username, QStringLiteral("clerk"));
        QCOMPARE(found->seats.size(), 2);
        auto released = awaitResult<void>(
            [&](auto done) { m_supervisor->forceReleaseHold(hold->id, QString(), this, done); });
        QVERIFY2(released, describe(released));
        QCOMPARE(seatStatus(seats[0]), QStringLiteral("AVAILABLE"));
        auto after = awaitResult<QList<StuckHold>>(
            [&](auto done) { m_supervisor->stuckHolds(kShow, 0, this, done); });
        QVERIFY2(after, describe(after));
        QVERIFY(std::none_of(after->begin(), after->end(),
                             [&](const StuckHold &h) { return h.id == hold->id; }));
    }

    void auditFiltersAndVerifies()
    {
        AuditFilter filter;
        // A prefix: "shift" finds shift.opened and shift.closed of the shift test above.
        filter.action = QStringLiteral("shift");
        auto page =
            awaitResult<AuditPage>([&](auto done) { m_supervisor->audit(filter, this, done); });
        QVERIFY2(page, describe(page));
        QStringList actions;
        for (const AuditRecord &record : page->records) {
            QVERIFY2(record.action.startsWith(QStringLiteral("shift")), qPrintable(record.action));
            actions << record.action;
        }
        QVERIFY2(actions.contains(QStringLiteral("shift.opened")), qPrintable(actions.join(u' ')));
        QVERIFY2(actions.contains(QStringLiteral("shift.closed")), qPrintable(actions.join(u' ')));
        filter.terminal = QStringLiteral("window-9");
        auto byTerminal =
            awaitResult<AuditPage>([&](auto done) { m_supervisor->audit(filter, this, done); });
        QVERIFY2(byTerminal, describe(byTerminal));
        QVERIFY(!byTerminal->records.isEmpty());
        for (const AuditRecord &record : byTerminal->records)
            QCOMPARE(record.terminal, QStringLiteral("window-9"));
        filter = {};
        filter.limit = 2;
        auto first =
            awaitResult<AuditPage>([&](auto done) { m_supervisor->audit(filter, this, done); });
        QVERIFY2(first, describe(first));
        QCOMPARE(first->records.size(), 2);
        QVERIFY(first->nextBeforeId > 0);
        filter.beforeId = first->nextBeforeId;
        auto older =
            awaitResult<AuditPage>([&](auto done) { m_supervisor->audit(filter, this, done); });
        QVERIFY2(older, describe(older));
        QVERIFY(!older->records.isEmpty());
        QVERIFY(older->records[0].id < first->records.last().id);

        auto check = awaitResult<AuditVerification>(
            [&](auto done) { m_supervisor->verifyAudit(this, done); });
        QVERIFY2(check, describe(check));
        QVERIFY2(check->intact, qPrintable(check->problem));
        QVERIFY(check->records > 0);

        auto clerkView =
            awaitResult<AuditPage>([&](auto done) { m_clerk->audit(filter, this, done); });
        QVERIFY(!clerkView);
        QCOMPARE(clerkView.error().code, ErrorCode::Forbidden);
    }
};

QTEST_GUILESS_MAIN(TestSupervisorClient)
#include "tst_supervisorclient.moc"

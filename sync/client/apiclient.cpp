#include "sync/client/apiclient.h"

#include "core/venue/venuelayout.h"
#include "sync/client/answerreader.h"
#include "sync/client/clientlogging.h"
#include "sync/client/seatupdates.h"
#include "sync/client/servertrust.h"
#include "sync/protocol/wire.h"

#include <QDateTime>
#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QTimer>
#include <QUrlQuery>

namespace Boxoffice::Sync {

using namespace Core;

namespace {

// Bounds on what an answer may contain; anything larger is not from a Boxoffice server.
constexpr int kMaxShows = 10'000;
constexpr int kMaxListItems = 10'000;
constexpr qint64 kMaxCents = 1'000'000'000'000LL;
constexpr qint64 kMaxVersion = std::numeric_limits<qint64>::max() / 2;
constexpr int kMaxPayloadLength = 4096;

QString encodedId(const QString &id)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(id));
}

QJsonArray idArray(const auto &ids)
{
    QJsonArray array;
    for (const auto &id : ids)
        array.append(id.value());
    return array;
}

template <class Id> QList<Id> idList(const QStringList &texts)
{
    QList<Id> ids;
    ids.reserve(texts.size());
    for (const QString &text : texts)
        ids.append(Id(text));
    return ids;
}

// A network failure that means no (complete) HTTP answer arrived: connection refused, reset,
// host lookup, timeout, proxy trouble.
bool isTransportError(QNetworkReply::NetworkError error)
{
    const int value = int(error);
    return value > 0 && value < 200;
}

ShowSummary readSummary(AnswerReader &json)
{
    ShowSummary show;
    show.id = ShowId(json.string(QStringLiteral("showId"), 64));
    show.title = json.string(QStringLiteral("title"));
    show.venue = VenueId(json.string(QStringLiteral("venueId"), 64));
    show.venueName = json.optionalString(QStringLiteral("venueName"));
    show.city = json.optionalString(QStringLiteral("city"));
    show.startMs = json.time(QStringLiteral("startTime"));
    show.status = json.string(QStringLiteral("status"), 32);
    show.currency = json.string(QStringLiteral("currency"), 8);
    show.seatCount = int(json.integer(QStringLiteral("seatCount"), 0, kMaxVenueSeats));
    show.availableCount = int(json.integer(QStringLiteral("availableCount"), 0, show.seatCount));
    show.version = json.integer(QStringLiteral("version"), 0, kMaxVersion);
    return show;
}

TicketInfo readTicket(AnswerReader json)
{
    TicketInfo ticket;
    ticket.code = TicketCode(json.string(QStringLiteral("ticketCode"), 64));
    ticket.seat = SeatId(json.string(QStringLiteral("seatId"), 64));
    ticket.qrPayload = json.string(QStringLiteral("qrPayload"), kMaxPayloadLength);
    ticket.status = json.string(QStringLiteral("status"), 32);
    ticket.revokedReason = json.optionalString(QStringLiteral("revokedReason"), 32);
    ticket.revokedMs = json.optionalTime(QStringLiteral("revokedAt"));
    ticket.reprintOf = TicketCode(json.optionalString(QStringLiteral("reprintOf"), 64));
    ticket.printCount = int(json.optionalInteger(QStringLiteral("printCount"), 1, 1'000'000, 1));
    ticket.priceCents = json.optionalInteger(QStringLiteral("priceCents"), 0, kMaxCents);
    return ticket;
}

QList<TicketInfo> readTickets(AnswerReader &json)
{
    const QString field = QStringLiteral("tickets");
    const QJsonArray array = json.optionalArray(field, kMaxListItems);
    QList<TicketInfo> tickets;
    for (qsizetype i = 0; i < array.size() && json.ok(); ++i)
        tickets.append(readTicket(json.item(field, array, i)));
    return tickets;
}

OrderState readOrderState(AnswerReader &json, const QString &field)
{
    const QString name = json.string(field, 32);
    if (!json.ok())
        return OrderState::PendingPay;
    const auto state = orderStateFromWireName(name);
    if (!state) {
        json.invalid(field, QStringLiteral("unknown order status \"%1\"").arg(name));
        return OrderState::PendingPay;
    }
    return *state;
}

RefundInfo readRefund(AnswerReader json)
{
    RefundInfo refund;
    refund.id = RefundId(json.string(QStringLiteral("refundId"), 64));
    refund.order = OrderId(json.string(QStringLiteral("orderId"), 64));
    refund.kind = json.string(QStringLiteral("kind"), 32);
    refund.method = json.string(QStringLiteral("method"), 32);
    refund.status = json.string(QStringLiteral("status"), 32);
    refund.amountCents = json.integer(QStringLiteral("amountCents"), 0, kMaxCents);
    refund.currency = json.optionalString(QStringLiteral("currency"), 8);
    refund.tickets = idList<TicketCode>(
        json.optionalStringArray(QStringLiteral("ticketCodes"), kMaxListItems, 64));
    refund.seats =
        idList<SeatId>(json.optionalStringArray(QStringLiteral("seatIds"), kMaxListItems, 64));
    refund.reason = json.optionalString(QStringLiteral("reason"), 500);
    refund.payment = PaymentId(json.optionalString(QStringLiteral("paymentId"), 64));
    refund.acquirerReference = json.optionalString(QStringLiteral("acquirerReference"), 128);
    refund.exchangeOrder = OrderId(json.optionalString(QStringLiteral("exchangeOrderId"), 64));
    refund.requestedBy = json.optionalString(QStringLiteral("requestedBy"), 64);
    refund.authorizedBy = json.optionalString(QStringLiteral("authorizedBy"), 64);
    refund.shift = ShiftId(json.optionalString(QStringLiteral("shiftId"), 64));
    refund.terminal = json.optionalString(QStringLiteral("terminal"), 64);
    refund.createdMs = json.optionalTime(QStringLiteral("createdAt"));
    refund.orderStatus = json.optionalString(QStringLiteral("orderStatus"), 32);
    return refund;
}

QList<RefundInfo> readRefunds(AnswerReader &json)
{
    const QString field = QStringLiteral("refunds");
    const QJsonArray array = json.optionalArray(field, kMaxListItems);
    QList<RefundInfo> refunds;
    for (qsizetype i = 0; i < array.size() && json.ok(); ++i)
        refunds.append(readRefund(json.item(field, array, i)));
    return refunds;
}

OrderInfo readOrder(AnswerReader &json)
{
    OrderInfo order;
    order.id = OrderId(json.string(QStringLiteral("orderId"), 64));
    order.hold = HoldId(json.optionalString(QStringLiteral("holdId"), 64));
    order.show = ShowId(json.optionalString(QStringLiteral("showId"), 64));
    order.status = readOrderState(json, QStringLiteral("status"));
    order.amountCents = json.integer(QStringLiteral("amountCents"), 0, kMaxCents);
    order.currency = json.optionalString(QStringLiteral("currency"), 8);
    order.payByMs = json.optionalTime(QStringLiteral("payBy"));
    order.createdMs = json.optionalTime(QStringLiteral("createdAt"));
    AnswerReader contact = json.optionalObject(QStringLiteral("contact"));
    order.contact.name = contact.optionalString(QStringLiteral("name"));
    order.contact.phone = contact.optionalString(QStringLiteral("phone"));
    order.seats =
        idList<SeatId>(json.optionalStringArray(QStringLiteral("seatIds"), kMaxListItems, 64));
    order.tickets = readTickets(json);
    const QString field = QStringLiteral("payments");
    const QJsonArray payments = json.optionalArray(field, kMaxListItems);
    for (qsizetype i = 0; i < payments.size() && json.ok(); ++i) {
        AnswerReader item = json.item(field, payments, i);
        PaymentInfo payment;
        payment.id = PaymentId(item.string(QStringLiteral("paymentId"), 64));
        payment.source = item.optionalString(QStringLiteral("source"), 32);
        payment.method = item.optionalString(QStringLiteral("method"), 32);
        payment.status = item.optionalString(QStringLiteral("status"), 32);
        payment.amountCents = item.integer(QStringLiteral("amountCents"), 0, kMaxCents);
        payment.tenderedCents = item.optionalInteger(QStringLiteral("tenderedCents"), 0, kMaxCents);
        payment.changeCents = item.optionalInteger(QStringLiteral("changeCents"), 0, kMaxCents);
        payment.receivedMs = item.optionalTime(QStringLiteral("receivedAt"));
        order.payments.append(payment);
    }
    order.refunds = readRefunds(json);
    order.terminal = json.optionalString(QStringLiteral("terminal"), 64);
    order.shift = ShiftId(json.optionalString(QStringLiteral("shiftId"), 64));
    return order;
}

TenderResult readTender(AnswerReader &json)
{
    TenderResult tender;
    tender.payment = PaymentId(json.string(QStringLiteral("paymentId"), 64));
    tender.order = OrderId(json.string(QStringLiteral("orderId"), 64));
    tender.result = json.string(QStringLiteral("result"), 32);
    tender.orderStatus = readOrderState(json, QStringLiteral("status"));
    tender.amountCents = json.integer(QStringLiteral("amountCents"), 0, kMaxCents);
    tender.tenderedCents = json.optionalInteger(QStringLiteral("tenderedCents"), 0, kMaxCents);
    tender.changeCents = json.optionalInteger(QStringLiteral("changeCents"), 0, kMaxCents);
    tender.tickets = readTickets(json);
    return tender;
}

// The value `read` makes of a successful answer's JSON object; its first problem otherwise.
template <class T, class Read>
Result<T> readAnswer(const Result<QByteArray> &answer, const QString &where, Read read)
{
    if (!answer)
        return std::unexpected(answer.error());
    auto object = parseAnswer(*answer, where);
    if (!object)
        return std::unexpected(object.error());
    AnswerReader json(*object, where);
    T value = read(json);
    if (auto valid = json.result(); !valid)
        return std::unexpected(valid.error());
    return value;
}

} // namespace

ApiClient::ApiClient(QNetworkAccessManager *network, QObject *parent)
    : QObject(parent)
    , m_network(network)
{}

ApiClient::~ApiClient()
{
    // Answers that arrive after this are dropped: nobody is left to call back.
    for (const QPointer<QNetworkReply> &reply : std::as_const(m_inFlight)) {
        if (!reply)
            continue;
        disconnect(reply, nullptr, this, nullptr);
        reply->abort();
        reply->deleteLater();
    }
}

void ApiClient::setServer(const QUrl &server)
{
    m_server = server;
}

void ApiClient::setTerminalName(const QString &name)
{
    QString clean = name.trimmed().left(64);
    for (QChar &c : clean) {
        if (!c.isLetterOrNumber() && c != u'-' && c != u'_' && c != u'.' && c != u' ')
            c = u'-';
    }
    m_terminalName = clean;
}

void ApiClient::setTrust(ServerTrust *trust)
{
    if (m_trust)
        disconnect(m_trust, nullptr, this, nullptr);
    m_trust = trust;
    m_network->clearConnectionCache();
    if (m_trust) {
        connect(m_trust, &ServerTrust::pinsChanged, this,
                [this] { m_network->clearConnectionCache(); });
    }
}

void ApiClient::setToken(const QString &token)
{
    m_token = token;
}

QUrl ApiClient::liveUrl(const ShowId &show) const
{
    QUrl url = m_server;
    url.setScheme(m_server.scheme() == QLatin1StringView("https") ? QStringLiteral("wss")
                                                                  : QStringLiteral("ws"));
    QString base = m_server.path(QUrl::FullyEncoded);
    while (base.endsWith(u'/'))
        base.chop(1);
    url.setPath(base + QStringLiteral("/api/v1/shows/%1/live").arg(encodedId(show.value())),
                QUrl::TolerantMode);
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("token"),
                       QString::fromLatin1(QUrl::toPercentEncoding(m_token)));
    url.setQuery(query);
    return url;
}

void ApiClient::setReachable(bool reachable)
{
    if (reachable == m_reachable)
        return;
    m_reachable = reachable;
    qCInfo(lcClient) << "server" << m_server.toString()
                     << (reachable ? "reachable" : "unreachable");
    emit reachabilityChanged(reachable);
}

void ApiClient::send(Request request, QObject *context,
                     std::function<void(Result<QByteArray>)> done)
{
    QPointer<QObject> guard(context);
    const bool guarded = context != nullptr;
    const QString scheme = m_server.scheme();
    if (!m_server.isValid() || m_server.host().isEmpty() ||
        (scheme != QLatin1StringView("http") && scheme != QLatin1StringView("https"))) {
        // Still asynchronous, as promised: callers may rely on `done` running later.
        QTimer::singleShot(0, this, [this, guard, guarded, done = std::move(done)] {
            setReachable(false);
            if (!guarded || guard)
                done(fail(
                    ErrorCode::Unreachable,
                    QStringLiteral("no server address is set (\"%1\")").arg(m_server.toString())));
        });
        return;
    }
    QUrl url = m_server;
    QString base = m_server.path(QUrl::FullyEncoded);
    while (base.endsWith(u'/'))
        base.chop(1);
    url.setPath(base + QStringLiteral("/api/v1") + request.path, QUrl::TolerantMode);
    url.setQuery(request.query.isEmpty() ? QString() : request.query, QUrl::TolerantMode);

    QNetworkRequest http(url);
    http.setTransferTimeout(request.timeoutMs > 0 ? request.timeoutMs : m_timeoutMs);
    if (!request.body.isEmpty())
        http.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    if (!m_token.isEmpty())
        http.setRawHeader(QByteArrayLiteral("Authorization"), "Bearer " + m_token.toUtf8());
    for (const auto &[name, value] : request.headers)
        http.setRawHeader(name, value);
    const bool pinned = m_trust && url.scheme() == QLatin1StringView("https");
    if (pinned)
        http.setSslConfiguration(ServerTrust::pinningConfiguration());
    QNetworkReply *reply = m_network->sendCustomRequest(http, request.verb, request.body);
    if (pinned)
        m_trust->guard(reply);
    m_inFlight.append(reply);
    connect(reply, &QNetworkReply::finished, this,
            [this, reply, request = std::move(request), guard, guarded, done = std::move(done)] {
                finish(reply, request, guard, guarded, done);
            });
}

void ApiClient::finish(QNetworkReply *reply, const Request &request,
                       const QPointer<QObject> &context, bool guarded,
                       const std::function<void(Result<QByteArray>)> &done)
{
    m_inFlight.removeAll(reply);
    reply->deleteLater();
    const QString what = QString::fromLatin1(request.verb) + u' ' + request.path;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QNetworkReply::NetworkError networkError = reply->error();

    Result<QByteArray> result;
    std::optional<Error> refusal = ServerTrust::refusal(reply);
    if (!refusal && m_trust && reply->url().scheme() == QLatin1StringView("https")) {
        // A connection opened earlier is reused without a handshake; its certificate must
        // still be the pinned one, or the answer is not believed.
        const QSslCertificate peer = reply->sslConfiguration().peerCertificate();
        if (!peer.isNull())
            refusal = m_trust->check(ServerTrust::originOf(reply->url()), peer);
    }
    if (refusal) {
        // Normally refused during the TLS handshake, before any request byte was sent.
        result = std::unexpected(std::move(*refusal));
    } else if (isTransportError(networkError) ||
               (status == 0 && networkError != QNetworkReply::NoError &&
                networkError != QNetworkReply::ProtocolFailure &&
                networkError != QNetworkReply::ProtocolUnknownError)) {
        // No complete answer: the request may or may not have reached the server.
        const QString why = networkError == QNetworkReply::OperationCanceledError
                                ? QStringLiteral("no answer within %1 ms")
                                      .arg(request.timeoutMs > 0 ? request.timeoutMs : m_timeoutMs)
                                : reply->errorString();
        result = fail(ErrorCode::Unreachable,
                      QStringLiteral("%1: the server did not answer (%2)").arg(what, why));
    } else if (status == 0) {
        result =
            fail(ErrorCode::BadRequest,
                 QStringLiteral("%1: the answer is not HTTP (%2)").arg(what, reply->errorString()));
    } else if (status >= 200 && status < 300) {
        result = reply->readAll();
    } else {
        Error error = errorFromBody(status, reply->readAll());
        if (error.message.isEmpty())
            error.message = QStringLiteral("HTTP %1").arg(status);
        result = std::unexpected(error);
    }
    if (!result)
        qCDebug(lcClient).noquote() << what << "failed:" << result.error().message;
    setReachable(result || result.error().code != ErrorCode::Unreachable);
    if (!result && result.error().code == ErrorCode::Unauthenticated && request.sessionCall)
        emit sessionExpired();
    if (!guarded || context)
        done(std::move(result));
}

// ---------------------------------------------------------------------------------------------

void ApiClient::health(QObject *context, Callback<> done)
{
    send({.verb = "GET", .path = QStringLiteral("/health"), .sessionCall = false}, context,
         [done = std::move(done)](const Result<QByteArray> &answer) {
             if (!answer)
                 return done(std::unexpected(answer.error()));
             done({});
         });
}

void ApiClient::login(const QString &username, const QString &password, QObject *context,
                      Callback<Session> done)
{
    QJsonObject fields{{QStringLiteral("username"), username},
                       {QStringLiteral("password"), password}};
    if (!m_terminalName.isEmpty())
        fields.insert(QStringLiteral("terminal"), m_terminalName);
    const QByteArray body = toJson(fields);
    send({.verb = "POST", .path = QStringLiteral("/sessions"), .body = body, .sessionCall = false},
         context, [this, username, done = std::move(done)](const Result<QByteArray> &answer) {
             auto session = readAnswer<Session>(
                 answer, QStringLiteral("POST /sessions"), [&](AnswerReader &json) {
                     Session session;
                     session.token = json.string(QStringLiteral("token"), 512);
                     session.role = json.string(QStringLiteral("role"), 32);
                     session.expiresMs = json.time(QStringLiteral("expiresAt"));
                     session.username = json.optionalString(QStringLiteral("username"), 64);
                     session.terminal = json.optionalString(QStringLiteral("terminal"), 64);
                     if (session.username.isEmpty())
                         session.username = username;
                     return session;
                 });
             if (session) {
                 setToken(session->token);
                 m_session = *session;
             }
             done(std::move(session));
         });
}

void ApiClient::logout(QObject *context, Callback<> done)
{
    send({.verb = "DELETE", .path = QStringLiteral("/sessions"), .sessionCall = false}, context,
         [this, done = std::move(done)](const Result<QByteArray> &answer) {
             // A session the server no longer knows is logged out as well.
             if (answer || answer.error().code == ErrorCode::Unauthenticated) {
                 setToken(QString());
                 return done({});
             }
             done(std::unexpected(answer.error()));
         });
}

void ApiClient::listShows(QObject *context, Callback<QList<ShowSummary>> done)
{
    send({.verb = "GET", .path = QStringLiteral("/shows")}, context,
         [done = std::move(done)](const Result<QByteArray> &answer) {
             done(readAnswer<QList<ShowSummary>>(
                 answer, QStringLiteral("GET /shows"), [](AnswerReader &json) {
                     const QString field = QStringLiteral("shows");
                     const QJsonArray array = json.array(field, kMaxShows);
                     QList<ShowSummary> shows;
                     for (qsizetype i = 0; i < array.size() && json.ok(); ++i) {
                         AnswerReader item = json.item(field, array, i);
                         shows.append(readSummary(item));
                     }
                     return shows;
                 }));
         });
}

void ApiClient::showDetail(const ShowId &show, QObject *context, Callback<ShowDetail> done)
{
    const QString path = QStringLiteral("/shows/%1").arg(encodedId(show.value()));
    send({.verb = "GET", .path = path}, context,
         [path, show, done = std::move(done)](const Result<QByteArray> &answer) {
             done(readAnswer<ShowDetail>(
                 answer, QStringLiteral("GET ") + path, [&](AnswerReader &json) {
                     ShowDetail detail;
                     detail.summary = readSummary(json);
                     if (json.ok() && detail.summary.id != show)
                         json.invalid(QStringLiteral("showId"),
                                      QStringLiteral("asked for %1").arg(show.value()));
                     const QString sectionsField = QStringLiteral("sections");
                     const QJsonArray sections = json.array(sectionsField, kMaxListItems);
                     for (qsizetype i = 0; i < sections.size() && json.ok(); ++i) {
                         AnswerReader item = json.item(sectionsField, sections, i);
                         SectionInfo section;
                         section.id = item.string(QStringLiteral("sectionId"), 64);
                         section.name = item.optionalString(QStringLiteral("name"));
                         section.level = item.optionalString(QStringLiteral("level"));
                         detail.sections.append(section);
                     }
                     const QString tiersField = QStringLiteral("priceTiers");
                     const QJsonArray tiers = json.array(tiersField, kMaxListItems);
                     for (qsizetype i = 0; i < tiers.size() && json.ok(); ++i) {
                         AnswerReader item = json.item(tiersField, tiers, i);
                         PriceTierInfo tier;
                         tier.category = item.string(QStringLiteral("category"), 64);
                         tier.name = item.optionalString(QStringLiteral("name"));
                         tier.priceCents = item.integer(QStringLiteral("priceCents"), 0, kMaxCents);
                         detail.tiers.append(tier);
                     }
                     return detail;
                 }));
         });
}

void ApiClient::venueLayout(const VenueId &venue, QObject *context, Callback<QByteArray> done)
{
    const QString path = QStringLiteral("/venues/%1/layout").arg(encodedId(venue.value()));
    send({.verb = "GET", .path = path}, context,
         [path, done = std::move(done)](const Result<QByteArray> &answer) {
             if (!answer)
                 return done(std::unexpected(answer.error()));
             // Kept unparsed for the cache, but it must at least be a JSON object.
             if (auto object = parseAnswer(*answer, QStringLiteral("GET ") + path); !object)
                 return done(std::unexpected(object.error()));
             done(*answer);
         });
}

void ApiClient::seats(const ShowId &show, qint64 since, QObject *context,
                      Callback<SeatsUpdate> done)
{
    const QString path = QStringLiteral("/shows/%1/seats").arg(encodedId(show.value()));
    QString query = QStringLiteral("format=compact");
    if (since >= 0)
        query += QStringLiteral("&since=%1").arg(since);
    send({.verb = "GET", .path = path, .query = query}, context,
         [path, query, show, done = std::move(done)](const Result<QByteArray> &answer) {
             done(readAnswer<SeatsUpdate>(answer, QStringLiteral("GET %1?%2").arg(path, query),
                                          [&](AnswerReader &json) -> SeatsUpdate {
                                              if (json.optionalBool(QStringLiteral("delta")))
                                                  return readDelta(json, show,
                                                                   QStringLiteral("since"));
                                              return readSnapshot(json, show);
                                          }));
         });
}

void ApiClient::placeHold(const ShowId &show, const QList<SeatId> &seats, int holdSeconds,
                          QObject *context, Callback<HoldInfo> done)
{
    const QString path = QStringLiteral("/shows/%1/holds").arg(encodedId(show.value()));
    QJsonObject body{{QStringLiteral("seatIds"), idArray(seats)}};
    if (holdSeconds > 0)
        body.insert(QStringLiteral("holdSeconds"), holdSeconds);
    send({.verb = "POST", .path = path, .body = toJson(body)}, context,
         [path, done = std::move(done)](const Result<QByteArray> &answer) {
             done(readAnswer<HoldInfo>(
                 answer, QStringLiteral("POST ") + path, [](AnswerReader &json) {
                     HoldInfo hold;
                     hold.id = HoldId(json.string(QStringLiteral("holdId"), 64));
                     hold.show = ShowId(json.string(QStringLiteral("showId"), 64));
                     hold.seats = idList<SeatId>(
                         json.stringArray(QStringLiteral("seatIds"), kMaxListItems, 64));
                     hold.expiryMs = json.time(QStringLiteral("expiryTime"));
                     hold.totalCents =
                         json.integer(QStringLiteral("totalPriceCents"), 0, kMaxCents);
                     hold.currency = json.optionalString(QStringLiteral("currency"), 8);
                     return hold;
                 }));
         });
}

void ApiClient::releaseHold(const HoldId &hold, QObject *context, Callback<> done)
{
    send({.verb = "DELETE", .path = QStringLiteral("/holds/%1").arg(encodedId(hold.value()))},
         context, [done = std::move(done)](const Result<QByteArray> &answer) {
             if (!answer)
                 return done(std::unexpected(answer.error()));
             done({});
         });
}

void ApiClient::createOrder(const HoldId &hold, const Contact &contact,
                            const QString &idempotencyKey, QObject *context,
                            Callback<OrderInfo> done)
{
    QJsonObject body{{QStringLiteral("holdId"), hold.value()}};
    if (!contact.name.isEmpty() || !contact.phone.isEmpty())
        body.insert(QStringLiteral("contact"),
                    QJsonObject{{QStringLiteral("name"), contact.name},
                                {QStringLiteral("phone"), contact.phone}});
    send({.verb = "POST",
          .path = QStringLiteral("/orders"),
          .body = toJson(body),
          .headers = {{QByteArrayLiteral("X-Idempotency-Key"), idempotencyKey.toUtf8()}}},
         context, [contact, done = std::move(done)](const Result<QByteArray> &answer) {
             done(readAnswer<OrderInfo>(
                 answer, QStringLiteral("POST /orders"), [&](AnswerReader &json) {
                     OrderInfo order = readOrder(json);
                     // The creation answer is short; the contact is the
                     // one sent.
                     if (order.contact.name.isEmpty() && order.contact.phone.isEmpty())
                         order.contact = contact;
                     return order;
                 }));
         });
}

void ApiClient::order(const OrderId &order, QObject *context, Callback<OrderInfo> done)
{
    const QString path = QStringLiteral("/orders/%1").arg(encodedId(order.value()));
    send({.verb = "GET", .path = path}, context,
         [path, done = std::move(done)](const Result<QByteArray> &answer) {
             done(readAnswer<OrderInfo>(answer, QStringLiteral("GET ") + path,
                                        [](AnswerReader &json) { return readOrder(json); }));
         });
}

void ApiClient::payCash(const OrderId &order, qint64 tenderedCents, QObject *context,
                        Callback<TenderResult> done)
{
    const QString path = QStringLiteral("/orders/%1/payments").arg(encodedId(order.value()));
    const QByteArray body =
        toJson(QJsonObject{{QStringLiteral("method"), QStringLiteral("CASH")},
                           {QStringLiteral("amountTenderedCents"), tenderedCents}});
    send({.verb = "POST", .path = path, .body = body}, context,
         [path, done = std::move(done)](const Result<QByteArray> &answer) {
             done(readAnswer<TenderResult>(answer, QStringLiteral("POST ") + path,
                                           [](AnswerReader &json) { return readTender(json); }));
         });
}

void ApiClient::payCardSlip(const OrderId &order, const QString &reference, QObject *context,
                            Callback<TenderResult> done)
{
    const QString path = QStringLiteral("/orders/%1/payments").arg(encodedId(order.value()));
    const QByteArray body = toJson(QJsonObject{{QStringLiteral("method"), QStringLiteral("CARD")},
                                               {QStringLiteral("reference"), reference}});
    send({.verb = "POST", .path = path, .body = body}, context,
         [path, done = std::move(done)](const Result<QByteArray> &answer) {
             done(readAnswer<TenderResult>(answer, QStringLiteral("POST ") + path,
                                           [](AnswerReader &json) { return readTender(json); }));
         });
}

// --- Supervisor tools, shifts and reports (docs/supervisor-api.md) -----------------------------

namespace {

constexpr int kMaxReasonLength = 500;

QString isoTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

// The answer's error is the server's `wireName` code. Compared by name so that a code this
// build has no enum value for yet still reads right.
bool hasWireCode(const Error &error, const char *wireName)
{
    return qstrcmp(errorCodeInfo(error.code).wireName, wireName) == 0;
}

QList<std::pair<QByteArray, QByteArray>> overrideHeader(const QString &token)
{
    if (token.isEmpty())
        return {};
    return {{QByteArrayLiteral("X-Override-Token"), token.toUtf8()}};
}

QJsonArray codeArray(const QList<TicketCode> &codes)
{
    return idArray(codes);
}

OrderSearchHit readSearchHit(AnswerReader json)
{
    OrderSearchHit hit;
    hit.order = OrderId(json.string(QStringLiteral("orderId"), 64));
    hit.show = ShowId(json.string(QStringLiteral("showId"), 64));
    hit.showTitle = json.optionalString(QStringLiteral("showTitle"));
    hit.showStartMs = json.optionalTime(QStringLiteral("showStart"));
    hit.status = readOrderState(json, QStringLiteral("status"));
    hit.amountCents = json.integer(QStringLiteral("amountCents"), 0, kMaxCents);
    hit.currency = json.optionalString(QStringLiteral("currency"), 8);
    hit.createdMs = json.optionalTime(QStringLiteral("createdAt"));
    AnswerReader contact = json.optionalObject(QStringLiteral("contact"));
    hit.contact.name = contact.optionalString(QStringLiteral("name"));
    hit.contact.phone = contact.optionalString(QStringLiteral("phone"));
    hit.seatCount = int(json.optionalInteger(QStringLiteral("seatCount"), 0, kMaxVenueSeats));
    hit.validTicketCount =
        int(json.optionalInteger(QStringLiteral("validTicketCount"), 0, kMaxVenueSeats));
    hit.terminal = json.optionalString(QStringLiteral("terminal"), 64);
    hit.user = UserId(json.optionalString(QStringLiteral("userId"), 64));
    return hit;
}

ShiftInfo readShift(AnswerReader json)
{
    ShiftInfo shift;
    shift.id = ShiftId(json.string(QStringLiteral("shiftId"), 64));
    shift.user = UserId(json.optionalString(QStringLiteral("userId"), 64));
    shift.username = json.optionalString(QStringLiteral("username"), 64);
    shift.terminal = json.optionalString(QStringLiteral("terminal"), 64);
    shift.status = json.string(QStringLiteral("status"), 16);
    shift.floatCents = json.integer(QStringLiteral("floatCents"), 0, kMaxCents);
    shift.openedMs = json.time(QStringLiteral("openedAt"));
    shift.closedMs = json.optionalTime(QStringLiteral("closedAt"));
    if (json.ok() && json.optionalInteger(QStringLiteral("countedCents"), 0, kMaxCents, -1) >= 0)
        shift.countedCents = json.optionalInteger(QStringLiteral("countedCents"), 0, kMaxCents);
    if (json.ok() && shift.status != QLatin1StringView("OPEN") &&
        shift.status != QLatin1StringView("CLOSED"))
        json.invalid(QStringLiteral("status"),
                     QStringLiteral("unknown shift status \"%1\"").arg(shift.status));
    return shift;
}

MoneyTotals readTotals(AnswerReader json)
{
    MoneyTotals totals;
    totals.count = int(json.optionalInteger(QStringLiteral("count"), 0, kMaxListItems * 1000));
    totals.tickets = int(json.optionalInteger(QStringLiteral("tickets"), 0, kMaxListItems * 1000));
    totals.cashCents = json.optionalInteger(QStringLiteral("cashCents"), -kMaxCents, kMaxCents);
    totals.cardCents = json.optionalInteger(QStringLiteral("cardCents"), -kMaxCents, kMaxCents);
    totals.totalCents = json.optionalInteger(QStringLiteral("totalCents"), -kMaxCents, kMaxCents);
    return totals;
}

ExchangeTotals readExchangeTotals(AnswerReader json)
{
    ExchangeTotals totals;
    totals.count = int(json.optionalInteger(QStringLiteral("count"), 0, kMaxListItems * 1000));
    totals.cashInCents = json.optionalInteger(QStringLiteral("cashInCents"), 0, kMaxCents);
    totals.cashOutCents = json.optionalInteger(QStringLiteral("cashOutCents"), 0, kMaxCents);
    totals.cardInCents = json.optionalInteger(QStringLiteral("cardInCents"), 0, kMaxCents);
    totals.cardOutCents = json.optionalInteger(QStringLiteral("cardOutCents"), 0, kMaxCents);
    return totals;
}

std::optional<qint64> optionalCents(AnswerReader &json, const QString &field)
{
    constexpr qint64 kAbsent = std::numeric_limits<qint64>::min();
    const qint64 value = json.optionalInteger(field, -kMaxCents, kMaxCents, kAbsent);
    if (!json.ok() || value == kAbsent)
        return std::nullopt;
    return value;
}

// The money figures a shift report and a day report line share.
template <class Line> void readCashFigures(AnswerReader &json, Line &line)
{
    line.sales = readTotals(json.optionalObject(QStringLiteral("sales")));
    line.refunds = readTotals(json.optionalObject(QStringLiteral("refunds")));
    line.exchanges = readExchangeTotals(json.optionalObject(QStringLiteral("exchanges")));
    line.netCashCents = json.optionalInteger(QStringLiteral("netCashCents"), -kMaxCents, kMaxCents);
    line.floatCents = json.optionalInteger(QStringLiteral("floatCents"), 0, kMaxCents);
    line.expectedCashCents =
        json.optionalInteger(QStringLiteral("expectedCashCents"), -kMaxCents, kMaxCents);
    line.countedCents = optionalCents(json, QStringLiteral("countedCents"));
    line.differenceCents = optionalCents(json, QStringLiteral("differenceCents"));
}

ShiftReport readReport(AnswerReader &json)
{
    ShiftReport report;
    report.kind = json.string(QStringLiteral("kind"), 4);
    report.shift = readShift(json.object(QStringLiteral("shift")));
    readCashFigures(json, report);
    report.expectedCashCents =
        json.integer(QStringLiteral("expectedCashCents"), -kMaxCents, kMaxCents);
    report.generatedMs = json.optionalTime(QStringLiteral("generatedAt"));
    if (json.ok() && report.kind != QLatin1StringView("X") && report.kind != QLatin1StringView("Z"))
        json.invalid(QStringLiteral("kind"),
                     QStringLiteral("unknown report kind \"%1\"").arg(report.kind));
    return report;
}

QList<DayReportLine> readDayLines(AnswerReader &json, const QString &field, const QString &label)
{
    const QJsonArray array = json.optionalArray(field, kMaxListItems);
    QList<DayReportLine> lines;
    for (qsizetype i = 0; i < array.size() && json.ok(); ++i) {
        AnswerReader item = json.item(field, array, i);
        DayReportLine line;
        line.label = item.optionalString(label, 64);
        line.user = UserId(item.optionalString(QStringLiteral("userId"), 64));
        readCashFigures(item, line);
        lines.append(line);
    }
    return lines;
}

} // namespace

void ApiClient::findOrders(const QString &text, int limit, QObject *context,
                           Callback<OrderSearch> done)
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("q"), QString::fromLatin1(QUrl::toPercentEncoding(text)));
    if (limit > 0)
        query.addQueryItem(QStringLiteral("limit"), QString::number(limit));
    send({.verb = "GET",
          .path = QStringLiteral("/orders"),
          .query = query.toString(QUrl::FullyEncoded)},
         context, [done = std::move(done)](const Result<QByteArray> &answer) {
             done(readAnswer<OrderSearch>(
                 answer, QStringLiteral("GET /orders?q="), [](AnswerReader &json) {
                     OrderSearch search;
                     const QString field = QStringLiteral("orders");
                     const QJsonArray orders = json.array(field, kMaxListItems);
                     for (qsizetype i = 0; i < orders.size() && json.ok(); ++i)
                         search.orders.append(readSearchHit(json.item(field, orders, i)));
                     search.matchedBy = json.optionalString(QStringLiteral("matchedBy"), 32);
                     return search;
                 }));
         });
}

void ApiClient::refund(const OrderId &order, const RefundRequest &request,
                       const QString &overrideToken, QObject *context, Callback<RefundInfo> done)
{
    const QString path = QStringLiteral("/orders/%1/refunds").arg(encodedId(order.value()));
    QJsonObject body{{QStringLiteral("reason"), request.reason}};
    if (!request.tickets.isEmpty())
        body.insert(QStringLiteral("ticketCodes"), codeArray(request.tickets));
    if (!request.method.isEmpty())
        body.insert(QStringLiteral("method"), request.method);
    send({.verb = "POST",
          .path = path,
          .body = toJson(body),
          .headers = overrideHeader(overrideToken)},
         context, [path, done = std::move(done)](const Result<QByteArray> &answer) {
             done(readAnswer<RefundInfo>(answer, QStringLiteral("POST ") + path,
                                         [](AnswerReader &json) { return readRefund(json); }));
         });
}

void ApiClient::voidOrder(const OrderId &order, const QString &reason, const QString &overrideToken,
                          QObject *context, Callback<VoidResult> done)
{
    const QString path = QStringLiteral("/orders/%1/void").arg(encodedId(order.value()));
    send({.verb = "POST",
          .path = path,
          .body = toJson(QJsonObject{{QStringLiteral("reason"), reason}}),
          .headers = overrideHeader(overrideToken)},
         context, [path, done = std::move(done)](const Result<QByteArray> &answer) {
             done(readAnswer<VoidResult>(
                 answer, QStringLiteral("POST ") + path, [](AnswerReader &json) {
                     VoidResult result;
                     result.order = OrderId(json.string(QStringLiteral("orderId"), 64));
                     result.status = readOrderState(json, QStringLiteral("status"));
                     if (json.has(QStringLiteral("refund")))
                         result.refund = readRefund(json.object(QStringLiteral("refund")));
                     return result;
                 }));
         });
}

void ApiClient::reprintTicket(const TicketCode &ticket, const QString &reason,
                              const QString &overrideToken, QObject *context,
                              Callback<ReprintResult> done)
{
    const QString path = QStringLiteral("/tickets/%1/reprint").arg(encodedId(ticket.value()));
    send({.verb = "POST",
          .path = path,
          .body = toJson(QJsonObject{{QStringLiteral("reason"), reason}}),
          .headers = overrideHeader(overrideToken)},
         context, [path, done = std::move(done)](const Result<QByteArray> &answer) {
             done(readAnswer<ReprintResult>(
                 answer, QStringLiteral("POST ") + path, [](AnswerReader &json) {
                     ReprintResult result;
                     result.order = OrderId(json.string(QStringLiteral("orderId"), 64));
                     result.revoked =
                         TicketCode(json.string(QStringLiteral("revokedTicketCode"), 64));
                     result.ticket = readTicket(json.object(QStringLiteral("ticket")));
                     return result;
                 }));
         });
}

void ApiClient::exchange(const OrderId &order, const ExchangeRequest &request,
                         const QString &overrideToken, QObject *context,
                         Callback<ExchangeResult> done)
{
    const QString path = QStringLiteral("/orders/%1/exchanges").arg(encodedId(order.value()));
    QJsonObject body{{QStringLiteral("ticketCodes"), codeArray(request.tickets)},
                     {QStringLiteral("holdId"), request.hold.value()},
                     {QStringLiteral("reason"), request.reason}};
    if (!request.method.isEmpty())
        body.insert(QStringLiteral("method"), request.method);
    if (request.tenderedCents >= 0)
        body.insert(QStringLiteral("tenderedCents"), request.tenderedCents);
    if (!request.reference.isEmpty())
        body.insert(QStringLiteral("reference"), request.reference);
    send({.verb = "POST",
          .path = path,
          .body = toJson(body),
          .headers = overrideHeader(overrideToken)},
         context, [path, done = std::move(done)](const Result<QByteArray> &answer) {
             done(readAnswer<ExchangeResult>(
                 answer, QStringLiteral("POST ") + path, [](AnswerReader &json) {
                     ExchangeResult result;
                     result.exchangeId = json.optionalString(QStringLiteral("exchangeId"), 64);
                     result.order = OrderId(json.string(QStringLiteral("orderId"), 64));
                     result.newOrder = OrderId(json.string(QStringLiteral("newOrderId"), 64));
                     result.revoked = idList<TicketCode>(json.optionalStringArray(
                         QStringLiteral("revokedTicketCodes"), kMaxListItems, 64));
                     result.tickets = readTickets(json);
                     result.differenceCents =
                         json.integer(QStringLiteral("differenceCents"), -kMaxCents, kMaxCents);
                     result.changeCents =
                         json.optionalInteger(QStringLiteral("changeCents"), 0, kMaxCents);
                     if (json.has(QStringLiteral("payment"))) {
                         AnswerReader item = json.object(QStringLiteral("payment"));
                         ExchangePayment payment;
                         payment.id = PaymentId(item.string(QStringLiteral("paymentId"), 64));
                         payment.method = item.optionalString(QStringLiteral("method"), 32);
                         payment.amountCents =
                             item.integer(QStringLiteral("amountCents"), 0, kMaxCents);
                         result.payment = payment;
                     }
                     if (json.has(QStringLiteral("refund")))
                         result.refund = readRefund(json.object(QStringLiteral("refund")));
                     return result;
                 }));
         });
}

void ApiClient::stuckHolds(const ShowId &show, qint64 olderThanSeconds, QObject *context,
                           Callback<QList<StuckHold>> done)
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("showId"), encodedId(show.value()));
    if (olderThanSeconds > 0)
        query.addQueryItem(QStringLiteral("olderThanSeconds"), QString::number(olderThanSeconds));
    send({.verb = "GET",
          .path = QStringLiteral("/holds"),
          .query = query.toString(QUrl::FullyEncoded)},
         context, [done = std::move(done)](const Result<QByteArray> &answer) {
             done(readAnswer<QList<StuckHold>>(
                 answer, QStringLiteral("GET /holds"), [](AnswerReader &json) {
                     QList<StuckHold> holds;
                     const QString field = QStringLiteral("holds");
                     const QJsonArray array = json.array(field, kMaxListItems);
                     for (qsizetype i = 0; i < array.size() && json.ok(); ++i) {
                         AnswerReader item = json.item(field, array, i);
                         StuckHold hold;
                         hold.id = HoldId(item.string(QStringLiteral("holdId"), 64));
                         hold.show = ShowId(item.optionalString(QStringLiteral("showId"), 64));
                         hold.user = UserId(item.optionalString(QStringLiteral("userId"), 64));
                         hold.username = item.optionalString(QStringLiteral("username"), 64);
                         hold.seats = idList<SeatId>(item.optionalStringArray(
                             QStringLiteral("seatIds"), kMaxListItems, 64));
                         hold.createdMs = item.optionalTime(QStringLiteral("createdAt"));
                         hold.expiryMs = item.optionalTime(QStringLiteral("expiryTime"));
                         hold.totalCents =
                             item.optionalInteger(QStringLiteral("totalPriceCents"), 0, kMaxCents);
                         holds.append(hold);
                     }
                     return holds;
                 }));
         });
}

void ApiClient::forceReleaseHold(const HoldId &hold, const QString &overrideToken, QObject *context,
                                 Callback<> done)
{
    send({.verb = "DELETE",
          .path = QStringLiteral("/holds/%1").arg(encodedId(hold.value())),
          .headers = overrideHeader(overrideToken)},
         context, [done = std::move(done)](const Result<QByteArray> &answer) {
             if (!answer)
                 return done(std::unexpected(answer.error()));
             done({});
         });
}

void ApiClient::requestOverride(const OverrideRequest &request, QObject *context,
                                Callback<OverrideGrant> done)
{
    QJsonObject body{{QStringLiteral("supervisor"), request.supervisor},
                     {QStringLiteral("action"), request.action},
                     {QStringLiteral("subject"), request.subject}};
    if (!request.pin.isEmpty())
        body.insert(QStringLiteral("pin"), request.pin);
    else
        body.insert(QStringLiteral("password"), request.password);
    send({.verb = "POST", .path = QStringLiteral("/overrides"), .body = toJson(body)}, context,
         [done = std::move(done)](const Result<QByteArray> &answer) {
             done(readAnswer<OverrideGrant>(
                 answer, QStringLiteral("POST /overrides"), [](AnswerReader &json) {
                     OverrideGrant grant;
                     grant.id = json.optionalString(QStringLiteral("overrideId"), 64);
                     grant.token = json.string(QStringLiteral("token"), 512);
                     grant.action = json.string(QStringLiteral("action"), 32);
                     grant.subject = json.string(QStringLiteral("subject"), 512);
                     grant.supervisor = json.optionalString(QStringLiteral("supervisor"), 64);
                     grant.expiresMs = json.optionalTime(QStringLiteral("expiresAt"));
                     return grant;
                 }));
         });
}

void ApiClient::audit(const AuditFilter &filter, QObject *context, Callback<AuditPage> done)
{
    QUrlQuery query;
    const auto add = [&query](const char *name, const QString &value) {
        if (!value.isEmpty())
            query.addQueryItem(QLatin1StringView(name),
                               QString::fromLatin1(QUrl::toPercentEncoding(value)));
    };
    add("actor", filter.actor);
    add("action", filter.action);
    add("subject", filter.subject);
    add("terminal", filter.terminal);
    if (filter.fromMs > 0)
        add("from", isoTime(filter.fromMs));
    if (filter.toMs > 0)
        add("to", isoTime(filter.toMs));
    if (filter.beforeId > 0)
        add("beforeId", QString::number(filter.beforeId));
    if (filter.limit > 0)
        add("limit", QString::number(filter.limit));
    send({.verb = "GET",
          .path = QStringLiteral("/audit"),
          .query = query.toString(QUrl::FullyEncoded)},
         context, [done = std::move(done)](const Result<QByteArray> &answer) {
             done(readAnswer<AuditPage>(
                 answer, QStringLiteral("GET /audit"), [](AnswerReader &json) {
                     AuditPage page;
                     const QString field = QStringLiteral("records");
                     const QJsonArray array = json.array(field, kMaxListItems);
                     for (qsizetype i = 0; i < array.size() && json.ok(); ++i) {
                         AnswerReader item = json.item(field, array, i);
                         AuditRecord record;
                         record.id = item.integer(QStringLiteral("id"), 1, kMaxVersion);
                         record.atMs = item.time(QStringLiteral("at"));
                         record.actor = item.optionalString(QStringLiteral("actor"), 128);
                         record.terminal = item.optionalString(QStringLiteral("terminal"), 64);
                         record.action = item.string(QStringLiteral("action"), 128);
                         record.subject = item.optionalString(QStringLiteral("subject"), 512);
                         record.detail = array.at(i).toObject().value(u"detail").toObject();
                         page.records.append(record);
                     }
                     page.nextBeforeId =
                         json.optionalInteger(QStringLiteral("nextBeforeId"), 0, kMaxVersion);
                     return page;
                 }));
         });
}

void ApiClient::verifyAudit(QObject *context, Callback<AuditVerification> done)
{
    send({.verb = "GET", .path = QStringLiteral("/audit/verify")}, context,
         [done = std::move(done)](const Result<QByteArray> &answer) {
             done(readAnswer<AuditVerification>(
                 answer, QStringLiteral("GET /audit/verify"), [](AnswerReader &json) {
                     AuditVerification check;
                     check.intact = json.optionalBool(QStringLiteral("intact"));
                     check.records =
                         json.optionalInteger(QStringLiteral("records"), 0, kMaxVersion);
                     check.unchained =
                         json.optionalInteger(QStringLiteral("unchained"), 0, kMaxVersion);
                     check.brokenAtId =
                         json.optionalInteger(QStringLiteral("brokenAtId"), 0, kMaxVersion);
                     check.problem = json.optionalString(QStringLiteral("problem"), 1024);
                     if (json.ok() && !json.has(QStringLiteral("intact")))
                         json.invalid(QStringLiteral("intact"), QStringLiteral("is required"));
                     return check;
                 }));
         });
}

void ApiClient::openShift(qint64 floatCents, QObject *context, Callback<ShiftInfo> done)
{
    send({.verb = "POST",
          .path = QStringLiteral("/shifts"),
          .body = toJson(QJsonObject{{QStringLiteral("floatCents"), floatCents}})},
         context, [done = std::move(done)](const Result<QByteArray> &answer) {
             done(readAnswer<ShiftInfo>(answer, QStringLiteral("POST /shifts"),
                                        [](AnswerReader &json) { return readShift(json); }));
         });
}

void ApiClient::currentShift(QObject *context, Callback<std::optional<ShiftInfo>> done)
{
    send({.verb = "GET", .path = QStringLiteral("/shifts/current")}, context,
         [done = std::move(done)](const Result<QByteArray> &answer) {
             if (!answer && hasWireCode(answer.error(), "NO_OPEN_SHIFT"))
                 return done(std::optional<ShiftInfo>());
             done(readAnswer<std::optional<ShiftInfo>>(
                 answer, QStringLiteral("GET /shifts/current"),
                 [](AnswerReader &json) { return std::optional(readShift(json)); }));
         });
}

void ApiClient::shifts(const ShiftFilter &filter, QObject *context, Callback<QList<ShiftInfo>> done)
{
    QUrlQuery query;
    if (!filter.user.isEmpty())
        query.addQueryItem(QStringLiteral("userId"), encodedId(filter.user.value()));
    if (!filter.terminal.isEmpty())
        query.addQueryItem(QStringLiteral("terminal"), encodedId(filter.terminal));
    if (filter.fromMs > 0)
        query.addQueryItem(QStringLiteral("from"), encodedId(isoTime(filter.fromMs)));
    if (filter.toMs > 0)
        query.addQueryItem(QStringLiteral("to"), encodedId(isoTime(filter.toMs)));
    if (!filter.status.isEmpty())
        query.addQueryItem(QStringLiteral("status"), encodedId(filter.status));
    send({.verb = "GET",
          .path = QStringLiteral("/shifts"),
          .query = query.toString(QUrl::FullyEncoded)},
         context, [done = std::move(done)](const Result<QByteArray> &answer) {
             done(readAnswer<QList<ShiftInfo>>(
                 answer, QStringLiteral("GET /shifts"), [](AnswerReader &json) {
                     QList<ShiftInfo> shifts;
                     const QString field = QStringLiteral("shifts");
                     const QJsonArray array = json.array(field, kMaxListItems);
                     for (qsizetype i = 0; i < array.size() && json.ok(); ++i)
                         shifts.append(readShift(json.item(field, array, i)));
                     return shifts;
                 }));
         });
}

void ApiClient::shiftReport(const ShiftId &shift, QObject *context, Callback<ShiftReport> done)
{
    const QString path = QStringLiteral("/shifts/%1/report").arg(encodedId(shift.value()));
    send({.verb = "GET", .path = path}, context,
         [path, done = std::move(done)](const Result<QByteArray> &answer) {
             done(readAnswer<ShiftReport>(answer, QStringLiteral("GET ") + path,
                                          [](AnswerReader &json) { return readReport(json); }));
         });
}

void ApiClient::closeShift(const ShiftId &shift, qint64 countedCents, QObject *context,
                           Callback<ShiftReport> done)
{
    const QString path = QStringLiteral("/shifts/%1/close").arg(encodedId(shift.value()));
    send({.verb = "POST",
          .path = path,
          .body = toJson(QJsonObject{{QStringLiteral("countedCents"), countedCents}})},
         context, [path, done = std::move(done)](const Result<QByteArray> &answer) {
             done(readAnswer<ShiftReport>(answer, QStringLiteral("POST ") + path,
                                          [](AnswerReader &json) { return readReport(json); }));
         });
}

void ApiClient::dayReport(const QString &date, QObject *context, Callback<DayReport> done)
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("date"), encodedId(date));
    send({.verb = "GET",
          .path = QStringLiteral("/reports/day"),
          .query = query.toString(QUrl::FullyEncoded)},
         context, [done = std::move(done)](const Result<QByteArray> &answer) {
             done(readAnswer<DayReport>(
                 answer, QStringLiteral("GET /reports/day"), [](AnswerReader &json) {
                     DayReport report;
                     report.date = json.string(QStringLiteral("date"), 10);
                     report.byCashier = readDayLines(json, QStringLiteral("byCashier"),
                                                     QStringLiteral("username"));
                     report.byTerminal = readDayLines(json, QStringLiteral("byTerminal"),
                                                      QStringLiteral("terminal"));
                     AnswerReader total = json.optionalObject(QStringLiteral("total"));
                     readCashFigures(total, report.total);
                     report.total.label = QStringLiteral("total");
                     return report;
                 }));
         });
}

// --- Kiosks ----------------------------------------------------------------------------------

void ApiClient::cancelOrder(const OrderId &order, QObject *context, Callback<> done)
{
    send({.verb = "POST",
          .path = QStringLiteral("/orders/%1/cancel").arg(encodedId(order.value())),
          .body = toJson(QJsonObject{})},
         context, [done = std::move(done)](const Result<QByteArray> &answer) {
             if (!answer)
                 return done(std::unexpected(answer.error()));
             done({});
         });
}

void ApiClient::unlockKiosk(const QString &supervisor, const QString &pin, QObject *context,
                            Callback<KioskUnlock> done)
{
    const QJsonObject body{{QStringLiteral("supervisor"), supervisor},
                           {QStringLiteral("pin"), pin}};
    send({.verb = "POST", .path = QStringLiteral("/kiosk/unlock"), .body = toJson(body)}, context,
         [done = std::move(done)](const Result<QByteArray> &answer) {
             done(readAnswer<KioskUnlock>(
                 answer, QStringLiteral("POST /kiosk/unlock"), [](AnswerReader &json) {
                     KioskUnlock unlock;
                     unlock.supervisor = json.string(QStringLiteral("supervisor"), 64);
                     unlock.unlockedMs = json.optionalTime(QStringLiteral("unlockedAt"));
                     return unlock;
                 }));
         });
}

// --- Door scanning (docs/kiosk-and-door-api.md) ------------------------------------------------

namespace {

constexpr int kMaxScanResults = 500;

ScanVerdict readVerdict(AnswerReader &json, const QString &field)
{
    const QString name = json.string(field, 32);
    if (!json.ok())
        return ScanVerdict::Forged;
    const auto verdict = Core::scanResultFromWireName(name);
    if (!verdict) {
        json.invalid(field, QStringLiteral("unknown scan result \"%1\"").arg(name));
        return ScanVerdict::Forged;
    }
    return *verdict;
}

TicketVerification readVerification(AnswerReader &json)
{
    TicketVerification v;
    v.verdict = readVerdict(json, QStringLiteral("result"));
    v.ticket = TicketCode(json.optionalString(QStringLiteral("ticketCode"), 64));
    v.show = ShowId(json.optionalString(QStringLiteral("showId"), 64));
    v.seat = SeatId(json.optionalString(QStringLiteral("seatId"), 64));
    v.order = OrderId(json.optionalString(QStringLiteral("orderId"), 64));
    v.usedMs = json.optionalTime(QStringLiteral("usedAt"));
    v.usedDoor = json.optionalString(QStringLiteral("usedDoor"), 64);
    v.usedBy = json.optionalString(QStringLiteral("usedBy"), 64);
    v.revokedMs = json.optionalTime(QStringLiteral("revokedAt"));
    v.revokedReason = json.optionalString(QStringLiteral("revokedReason"), 32);
    v.reason = json.optionalString(QStringLiteral("reason"), 500);
    return v;
}

} // namespace

void ApiClient::verifyTicket(const QString &qrPayload, const ShowId &show, const QString &door,
                             const QString &scanId, int timeoutMs, QObject *context,
                             Callback<TicketVerification> done)
{
    QJsonObject body{{QStringLiteral("qrPayload"), qrPayload}};
    if (!show.isEmpty())
        body.insert(QStringLiteral("showId"), show.value());
    if (!door.isEmpty())
        body.insert(QStringLiteral("door"), door);
    if (!scanId.isEmpty())
        body.insert(QStringLiteral("scanId"), scanId);
    send({.verb = "POST",
          .path = QStringLiteral("/tickets/verify"),
          .body = toJson(body),
          .timeoutMs = timeoutMs},
         context, [done = std::move(done)](const Result<QByteArray> &answer) {
             done(readAnswer<TicketVerification>(
                 answer, QStringLiteral("POST /tickets/verify"),
                 [](AnswerReader &json) { return readVerification(json); }));
         });
}

void ApiClient::ticketKeys(QObject *context, Callback<QList<TicketKey>> done)
{
    send({.verb = "GET", .path = QStringLiteral("/tickets/keys")}, context,
         [done = std::move(done)](const Result<QByteArray> &answer) {
             done(readAnswer<QList<TicketKey>>(
                 answer, QStringLiteral("GET /tickets/keys"), [](AnswerReader &json) {
                     QList<TicketKey> keys;
                     const QString field = QStringLiteral("keys");
                     const QJsonArray array = json.array(field, kMaxListItems);
                     for (qsizetype i = 0; i < array.size() && json.ok(); ++i) {
                         AnswerReader item = json.item(field, array, i);
                         TicketKey key;
                         key.keyId = item.string(QStringLiteral("keyId"), 64);
                         key.algorithm = item.string(QStringLiteral("algorithm"), 32);
                         const QString text = item.string(QStringLiteral("publicKey"), 128);
                         if (!item.ok())
                             break;
                         if (key.algorithm != QLatin1StringView("Ed25519"))
                             item.invalid(QStringLiteral("algorithm"),
                                          QStringLiteral("is not Ed25519"));
                         auto decoded = QByteArray::fromBase64Encoding(
                             text.toLatin1(), QByteArray::Base64UrlEncoding |
                                                  QByteArray::OmitTrailingEquals |
                                                  QByteArray::AbortOnBase64DecodingErrors);
                         if (!decoded || decoded.decoded.size() != 32)
                             item.invalid(QStringLiteral("publicKey"),
                                          QStringLiteral("is not 32 bytes of base64url"));
                         key.publicKey = decoded.decoded;
                         keys.append(key);
                     }
                     return keys;
                 }));
         });
}

void ApiClient::ticketRevocations(const ShowId &show, const QString &since, QObject *context,
                                  Callback<TicketRevocations> done)
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("showId"), encodedId(show.value()));
    if (!since.isEmpty())
        query.addQueryItem(QStringLiteral("since"), encodedId(since));
    send({.verb = "GET",
          .path = QStringLiteral("/tickets/revocations"),
          .query = query.toString(QUrl::FullyEncoded)},
         context, [show, done = std::move(done)](const Result<QByteArray> &answer) {
             done(readAnswer<TicketRevocations>(
                 answer, QStringLiteral("GET /tickets/revocations"), [&](AnswerReader &json) {
                     TicketRevocations list;
                     list.show = ShowId(json.string(QStringLiteral("showId"), 64));
                     if (json.ok() && list.show != show)
                         json.invalid(QStringLiteral("showId"),
                                      QStringLiteral("asked for %1").arg(show.value()));
                     list.asOf = json.string(QStringLiteral("asOf"), 64);
                     (void)json.time(QStringLiteral("asOf")); // must be a time
                     const QString revokedField = QStringLiteral("revoked");
                     const QJsonArray revoked = json.array(revokedField, 10'000'000);
                     for (qsizetype i = 0; i < revoked.size() && json.ok(); ++i) {
                         AnswerReader item = json.item(revokedField, revoked, i);
                         RevokedTicket ticket;
                         ticket.ticket = TicketCode(item.string(QStringLiteral("ticketCode"), 64));
                         ticket.revokedMs = item.optionalTime(QStringLiteral("revokedAt"));
                         ticket.reason = item.optionalString(QStringLiteral("reason"), 32);
                         list.revoked.append(ticket);
                     }
                     const QString usedField = QStringLiteral("used");
                     const QJsonArray used = json.array(usedField, 10'000'000);
                     for (qsizetype i = 0; i < used.size() && json.ok(); ++i) {
                         AnswerReader item = json.item(usedField, used, i);
                         UsedTicket ticket;
                         ticket.ticket = TicketCode(item.string(QStringLiteral("ticketCode"), 64));
                         ticket.usedMs = item.optionalTime(QStringLiteral("usedAt"));
                         ticket.usedDoor = item.optionalString(QStringLiteral("usedDoor"), 64);
                         list.used.append(ticket);
                     }
                     return list;
                 }));
         });
}

void ApiClient::uploadScans(const QList<OfflineScan> &scans, QObject *context,
                            Callback<QList<UploadedScanResult>> done)
{
    QJsonArray array;
    for (const OfflineScan &scan : scans) {
        array.append(
            QJsonObject{{QStringLiteral("scanId"), scan.scanId},
                        {QStringLiteral("qrPayload"), scan.qrPayload},
                        {QStringLiteral("showId"), scan.show.value()},
                        {QStringLiteral("door"), scan.door},
                        {QStringLiteral("scannedAt"), isoTime(scan.scannedMs)},
                        {QStringLiteral("offlineResult"), Core::wireName(scan.offlineVerdict)}});
    }
    const qsizetype sent = scans.size();
    send({.verb = "POST",
          .path = QStringLiteral("/tickets/scans"),
          .body = toJson(QJsonObject{{QStringLiteral("scans"), array}})},
         context, [sent, done = std::move(done)](const Result<QByteArray> &answer) {
             done(readAnswer<QList<UploadedScanResult>>(
                 answer, QStringLiteral("POST /tickets/scans"), [&](AnswerReader &json) {
                     QList<UploadedScanResult> results;
                     const QString field = QStringLiteral("results");
                     const QJsonArray array = json.array(field, kMaxScanResults);
                     if (json.ok() && array.size() != sent)
                         json.invalid(field, QStringLiteral("has %1 results for %2 scans")
                                                 .arg(array.size())
                                                 .arg(sent));
                     for (qsizetype i = 0; i < array.size() && json.ok(); ++i) {
                         AnswerReader item = json.item(field, array, i);
                         UploadedScanResult result;
                         result.scanId = item.string(QStringLiteral("scanId"), 64);
                         result.verification = readVerification(item);
                         result.flagged = item.optionalBool(QStringLiteral("flagged"));
                         result.replayed = item.optionalBool(QStringLiteral("replayed"));
                         AnswerReader conflict = item.optionalObject(QStringLiteral("conflict"));
                         result.conflictUsedMs = conflict.optionalTime(QStringLiteral("usedAt"));
                         result.conflictDoor =
                             conflict.optionalString(QStringLiteral("usedDoor"), 64);
                         result.conflictBy = conflict.optionalString(QStringLiteral("usedBy"), 64);
                         results.append(result);
                     }
                     return results;
                 }));
         });
}

} // namespace Boxoffice::Sync

#include "sync/client/apiclient.h"

#include "core/venue/venuelayout.h"
#include "sync/client/answerreader.h"
#include "sync/client/clientlogging.h"
#include "sync/client/seatupdates.h"
#include "sync/client/servertrust.h"
#include "sync/protocol/wire.h"

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
    http.setTransferTimeout(m_timeoutMs);
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
                                ? QStringLiteral("no answer within %1 ms").arg(m_timeoutMs)
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
    const QByteArray body = toJson(QJsonObject{{QStringLiteral("username"), username},
                                               {QStringLiteral("password"), password}});
    send({.verb = "POST", .path = QStringLiteral("/sessions"), .body = body, .sessionCall = false},
         context, [this, username, done = std::move(done)](const Result<QByteArray> &answer) {
             auto session = readAnswer<Session>(
                 answer, QStringLiteral("POST /sessions"), [&](AnswerReader &json) {
                     Session session;
                     session.token = json.string(QStringLiteral("token"), 512);
                     session.role = json.string(QStringLiteral("role"), 32);
                     session.expiresMs = json.time(QStringLiteral("expiresAt"));
                     session.username = json.optionalString(QStringLiteral("username"), 64);
                     if (session.username.isEmpty())
                         session.username = username;
                     return session;
                 });
             if (session)
                 setToken(session->token);
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

} // namespace Boxoffice::Sync

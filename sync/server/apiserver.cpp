#include "sync/server/apiserver.h"

#include "core/audit/auditlog.h"
#include "core/security/paymentsignature.h"
#include "core/security/random.h"
#include "core/venue/venuelayout.h"
#include "sync/protocol/wire.h"
#include "sync/server/serverlogging.h"

#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonArray>
#include <QRegularExpression>
#include <QThreadPool>
#include <QUrlQuery>
#include <QWebSocket>

#include <array>
#include <optional>

namespace Boxoffice::Sync {

using namespace Core;

// A request being answered, possibly after the engine committed. The socket may go away in
// the meantime (the client hung up): then the answer is dropped.
struct PendingReply
{
    PendingReply(QTcpSocket *s, QHttpServerResponder &&r, bool head)
        : socket(s)
        , headOnly(head)
    {
        responder.emplace(std::move(r));
    }
    QPointer<QTcpSocket> socket;
    std::optional<QHttpServerResponder> responder;
    bool headOnly = false; // a HEAD request: the same headers, no body

    void send(int status, const QByteArray &body, const QByteArray &extraHeader = {},
              const QByteArray &extraValue = {})
    {
        if (!responder || !socket || socket->state() != QAbstractSocket::ConnectedState)
            return;
        const bool close = socket->property(kCloseAfterResponseProperty).toBool();
        responder->writeStatusLine(static_cast<QHttpServerResponder::StatusCode>(status));
        responder->writeHeader(QByteArrayLiteral("Content-Type"),
                               QByteArrayLiteral("application/json; charset=utf-8"));
        responder->writeHeader(QByteArrayLiteral("Content-Length"),
                               QByteArray::number(body.size()));
        responder->writeHeader(QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-store"));
        if (close)
            responder->writeHeader(QByteArrayLiteral("Connection"), QByteArrayLiteral("close"));
        if (!extraHeader.isEmpty())
            responder->writeHeader(extraHeader, extraValue);
        // writeBody ends the header block, also for an empty body.
        responder->writeBody(headOnly ? QByteArray() : body);
        responder.reset();
        if (close)
            socket->disconnectFromHost();
    }
    void send(const Error &error) { send(errorCodeInfo(error.code).httpStatus, errorBody(error)); }
};

namespace {

enum RoleBit : unsigned
{
    kAnonymous = 0,
    kClerk = 1u << static_cast<int>(Role::Clerk),
    kSupervisor = 1u << static_cast<int>(Role::Supervisor),
    kKiosk = 1u << static_cast<int>(Role::Kiosk),
    kAdmin = 1u << static_cast<int>(Role::Admin),
    kAnyRole = kClerk | kSupervisor | kKiosk | kAdmin,
    kSellers = kClerk | kSupervisor | kKiosk,
    kStaff = kClerk | kSupervisor,
};

using Method = QHttpServerRequest::Method;

constexpr qint64 kMaxLiveBacklogBytes = 1024 * 1024;

QString headerValue(const QHttpServerRequest &request, const QByteArray &name)
{
    for (const auto &[key, value] : request.headers()) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return QString::fromLatin1(value).trimmed();
    }
    return {};
}

// Ids in paths and keys: a small alphabet, so nothing odd reaches logs or SQL.
bool isValidId(QStringView id, qsizetype maxLength)
{
    if (id.isEmpty() || id.size() > maxLength)
        return false;
    for (QChar c : id) {
        if (!(c.isLetterOrNumber() && c.unicode() < 128) && c != u'-' && c != u'_' && c != u'.')
            return false;
    }
    return true;
}

} // namespace

struct ApiServer::Call
{
    const QHttpServerRequest &request;
    std::shared_ptr<PendingReply> reply;
    QStringList params;
    std::optional<Session> session;

    [[nodiscard]] QString header(const QByteArray &name) const
    {
        return headerValue(request, name);
    }
    void ok(int status, const QJsonObject &body) const { reply->send(status, toJson(body)); }
    void error(const Error &error) const { reply->send(error); }
    void error(ErrorCode code, const QString &message) const
    {
        reply->send(Error::make(code, message));
    }
};

namespace {

struct Route
{
    Method method;
    std::array<const char *, 6> segments; // "*" matches one id; nullptr ends the pattern
    unsigned roles;                       // kAnonymous: no session needed
};

} // namespace

ApiServer::ApiServer(BookingEngine &engine, AccountStore &accounts, AuditLog &audit,
                     TicketVerifier verifier, ServerConfig config, QObject *parent)
    : QAbstractHttpServer(parent)
    , m_engine(engine)
    , m_accounts(accounts)
    , m_audit(audit)
    , m_verifier(std::move(verifier))
    , m_config(std::move(config))
{
    m_healthBody = toJson(
        QJsonObject{{QStringLiteral("status"), QStringLiteral("ok")},
                    {QStringLiteral("service"), QStringLiteral("boxoffice-server")},
                    {QStringLiteral("transport"),
                     m_config.tls ? QStringLiteral("tls") : QStringLiteral("insecure-http")}});
    connect(this, &QAbstractHttpServer::newWebSocketConnection, this, &ApiServer::handleWebSocket);
}

ApiServer::~ApiServer()
{
    m_background.waitForDone();
}

void ApiServer::audit(const QString &actor, const QString &action, const QString &subject,
                      const QJsonObject &detail)
{
    m_background.start([this, actor, action, subject, detail] {
        (void)m_audit.record(actor, action, subject, detail);
    });
}

Result<quint16> ApiServer::start(const QHostAddress &address, quint16 port)
{
    auto *tcp = new GuardedTcpServer(m_config.limits, this);
    if (m_config.tls)
        tcp->setTlsConfiguration(*m_config.tls);
    connect(tcp, &GuardedTcpServer::connectionRejected, this,
            [](const QHostAddress &peer, const QString &reason) {
                qCInfo(lcServer).noquote()
                    << "connection from" << peer.toString() << "refused:" << reason;
            });
    if (!tcp->listen(address, port)) {
        const QString why = tcp->errorString();
        delete tcp;
        return fail(ErrorCode::Internal, QStringLiteral("cannot listen on %1:%2: %3")
                                             .arg(address.toString())
                                             .arg(port)
                                             .arg(why));
    }
    bind(tcp);
    return tcp->serverPort();
}

void ApiServer::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    PendingReply reply(socket, makeResponder(request, socket),
                       request.method() == QHttpServerRequest::Method::Head);
    reply.send(Error::make(ErrorCode::NotFound, QStringLiteral("no such resource")));
}

bool ApiServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    struct Entry
    {
        Route route;
        Handler handler;
    };
    // The role matrix: who may call what. Issue-by-issue additions extend this table.
    static const Entry kRoutes[] = {
        {{Method::Get, {"health"}, kAnonymous}, &ApiServer::health},
        {{Method::Post, {"sessions"}, kAnonymous}, &ApiServer::login},
        {{Method::Delete, {"sessions"}, kAnyRole}, &ApiServer::logout},
        {{Method::Get, {"shows"}, kAnyRole}, &ApiServer::listShows},
        {{Method::Get, {"shows", "*"}, kAnyRole}, &ApiServer::showDetail},
        {{Method::Get, {"shows", "*", "seats"}, kAnyRole}, &ApiServer::showSeats},
        {{Method::Get, {"venues", "*", "layout"}, kAnyRole}, &ApiServer::venueLayout},
        {{Method::Post, {"shows", "*", "holds"}, kSellers}, &ApiServer::placeHold},
        {{Method::Delete, {"holds", "*"}, kSellers}, &ApiServer::releaseHold},
        {{Method::Post, {"orders"}, kSellers}, &ApiServer::createOrder},
        {{Method::Get, {"orders", "*"}, kSellers | kAdmin}, &ApiServer::orderDetail},
        {{Method::Post, {"orders", "*", "payments"}, kStaff}, &ApiServer::tender},
        {{Method::Post, {"payments", "callback"}, kAnonymous}, &ApiServer::paymentCallback},
        {{Method::Post, {"tickets", "verify"}, kStaff | kAdmin}, &ApiServer::verifyTicket},
    };

    const QString path = request.url().path();
    // A WebSocket upgrade is taken over by QHttpServer after this returns true without an
    // answer; the channel itself checks the show and the session (handleWebSocket).
    if (headerValue(request, "upgrade")
            .compare(QLatin1StringView("websocket"), Qt::CaseInsensitive) == 0) {
        static const QRegularExpression live(QStringLiteral("^/api/v1/shows/[^/]+/live$"));
        return live.match(path).hasMatch();
    }
    Call call{request,
              std::make_shared<PendingReply>(socket, makeResponder(request, socket),
                                             request.method() == Method::Head),
              {},
              {}};
    static const QString kPrefix = QStringLiteral("/api/v1/");
    if (!path.startsWith(kPrefix)) {
        call.error(ErrorCode::NotFound,
                   QStringLiteral("no such resource; the API lives under /api/v1"));
        return true;
    }
    const QList<QStringView> segments = QStringView(path).mid(kPrefix.size()).split(u'/');

    bool pathKnown = false;
    for (const Entry &entry : kRoutes) {
        QStringList params;
        bool matches = true;
        qsizetype n = 0;
        for (; n < qsizetype(entry.route.segments.size()) && entry.route.segments[n]; ++n) {
            if (n >= segments.size()) {
                matches = false;
                break;
            }
            const char *want = entry.route.segments[n];
            if (qstrcmp(want, "*") == 0) {
                if (!isValidId(segments[n], 64)) {
                    matches = false;
                    break;
                }
                params.append(segments[n].toString());
            } else if (segments[n] != QLatin1StringView(want)) {
                matches = false;
                break;
            }
        }
        if (!matches || n != segments.size())
            continue;
        pathKnown = true;
        const bool headOfGet =
            request.method() == Method::Head && entry.route.method == Method::Get;
        if (entry.route.method != request.method() && !headOfGet)
            continue;

        call.params = params;
        if (entry.route.roles != kAnonymous) {
            const QString authorization = call.header("authorization");
            static const QString kBearer = QStringLiteral("Bearer ");
            if (!authorization.startsWith(kBearer, Qt::CaseInsensitive)) {
                const Error error =
                    Error::make(ErrorCode::Unauthenticated,
                                QStringLiteral("log in first: send Authorization: Bearer <token>"));
                denied(call, error);
                call.error(error);
                return true;
            }
            auto session = m_accounts.sessionForToken(authorization.mid(kBearer.size()).trimmed());
            if (!session) {
                if (session.error().code == ErrorCode::StorageFailure) {
                    call.error(session.error());
                    return true;
                }
                const Error error =
                    Error::make(ErrorCode::Unauthenticated, session.error().message);
                denied(call, error);
                call.error(error);
                return true;
            }
            call.session = *session;
            if (!(entry.route.roles & (1u << static_cast<int>(session->account.role)))) {
                const Error error =
                    Error::make(ErrorCode::Forbidden, QStringLiteral("the %1 role may not do this")
                                                          .arg(wireName(session->account.role)));
                denied(call, error);
                call.error(error);
                return true;
            }
        }
        (this->*entry.handler)(call);
        return true;
    }
    if (pathKnown)
        call.error(ErrorCode::MethodNotAllowed,
                   QStringLiteral("this resource does not take that method"));
    else
        call.error(ErrorCode::NotFound, QStringLiteral("no such resource"));
    return true;
}

void ApiServer::denied(const Call &call, const Error &error)
{
    audit(call.session ? call.session->account.username : QStringLiteral("anonymous"),
          QStringLiteral("access.denied"), call.request.url().path(),
          QJsonObject{{QStringLiteral("reason"), error.message}});
}

void ApiServer::post(std::function<void()> task)
{
    bool first = false;
    {
        std::lock_guard lock(m_postedMutex);
        first = m_posted.empty();
        m_posted.push_back(std::move(task));
    }
    // One event per burst: a group commit completes hundreds of commands at once.
    if (first)
        QMetaObject::invokeMethod(this, &ApiServer::runPosted, Qt::QueuedConnection);
}

void ApiServer::runPosted()
{
    std::vector<std::function<void()>> tasks;
    {
        std::lock_guard lock(m_postedMutex);
        tasks.swap(m_posted);
    }
    for (auto &task : tasks)
        task();
}

template <class T, class Format>
Completion<T> ApiServer::replyLater(std::shared_ptr<PendingReply> reply, int successStatus,
                                    Format format)
{
    return [this, reply = std::move(reply), successStatus, format](Result<T> result) {
        post([reply, successStatus, format, result = std::move(result)] {
            if (result)
                reply->send(successStatus, toJson(format(*result)));
            else
                reply->send(result.error());
        });
    };
}

// ---------------------------------------------------------------------------------------------

void ApiServer::health(Call &call)
{
    call.reply->send(200, m_healthBody);
}

void ApiServer::login(Call &call)
{
    auto body = parseObject(call.request.body());
    if (!body)
        return call.error(body.error());
    auto username = requiredString(*body, QStringLiteral("username"), 64);
    if (!username)
        return call.error(username.error());
    auto password = requiredString(*body, QStringLiteral("password"), 256);
    if (!password)
        return call.error(password.error());
    // Password hashing is slow on purpose: keep it off the network thread.
    auto reply = call.reply;
    m_background.start([this, reply, username = *username, password = *password] {
        auto session = m_accounts.login(username, password);
        if (session)
            (void)m_audit.record(username, QStringLiteral("login"), username);
        else
            (void)m_audit.record(username, QStringLiteral("login.failed"), username,
                                 QJsonObject{{QStringLiteral("reason"), session.error().message}});
        post([reply, session] {
            if (!session)
                return reply->send(session.error());
            reply->send(201, toJson(QJsonObject{
                                 {QStringLiteral("token"), session->token},
                                 {QStringLiteral("role"), wireName(session->account.role)},
                                 {QStringLiteral("userId"), session->account.id.value()},
                                 {QStringLiteral("username"), session->account.username},
                                 {QStringLiteral("expiresAt"), isoUtc(session->expiresMs)}}));
        });
    });
}

void ApiServer::logout(Call &call)
{
    const QString token = call.header("authorization").mid(7).trimmed();
    if (auto ok = m_accounts.logout(token); !ok)
        return call.error(ok.error());
    call.ok(200, QJsonObject{{QStringLiteral("status"), QStringLiteral("LOGGED_OUT")}});
}

void ApiServer::listShows(Call &call)
{
    auto shows = m_engine.allShows();
    if (!shows)
        return call.error(shows.error());
    QJsonArray list;
    for (const auto &show : *shows)
        list.append(showSummaryJson(*show));
    call.ok(200, QJsonObject{{QStringLiteral("shows"), list}});
}

void ApiServer::showDetail(Call &call)
{
    auto show = m_engine.showState(ShowId(call.params[0]));
    if (!show)
        return call.error(show.error());
    call.ok(200, showDetailJson(**show));
}

void ApiServer::venueLayout(Call &call)
{
    auto layout = m_engine.venueLayoutJson(VenueId(call.params[0]));
    if (!layout)
        return call.error(layout.error());
    call.reply->send(200, *layout);
}

void ApiServer::showSeats(Call &call)
{
    auto show = m_engine.showState(ShowId(call.params[0]));
    if (!show)
        return call.error(show.error());
    const QUrlQuery query = call.request.query();
    const QString format = query.queryItemValue(QStringLiteral("format"));
    if (!format.isEmpty() && format != QLatin1StringView("full") &&
        format != QLatin1StringView("compact"))
        return call.error(ErrorCode::BadRequest, QStringLiteral("format must be full or compact"));
    if (query.hasQueryItem(QStringLiteral("since"))) {
        bool ok = false;
        const qint64 since = query.queryItemValue(QStringLiteral("since")).toLongLong(&ok);
        if (!ok || since < 0)
            return call.error(ErrorCode::BadRequest,
                              QStringLiteral("since must be a version number (0 or more)"));
        if (auto delta = seatsDeltaJson(**show, since))
            return call.reply->send(200, *delta);
    }
    call.reply->send(200, format == QLatin1StringView("compact") ? seatsCompactJson(**show)
                                                                 : seatsFullJson(**show));
}

void ApiServer::placeHold(Call &call)
{
    auto show = m_engine.showState(ShowId(call.params[0]));
    if (!show)
        return call.error(show.error());
    auto body = parseObject(call.request.body());
    if (!body)
        return call.error(body.error());
    auto userId = optionalString(*body, QStringLiteral("userId"), 64);
    if (!userId)
        return call.error(userId.error());
    if (!userId->isEmpty() && *userId != call.session->account.id.value())
        return call.error(ErrorCode::Forbidden,
                          QStringLiteral("userId must be the logged-in user (%1)")
                              .arg(call.session->account.id.value()));
    const EngineOptions &options = m_engine.options();
    auto seats = requiredStringArray(*body, QStringLiteral("seatIds"), options.maxSeatsPerHold);
    if (!seats)
        return call.error(seats.error());
    auto holdSeconds = optionalInteger(*body, QStringLiteral("holdSeconds"), options.minHoldSeconds,
                                       options.maxHoldSeconds);
    if (!holdSeconds)
        return call.error(holdSeconds.error());

    HoldCommand command;
    command.show = (*show)->info().id;
    command.user = call.session->account.id;
    command.holdSeconds =
        holdSeconds->value_or(std::clamp(600, options.minHoldSeconds, options.maxHoldSeconds));
    QList<int> indexes;
    QJsonArray unknown;
    for (const QString &seat : *seats) {
        const int index = (*show)->layout().indexOf(SeatId(seat));
        if (index < 0)
            unknown.append(seat);
        else if (indexes.contains(index))
            return call.error(ErrorCode::BadRequest,
                              QStringLiteral("seat %1 is listed twice").arg(seat));
        indexes.append(index);
        command.seats.append(SeatId(seat));
    }
    if (!unknown.isEmpty())
        return call.error(
            Error::make(ErrorCode::BadRequest,
                        QStringLiteral("show %1 has no such seats").arg(command.show.value()),
                        QJsonObject{{QStringLiteral("seatIds"), unknown}}));
    // Seats the cache already knows are taken are refused here, without queueing.
    if (const QList<int> taken = (*show)->unavailableAmong(indexes, m_engine.clock().nowMs());
        !taken.isEmpty()) {
        QJsonArray ids;
        for (int index : taken)
            ids.append((*show)->layout().seats()[static_cast<std::size_t>(index)].id.value());
        return call.error(Error::make(
            ErrorCode::SeatUnavailable,
            QStringLiteral("%1 of the requested seats are no longer available").arg(taken.size()),
            QJsonObject{{QStringLiteral("seatIds"), ids}}));
    }
    m_engine.hold(std::move(command),
                  replyLater<HoldConfirmation>(
                      call.reply, 201, [](const HoldConfirmation &h) { return holdJson(h); }));
}

void ApiServer::releaseHold(Call &call)
{
    ReleaseCommand command;
    command.hold = HoldId(call.params[0]);
    command.actor = call.session->account.id;
    command.mayReleaseAnyHold = call.session->account.role == Role::Supervisor;
    m_engine.release(std::move(command),
                     replyLater<ReleaseOutcome>(
                         call.reply, 200, [](const ReleaseOutcome &r) { return releaseJson(r); }));
}

void ApiServer::createOrder(Call &call)
{
    const QString key = call.header("x-idempotency-key");
    if (key.isEmpty())
        return call.error(ErrorCode::BadRequest,
                          QStringLiteral("X-Idempotency-Key header is required"));
    if (!isValidId(key, 128))
        return call.error(
            ErrorCode::BadRequest,
            QStringLiteral("X-Idempotency-Key must be 1-128 letters, digits, '-', '_' or '.'"));
    auto body = parseObject(call.request.body());
    if (!body)
        return call.error(body.error());
    auto hold = requiredString(*body, QStringLiteral("holdId"), 64);
    if (!hold)
        return call.error(hold.error());
    auto userId = optionalString(*body, QStringLiteral("userId"), 64);
    if (!userId)
        return call.error(userId.error());
    if (!userId->isEmpty() && *userId != call.session->account.id.value())
        return call.error(ErrorCode::Forbidden,
                          QStringLiteral("userId must be the logged-in user"));
    OrderCommand command;
    const QJsonValue contact = body->value(QStringLiteral("contact"));
    if (!contact.isUndefined() && !contact.isNull()) {
        if (!contact.isObject())
            return call.error(ErrorCode::BadRequest, QStringLiteral("contact: expected an object"));
        auto name = optionalString(contact.toObject(), QStringLiteral("name"), 128);
        if (!name)
            return call.error(ErrorCode::BadRequest,
                              QStringLiteral("contact.") + name.error().message);
        auto phone = optionalString(contact.toObject(), QStringLiteral("phone"), 32);
        if (!phone)
            return call.error(ErrorCode::BadRequest,
                              QStringLiteral("contact.") + phone.error().message);
        command.contactName = *name;
        command.contactPhone = *phone;
    }
    if (m_keysInFlight.contains(key))
        return call.error(
            ErrorCode::IdempotencyInFlight,
            QStringLiteral("a request with this idempotency key is still being processed"));
    command.hold = HoldId(*hold);
    command.user = call.session->account.id;
    command.idempotencyKey = key;
    command.requestHash = sha256(command.user.value().toUtf8() + '\n' + toJson(*body));
    m_keysInFlight.insert(key);
    auto reply = call.reply;
    m_engine.createOrder(std::move(command), [this, reply, key](Result<OrderCreated> result) {
        post([this, reply, key, result] {
            m_keysInFlight.remove(key);
            if (!result)
                return reply->send(result.error());
            if (result->replayed)
                reply->send(201, result->responseJson, QByteArrayLiteral("Idempotent-Replayed"),
                            QByteArrayLiteral("true"));
            else
                reply->send(201, result->responseJson);
        });
    });
}

void ApiServer::orderDetail(Call &call)
{
    auto order = m_engine.order(OrderId(call.params[0]));
    if (!order)
        return call.error(order.error());
    // A kiosk sees only what it sold itself.
    if (call.session->account.role == Role::Kiosk && order->user != call.session->account.id) {
        const Error error = Error::make(ErrorCode::Forbidden, QStringLiteral("not your order"));
        denied(call, error);
        return call.error(error);
    }
    call.ok(200, orderJson(*order));
}

void ApiServer::tender(Call &call)
{
    auto body = parseObject(call.request.body());
    if (!body)
        return call.error(body.error());
    auto method = requiredString(*body, QStringLiteral("method"), 16);
    if (!method)
        return call.error(method.error());
    TenderCommand command;
    command.order = OrderId(call.params[0]);
    command.clerk = call.session->account.id;
    if (*method == QLatin1StringView("CASH")) {
        command.method = PaymentMethod::Cash;
        auto tendered =
            requiredInteger(*body, QStringLiteral("amountTenderedCents"), 0, kMaxMinorUnits);
        if (!tendered)
            return call.error(tendered.error());
        command.tenderedCents = *tendered;
    } else if (*method == QLatin1StringView("CARD")) {
        command.method = PaymentMethod::Card;
        auto reference = requiredString(*body, QStringLiteral("reference"), 128);
        if (!reference)
            return call.error(reference.error());
        command.reference = *reference;
    } else {
        return call.error(ErrorCode::BadRequest, QStringLiteral("method must be CASH or CARD"));
    }
    m_engine.tender(std::move(command),
                    replyLater<PaymentOutcome>(
                        call.reply, 201, [](const PaymentOutcome &p) { return paymentJson(p); }));
}

void ApiServer::paymentCallback(Call &call)
{
    const QByteArray body = call.request.body();
    const QByteArray signature = call.header("x-payment-signature").toLatin1();
    auto reject = [this, &call](const Error &error, const QString &order) {
        qCWarning(lcServer).noquote() << "payment callback rejected:" << error.message;
        audit(QStringLiteral("acquirer"), QStringLiteral("payment.callback.rejected"),
              order.isEmpty() ? QStringLiteral("-") : order,
              QJsonObject{{QStringLiteral("reason"), error.message},
                          {QStringLiteral("peer"), call.request.remoteAddress().toString()}});
        call.error(error);
    };
    if (auto verified =
            verifyPaymentSignature(m_config.paymentSecret, signature, body,
                                   m_engine.clock().nowMs(), m_config.paymentToleranceSeconds);
        !verified)
        return reject(verified.error(), {});
    auto json = parseObject(body);
    if (!json)
        return reject(json.error(), {});
    auto payment = requiredString(*json, QStringLiteral("paymentId"), 64);
    if (!payment)
        return reject(payment.error(), {});
    auto order = requiredString(*json, QStringLiteral("orderId"), 64);
    if (!order)
        return reject(order.error(), {});
    auto status = requiredString(*json, QStringLiteral("status"), 16);
    if (!status)
        return reject(status.error(), *order);
    if (*status != QLatin1StringView("SUCCESS") && *status != QLatin1StringView("FAILED"))
        return reject(
            Error::make(ErrorCode::BadRequest, QStringLiteral("status must be SUCCESS or FAILED")),
            *order);
    auto amount = requiredInteger(*json, QStringLiteral("amountCents"), 0, kMaxMinorUnits);
    if (!amount)
        return reject(amount.error(), *order);

    CallbackCommand command{PaymentId(*payment), OrderId(*order),
                            *status == QLatin1StringView("SUCCESS"), *amount};
    auto reply = call.reply;
    const QString peer = call.request.remoteAddress().toString();
    m_engine.paymentCallback(command, [this, reply, command, peer](Result<PaymentOutcome> result) {
        if (!result && result.error().code != ErrorCode::Overloaded &&
            result.error().code != ErrorCode::StorageFailure) {
            qCWarning(lcServer).noquote() << "payment callback rejected:" << result.error().message;
            audit(QStringLiteral("acquirer"), QStringLiteral("payment.callback.rejected"),
                  command.order.value(),
                  QJsonObject{{QStringLiteral("reason"), result.error().message},
                              {QStringLiteral("paymentId"), command.payment.value()},
                              {QStringLiteral("peer"), peer}});
        } else if (result && result->result == PaymentResult::RefundRequired) {
            audit(QStringLiteral("acquirer"), QStringLiteral("payment.refund_required"),
                  command.order.value(),
                  QJsonObject{{QStringLiteral("paymentId"), command.payment.value()}});
        }
        post([reply, result] {
            if (result)
                reply->send(200, toJson(paymentJson(*result)));
            else
                reply->send(result.error());
        });
    });
}

void ApiServer::verifyTicket(Call &call)
{
    auto body = parseObject(call.request.body());
    if (!body)
        return call.error(body.error());
    auto payload = requiredString(*body, QStringLiteral("qrPayload"), 1024);
    if (!payload)
        return call.error(payload.error());
    auto claims = m_verifier.verify(*payload);
    if (!claims) {
        VerifyOutcome forged;
        forged.result = ScanResult::Forged;
        forged.reason = claims.error().message;
        return call.ok(200, verifyJson(forged));
    }
    VerifyCommand command{claims->ticket, claims->show, claims->seat, claims->order,
                          call.session->account.id};
    m_engine.verifyTicket(
        command, replyLater<VerifyOutcome>(call.reply, 200,
                                           [](const VerifyOutcome &v) { return verifyJson(v); }));
}

// ---------------------------------------------------------------------------------------------
// WebSocket: /api/v1/shows/{showId}/live?token=... (or an Authorization header).

void ApiServer::handleWebSocket()
{
    while (hasPendingWebSocketConnections()) {
        QWebSocket *socket = nextPendingWebSocketConnection().release();
        if (!socket)
            continue;
        socket->setParent(this);
        socket->setMaxAllowedIncomingMessageSize(4096);
        socket->setMaxAllowedIncomingFrameSize(4096);
        auto refuse = [socket](const QString &why) {
            qCInfo(lcServer).noquote() << "live channel refused:" << why;
            socket->close(QWebSocketProtocol::CloseCodePolicyViolated, why);
            socket->deleteLater();
        };
        const QStringList parts = socket->requestUrl().path().split(u'/');
        // "", "api", "v1", "shows", id, "live"
        if (parts.size() != 6 || parts[1] != QLatin1StringView("api") ||
            parts[2] != QLatin1StringView("v1") || parts[3] != QLatin1StringView("shows") ||
            parts[5] != QLatin1StringView("live") || !isValidId(parts[4], 64)) {
            refuse(QStringLiteral("no such channel"));
            continue;
        }
        QString token = QUrlQuery(socket->requestUrl()).queryItemValue(QStringLiteral("token"));
        if (token.isEmpty()) {
            const QString header =
                QString::fromLatin1(socket->request().rawHeader("Authorization"));
            if (header.startsWith(QLatin1StringView("Bearer "), Qt::CaseInsensitive))
                token = header.mid(7).trimmed();
        }
        if (auto session = m_accounts.sessionForToken(token); !session) {
            refuse(QStringLiteral("log in first"));
            continue;
        }
        const ShowId show(parts[4]);
        auto state = m_engine.showState(show);
        if (!state) {
            refuse(state.error().message);
            continue;
        }
        m_subscribers[show].append(socket);
        connect(socket, &QWebSocket::disconnected, this, [this, socket, show] {
            auto &list = m_subscribers[show];
            list.removeIf([socket](const QPointer<QWebSocket> &s) { return !s || s == socket; });
            socket->deleteLater();
        });
        socket->sendTextMessage(QString::fromUtf8(
            toJson(QJsonObject{{QStringLiteral("type"), QStringLiteral("hello")},
                               {QStringLiteral("showId"), show.value()},
                               {QStringLiteral("version"), (*state)->version()}})));
    }
}

void ApiServer::publishChanges(const BookingEngine::CommittedChanges &changes)
{
    post([this, changes] { broadcast(changes); });
}

void ApiServer::broadcast(const BookingEngine::CommittedChanges &changes)
{
    QHash<ShowId, QJsonArray> byShow;
    QList<ShowId> order;
    for (const auto &[show, change] : changes) {
        auto subscribers = m_subscribers.constFind(show);
        if (subscribers == m_subscribers.cend() || subscribers->isEmpty())
            continue;
        auto state = m_engine.showState(show);
        if (!state)
            continue;
        if (!byShow.contains(show))
            order.append(show);
        byShow[show].append(changeJson(**state, change));
    }
    for (const ShowId &show : order) {
        const QJsonArray &list = byShow[show];
        const QString message = QString::fromUtf8(toJson(
            QJsonObject{{QStringLiteral("type"), QStringLiteral("delta")},
                        {QStringLiteral("showId"), show.value()},
                        {QStringLiteral("fromVersion"),
                         list.first().toObject().value(QStringLiteral("version")).toInteger() - 1},
                        {QStringLiteral("version"),
                         list.last().toObject().value(QStringLiteral("version")).toInteger()},
                        {QStringLiteral("changes"), list}}));
        for (const QPointer<QWebSocket> &socket : std::as_const(m_subscribers[show])) {
            if (!socket)
                continue;
            // A subscriber that stopped reading is dropped rather than buffered without end;
            // when it reconnects it catches up from a snapshot.
            if (socket->bytesToWrite() > kMaxLiveBacklogBytes) {
                qCInfo(lcServer) << "live subscriber too far behind; closing";
                socket->abort();
                continue;
            }
            socket->sendTextMessage(message);
        }
    }
}

} // namespace Boxoffice::Sync

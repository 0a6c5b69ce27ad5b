#include "sync/server/apiserver.h"

#include "core/audit/auditlog.h"
#include "core/auth/overridestore.h"
#include "core/booking/doorscans.h"
#include "core/booking/ordersearch.h"
#include "core/cash/shiftstore.h"
#include "core/security/paymentsignature.h"
#include "core/security/random.h"
#include "core/venue/venuelayout.h"
#include "sync/protocol/wire.h"
#include "sync/server/serverlogging.h"

#include <QDateTime>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QThreadPool>
#include <QUrlQuery>
#include <QWebSocket>

#include <array>
#include <cmath>
#include <limits>
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
    // The supervisor override this request used, when it carried one (X-Override-Token).
    std::optional<OverrideUse> override;

    // The supervisor who authorised the action by an override; "" when none did.
    [[nodiscard]] QString authorizedBy() const
    {
        return override ? override->supervisorName : QString();
    }

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

// A route a role outside `roles` may still call with a supervisor's override
// (X-Override-Token, POST /overrides): the token must be for `action` on the path parameter
// `subjectParam`. It is consumed before the handler runs.
struct OverrideRule
{
    const char *action = nullptr; // nullptr: no override
    int subjectParam = 0;
    unsigned roles = 0; // who may act with an override
};

struct Route
{
    Method method;
    std::array<const char *, 6> segments; // "*" matches one id; nullptr ends the pattern
    unsigned roles;                       // kAnonymous: no session needed
    OverrideRule override = {};
};

// A scan of `payload` by the caller at `door` of `doorShow` (empty: any show): the payload's
// signed claims, or why it is not a Boxoffice ticket.
VerifyCommand scanCommand(const TicketVerifier &verifier, const Session &session,
                          const QString &payload, const QString &doorShow, const QString &door,
                          ScanAnswerFormat answer)
{
    VerifyCommand command;
    if (auto claims = verifier.verify(payload)) {
        command.ticket = claims->ticket;
        command.show = claims->show;
        command.seat = claims->seat;
        command.order = claims->order;
    } else {
        command.forgedReason = claims.error().message.isEmpty()
                                   ? QStringLiteral("not a Boxoffice ticket")
                                   : claims.error().message;
    }
    command.scanner = session.account.id;
    command.scannerName = session.account.username;
    command.terminal = session.terminal;
    command.doorShow = ShowId(doorShow);
    command.door = door;
    command.answer = std::move(answer);
    return command;
}

// A door's own scan id: 8-64 of [A-Za-z0-9_-]. Server-made ids have a '.', so no door's id
// is ever one of them.
std::optional<QString> scanIdProblem(const QString &scanId)
{
    static const QRegularExpression shape(QStringLiteral("^[A-Za-z0-9_-]{8,64}$"));
    if (shape.match(scanId).hasMatch())
        return std::nullopt;
    return QStringLiteral("scanId must be 8-64 letters, digits, '-' or '_'");
}

// The answer of a scan: a scan id seen before gets its stored answer again, marked replayed.
QJsonObject scanAnswerJson(const VerifyOutcome &outcome,
                           QJsonObject (*fresh)(const VerifyOutcome &))
{
    if (!outcome.replayed)
        return fresh(outcome);
    QJsonObject again = QJsonDocument::fromJson(outcome.storedAnswer).object();
    again.insert(QStringLiteral("scanId"), outcome.scanId);
    again.insert(QStringLiteral("replayed"), true);
    return again;
}

} // namespace

ApiServer::ApiServer(BookingEngine &engine, AccountStore &accounts, AuditLog &audit,
                     ShiftStore &shifts, OverrideStore &overrides, TicketVerifier verifier,
                     ServerConfig config, QObject *parent)
    : QAbstractHttpServer(parent)
    , m_engine(engine)
    , m_accounts(accounts)
    , m_audit(audit)
    , m_shifts(shifts)
    , m_overrides(overrides)
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
    audit(AuditEntry{actor, action, subject, {}, detail});
}

void ApiServer::audit(const Call &call, const QString &action, const QString &subject,
                      const QJsonObject &detail)
{
    audit(AuditEntry{call.session ? call.session->account.username : QStringLiteral("anonymous"),
                     action, subject, terminalOf(call), detail});
}

void ApiServer::audit(AuditEntry entry)
{
    m_background.start([this, entry = std::move(entry)] { (void)m_audit.record(entry); });
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
        {{Method::Delete, {"holds", "*"}, kSellers, {"release", 0, kClerk}},
         &ApiServer::releaseHold},
        {{Method::Post, {"orders"}, kSellers}, &ApiServer::createOrder},
        {{Method::Get, {"orders", "*"}, kSellers | kAdmin}, &ApiServer::orderDetail},
        {{Method::Post, {"orders", "*", "payments"}, kStaff}, &ApiServer::tender},
        {{Method::Post, {"payments", "callback"}, kAnonymous}, &ApiServer::paymentCallback},
        {{Method::Post, {"tickets", "verify"}, kStaff | kAdmin}, &ApiServer::verifyTicket},
        {{Method::Post, {"overrides"}, kClerk}, &ApiServer::requestOverride},
        {{Method::Get, {"orders"}, kStaff | kAdmin}, &ApiServer::searchOrders},
        {{Method::Get, {"audit"}, kSupervisor | kAdmin}, &ApiServer::auditRecords},
        {{Method::Get, {"audit", "verify"}, kSupervisor | kAdmin}, &ApiServer::auditVerify},
        {{Method::Post, {"shifts"}, kStaff}, &ApiServer::openShift},
        {{Method::Get, {"shifts", "current"}, kStaff}, &ApiServer::currentShift},
        {{Method::Get, {"shifts"}, kSupervisor | kAdmin}, &ApiServer::listShifts},
        {{Method::Get, {"shifts", "*", "report"}, kStaff | kAdmin}, &ApiServer::shiftReport},
        {{Method::Post, {"shifts", "*", "close"}, kStaff}, &ApiServer::closeShift},
        {{Method::Get, {"reports", "day"}, kSupervisor | kAdmin}, &ApiServer::dayReport},
        // Money leaves the till: supervisors, or a clerk with a supervisor's override.
        {{Method::Post, {"orders", "*", "refunds"}, kSupervisor, {"refund", 0, kClerk}},
         &ApiServer::refundOrder},
        {{Method::Post, {"refunds", "callback"}, kAnonymous}, &ApiServer::refundCallback},
        {{Method::Post, {"orders", "*", "void"}, kSupervisor, {"void", 0, kClerk}},
         &ApiServer::voidOrder},
        {{Method::Post, {"tickets", "*", "reprint"}, kSupervisor, {"reprint", 0, kClerk}},
         &ApiServer::reprintTicket},
        {{Method::Post, {"orders", "*", "exchanges"}, kSupervisor, {"exchange", 0, kClerk}},
         &ApiServer::exchangeTickets},
        {{Method::Get, {"holds"}, kSupervisor | kAdmin}, &ApiServer::listHolds},
        // Kiosks and door scanning (docs/kiosk-and-door-api.md). A kiosk reaches only the
        // kAnyRole reads, its holds and orders (kSellers), cancelling and unlocking.
        {{Method::Post, {"orders", "*", "cancel"}, kSellers}, &ApiServer::cancelOrder},
        {{Method::Post, {"kiosk", "unlock"}, kKiosk}, &ApiServer::unlockKiosk},
        {{Method::Get, {"tickets", "keys"}, kStaff | kAdmin}, &ApiServer::ticketKeys},
        {{Method::Get, {"tickets", "revocations"}, kStaff | kAdmin}, &ApiServer::ticketRevocations},
        {{Method::Post, {"tickets", "scans"}, kStaff}, &ApiServer::uploadScans},
        {{Method::Get, {"tickets", "scans"}, kSupervisor | kAdmin}, &ApiServer::listScans},
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
            const unsigned role = 1u << static_cast<int>(session->account.role);
            const OverrideRule &rule = entry.route.override;
            const QString overrideToken =
                rule.action && (rule.roles & role) ? call.header("x-override-token") : QString();
            if (!(entry.route.roles & role) && overrideToken.isEmpty()) {
                const Error error = Error::make(
                    ErrorCode::Forbidden,
                    rule.action && (rule.roles & role)
                        ? QStringLiteral("the %1 role needs a supervisor override (%2) for this")
                              .arg(wireName(session->account.role), QLatin1StringView(rule.action))
                        : QStringLiteral("the %1 role may not do this")
                              .arg(wireName(session->account.role)));
                denied(call, error);
                call.error(error);
                return true;
            }
            if (!overrideToken.isEmpty() &&
                !consumeOverride(call, overrideToken, QLatin1StringView(rule.action),
                                 call.params.value(rule.subjectParam)))
                return true;
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

template <class T, class Format, class Record>
Completion<T> ApiServer::replyAudited(std::shared_ptr<PendingReply> reply, int successStatus,
                                      Format format, Record record)
{
    return [this, reply = std::move(reply), successStatus, format, record](Result<T> result) {
        post([reply, successStatus, format, record, result = std::move(result)] {
            if (!result)
                return reply->send(result.error());
            record(*result);
            reply->send(successStatus, toJson(format(*result)));
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
    auto terminal = optionalString(*body, QStringLiteral("terminal"), 64);
    if (!terminal)
        return call.error(terminal.error());
    if (!terminal->isEmpty() && !AccountStore::isValidTerminal(*terminal))
        return call.error(
            ErrorCode::BadRequest,
            QStringLiteral("terminal: 1-64 letters, digits, spaces, '-', '_' or '.'"));
    // Password hashing is slow on purpose: keep it off the network thread.
    auto reply = call.reply;
    m_background.start(
        [this, reply, username = *username, password = *password, terminal = *terminal] {
            auto session = m_accounts.login(username, password, terminal);
            if (session)
                (void)m_audit.record(
                    AuditEntry{username, QStringLiteral("login"), username, terminal, {}});
            else
                (void)m_audit.record(
                    AuditEntry{username, QStringLiteral("login.failed"), username, terminal,
                               QJsonObject{{QStringLiteral("reason"), session.error().message}}});
            post([reply, session] {
                if (!session)
                    return reply->send(session.error());
                reply->send(201, toJson(QJsonObject{
                                     {QStringLiteral("token"), session->token},
                                     {QStringLiteral("role"), wireName(session->account.role)},
                                     {QStringLiteral("userId"), session->account.id.value()},
                                     {QStringLiteral("username"), session->account.username},
                                     {QStringLiteral("terminal"), session->terminal},
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
    if (!admitKioskRequest(call))
        return;
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
    if (call.session->account.role == Role::Kiosk)
        command.maxSeatsOfUser = m_config.kioskMaxSeats;
    auto answer = replyLater<HoldConfirmation>(
        call.reply, 201, [](const HoldConfirmation &h) { return holdJson(h); });
    AuditEntry limited{call.session->account.username,
                       QStringLiteral("kiosk.limit"),
                       command.show.value(),
                       terminalOf(call),
                       {}};
    m_engine.hold(std::move(command), [this, answer, limited](Result<HoldConfirmation> result) {
        if (!result && result.error().code == ErrorCode::KioskSeatLimit) {
            AuditEntry entry = limited;
            entry.detail = result.error().details;
            audit(std::move(entry));
        }
        answer(std::move(result));
    });
}

void ApiServer::releaseHold(Call &call)
{
    ReleaseCommand command;
    command.hold = HoldId(call.params[0]);
    command.actor = call.session->account.id;
    // A clerk releases another user's hold only with a supervisor's override.
    command.mayReleaseAnyHold =
        call.session->account.role == Role::Supervisor || call.override.has_value();
    auto reply = call.reply;
    AuditEntry forced{call.session->account.username,
                      QStringLiteral("hold.release.forced"),
                      command.hold.value(),
                      terminalOf(call),
                      {}};
    if (call.override)
        forced.detail.insert(QStringLiteral("authorizedBy"), call.authorizedBy());
    const UserId actor = command.actor;
    const QString path = call.request.url().path();
    m_engine.release(std::move(command), [this, reply, forced, actor,
                                          path](Result<ReleaseOutcome> result) mutable {
        if (!result && result.error().code == ErrorCode::Forbidden)
            audit(AuditEntry{forced.actor, QStringLiteral("access.denied"), path, forced.terminal,
                             QJsonObject{{QStringLiteral("reason"), result.error().message}}});
        // Releasing another user's (stuck) hold is an act on record.
        if (result && result->released && result->owner != actor) {
            QJsonArray seats;
            for (const SeatId &seat : result->seats)
                seats.append(seat.value());
            forced.detail.insert(QStringLiteral("owner"), result->owner.value());
            forced.detail.insert(QStringLiteral("showId"), result->show.value());
            forced.detail.insert(QStringLiteral("totalPriceCents"), result->totalCents);
            forced.detail.insert(
                QStringLiteral("before"),
                QJsonObject{{QStringLiteral("holdStatus"), QStringLiteral("ACTIVE")},
                            {QStringLiteral("seatStatus"), QStringLiteral("HELD")},
                            {QStringLiteral("seatIds"), seats}});
            forced.detail.insert(
                QStringLiteral("after"),
                QJsonObject{{QStringLiteral("holdStatus"), wireName(result->state)},
                            {QStringLiteral("seatStatus"), QStringLiteral("AVAILABLE")},
                            {QStringLiteral("seatIds"), seats}});
            audit(forced);
        }
        post([reply, result] {
            if (result)
                reply->send(200, toJson(releaseJson(*result)));
            else
                reply->send(result.error());
        });
    });
}

void ApiServer::createOrder(Call &call)
{
    if (!admitKioskRequest(call))
        return;
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
    command.terminal = terminalOf(call);
    command.shiftId = shiftOf(call);
    m_keysInFlight.insert(key);
    auto reply = call.reply;
    AuditEntry created{
        call.session->account.username, QStringLiteral("order.created"), {}, command.terminal, {}};
    if (!command.shiftId.isEmpty())
        created.detail.insert(QStringLiteral("shiftId"), command.shiftId);
    const QString path = call.request.url().path();
    m_engine.createOrder(std::move(command), [this, reply, key, created,
                                              path](Result<OrderCreated> result) mutable {
        // Another user's hold: refused like a route the role may not call, and on record.
        if (!result && result.error().code == ErrorCode::Forbidden)
            audit(AuditEntry{created.actor, QStringLiteral("access.denied"), path, created.terminal,
                             QJsonObject{{QStringLiteral("reason"), result.error().message}}});
        if (result && !result->replayed) {
            created.subject = result->order.value();
            created.detail.insert(QStringLiteral("holdId"), result->hold.value());
            created.detail.insert(QStringLiteral("amountCents"), result->amount.minorUnits());
            created.detail.insert(QStringLiteral("currency"), result->amount.currency());
            created.detail.insert(
                QStringLiteral("after"),
                QJsonObject{{QStringLiteral("status"), wireName(OrderState::PendingPay)}});
            audit(created);
        }
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
    command.terminal = terminalOf(call);
    command.shiftId = shiftOf(call);
    AuditEntry recorded{call.session->account.username, QStringLiteral("payment.recorded"),
                        command.order.value(), command.terminal,
                        QJsonObject{{QStringLiteral("method"), *method}}};
    if (!command.shiftId.isEmpty())
        recorded.detail.insert(QStringLiteral("shiftId"), command.shiftId);
    auto reply = call.reply;
    m_engine.tender(
        std::move(command), [this, reply, recorded](Result<PaymentOutcome> result) mutable {
            if (result && result->result == PaymentResult::Applied) {
                recorded.detail.insert(QStringLiteral("paymentId"), result->payment.value());
                recorded.detail.insert(QStringLiteral("amountCents"), result->amount.minorUnits());
                recorded.detail.insert(QStringLiteral("tenderedCents"), result->tenderedCents);
                recorded.detail.insert(QStringLiteral("changeCents"), result->changeCents);
                recorded.detail.insert(
                    QStringLiteral("before"),
                    QJsonObject{{QStringLiteral("status"), wireName(OrderState::PendingPay)}});
                recorded.detail.insert(
                    QStringLiteral("after"),
                    QJsonObject{{QStringLiteral("status"), wireName(result->orderStatus)}});
                audit(recorded);
            }
            post([reply, result] {
                if (result)
                    reply->send(201, toJson(paymentJson(*result)));
                else
                    reply->send(result.error());
            });
        });
}

std::optional<QJsonObject> ApiServer::signedCallbackBody(Call &call, const QString &rejectedAction)
{
    const QByteArray body = call.request.body();
    const QByteArray signature = call.header("x-payment-signature").toLatin1();
    auto reject = [&](const Error &error) {
        qCWarning(lcServer).noquote() << rejectedAction << error.message;
        audit(QStringLiteral("acquirer"), rejectedAction, QStringLiteral("-"),
              QJsonObject{{QStringLiteral("reason"), error.message},
                          {QStringLiteral("peer"), call.request.remoteAddress().toString()}});
        call.error(error);
        return std::nullopt;
    };
    if (auto verified =
            verifyPaymentSignature(m_config.paymentSecret, signature, body,
                                   m_engine.clock().nowMs(), m_config.paymentToleranceSeconds);
        !verified)
        return reject(verified.error());
    auto json = parseObject(body);
    if (!json)
        return reject(json.error());
    return *json;
}

void ApiServer::paymentCallback(Call &call)
{
    auto reject = [this, &call](const Error &error, const QString &order) {
        qCWarning(lcServer).noquote() << "payment callback rejected:" << error.message;
        audit(QStringLiteral("acquirer"), QStringLiteral("payment.callback.rejected"),
              order.isEmpty() ? QStringLiteral("-") : order,
              QJsonObject{{QStringLiteral("reason"), error.message},
                          {QStringLiteral("peer"), call.request.remoteAddress().toString()}});
        call.error(error);
    };
    const auto json = signedCallbackBody(call, QStringLiteral("payment.callback.rejected"));
    if (!json)
        return;
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
        } else if (result && result->result == PaymentResult::Applied) {
            audit(QStringLiteral("acquirer"), QStringLiteral("payment.card.applied"),
                  command.order.value(),
                  QJsonObject{
                      {QStringLiteral("paymentId"), command.payment.value()},
                      {QStringLiteral("amountCents"), command.amountCents},
                      {QStringLiteral("before"),
                       QJsonObject{{QStringLiteral("status"), wireName(OrderState::PendingPay)}}},
                      {QStringLiteral("after"),
                       QJsonObject{{QStringLiteral("status"), wireName(result->orderStatus)}}}});
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
    auto show = optionalString(*body, QStringLiteral("showId"), 64);
    if (!show)
        return call.error(show.error());
    if (!show->isEmpty() && !isValidId(*show, 64))
        return call.error(ErrorCode::BadRequest,
                          QStringLiteral("showId must be 1-64 letters, digits, '-', '_' or '.'"));
    auto door = optionalString(*body, QStringLiteral("door"), 64);
    if (!door)
        return call.error(door.error());
    auto scanId = optionalString(*body, QStringLiteral("scanId"), 64);
    if (!scanId)
        return call.error(scanId.error());
    if (!scanId->isEmpty())
        if (auto problem = scanIdProblem(*scanId))
            return call.error(ErrorCode::BadRequest, *problem);
    // Every verify is recorded, a forged one too: through the engine.
    VerifyCommand command =
        scanCommand(m_verifier, *call.session, *payload, *show, *door,
                    [](const VerifyOutcome &v) { return toJson(verifyJson(v)); });
    command.scanId = *scanId;
    m_engine.verifyTicket(std::move(command),
                          replyLater<VerifyOutcome>(call.reply, 200, [](const VerifyOutcome &v) {
                              return scanAnswerJson(v, verifyJson);
                          }));
}

// ---------------------------------------------------------------------------------------------
// Supervisor tools: overrides, order search, the audit log, cash shifts (docs/supervisor-api.md).

namespace {

// An ISO-8601 time of a query parameter ("2026-02-23T10:10:00.000Z"); nullopt when absent.
Result<std::optional<qint64>> timeParameter(const QUrlQuery &query, const QString &name)
{
    if (!query.hasQueryItem(name))
        return std::optional<qint64>();
    const QString text = query.queryItemValue(name, QUrl::FullyDecoded);
    const QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!time.isValid())
        return fail(
            ErrorCode::BadRequest,
            QStringLiteral("%1 must be an ISO-8601 time such as 2026-02-23T10:10:00Z").arg(name));
    return std::optional<qint64>(time.toMSecsSinceEpoch());
}

// A whole-number query parameter in [min, max]; `fallback` when absent.
Result<qint64> integerParameter(const QUrlQuery &query, const QString &name, qint64 min, qint64 max,
                                qint64 fallback)
{
    if (!query.hasQueryItem(name))
        return fallback;
    bool ok = false;
    const qint64 value = query.queryItemValue(name).toLongLong(&ok);
    if (!ok || value < min || value > max)
        return fail(
            ErrorCode::BadRequest,
            QStringLiteral("%1 must be a whole number from %2 to %3").arg(name).arg(min).arg(max));
    return value;
}

// A text query parameter of at most `maxLength` characters; "" when absent.
Result<QString> textParameter(const QUrlQuery &query, const QString &name, int maxLength)
{
    const QString value = query.queryItemValue(name, QUrl::FullyDecoded);
    if (value.size() > maxLength)
        return fail(ErrorCode::BadRequest,
                    QStringLiteral("%1 is longer than %2 characters").arg(name).arg(maxLength));
    return value;
}

// Reads a request's query parameters in turn and keeps the first problem, so a handler reads all
// of them and checks once; absent parameters take their defaults.
class QueryReader
{
public:
    explicit QueryReader(QUrlQuery query)
        : m_query(std::move(query))
    {}

    QString text(const QString &name, int maxLength)
    {
        return take(textParameter(m_query, name, maxLength), QString());
    }
    std::optional<qint64> time(const QString &name)
    {
        return take(timeParameter(m_query, name), std::optional<qint64>());
    }
    qint64 integer(const QString &name, qint64 min, qint64 max, qint64 fallback)
    {
        return take(integerParameter(m_query, name, min, max, fallback), fallback);
    }
    [[nodiscard]] const std::optional<Error> &error() const { return m_error; }

private:
    template <class T> T take(Result<T> value, T otherwise)
    {
        if (value)
            return std::move(*value);
        if (!m_error)
            m_error = value.error();
        return otherwise;
    }

    QUrlQuery m_query;
    std::optional<Error> m_error;
};

} // namespace

QString ApiServer::terminalOf(const Call &call)
{
    return call.session ? call.session->terminal : QString();
}

QString ApiServer::shiftOf(const Call &call)
{
    if (!call.session || call.session->terminal.isEmpty())
        return {};
    auto shift = m_shifts.openShiftId(call.session->account.id, call.session->terminal);
    if (!shift) {
        // The sale goes on; it only lands in no drawer.
        qCWarning(lcServer).noquote() << "cannot look up the open shift:" << shift.error().message;
        return {};
    }
    return *shift;
}

bool ApiServer::consumeOverride(Call &call, const QString &token, const QString &action,
                                const QString &subject)
{
    auto use = m_overrides.consume(token, call.session->tokenHash, action, subject);
    if (!use) {
        if (use.error().code == ErrorCode::OverrideRejected)
            audit(call, QStringLiteral("override.rejected"), subject,
                  QJsonObject{{QStringLiteral("action"), action},
                              {QStringLiteral("reason"),
                               use.error().details.value(QStringLiteral("reason"))},
                              {QStringLiteral("message"), use.error().message},
                              {QStringLiteral("path"), call.request.url().path()}});
        call.error(use.error());
        return false;
    }
    audit(call, QStringLiteral("override.used"), subject,
          QJsonObject{{QStringLiteral("overrideId"), use->overrideId},
                      {QStringLiteral("action"), action},
                      {QStringLiteral("authorizedBy"), use->supervisorName},
                      {QStringLiteral("path"), call.request.url().path()}});
    call.override = *use;
    return true;
}

namespace {

// The supervisor a body names and the secret given for them: "supervisor" and exactly one of
// "password" and "pin" (POST /overrides, POST /kiosk/unlock).
struct SupervisorSecret
{
    QString name;
    QString secret;
    CredentialKind kind = CredentialKind::Password;
    QString method; // PASSWORD or PIN, for the audit
};

Result<SupervisorSecret> supervisorSecret(const QJsonObject &body)
{
    auto supervisor = requiredString(body, QStringLiteral("supervisor"), 64);
    if (!supervisor)
        return std::unexpected(supervisor.error());
    auto password = optionalString(body, QStringLiteral("password"), 256);
    if (!password)
        return std::unexpected(password.error());
    auto pin = optionalString(body, QStringLiteral("pin"), 64);
    if (!pin)
        return std::unexpected(pin.error());
    if (password->isEmpty() == pin->isEmpty())
        return fail(ErrorCode::BadRequest, QStringLiteral("send exactly one of password and pin"));
    if (pin->isEmpty())
        return SupervisorSecret{*supervisor, *password, CredentialKind::Password,
                                QStringLiteral("PASSWORD")};
    return SupervisorSecret{*supervisor, *pin, CredentialKind::Pin, QStringLiteral("PIN")};
}

} // namespace

Result<Account> ApiServer::checkSupervisorCredentials(const QString &name, const QString &secret,
                                                      CredentialKind kind)
{
    auto account = m_accounts.checkCredentials(name, secret, kind);
    if (!account && account.error().code == ErrorCode::InvalidCredentials)
        return fail(ErrorCode::BadCredentials,
                    kind == CredentialKind::Pin
                        ? QStringLiteral("wrong supervisor name or PIN")
                        : QStringLiteral("wrong supervisor name or password"));
    return account;
}

void ApiServer::requestOverride(Call &call)
{
    auto body = parseObject(call.request.body());
    if (!body)
        return call.error(body.error());
    auto supervisor = supervisorSecret(*body);
    if (!supervisor)
        return call.error(supervisor.error());
    auto action = requiredString(*body, QStringLiteral("action"), 32);
    if (!action)
        return call.error(action.error());
    if (!OverrideStore::isKnownAction(*action))
        return call.error(
            ErrorCode::BadRequest,
            QStringLiteral("action must be refund, void, exchange, reprint or release"));
    auto subject = requiredString(*body, QStringLiteral("subject"), 128);
    if (!subject)
        return call.error(subject.error());
    if (!isValidId(*subject, 128))
        return call.error(ErrorCode::BadRequest,
                          QStringLiteral("subject must be an id: letters, digits, '-', '_', '.'"));

    const CredentialKind kind = supervisor->kind;
    const QString secret = supervisor->secret;
    OverrideRequest request;
    request.supervisorName = supervisor->name;
    request.requestedBy = call.session->account.id;
    request.sessionHash = call.session->tokenHash;
    request.terminal = terminalOf(call);
    request.action = *action;
    request.subject = *subject;
    AuditEntry entry{call.session->account.username,
                     {},
                     *subject,
                     request.terminal,
                     QJsonObject{{QStringLiteral("action"), *action},
                                 {QStringLiteral("supervisor"), supervisor->name},
                                 {QStringLiteral("method"), supervisor->method}}};
    // The credential check is as slow as a login: off the network thread.
    auto reply = call.reply;
    m_background.start([this, reply, request, secret, kind, entry]() mutable {
        auto refuse = [&](const Error &error) {
            entry.action = QStringLiteral("override.rejected");
            entry.detail.insert(QStringLiteral("stage"), QStringLiteral("GRANT"));
            entry.detail.insert(QStringLiteral("reason"), error.message);
            (void)m_audit.record(entry);
            post([reply, error] { reply->send(error); });
        };
        auto account = checkSupervisorCredentials(request.supervisorName, secret, kind);
        if (!account)
            return refuse(account.error());
        if (account->role != Role::Supervisor)
            return refuse(
                Error::make(ErrorCode::Forbidden,
                            QStringLiteral("%1 is not a supervisor").arg(request.supervisorName)));
        request.supervisor = account->id;
        auto grant = m_overrides.grant(request);
        if (!grant)
            return refuse(grant.error());
        entry.action = QStringLiteral("override.granted");
        entry.detail.insert(QStringLiteral("overrideId"), grant->overrideId);
        entry.detail.insert(QStringLiteral("expiresAt"), isoUtc(grant->expiresMs));
        (void)m_audit.record(entry);
        const QJsonObject answer{{QStringLiteral("overrideId"), grant->overrideId},
                                 {QStringLiteral("token"), grant->token},
                                 {QStringLiteral("action"), grant->action},
                                 {QStringLiteral("subject"), grant->subject},
                                 {QStringLiteral("supervisor"), grant->supervisorName},
                                 {QStringLiteral("expiresAt"), isoUtc(grant->expiresMs)}};
        post([reply, answer] { reply->send(201, toJson(answer)); });
    });
}

void ApiServer::searchOrders(Call &call)
{
    const QUrlQuery query = call.request.query();
    OrderSearch search;
    search.text = query.queryItemValue(QStringLiteral("q"), QUrl::FullyDecoded).trimmed();
    if (search.text.isEmpty())
        return call.error(ErrorCode::BadRequest,
                          QStringLiteral("q is required: an order id, ticket code, QR payload, "
                                         "phone number or customer name"));
    if (search.text.size() > 512)
        return call.error(ErrorCode::BadRequest, QStringLiteral("q is longer than 512 characters"));
    const QString show = query.queryItemValue(QStringLiteral("showId"));
    if (query.hasQueryItem(QStringLiteral("showId"))) {
        if (!isValidId(show, 64))
            return call.error(ErrorCode::BadRequest, QStringLiteral("showId is not a show id"));
        search.show = ShowId(show);
    }
    auto limit = integerParameter(query, QStringLiteral("limit"), 1, 100, 50);
    if (!limit)
        return call.error(limit.error());
    search.limit = static_cast<int>(*limit);
    // A scanned ticket: its signed payload names the ticket code.
    if (search.text.startsWith(QString(kTicketPayloadVersion) + QLatin1Char('.'))) {
        if (auto claims = m_verifier.verify(search.text))
            search.qrTicket = claims->ticket;
    }
    auto connection = m_engine.readConnection();
    if (!connection)
        return call.error(connection.error());
    auto result = Core::searchOrders(**connection, search);
    if (!result)
        return call.error(result.error());
    QJsonArray orders;
    for (const OrderSummary &o : result->orders)
        orders.append(QJsonObject{
            {QStringLiteral("orderId"), o.order.value()},
            {QStringLiteral("showId"), o.show.value()},
            {QStringLiteral("showTitle"), o.showTitle},
            {QStringLiteral("showStart"), isoUtc(o.showStartMs)},
            {QStringLiteral("status"), wireName(o.status)},
            {QStringLiteral("amountCents"), o.amountCents},
            {QStringLiteral("currency"), o.currency},
            {QStringLiteral("createdAt"), isoUtc(o.createdMs)},
            {QStringLiteral("contact"), QJsonObject{{QStringLiteral("name"), o.contactName},
                                                    {QStringLiteral("phone"), o.contactPhone}}},
            {QStringLiteral("seatCount"), o.seatCount},
            {QStringLiteral("validTicketCount"), o.validTicketCount},
            {QStringLiteral("terminal"), o.terminal},
            {QStringLiteral("userId"), o.user.value()}});
    call.ok(200, QJsonObject{{QStringLiteral("orders"), orders},
                             {QStringLiteral("matchedBy"), wireName(result->matchedBy)}});
}

void ApiServer::auditRecords(Call &call)
{
    QueryReader query(call.request.query());
    AuditQuery filter;
    filter.actor = query.text(QStringLiteral("actor"), 64);
    filter.actionPrefix = query.text(QStringLiteral("action"), 64);
    filter.subject = query.text(QStringLiteral("subject"), 128);
    filter.terminal = query.text(QStringLiteral("terminal"), 64);
    filter.fromMs = query.time(QStringLiteral("from"));
    filter.toMs = query.time(QStringLiteral("to"));
    filter.beforeId =
        query.integer(QStringLiteral("beforeId"), 1, std::numeric_limits<qint64>::max(), 0);
    filter.limit = static_cast<int>(query.integer(QStringLiteral("limit"), 1, 500, 100));
    if (query.error())
        return call.error(*query.error());
    auto page = m_audit.find(filter);
    if (!page)
        return call.error(page.error());
    QJsonArray records;
    for (const AuditRecord &r : page->records)
        records.append(QJsonObject{{QStringLiteral("id"), r.id},
                                   {QStringLiteral("at"), isoUtc(r.atMs)},
                                   {QStringLiteral("actor"), r.entry.actor},
                                   {QStringLiteral("terminal"), r.entry.terminal},
                                   {QStringLiteral("action"), r.entry.action},
                                   {QStringLiteral("subject"), r.entry.subject},
                                   {QStringLiteral("detail"), r.entry.detail}});
    QJsonObject answer{{QStringLiteral("records"), records}};
    if (page->nextBeforeId > 0)
        answer.insert(QStringLiteral("nextBeforeId"), page->nextBeforeId);
    call.ok(200, answer);
}

void ApiServer::auditVerify(Call &call)
{
    // The whole log is read: off the network thread.
    auto reply = call.reply;
    m_background.start([this, reply] {
        auto connection = m_engine.readConnection();
        Result<AuditChainReport> report =
            connection ? verifyAuditChain(**connection)
                       : Result<AuditChainReport>(std::unexpected(connection.error()));
        post([reply, report] {
            if (!report)
                return reply->send(report.error());
            QJsonObject answer{{QStringLiteral("intact"), report->intact()},
                               {QStringLiteral("records"), report->records},
                               {QStringLiteral("unchained"), report->unchained}};
            if (!report->intact()) {
                answer.insert(QStringLiteral("brokenAtId"), report->brokenAtId);
                answer.insert(QStringLiteral("problem"), report->problem);
            }
            reply->send(200, toJson(answer));
        });
    });
}

void ApiServer::openShift(Call &call)
{
    auto body = parseObject(call.request.body());
    if (!body)
        return call.error(body.error());
    auto floatCents = requiredInteger(*body, QStringLiteral("floatCents"), 0, kMaxMinorUnits);
    if (!floatCents)
        return call.error(floatCents.error());
    if (terminalOf(call).isEmpty())
        return call.error(ErrorCode::BadRequest,
                          QStringLiteral("a shift belongs to a terminal: log in with a terminal "
                                         "name to open one"));
    auto shift = m_shifts.open(call.session->account.id, terminalOf(call), *floatCents);
    if (!shift)
        return call.error(shift.error());
    audit(call, QStringLiteral("shift.opened"), shift->id,
          QJsonObject{{QStringLiteral("floatCents"), shift->floatCents},
                      {QStringLiteral("after"),
                       QJsonObject{{QStringLiteral("status"), QStringLiteral("OPEN")},
                                   {QStringLiteral("floatCents"), shift->floatCents}}}});
    call.ok(201, shiftJson(*shift));
}

void ApiServer::currentShift(Call &call)
{
    auto shift = m_shifts.current(call.session->account.id);
    if (!shift)
        return call.error(shift.error());
    call.ok(200, shiftJson(*shift));
}

void ApiServer::listShifts(Call &call)
{
    const QUrlQuery query = call.request.query();
    QueryReader reader(query);
    ShiftFilter filter;
    filter.user = reader.text(QStringLiteral("userId"), 64);
    filter.terminal = reader.text(QStringLiteral("terminal"), 64);
    filter.fromMs = reader.time(QStringLiteral("from"));
    filter.toMs = reader.time(QStringLiteral("to"));
    if (reader.error())
        return call.error(*reader.error());
    if (query.hasQueryItem(QStringLiteral("status"))) {
        const QString status = query.queryItemValue(QStringLiteral("status"));
        if (status != QLatin1StringView("OPEN") && status != QLatin1StringView("CLOSED"))
            return call.error(ErrorCode::BadRequest,
                              QStringLiteral("status must be OPEN or CLOSED"));
        filter.open = status == QLatin1StringView("OPEN");
    }
    auto shifts = m_shifts.list(filter);
    if (!shifts)
        return call.error(shifts.error());
    QJsonArray list;
    for (const Shift &shift : *shifts)
        list.append(shiftJson(shift));
    call.ok(200, QJsonObject{{QStringLiteral("shifts"), list}});
}

void ApiServer::shiftReport(Call &call)
{
    auto shift = m_shifts.find(call.params[0]);
    if (!shift)
        return call.error(shift.error());
    if (call.session->account.role == Role::Clerk && shift->user != call.session->account.id) {
        const Error error = Error::make(ErrorCode::Forbidden, QStringLiteral("not your shift"));
        denied(call, error);
        return call.error(error);
    }
    auto report = m_shifts.report(shift->id);
    if (!report)
        return call.error(report.error());
    call.ok(200, *report);
}

void ApiServer::closeShift(Call &call)
{
    auto body = parseObject(call.request.body());
    if (!body)
        return call.error(body.error());
    auto counted = requiredInteger(*body, QStringLiteral("countedCents"), 0, kMaxMinorUnits);
    if (!counted)
        return call.error(counted.error());
    auto shift = m_shifts.find(call.params[0]);
    if (!shift)
        return call.error(shift.error());
    if (call.session->account.role == Role::Clerk && shift->user != call.session->account.id) {
        const Error error = Error::make(ErrorCode::Forbidden, QStringLiteral("not your shift"));
        denied(call, error);
        return call.error(error);
    }
    auto z = m_shifts.close(shift->id, *counted);
    if (!z)
        return call.error(z.error());
    audit(call, QStringLiteral("shift.closed"), shift->id,
          QJsonObject{{QStringLiteral("owner"), shift->username},
                      {QStringLiteral("before"),
                       QJsonObject{{QStringLiteral("status"), QStringLiteral("OPEN")}}},
                      {QStringLiteral("after"),
                       QJsonObject{{QStringLiteral("status"), QStringLiteral("CLOSED")},
                                   {QStringLiteral("countedCents"), *counted},
                                   {QStringLiteral("expectedCashCents"),
                                    z->value(QStringLiteral("expectedCashCents"))},
                                   {QStringLiteral("differenceCents"),
                                    z->value(QStringLiteral("differenceCents"))}}}});
    call.ok(200, *z);
}

void ApiServer::dayReport(Call &call)
{
    const QString text = call.request.query().queryItemValue(QStringLiteral("date"));
    const QDate date = QDate::fromString(text, Qt::ISODate);
    static const QRegularExpression shape(QStringLiteral("^\\d{4}-\\d{2}-\\d{2}$"));
    if (!date.isValid() || !shape.match(text).hasMatch())
        return call.error(ErrorCode::BadRequest, QStringLiteral("date must be YYYY-MM-DD"));
    auto report = m_shifts.day(date);
    if (!report)
        return call.error(report.error());
    call.ok(200, dayReportJson(*report));
}

// ---------------------------------------------------------------------------------------------
// Money operations (docs/supervisor-api.md). Every success is audited with the order's state
// before and after.

namespace {

constexpr int kMaxReasonLength = 500;
constexpr int kMaxTicketsPerCall = 100;

Result<std::optional<RefundMethod>> optionalMethod(const QJsonObject &body)
{
    auto method = optionalString(body, QStringLiteral("method"), 16);
    if (!method)
        return std::unexpected(method.error());
    if (method->isEmpty())
        return std::optional<RefundMethod>();
    const auto parsed = refundMethodFromWireName(*method);
    if (!parsed)
        return fail(ErrorCode::BadRequest, QStringLiteral("method: must be CASH or CARD"),
                    QJsonObject{{QStringLiteral("field"), QStringLiteral("method")}});
    return std::optional<RefundMethod>(*parsed);
}

Result<QList<TicketCode>> ticketCodes(const QJsonObject &body, bool required)
{
    const QJsonValue value = body.value(QStringLiteral("ticketCodes"));
    if (!required && (value.isUndefined() || value.isNull()))
        return QList<TicketCode>();
    auto codes = requiredStringArray(body, QStringLiteral("ticketCodes"), kMaxTicketsPerCall, 64);
    if (!codes)
        return std::unexpected(codes.error());
    QList<TicketCode> list;
    for (const QString &code : *codes)
        list.append(TicketCode(code));
    return list;
}

QJsonObject moneyDetail(const Requester &by, const QString &reason, const AuditStates &states)
{
    // The terminal has its own column (AuditEntry::terminal); it is not repeated here.
    QJsonObject detail{{QStringLiteral("reason"), reason},
                       {QStringLiteral("before"), states.before},
                       {QStringLiteral("after"), states.after}};
    if (!by.authorizedBy.isEmpty())
        detail.insert(QStringLiteral("authorizedBy"), by.authorizedBy);
    return detail;
}

QJsonObject refundDetail(const RefundView &refund)
{
    QJsonArray codes;
    for (const TicketCode &code : refund.tickets)
        codes.append(code.value());
    return QJsonObject{{QStringLiteral("refundId"), refund.refund.value()},
                       {QStringLiteral("kind"), wireName(refund.kind)},
                       {QStringLiteral("method"), wireName(refund.method)},
                       {QStringLiteral("status"), wireName(refund.status)},
                       {QStringLiteral("amountCents"), refund.amount.minorUnits()},
                       {QStringLiteral("currency"), refund.amount.currency()},
                       {QStringLiteral("ticketCodes"), codes}};
}

} // namespace

Requester ApiServer::requesterOf(const Call &call)
{
    Requester by;
    by.user = call.session->account.id;
    by.username = call.session->account.username;
    by.terminal = terminalOf(call);
    by.shiftId = shiftOf(call);
    if (call.override)
        by.authorizedBy = call.authorizedBy();
    return by;
}

void ApiServer::refundOrder(Call &call)
{
    auto body = parseObject(call.request.body());
    if (!body)
        return call.error(body.error());
    auto reason = requiredString(*body, QStringLiteral("reason"), kMaxReasonLength);
    if (!reason)
        return call.error(reason.error());
    auto codes = ticketCodes(*body, false);
    if (!codes)
        return call.error(codes.error());
    auto method = optionalMethod(*body);
    if (!method)
        return call.error(method.error());
    RefundCommand command;
    command.order = OrderId(call.params[0]);
    command.tickets = *codes;
    command.reason = *reason;
    command.method = *method;
    command.by = requesterOf(call);
    const Requester by = command.by;
    m_engine.refund(std::move(command),
                    replyAudited<RefundOutcome>(
                        call.reply, 201,
                        [](const RefundOutcome &r) { return refundJson(r.refund); },
                        [this, by](const RefundOutcome &r) {
                            QJsonObject detail = moneyDetail(by, r.refund.reason, r.states);
                            const QJsonObject refund = refundDetail(r.refund);
                            for (auto it = refund.begin(); it != refund.end(); ++it)
                                detail.insert(it.key(), it.value());
                            audit(AuditEntry{by.username, QStringLiteral("refund"),
                                             r.refund.order.value(), by.terminal, detail});
                        }));
}

void ApiServer::refundCallback(Call &call)
{
    const auto json = signedCallbackBody(call, QStringLiteral("refund.callback.rejected"));
    if (!json)
        return;
    auto reject = [this, &call](const Error &error, const QString &refund) {
        qCWarning(lcServer).noquote() << "refund callback rejected:" << error.message;
        audit(QStringLiteral("acquirer"), QStringLiteral("refund.callback.rejected"),
              refund.isEmpty() ? QStringLiteral("-") : refund,
              QJsonObject{{QStringLiteral("reason"), error.message},
                          {QStringLiteral("peer"), call.request.remoteAddress().toString()}});
        call.error(error);
    };
    auto refund = requiredString(*json, QStringLiteral("refundId"), 64);
    if (!refund)
        return reject(refund.error(), {});
    auto payment = requiredString(*json, QStringLiteral("paymentId"), 64);
    if (!payment)
        return reject(payment.error(), *refund);
    auto reference = requiredString(*json, QStringLiteral("acquirerRefundId"), 128);
    if (!reference)
        return reject(reference.error(), *refund);
    auto status = requiredString(*json, QStringLiteral("status"), 16);
    if (!status)
        return reject(status.error(), *refund);
    if (*status != QLatin1StringView("SUCCEEDED") && *status != QLatin1StringView("FAILED"))
        return reject(Error::make(ErrorCode::BadRequest,
                                  QStringLiteral("status must be SUCCEEDED or FAILED")),
                      *refund);
    auto amount = requiredInteger(*json, QStringLiteral("amountCents"), 0, kMaxMinorUnits);
    if (!amount)
        return reject(amount.error(), *refund);

    RefundCallbackCommand command{RefundId(*refund), PaymentId(*payment), *reference,
                                  *status == QLatin1StringView("SUCCEEDED"), *amount};
    auto reply = call.reply;
    const QString peer = call.request.remoteAddress().toString();
    m_engine.refundCallback(command, [this, reply, command,
                                      peer](Result<RefundCallbackOutcome> result) {
        post([this, reply, command, peer, result] {
            if (!result) {
                if (result.error().code != ErrorCode::Overloaded &&
                    result.error().code != ErrorCode::StorageFailure) {
                    qCWarning(lcServer).noquote()
                        << "refund callback rejected:" << result.error().message;
                    audit(QStringLiteral("acquirer"), QStringLiteral("refund.callback.rejected"),
                          command.refund.value(),
                          QJsonObject{{QStringLiteral("reason"), result.error().message},
                                      {QStringLiteral("paymentId"), command.payment.value()},
                                      {QStringLiteral("peer"), peer}});
                }
                return reply->send(result.error());
            }
            if (result->changed) {
                QJsonObject detail = refundDetail(result->refund);
                detail.insert(QStringLiteral("orderId"), result->refund.order.value());
                detail.insert(QStringLiteral("acquirerReference"), command.acquirerReference);
                detail.insert(QStringLiteral("before"),
                              QJsonObject{{QStringLiteral("status"), wireName(result->before)}});
                detail.insert(
                    QStringLiteral("after"),
                    QJsonObject{{QStringLiteral("status"), wireName(result->refund.status)}});
                audit(QStringLiteral("acquirer"), QStringLiteral("refund.card"),
                      command.refund.value(), detail);
            }
            reply->send(200, toJson(refundJson(result->refund)));
        });
    });
}

void ApiServer::voidOrder(Call &call)
{
    auto body = parseObject(call.request.body());
    if (!body)
        return call.error(body.error());
    auto reason = requiredString(*body, QStringLiteral("reason"), kMaxReasonLength);
    if (!reason)
        return call.error(reason.error());
    VoidCommand command;
    command.order = OrderId(call.params[0]);
    command.reason = *reason;
    command.by = requesterOf(call);
    const Requester by = command.by;
    const QString why = *reason;
    m_engine.voidOrder(std::move(command),
                       replyAudited<VoidOutcome>(
                           call.reply, 200, [](const VoidOutcome &v) { return voidJson(v); },
                           [this, by, why](const VoidOutcome &v) {
                               QJsonObject detail = moneyDetail(by, why, v.states);
                               if (v.refund) {
                                   detail.insert(QStringLiteral("refundId"),
                                                 v.refund->refund.value());
                                   detail.insert(QStringLiteral("refund"), refundDetail(*v.refund));
                               }
                               audit(AuditEntry{by.username, QStringLiteral("void"),
                                                v.order.value(), by.terminal, detail});
                           }));
}

void ApiServer::reprintTicket(Call &call)
{
    auto body = parseObject(call.request.body());
    if (!body)
        return call.error(body.error());
    auto reason = requiredString(*body, QStringLiteral("reason"), kMaxReasonLength);
    if (!reason)
        return call.error(reason.error());
    ReprintCommand command;
    command.ticket = TicketCode(call.params[0]);
    command.reason = *reason;
    command.by = requesterOf(call);
    const Requester by = command.by;
    const QString why = *reason;
    m_engine.reprint(std::move(command),
                     replyAudited<ReprintOutcome>(
                         call.reply, 201, [](const ReprintOutcome &r) { return reprintJson(r); },
                         [this, by, why](const ReprintOutcome &r) {
                             QJsonObject detail = moneyDetail(by, why, r.states);
                             detail.insert(QStringLiteral("orderId"), r.order.value());
                             detail.insert(QStringLiteral("newTicketCode"), r.ticket.code.value());
                             detail.insert(QStringLiteral("printCount"), r.ticket.printCount);
                             audit(AuditEntry{by.username, QStringLiteral("reprint"),
                                              r.revoked.value(), by.terminal, detail});
                         }));
}

void ApiServer::exchangeTickets(Call &call)
{
    auto body = parseObject(call.request.body());
    if (!body)
        return call.error(body.error());
    auto codes = ticketCodes(*body, true);
    if (!codes)
        return call.error(codes.error());
    auto hold = requiredString(*body, QStringLiteral("holdId"), 64);
    if (!hold)
        return call.error(hold.error());
    auto reason = requiredString(*body, QStringLiteral("reason"), kMaxReasonLength);
    if (!reason)
        return call.error(reason.error());
    auto method = optionalMethod(*body);
    if (!method)
        return call.error(method.error());
    auto tendered = optionalInteger(*body, QStringLiteral("tenderedCents"), 0, kMaxMinorUnits);
    if (!tendered)
        return call.error(tendered.error());
    auto reference = optionalString(*body, QStringLiteral("reference"), 128);
    if (!reference)
        return call.error(reference.error());
    ExchangeCommand command;
    command.order = OrderId(call.params[0]);
    command.tickets = *codes;
    command.hold = HoldId(*hold);
    command.reason = *reason;
    command.method = *method;
    command.tenderedCents = tendered->value_or(-1);
    command.reference = *reference;
    command.by = requesterOf(call);
    const Requester by = command.by;
    const QString why = *reason;
    m_engine.exchange(std::move(command),
                      replyAudited<ExchangeOutcome>(
                          call.reply, 201, [](const ExchangeOutcome &e) { return exchangeJson(e); },
                          [this, by, why](const ExchangeOutcome &e) {
                              QJsonObject detail = moneyDetail(by, why, e.states);
                              detail.insert(QStringLiteral("exchangeId"), e.exchange);
                              detail.insert(QStringLiteral("newOrderId"), e.newOrder.value());
                              detail.insert(QStringLiteral("differenceCents"), e.differenceCents);
                              detail.insert(QStringLiteral("changeCents"), e.changeCents);
                              if (e.refund) {
                                  detail.insert(QStringLiteral("refundId"),
                                                e.refund->refund.value());
                                  detail.insert(QStringLiteral("refund"), refundDetail(*e.refund));
                              }
                              audit(AuditEntry{by.username, QStringLiteral("exchange"),
                                               e.order.value(), by.terminal, detail});
                          }));
}

void ApiServer::listHolds(Call &call)
{
    const QUrlQuery query = call.request.query();
    const QString show = query.queryItemValue(QStringLiteral("showId"));
    if (show.isEmpty())
        return call.error(ErrorCode::BadRequest, QStringLiteral("showId is required"));
    if (!isValidId(show, 64))
        return call.error(ErrorCode::BadRequest,
                          QStringLiteral("showId must be 1-64 letters, digits, '-', '_' or '.'"));
    constexpr qint64 kMaxAgeSeconds = 366LL * 24 * 3600;
    auto olderThan =
        integerParameter(query, QStringLiteral("olderThanSeconds"), 0, kMaxAgeSeconds, 0);
    if (!olderThan)
        return call.error(olderThan.error());
    auto state = m_engine.showState(ShowId(show));
    if (!state)
        return call.error(state.error());
    constexpr int kMaxHoldsListed = 1000;
    auto holds = m_engine.activeHolds(ShowId(show), m_engine.clock().nowMs() - *olderThan * 1000,
                                      kMaxHoldsListed);
    if (!holds)
        return call.error(holds.error());
    call.ok(200, activeHoldsJson(*holds));
}

// ---------------------------------------------------------------------------------------------
// Kiosks and door scanning (docs/kiosk-and-door-api.md).

namespace {

constexpr int kMaxScansPerUpload = 500;
// Uses and revocations commit a little after the time they carry (a batch is written after its
// commands ran), so a door's `since` is read this much earlier: entries may repeat, none is
// missed.
constexpr qint64 kRevocationLookbackMs = 5'000;

} // namespace

bool ApiServer::admitKioskRequest(Call &call)
{
    if (call.session->account.role != Role::Kiosk || m_config.kioskRatePerMinute <= 0)
        return true;
    // A token bucket per kiosk account: full at the start, refilled evenly over the minute.
    const double capacity = m_config.kioskRatePerMinute;
    const double perMs = capacity / 60'000.0;
    const qint64 now = m_engine.clock().nowMs();
    const QString user = call.session->account.id.value();
    auto budget = m_kioskBudgets.find(user);
    if (budget == m_kioskBudgets.end())
        budget = m_kioskBudgets.insert(user, KioskBudget{capacity, now});
    budget->tokens = std::min(
        capacity, budget->tokens + double(std::max<qint64>(0, now - budget->updatedMs)) * perMs);
    budget->updatedMs = now;
    if (budget->tokens >= 1.0) {
        budget->tokens -= 1.0;
        return true;
    }
    const int retryAfter =
        std::max(1, static_cast<int>(std::ceil((1.0 - budget->tokens) / perMs / 1000.0)));
    // Not audited: a flood of requests must not flood the log.
    const Error error = Error::make(
        ErrorCode::RateLimited,
        QStringLiteral("too many requests from this kiosk; try again in %1 s").arg(retryAfter),
        QJsonObject{{QStringLiteral("retryAfterSeconds"), retryAfter}});
    call.reply->send(errorCodeInfo(error.code).httpStatus, errorBody(error),
                     QByteArrayLiteral("Retry-After"), QByteArray::number(retryAfter));
    return false;
}

void ApiServer::cancelOrder(Call &call)
{
    // The body is {} or empty.
    if (!call.request.body().trimmed().isEmpty()) {
        auto body = parseObject(call.request.body());
        if (!body)
            return call.error(body.error());
    }
    CancelOrderCommand command;
    command.order = OrderId(call.params[0]);
    command.actor = call.session->account.id;
    command.mayCancelAnyOrder = call.session->account.role == Role::Supervisor;
    auto reply = call.reply;
    AuditEntry cancelled{call.session->account.username,
                         QStringLiteral("order.cancel"),
                         command.order.value(),
                         terminalOf(call),
                         {}};
    AuditEntry refused{call.session->account.username,
                       QStringLiteral("access.denied"),
                       call.request.url().path(),
                       terminalOf(call),
                       {}};
    m_engine.cancelOrder(std::move(command), [this, reply, cancelled,
                                              refused](Result<CancelOrderOutcome> result) mutable {
        if (!result && result.error().code == ErrorCode::Forbidden) {
            refused.detail.insert(QStringLiteral("reason"), result.error().message);
            audit(refused);
        } else if (result && result->changed) {
            QJsonArray seats;
            for (const SeatId &seat : result->seats)
                seats.append(seat.value());
            cancelled.detail = QJsonObject{
                {QStringLiteral("holdId"), result->hold.value()},
                {QStringLiteral("showId"), result->show.value()},
                {QStringLiteral("seatIds"), seats},
                {QStringLiteral("before"),
                 QJsonObject{{QStringLiteral("status"), wireName(OrderState::PendingPay)}}},
                {QStringLiteral("after"),
                 QJsonObject{{QStringLiteral("status"), wireName(OrderState::Cancelled)}}}};
            audit(cancelled);
        }
        post([reply, result] {
            if (!result)
                return reply->send(result.error());
            reply->send(200, toJson(QJsonObject{
                                 {QStringLiteral("orderId"), result->order.value()},
                                 {QStringLiteral("status"), wireName(OrderState::Cancelled)}}));
        });
    });
}

void ApiServer::unlockKiosk(Call &call)
{
    auto body = parseObject(call.request.body());
    if (!body)
        return call.error(body.error());
    auto supervisor = supervisorSecret(*body);
    if (!supervisor)
        return call.error(supervisor.error());
    const CredentialKind kind = supervisor->kind;
    const QString secret = supervisor->secret;
    AuditEntry entry{call.session->account.username, QStringLiteral("kiosk.unlock"),
                     terminalOf(call).isEmpty() ? call.session->account.username : terminalOf(call),
                     terminalOf(call),
                     QJsonObject{{QStringLiteral("supervisor"), supervisor->name},
                                 {QStringLiteral("method"), supervisor->method}}};
    // As slow as a login: off the network thread.
    auto reply = call.reply;
    const QString name = supervisor->name;
    m_background.start([this, reply, name, secret, kind, entry]() mutable {
        // Only a supervisor's secret is checked: the public at a kiosk may name anyone, and
        // guesses at a clerk, an admin or the kiosk itself must lock nobody out. Any other name
        // is checked as no user at all (a null name binds NULL and matches no row), as slowly
        // and with the same answer as a wrong PIN: no account probing.
        auto known = m_accounts.findUser(name);
        const bool supervisor = known && *known && (*known)->role == Role::Supervisor;
        auto account = known
                           ? checkSupervisorCredentials(supervisor ? name : QString(), secret, kind)
                           : Result<Account>(std::unexpected(known.error()));
        if (account && account->role != Role::Supervisor)
            account = fail(ErrorCode::BadCredentials,
                           kind == CredentialKind::Pin
                               ? QStringLiteral("wrong supervisor name or PIN")
                               : QStringLiteral("wrong supervisor name or password"));
        const qint64 now = m_engine.clock().nowMs();
        entry.detail.insert(QStringLiteral("result"),
                            account ? QStringLiteral("UNLOCKED") : QStringLiteral("REFUSED"));
        if (!account)
            entry.detail.insert(QStringLiteral("reason"), account.error().message);
        (void)m_audit.record(entry);
        post([reply, account, name, now] {
            if (!account)
                return reply->send(account.error());
            reply->send(200, toJson(QJsonObject{{QStringLiteral("supervisor"), name},
                                                {QStringLiteral("unlockedAt"), isoUtc(now)}}));
        });
    });
}

void ApiServer::ticketKeys(Call &call)
{
    const TicketSigner &signer = m_engine.signer();
    const QJsonObject key{{QStringLiteral("keyId"), signer.keyId()},
                          {QStringLiteral("algorithm"), QStringLiteral("Ed25519")},
                          {QStringLiteral("publicKey"),
                           QString::fromLatin1(signer.publicKey().toBase64(
                               QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals))}};
    call.ok(200, QJsonObject{{QStringLiteral("keys"), QJsonArray{key}}});
}

namespace {

// The show a door asks about: required, an id.
Result<ShowId> showParameter(const QUrlQuery &query)
{
    const QString show = query.queryItemValue(QStringLiteral("showId"));
    if (show.isEmpty())
        return fail(ErrorCode::BadRequest, QStringLiteral("showId is required"));
    if (!isValidId(show, 64))
        return fail(ErrorCode::BadRequest,
                    QStringLiteral("showId must be 1-64 letters, digits, '-', '_' or '.'"));
    return ShowId(show);
}

} // namespace

void ApiServer::ticketRevocations(Call &call)
{
    const QUrlQuery query = call.request.query();
    auto show = showParameter(query);
    if (!show)
        return call.error(show.error());
    auto since = timeParameter(query, QStringLiteral("since"));
    if (!since)
        return call.error(since.error());
    if (auto state = m_engine.showState(*show); !state)
        return call.error(state.error());
    const qint64 asOf = m_engine.clock().nowMs();
    auto connection = m_engine.readConnection();
    if (!connection)
        return call.error(connection.error());
    auto changes = ticketChangesSince(
        **connection, *show,
        *since ? std::optional<qint64>(**since - kRevocationLookbackMs) : std::nullopt);
    if (!changes)
        return call.error(changes.error());
    QJsonArray revoked;
    for (const RevokedTicket &r : changes->revoked)
        revoked.append(QJsonObject{{QStringLiteral("ticketCode"), r.ticket.value()},
                                   {QStringLiteral("revokedAt"), isoUtc(r.revokedAtMs)},
                                   {QStringLiteral("reason"), r.reason}});
    QJsonArray used;
    for (const UsedTicket &u : changes->used)
        used.append(QJsonObject{{QStringLiteral("ticketCode"), u.ticket.value()},
                                {QStringLiteral("usedAt"), isoUtc(u.usedAtMs)},
                                {QStringLiteral("usedDoor"), u.usedDoor}});
    call.ok(200, QJsonObject{{QStringLiteral("showId"), show->value()},
                             {QStringLiteral("asOf"), isoUtc(asOf)},
                             {QStringLiteral("revoked"), revoked},
                             {QStringLiteral("used"), used}});
}

void ApiServer::uploadScans(Call &call)
{
    auto body = parseObject(call.request.body());
    if (!body)
        return call.error(body.error());
    const QJsonValue list = body->value(QStringLiteral("scans"));
    if (!list.isArray())
        return call.error(ErrorCode::BadRequest, QStringLiteral("scans: expected an array"));
    const QJsonArray scans = list.toArray();
    if (scans.size() > kMaxScansPerUpload)
        return call.error(ErrorCode::BadRequest,
                          QStringLiteral("at most %1 scans per request; send the rest in another")
                              .arg(kMaxScansPerUpload));
    const qint64 now = m_engine.clock().nowMs();
    ScanUploadCommand command;
    // Every entry is checked before any is applied: a malformed one refuses the whole upload.
    for (qsizetype i = 0; i < scans.size(); ++i) {
        auto refuse = [&](const QString &why) {
            call.error(Error::make(ErrorCode::BadRequest,
                                   QStringLiteral("scans[%1]: %2").arg(i).arg(why),
                                   QJsonObject{{QStringLiteral("index"), i}}));
        };
        if (!scans[i].isObject())
            return refuse(QStringLiteral("expected an object"));
        const QJsonObject entry = scans[i].toObject();
        auto scanId = requiredString(entry, QStringLiteral("scanId"), 64);
        if (!scanId)
            return refuse(scanId.error().message);
        if (auto problem = scanIdProblem(*scanId))
            return refuse(*problem);
        auto payload = requiredString(entry, QStringLiteral("qrPayload"), 1024);
        if (!payload)
            return refuse(payload.error().message);
        auto show = requiredString(entry, QStringLiteral("showId"), 64);
        if (!show)
            return refuse(show.error().message);
        if (!isValidId(*show, 64))
            return refuse(QStringLiteral("showId must be 1-64 letters, digits, '-', '_' or '.'"));
        auto door = optionalString(entry, QStringLiteral("door"), 64);
        if (!door)
            return refuse(door.error().message);
        auto scannedAt = requiredString(entry, QStringLiteral("scannedAt"), 64);
        if (!scannedAt)
            return refuse(scannedAt.error().message);
        const QDateTime time = QDateTime::fromString(*scannedAt, Qt::ISODateWithMs);
        if (!time.isValid())
            return refuse(QStringLiteral(
                "scannedAt must be an ISO-8601 time such as 2026-02-23T19:01:00.000Z"));
        auto offlineResult = requiredString(entry, QStringLiteral("offlineResult"), 16);
        if (!offlineResult)
            return refuse(offlineResult.error().message);
        const auto result = scanResultFromWireName(*offlineResult);
        if (!result)
            return refuse(QStringLiteral(
                "offlineResult must be VALID, ALREADY_USED, REVOKED, FORGED or WRONG_SHOW"));
        UploadedScan scan;
        scan.scanId = *scanId;
        scan.verify = scanCommand(m_verifier, *call.session, *payload, *show, *door,
                                  [](const VerifyOutcome &v) { return toJson(scanResultJson(v)); });
        // A door whose clock runs ahead cannot date a use after the upload.
        scan.scannedAtMs = std::min(time.toMSecsSinceEpoch(), now);
        scan.admittedOffline = *result == ScanResult::Valid;
        command.scans.append(std::move(scan));
    }
    auto reply = call.reply;
    const QString username = call.session->account.username;
    const QString terminal = terminalOf(call);
    QHash<QString, QString> doors;
    QHash<QString, qint64> scannedAt;
    for (const UploadedScan &scan : std::as_const(command.scans)) {
        doors.insert(scan.scanId, scan.verify.door);
        scannedAt.insert(scan.scanId, scan.scannedAtMs);
    }
    m_engine.uploadScans(std::move(command), [this, reply, username, terminal, doors,
                                              scannedAt](Result<QList<VerifyOutcome>> outcomes) {
        if (outcomes) {
            for (const VerifyOutcome &o : *outcomes) {
                if (!o.flagged || o.replayed)
                    continue;
                QJsonObject detail{{QStringLiteral("scanId"), o.scanId},
                                   {QStringLiteral("showId"), o.show.value()},
                                   {QStringLiteral("door"), doors.value(o.scanId)},
                                   {QStringLiteral("scannedAt"), isoUtc(scannedAt.value(o.scanId))},
                                   {QStringLiteral("result"), wireName(o.result)}};
                if (o.conflict)
                    detail.insert(
                        QStringLiteral("conflict"),
                        QJsonObject{{QStringLiteral("usedAt"), isoUtc(o.conflict->usedAtMs)},
                                    {QStringLiteral("usedDoor"), o.conflict->usedDoor},
                                    {QStringLiteral("usedBy"), o.conflict->usedBy}});
                if (o.result == ScanResult::Revoked)
                    detail.insert(QStringLiteral("revokedReason"), o.revokedReason);
                audit(AuditEntry{username, QStringLiteral("ticket.scan.conflict"), o.ticket.value(),
                                 terminal, detail});
            }
        }
        post([reply, outcomes] {
            if (!outcomes)
                return reply->send(outcomes.error());
            QJsonArray results;
            for (const VerifyOutcome &o : *outcomes)
                results.append(scanAnswerJson(o, scanResultJson));
            reply->send(200, toJson(QJsonObject{{QStringLiteral("results"), results}}));
        });
    });
}

void ApiServer::listScans(Call &call)
{
    const QUrlQuery query = call.request.query();
    auto show = showParameter(query);
    if (!show)
        return call.error(show.error());
    ScanFilter filter;
    filter.show = *show;
    if (query.hasQueryItem(QStringLiteral("flagged"))) {
        const QString flagged = query.queryItemValue(QStringLiteral("flagged"));
        if (flagged != QLatin1StringView("true") && flagged != QLatin1StringView("false"))
            return call.error(ErrorCode::BadRequest,
                              QStringLiteral("flagged must be true or false"));
        filter.flaggedOnly = flagged == QLatin1StringView("true");
    }
    auto limit = integerParameter(query, QStringLiteral("limit"), 1, 500, 100);
    if (!limit)
        return call.error(limit.error());
    filter.limit = static_cast<int>(*limit);
    if (auto state = m_engine.showState(*show); !state)
        return call.error(state.error());
    auto connection = m_engine.readConnection();
    if (!connection)
        return call.error(connection.error());
    auto scans = findScans(**connection, filter);
    if (!scans)
        return call.error(scans.error());
    QJsonArray list;
    for (const ScanRecord &scan : *scans)
        list.append(QJsonObject{{QStringLiteral("scanId"), scan.scanId},
                                {QStringLiteral("ticketCode"), scan.ticket.value()},
                                {QStringLiteral("showId"), scan.show.value()},
                                {QStringLiteral("door"), scan.door},
                                {QStringLiteral("terminal"), scan.terminal},
                                {QStringLiteral("user"), scan.user},
                                {QStringLiteral("scannedAt"), isoUtc(scan.scannedAtMs)},
                                {QStringLiteral("uploadedAt"), isoUtc(scan.uploadedAtMs)},
                                {QStringLiteral("result"), scan.result},
                                {QStringLiteral("offline"), scan.offline},
                                {QStringLiteral("flagged"), scan.flagged}});
    call.ok(200, QJsonObject{{QStringLiteral("scans"), list}});
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

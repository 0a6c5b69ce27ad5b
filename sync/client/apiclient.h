#pragma once

#include "core/common/result.h"
#include "sync/client/apitypes.h"

#include <QObject>
#include <QPointer>
#include <QUrl>

#include <functional>

class QNetworkAccessManager;
class QNetworkReply;

namespace Boxoffice::Sync {

class ServerTrust;

using Core::Error;
using Core::ErrorCode;
using Core::Result;

// The terminal's side of the HTTP API (DESIGN.md §3.4). Every call is asynchronous: it sends one
// request and later calls `done` exactly once on this object's thread with the parsed answer or
// an Error whose code is the server's (errorFromBody) — or ErrorCode::Unreachable when no HTTP
// answer came (refused, reset, DNS, timeout). `done` is not called when `context` was destroyed
// first (a null context is never considered destroyed), nor after the client itself was
// destroyed (its requests in flight are aborted). A 2xx answer that is not what the call
// expects (not JSON, a missing or mistyped field, a seat feed that does not add up) fails with
// BadRequest naming the field. The UI calls these through services; it never builds URLs itself.
//
// Over https every connection is checked against the ServerTrust pins (setTrust) before any
// request byte is sent: an unpinned server fails with UntrustedServer, another certificate than
// the pinned one with CertificateChanged (details in servertrust.h); neither counts as
// unreachable. Without a ServerTrust, https uses the system's certificate authorities.
//
// Lives on the thread that created it (the GUI thread in the terminal); not thread-safe.
// Does not own the network access manager, which must outlive it.
class ApiClient : public QObject
{
    Q_OBJECT
public:
    template <class T = void> using Callback = std::function<void(Result<T>)>;

    explicit ApiClient(QNetworkAccessManager *network, QObject *parent = nullptr);
    ~ApiClient() override;

    // "http://127.0.0.1:8480"; paths are appended under /api/v1.
    void setServer(const QUrl &server);
    [[nodiscard]] QUrl server() const { return m_server; }
    // Whether the server address is https (TLS); plain http is a development setup.
    [[nodiscard]] bool usesTls() const { return m_server.scheme() == QLatin1StringView("https"); }
    // The pins every https connection is checked against; not owned, must outlive this client.
    // Open connections are dropped now and whenever the pins change, so that every later
    // request is checked in a new handshake.
    void setTrust(ServerTrust *trust);
    [[nodiscard]] ServerTrust *trust() const { return m_trust; }
    // The session token sent as "Authorization: Bearer"; empty logs out locally.
    void setToken(const QString &token);
    [[nodiscard]] QString token() const { return m_token; }
    // The last successful login's session (username, role, terminal); empty before one.
    [[nodiscard]] const Session &session() const { return m_session; }
    // This terminal's name, sent with login so the server stamps it on the session's orders,
    // payments, refunds, shifts and audit records (1-64 of letters, digits, "-_. "). Empty:
    // none is sent. Other characters become '-' and the name is cut at 64, so that a host name
    // used as the default never makes the login fail.
    void setTerminalName(const QString &name);
    [[nodiscard]] QString terminalName() const { return m_terminalName; }
    // A request without any answer after this long fails with Unreachable (default 10 s).
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }
    [[nodiscard]] int timeoutMs() const { return m_timeoutMs; }
    // Whether the last request got an HTTP answer (any status). Starts true.
    [[nodiscard]] bool isReachable() const { return m_reachable; }

    // The WebSocket address of a show's live channel, with the session token.
    [[nodiscard]] QUrl liveUrl(const Core::ShowId &show) const;

    void health(QObject *context, Callback<> done);
    // On success also sets the token and remembers the session (session()).
    void login(const QString &username, const QString &password, QObject *context,
               Callback<Session> done);
    void logout(QObject *context, Callback<> done);
    void listShows(QObject *context, Callback<QList<ShowSummary>> done);
    void showDetail(const Core::ShowId &show, QObject *context, Callback<ShowDetail> done);
    // The venue layout document (docs/venue-layout-format.md), unparsed, for the cache.
    void venueLayout(const Core::VenueId &venue, QObject *context, Callback<QByteArray> done);
    // The compact snapshot, or with `since` >= 0 the changes after it (or a snapshot when the
    // server no longer keeps them). A malformed answer fails with BadRequest.
    void seats(const Core::ShowId &show, qint64 since, QObject *context,
               Callback<SeatsUpdate> done);
    // SEAT_UNAVAILABLE errors carry the taken seats in details["seatIds"].
    void placeHold(const Core::ShowId &show, const QList<Core::SeatId> &seats, int holdSeconds,
                   QObject *context, Callback<HoldInfo> done);
    void releaseHold(const Core::HoldId &hold, QObject *context, Callback<> done);
    // Sent with X-Idempotency-Key: the same key and body always answer with the same order.
    // The creation answer is short: the order's id, hold, status, amount, currency and payBy
    // (its show, seats and tickets come with order()); the contact is the one sent.
    void createOrder(const Core::HoldId &hold, const Contact &contact,
                     const QString &idempotencyKey, QObject *context, Callback<OrderInfo> done);
    void order(const Core::OrderId &order, QObject *context, Callback<OrderInfo> done);
    void payCash(const Core::OrderId &order, qint64 tenderedCents, QObject *context,
                 Callback<TenderResult> done);
    // A card paid on a separate card terminal: `reference` is its slip number.
    void payCardSlip(const Core::OrderId &order, const QString &reference, QObject *context,
                     Callback<TenderResult> done);

    // --- Supervisor tools (docs/supervisor-api.md) ---------------------------------------------
    // Calls that take an `overrideToken` send it as X-Override-Token when it is not empty: a
    // clerk's one-time authorisation from requestOverride(). The server refuses a used, expired
    // or mismatched token with OVERRIDE_REJECTED (403).

    // Orders matching an order id, ticket code, scanned QR payload, phone digits or a name.
    void findOrders(const QString &query, int limit, QObject *context, Callback<OrderSearch> done);
    // A CARD refund answers CARD_PENDING: the terminal then asks the acquirer to pay it back
    // (CardAcquirer::refund) and follows the order until the refund is COMPLETED/CARD_FAILED.
    void refund(const Core::OrderId &order, const RefundRequest &request,
                const QString &overrideToken, QObject *context, Callback<RefundInfo> done);
    void voidOrder(const Core::OrderId &order, const QString &reason, const QString &overrideToken,
                   QObject *context, Callback<VoidResult> done);
    void reprintTicket(const Core::TicketCode &ticket, const QString &reason,
                       const QString &overrideToken, QObject *context,
                       Callback<ReprintResult> done);
    void exchange(const Core::OrderId &order, const ExchangeRequest &request,
                  const QString &overrideToken, QObject *context, Callback<ExchangeResult> done);
    // ACTIVE holds of a show at least `olderThanSeconds` old (0: all), oldest first.
    void stuckHolds(const Core::ShowId &show, qint64 olderThanSeconds, QObject *context,
                    Callback<QList<StuckHold>> done);
    // Releases any hold (another user's is audited as a forced release).
    void forceReleaseHold(const Core::HoldId &hold, const QString &overrideToken, QObject *context,
                          Callback<> done);
    // A clerk asks for a supervisor's authorisation of one action; a wrong supervisor password
    // fails with the server's BAD_CREDENTIALS.
    void requestOverride(const OverrideRequest &request, QObject *context,
                         Callback<OverrideGrant> done);
    void audit(const AuditFilter &filter, QObject *context, Callback<AuditPage> done);
    void verifyAudit(QObject *context, Callback<AuditVerification> done);

    // --- Shifts and reports -------------------------------------------------------------------
    void openShift(qint64 floatCents, QObject *context, Callback<ShiftInfo> done);
    // The session user's open shift, or nullopt when there is none (NO_OPEN_SHIFT).
    void currentShift(QObject *context, Callback<std::optional<ShiftInfo>> done);
    void shifts(const ShiftFilter &filter, QObject *context, Callback<QList<ShiftInfo>> done);
    // The X report of an open shift; the stored Z report of a closed one.
    void shiftReport(const ShiftId &shift, QObject *context, Callback<ShiftReport> done);
    // Closes the shift and answers its Z report.
    void closeShift(const ShiftId &shift, qint64 countedCents, QObject *context,
                    Callback<ShiftReport> done);
    // `date` is YYYY-MM-DD.
    void dayReport(const QString &date, QObject *context, Callback<DayReport> done);

    // --- Kiosks (docs/kiosk-and-door-api.md) -------------------------------------------------
    // Cancels an unpaid order: its hold is released and its seats are AVAILABLE at once.
    // Cancelling a cancelled order again succeeds; a paid order fails with CONFLICT.
    void cancelOrder(const Core::OrderId &order, QObject *context, Callback<> done);
    // A supervisor ends kiosk mode with a PIN; wrong credentials (or not a supervisor) fail
    // with BAD_CREDENTIALS.
    void unlockKiosk(const QString &supervisor, const QString &pin, QObject *context,
                     Callback<KioskUnlock> done);

    // --- Door scanning (docs/kiosk-and-door-api.md) -------------------------------------------
    // Verifies a scanned QR payload and, when VALID, marks the ticket used at `door`. An empty
    // `show` admits any show's ticket; `door` may be empty. Waits at most `timeoutMs` for an
    // answer (short, so a door decides offline quickly) before failing with Unreachable.
    // `scanId` (may be empty) is the door's id for this scan: when the door gives up waiting
    // and uploads the scan later under the same id, the server knows it as this one.
    void verifyTicket(const QString &qrPayload, const Core::ShowId &show, const QString &door,
                      const QString &scanId, int timeoutMs, QObject *context,
                      Callback<TicketVerification> done);
    // The public keys tickets are signed with; a key of another algorithm than Ed25519 or not
    // 32 bytes fails the whole answer (BadRequest).
    void ticketKeys(QObject *context, Callback<QList<TicketKey>> done);
    // The show's tickets revoked or used after `since` (an earlier answer's asOf; empty: all).
    void ticketRevocations(const Core::ShowId &show, const QString &since, QObject *context,
                           Callback<TicketRevocations> done);
    // Uploads scans decided offline (at most 500; the server refuses more). The results come in
    // the order sent. A malformed entry fails the whole request with BadRequest; its index is
    // then in details["index"] when the server names it.
    void uploadScans(const QList<OfflineScan> &scans, QObject *context,
                     Callback<QList<UploadedScanResult>> done);

signals:
    // The server started or stopped answering (edge-triggered).
    void reachabilityChanged(bool reachable);
    // A request was refused with UNAUTHENTICATED: the session ended.
    void sessionExpired();

private:
    // One HTTP exchange: the path under /api/v1 (ids already percent-encoded) and its query.
    struct Request
    {
        QByteArray verb = {};
        QString path = {};
        QString query = {};
        QByteArray body = {};
        QList<std::pair<QByteArray, QByteArray>> headers = {};
        // False for login and logout: their UNAUTHENTICATED is not an ended session.
        bool sessionCall = true;
        // How long to wait for an answer; 0: timeoutMs().
        int timeoutMs = 0;
    };
    void send(Request request, QObject *context, std::function<void(Result<QByteArray>)> done);
    void finish(QNetworkReply *reply, const Request &request, const QPointer<QObject> &context,
                bool guarded, const std::function<void(Result<QByteArray>)> &done);
    void setReachable(bool reachable);

    QNetworkAccessManager *m_network;
    ServerTrust *m_trust = nullptr;
    QUrl m_server;
    QString m_token;
    QString m_terminalName;
    Session m_session;
    int m_timeoutMs = 10'000;
    bool m_reachable = true;
    QList<QPointer<QNetworkReply>> m_inFlight; // aborted when the client goes away
};

} // namespace Boxoffice::Sync

#pragma once

#include "core/auth/accountstore.h"
#include "core/booking/bookingengine.h"
#include "core/security/ticketsigner.h"
#include "sync/server/guardedtcpserver.h"

#include <QAbstractHttpServer>
#include <QHash>
#include <QHostAddress>
#include <QPointer>
#include <QSet>
#include <QSslConfiguration>
#include <QThreadPool>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

class QWebSocket;

namespace Boxoffice::Core {
class AuditLog;
struct AuditEntry;
class OverrideStore;
class ShiftStore;
} // namespace Boxoffice::Core

namespace Boxoffice::Sync {

struct ServerConfig
{
    QByteArray paymentSecret;          // HMAC key of payment callbacks; required
    int paymentToleranceSeconds = 300; // callbacks older or newer than this are stale
    ConnectionLimits limits;
    // HTTPS and WSS with this certificate and key (serverTlsConfiguration()); none: plain HTTP,
    // which only the --insecure-http development flag asks for. /health reports which.
    std::optional<QSslConfiguration> tls;
    // Kiosks (docs/kiosk-and-door-api.md): seats one kiosk account may have at once, and hold
    // and order requests it may make per minute (0: no limit).
    int kioskMaxSeats = 6;
    int kioskRatePerMinute = 20;
};

struct PendingReply;

// The HTTP API of DESIGN.md §3.4 over the booking engine, plus the per-show WebSocket channel
// that pushes seat changes as they commit. Lives on (and must be used from) one thread: its
// network I/O runs there; engine completions are posted back to it.
//
// Every route declares which roles may call it; the server enforces them (the UI only hides).
// Errors are {"error":{"code","message",...}} with the status of the code; bad input is never
// a 500.
class ApiServer : public QAbstractHttpServer
{
    Q_OBJECT

public:
    ApiServer(Core::BookingEngine &engine, Core::AccountStore &accounts, Core::AuditLog &audit,
              Core::ShiftStore &shifts, Core::OverrideStore &overrides,
              Core::TicketVerifier verifier, ServerConfig config, QObject *parent = nullptr);
    ~ApiServer() override;

    // Listens on `address`:`port` (0: any free port) behind the connection guard.
    [[nodiscard]] Core::Result<quint16> start(const QHostAddress &address, quint16 port);

    // Thread-safe: hands committed seat changes to the WebSocket subscribers.
    void publishChanges(const Core::BookingEngine::CommittedChanges &changes);

    struct Call;

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    using Handler = void (ApiServer::*)(Call &call);

    void health(Call &call);
    void login(Call &call);
    void logout(Call &call);
    void listShows(Call &call);
    void showDetail(Call &call);
    void showSeats(Call &call);
    void venueLayout(Call &call);
    void placeHold(Call &call);
    void releaseHold(Call &call);
    void createOrder(Call &call);
    void orderDetail(Call &call);
    void tender(Call &call);
    void paymentCallback(Call &call);
    void verifyTicket(Call &call);
    // Supervisor tools (docs/supervisor-api.md).
    void requestOverride(Call &call);
    void searchOrders(Call &call);
    void auditRecords(Call &call);
    void auditVerify(Call &call);
    void openShift(Call &call);
    void currentShift(Call &call);
    void listShifts(Call &call);
    void shiftReport(Call &call);
    void closeShift(Call &call);
    void dayReport(Call &call);

    // The terminal the caller's session names ("" for none).
    [[nodiscard]] QString terminalOf(const Call &call);
    // The cash shift open for the caller's user at its terminal ("" for none).
    [[nodiscard]] QString shiftOf(const Call &call);
    // Consumes the override the request carries for `action` on `subject`; false (answered,
    // audited) when it is refused.
    [[nodiscard]] bool consumeOverride(Call &call, const QString &token, const QString &action,
                                       const QString &subject);
    // Money operations (docs/supervisor-api.md).
    void refundOrder(Call &call);
    void refundCallback(Call &call);
    void voidOrder(Call &call);
    void reprintTicket(Call &call);
    void exchangeTickets(Call &call);
    void listHolds(Call &call);
    // Kiosks and door scanning (docs/kiosk-and-door-api.md).
    void cancelOrder(Call &call);
    void unlockKiosk(Call &call);
    void ticketKeys(Call &call);
    void ticketRevocations(Call &call);
    void uploadScans(Call &call);
    void listScans(Call &call);
    // False (answered 429 with Retry-After) when a kiosk made too many hold and order requests;
    // staff are never limited.
    [[nodiscard]] bool admitKioskRequest(Call &call);
    // A supervisor's name and password or PIN checked as POST /overrides and POST
    // /kiosk/unlock do: slow (call it off the network thread), wrong ones count towards the
    // lockout, BadCredentials when wrong, RateLimited while locked. The role is the caller's
    // to check.
    [[nodiscard]] Core::Result<Core::Account> checkSupervisorCredentials(const QString &name,
                                                                         const QString &secret,
                                                                         Core::CredentialKind kind);
    // Who acts: user, terminal, open shift and the supervisor of an override.
    [[nodiscard]] Core::Requester requesterOf(const Call &call);
    // The body of an acquirer callback once its X-Payment-Signature verified; a refused one is
    // audited as `rejectedAction` and answered here (nullopt).
    [[nodiscard]] std::optional<QJsonObject> signedCallbackBody(Call &call,
                                                                const QString &rejectedAction);

    // Runs `task` on this object's thread; thread-safe. Tasks posted while earlier ones wait
    // share one event.
    void post(std::function<void()> task);
    void runPosted();
    void handleWebSocket();
    void broadcast(const Core::BookingEngine::CommittedChanges &changes);
    void denied(const Call &call, const Core::Error &error);
    // Writes an audit record on the background pool.
    void audit(const QString &actor, const QString &action, const QString &subject,
               const QJsonObject &detail);
    // The same for the caller of `call`: its user name and terminal.
    void audit(const Call &call, const QString &action, const QString &subject,
               const QJsonObject &detail);
    void audit(Core::AuditEntry entry);

    // Posts the result of an engine command back to this thread and answers with it.
    template <class T, class Format>
    Core::Completion<T> replyLater(std::shared_ptr<PendingReply> reply, int successStatus,
                                   Format format);
    // Like replyLater; a success is also audited (on this thread) by `record`.
    template <class T, class Format, class Record>
    Core::Completion<T> replyAudited(std::shared_ptr<PendingReply> reply, int successStatus,
                                     Format format, Record record);

    Core::BookingEngine &m_engine;
    Core::AccountStore &m_accounts;
    Core::AuditLog &m_audit;
    Core::ShiftStore &m_shifts;
    Core::OverrideStore &m_overrides;
    Core::TicketVerifier m_verifier;
    ServerConfig m_config;
    QByteArray m_healthBody;
    QSet<QString> m_keysInFlight;
    QHash<Core::ShowId, QList<QPointer<QWebSocket>>> m_subscribers;
    // Logins (slow password hashing) and audit writes run here, off the network thread; the
    // destructor waits for them, so none outlives the server.
    QThreadPool m_background;
    // Kiosk request budgets (token buckets by user id); touched on this thread only.
    struct KioskBudget
    {
        double tokens = 0;
        qint64 updatedMs = 0;
    };
    QHash<QString, KioskBudget> m_kioskBudgets;
    std::mutex m_postedMutex;
    std::vector<std::function<void()>> m_posted;
};

} // namespace Boxoffice::Sync

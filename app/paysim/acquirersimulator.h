#pragma once

#include "core/common/ids.h"
#include "core/common/result.h"
#include "sync/client/servertrust.h"
#include "sync/server/guardedtcpserver.h"

#include <QAbstractHttpServer>
#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QJsonObject>
#include <QList>
#include <QUrl>

#include <deque>
#include <optional>

class QNetworkAccessManager;
class QNetworkReply;

namespace Boxoffice::App {

// What one charge may ask for, and what the simulator keeps; requests beyond are refused.
inline constexpr int kMaxChargeDelayMs = 600'000; // 10 minutes
inline constexpr int kMaxDeliveries = 10;

// What charges and refunds both carry: the money, and how the simulated acquirer answers.
struct PaymentInstructions
{
    qint64 amountCents = 0;
    QString currency;
    QString outcome; // "approve", "decline" or "" (the simulator's settings decide)
    std::optional<qint64> delayMs;
    std::optional<qint64> deliveries;
};
inline constexpr int kMaxPendingChargesLimit = 100'000;

struct SimulatorOptions
{
    QUrl server;       // the booking server's base, e.g. http://127.0.0.1:8480
    QByteArray secret; // the payment callback secret it shares with the server; required
    // For an https server: the SHA-256 of the only certificate it may present (ServerTrust);
    // empty: the system's certificate authorities decide.
    QByteArray serverPin;
    // Defaults for a charge that does not choose for itself.
    int delayMs = 1500;
    bool declineAll = false;
    double declineRate = 0.0; // 0..1, drawn per charge
    int deliveries = 1;
    // Bounds.
    int maxPendingCharges = 1000; // charges still delivering; more are answered 503
    int maxFinishedKept = 1000;   // finished charges kept for GET; the oldest are forgotten
    // Delivery: an attempt that receives nothing for callbackTimeoutMs has no answer; one
    // without an answer (or with a 5xx server fault) is tried again after retryBackoffMs,
    // doubling, up to `retries` times.
    int callbackTimeoutMs = 10'000;
    int retries = 3;
    int retryBackoffMs = 500;
    Sync::ConnectionLimits limits{.maxBodyBytes = 8 * 1024,
                                  .maxHeaderBytes = 8 * 1024,
                                  .idleTimeoutMs = 30'000,
                                  .requestTimeoutMs = 10'000,
                                  .maxConnections = 256};
};

// A card acquirer for development and tests (boxoffice-paysim). Terminals start charges with
// POST /charges; after the charge's delay it posts a callback signed with the shared secret
// (DESIGN.md §3.4, X-Payment-Signature) to {server}/api/v1/payments/callback: SUCCESS for an
// approved charge, FAILED for a declined one, with the amount it was given — also a wrong one,
// which the server must refuse. Each callback is sent `deliveries` times (the same body: the
// same payment), one after the other; every delivery and the server's answer is logged and kept
// for GET /charges/{paymentId}.
//
// A charge is PROCESSING until one delivery is acknowledged (2xx: APPROVED or DECLINED), or
// CALLBACK_FAILED once every delivery was refused or got no answer; the answer that decided is
// kept with it. Charges live in memory only: a restart forgets them and drops pending callbacks.
//
// Refunds (docs/supervisor-api.md) work the same way: POST /refunds {refundId, paymentId,
// amountCents, currency} pays a card payment back; after the delay a signed callback goes to
// {server}/api/v1/refunds/callback with SUCCEEDED or FAILED (declines as for charges). A refund
// is PENDING until a delivery is acknowledged (SUCCEEDED or FAILED), else CALLBACK_FAILED;
// GET /refunds/{refundId} shows it. A finished refund may be sent again with the same refundId
// (the server's retry of a failed card refund); one still pending is refused (409).
//
// Bad requests get {"error":{"code","message"}} answers (400, 404, 405, 413, 503 when too many
// charges are pending). Lives on one thread (its network I/O runs there); not thread-safe.
// Does not own the network access manager.
class AcquirerSimulator : public QAbstractHttpServer
{
    Q_OBJECT

public:
    AcquirerSimulator(SimulatorOptions options, QNetworkAccessManager *network,
                      QObject *parent = nullptr);
    ~AcquirerSimulator() override;

    // Listens on `address`:`port` (0: any free port) behind the connection guard.
    [[nodiscard]] Core::Result<quint16> start(const QHostAddress &address, quint16 port);

    // Charges whose callbacks are not all delivered yet.
    [[nodiscard]] int pendingCharges() const { return m_pending; }

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    enum class State
    {
        Processing,
        Approved,
        Declined,
        CallbackFailed
    };
    // One try at one delivery and what came back.
    struct Attempt
    {
        int delivery = 0; // 1-based
        int attempt = 0;  // 1-based within the delivery
        qint64 sentMs = 0;
        int httpStatus = 0;   // 0: no answer
        QJsonObject answer;   // the server's JSON answer
        QString networkError; // why no answer came
    };
    struct Charge
    {
        bool refund = false;      // a refund rather than a charge
        QString refundId;         // the server's refund id (refunds only)
        QString acquirerRefundId; // our reference for it (refunds only)
        QUrl callbackUrl;         // where its callback goes
        Core::PaymentId payment;
        Core::OrderId order;
        qint64 amountCents = 0;
        QString currency;
        bool approve = true;
        int delayMs = 0;
        int deliveries = 1;
        qint64 createdMs = 0;
        QByteArray callbackBody; // signed anew for every attempt
        State state = State::Processing;
        int deliveriesDone = 0;
        QList<Attempt> attempts;
        qsizetype deciding = -1; // the attempt whose answer decided the state
    };

    void reply(const QHttpServerRequest &request, QTcpSocket *socket, int status,
               const QByteArray &body);
    void replyError(const QHttpServerRequest &request, QTcpSocket *socket,
                    const Core::Error &error);
    void createCharge(const QHttpServerRequest &request, QTcpSocket *socket);
    void showCharge(const QHttpServerRequest &request, QTcpSocket *socket, const QString &payment);
    void createRefund(const QHttpServerRequest &request, QTcpSocket *socket);
    void showRefund(const QHttpServerRequest &request, QTcpSocket *socket, const QString &refund);
    // Where a charge or refund is kept in m_charges.
    [[nodiscard]] static QString chargeKey(const QString &payment);
    [[nodiscard]] static QString refundKey(const QString &refund);
    // Draws approve/decline for a request that did not choose ("approve", "decline" or empty).
    [[nodiscard]] bool approves(const QString &outcome) const;
    // A charge or refund with the money and answer of `instructions`, the defaults filled in.
    [[nodiscard]] Charge prepared(const PaymentInstructions &instructions, qint64 nowMs) const;

    // `key` names a charge or refund in m_charges.
    void deliver(const QString &key, int delivery, int attempt);
    void handleCallbackAnswer(QNetworkReply *answer, const QString &key, int delivery, int attempt,
                              qint64 sentMs);
    void finishDelivery(Charge &charge);
    void forgetOldCharges();

    [[nodiscard]] static QString stateName(State state, bool refund = false);
    [[nodiscard]] static QJsonObject attemptJson(const Attempt &attempt);
    [[nodiscard]] static QJsonObject chargeJson(const Charge &charge);
    [[nodiscard]] static QJsonObject refundJson(const Charge &refund);

    SimulatorOptions m_options;
    QNetworkAccessManager *m_network;
    Sync::ServerTrust m_trust; // holds options.serverPin for the server's origin
    QUrl m_callbackUrl;
    QUrl m_refundCallbackUrl;
    QHash<QString, Charge> m_charges; // charges and refunds, by chargeKey() / refundKey()
    std::deque<QString> m_finished;   // finished ones' keys, oldest first
    int m_pending = 0;
};

} // namespace Boxoffice::App

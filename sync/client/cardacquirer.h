#pragma once

#include "core/common/ids.h"
#include "core/common/result.h"

#include <QObject>
#include <QUrl>

#include <functional>
#include <optional>

class QNetworkAccessManager;

namespace Boxoffice::Sync {

// What the terminal asks of the card acquirer (in development: boxoffice-paysim).
struct CardCharge
{
    Core::OrderId order;
    qint64 amountCents = 0;
    QString currency;
    // Simulator controls, ignored by a real acquirer: "approve" (default), "decline";
    // a delay before the callback; how many times to send it.
    QString outcome;
    int delayMs = -1;   // -1: the simulator's default
    int deliveries = 1; // 1: the simulator's default (its --duplicate); else that many, 1-10
};

// Where a charge stands at the acquirer (GET /charges/{paymentId}).
enum class CardChargeState
{
    Processing,    // the callback is not delivered yet (waiting, or being retried)
    Approved,      // the server acknowledged the SUCCESS callback
    Declined,      // the server acknowledged the FAILED callback
    CallbackFailed // the server refused every delivery, or never answered: see callbackError
};

struct CardChargeStatus
{
    Core::PaymentId payment;
    Core::OrderId order;
    CardChargeState state = CardChargeState::Processing;
    qint64 amountCents = 0;
    QString currency;
    int deliveries = 1;     // callbacks to send
    int deliveriesDone = 0; // callbacks answered or given up on
    // The server's answer that decided the state (Approved, Declined, CallbackFailed); 0 while
    // processing and when no answer came.
    int serverHttpStatus = 0;
    // Approved / Declined: the server's result ("APPLIED", "DUPLICATE", "FAILURE_RECORDED",
    // "REFUND_REQUIRED") and the order's status after it ("TICKETED", "PENDING_PAY", ...).
    QString serverResult;
    QString orderStatus;
    // CallbackFailed: why, with the server's code (e.g. AmountMismatch, SignatureInvalid), or
    // Unreachable when the server never answered.
    std::optional<Core::Error> callbackError;
};

// A refund the terminal asks the acquirer to pay back to the card (docs/supervisor-api.md):
// the server's refund record id (status CARD_PENDING) and the card payment it pays back.
struct CardRefund
{
    QString refundId;
    Core::PaymentId payment;
    qint64 amountCents = 0;
    QString currency;
};

// Where a refund stands at the acquirer (GET /refunds/{refundId}). The server learns the
// outcome from the acquirer's signed callback; this is for saying why it has not yet.
struct CardRefundStatus
{
    QString refundId;
    Core::PaymentId payment;
    QString status; // the acquirer's word: "PENDING", "SUCCEEDED", "FAILED", ...
    qint64 amountCents = 0;
    // The server's answer to the refund callback, when one came (0: none yet).
    int serverHttpStatus = 0;
};

// Starts a card charge at the acquirer. The acquirer later posts a signed callback to the
// server (POST /api/v1/payments/callback); the terminal follows the order until it is PAID or
// the payment failed. `done` gets the acquirer's payment id (the charge was accepted for
// processing), or Unreachable / BadRequest. Lives on the GUI thread.
//
// Every call answers exactly once, from the event loop (never from inside the call), on this
// object's thread — unless `context` is destroyed first, then not at all. Errors carry the
// acquirer's code (errorFromBody: BadRequest for a refused charge, Overloaded when it has too
// many pending), or Unreachable when no HTTP answer came (not configured, refused, timeout).
// Does not own the network access manager.
class CardAcquirer : public QObject
{
    Q_OBJECT
public:
    explicit CardAcquirer(QNetworkAccessManager *network, QObject *parent = nullptr);
    void setEndpoint(const QUrl &endpoint); // e.g. http://127.0.0.1:8490
    [[nodiscard]] QUrl endpoint() const { return m_endpoint; }
    [[nodiscard]] bool isConfigured() const { return m_endpoint.isValid(); }
    // A request that receives nothing for this long fails with Unreachable (default 10 s).
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }
    [[nodiscard]] int timeoutMs() const { return m_timeoutMs; }

    void charge(const CardCharge &charge, QObject *context,
                std::function<void(Core::Result<Core::PaymentId>)> done);
    // The charge's state at the acquirer, to say why a payment did not arrive. NotFound for a
    // payment the acquirer does not know (any more).
    void chargeStatus(const Core::PaymentId &payment, QObject *context,
                      std::function<void(Core::Result<CardChargeStatus>)> done);

    // Asks the acquirer to pay a CARD_PENDING refund back; `done` gets the acquirer's status
    // ("PENDING"). A CARD_FAILED refund may be sent again with the same refund id.
    void refund(const CardRefund &refund, QObject *context,
                std::function<void(Core::Result<QString>)> done);
    // NotFound for a refund the acquirer does not know.
    void refundStatus(const QString &refundId, QObject *context,
                      std::function<void(Core::Result<CardRefundStatus>)> done);

private:
    void send(const QByteArray &verb, const QString &path, const QByteArray &body, QObject *context,
              std::function<void(Core::Result<QByteArray>)> done);

    QNetworkAccessManager *m_network;
    QUrl m_endpoint;
    int m_timeoutMs = 10000;
};

} // namespace Boxoffice::Sync

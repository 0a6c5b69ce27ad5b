#pragma once

#include "core/common/ids.h"
#include "core/common/result.h"

#include <QObject>
#include <QUrl>

#include <functional>

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
    int delayMs = -1; // -1: the simulator's default
    int deliveries = 1;
};

// Starts a card charge at the acquirer. The acquirer later posts a signed callback to the
// server (POST /api/v1/payments/callback); the terminal follows the order until it is PAID or
// the payment failed. `done` gets the acquirer's payment id (the charge was accepted for
// processing), or Unreachable / BadRequest. Lives on the GUI thread.
class CardAcquirer : public QObject
{
    Q_OBJECT
public:
    explicit CardAcquirer(QNetworkAccessManager *network, QObject *parent = nullptr);
    void setEndpoint(const QUrl &endpoint); // e.g. http://127.0.0.1:8490
    [[nodiscard]] QUrl endpoint() const { return m_endpoint; }
    [[nodiscard]] bool isConfigured() const { return m_endpoint.isValid(); }

    void charge(const CardCharge &charge, QObject *context,
                std::function<void(Core::Result<Core::PaymentId>)> done);

private:
    QNetworkAccessManager *m_network;
    QUrl m_endpoint;
};

} // namespace Boxoffice::Sync

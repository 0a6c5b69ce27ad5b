#pragma once

#include "core/common/result.h"
#include "sync/client/apitypes.h"

#include <QObject>
#include <QTimer>

namespace Boxoffice::Sync {

class ApiClient;
class CardAcquirer;

// Pays a CARD_PENDING refund back to the card: asks the acquirer (POST /refunds), then follows
// the order on the server until the acquirer's signed callback made the refund COMPLETED or
// CARD_FAILED. A CARD_FAILED refund can be sent again with retry() (same refund id). GUI
// thread; the services must outlive it.
class CardRefundFlow : public QObject
{
    Q_OBJECT
public:
    CardRefundFlow(ApiClient &client, CardAcquirer &acquirer, RefundInfo refund,
                   QObject *parent = nullptr);

    // Polling stops after this many checks without an outcome (default 120, one each 500 ms),
    // with problem() saying the refund is still pending at the acquirer.
    void setMaxPolls(int polls) { m_maxPolls = polls; }

    // Sends the refund to the acquirer and starts following it.
    void start();
    // After settled() with CARD_FAILED or problem(): sends it again.
    void retry() { start(); }
    [[nodiscard]] const RefundInfo &refund() const { return m_refund; }

signals:
    // A step to show: "sent to the card acquirer", "waiting for the card acquirer".
    void progress(const QString &text);
    // The refund reached COMPLETED or CARD_FAILED on the server.
    void settled(const Boxoffice::Sync::RefundInfo &refund);
    // The acquirer refused or did not answer, or no outcome came in time.
    void problem(const Boxoffice::Core::Error &error);

private:
    void poll();

    ApiClient &m_client;
    CardAcquirer &m_acquirer;
    RefundInfo m_refund;
    QTimer m_timer;
    int m_polls = 0;
    int m_maxPolls = 120;
    bool m_inFlight = false;
};

} // namespace Boxoffice::Sync

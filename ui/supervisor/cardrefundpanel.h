#pragma once

#include "sync/client/apitypes.h"

#include <QWidget>

class QLabel;
class QPushButton;

namespace Boxoffice::Sync {
class ApiClient;
class CardAcquirer;
class CardRefundFlow;
} // namespace Boxoffice::Sync

namespace Boxoffice::Gui {

// Shows a card refund on its way back to the card: sent to the acquirer, then COMPLETED, or
// CARD_FAILED / no answer with a button to send it again. Hidden until follow().
class CardRefundPanel : public QWidget
{
    Q_OBJECT
public:
    CardRefundPanel(Sync::ApiClient &client, Sync::CardAcquirer &acquirer,
                    QWidget *parent = nullptr);

    // Starts paying `refund` (CARD_PENDING) back through the acquirer.
    void follow(const Sync::RefundInfo &refund);
    [[nodiscard]] bool isBusy() const { return m_busy; }

signals:
    // COMPLETED or CARD_FAILED on the server.
    void settled(const Boxoffice::Sync::RefundInfo &refund);

private:
    Sync::ApiClient &m_client;
    Sync::CardAcquirer &m_acquirer;
    Sync::CardRefundFlow *m_flow = nullptr;
    QLabel *m_status = nullptr;
    QPushButton *m_retry = nullptr;
    bool m_busy = false;
};

} // namespace Boxoffice::Gui

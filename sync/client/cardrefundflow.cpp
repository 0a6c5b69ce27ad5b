#include "sync/client/cardrefundflow.h"

#include "sync/client/apiclient.h"
#include "sync/client/cardacquirer.h"

namespace Boxoffice::Sync {

CardRefundFlow::CardRefundFlow(ApiClient &client, CardAcquirer &acquirer, RefundInfo refund,
                               QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_acquirer(acquirer)
    , m_refund(std::move(refund))
{
    m_timer.setInterval(500);
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &CardRefundFlow::poll);
}

void CardRefundFlow::start()
{
    m_timer.stop();
    m_polls = 0;
    emit progress(tr("Sending the refund to the card acquirer…"));
    CardRefund request{m_refund.id.value(), m_refund.payment, m_refund.amountCents,
                       m_refund.currency};
    m_acquirer.refund(request, this, [this](Core::Result<QString> sent) {
        if (!sent) {
            emit problem(sent.error());
            return;
        }
        emit progress(tr("Waiting for the card acquirer to confirm the refund…"));
        m_timer.start();
    });
}

void CardRefundFlow::poll()
{
    if (m_inFlight)
        return;
    m_inFlight = true;
    m_client.order(m_refund.order, this, [this](Result<OrderInfo> order) {
        m_inFlight = false;
        ++m_polls;
        if (order) {
            for (const RefundInfo &refund : order->refunds) {
                if (refund.id != m_refund.id)
                    continue;
                m_refund = refund;
                if (refund.status != QLatin1StringView("CARD_PENDING")) {
                    emit settled(refund);
                    return;
                }
            }
        }
        if (m_polls >= m_maxPolls) {
            emit problem(Core::Error::make(
                Core::ErrorCode::Unreachable,
                tr("The card acquirer has not confirmed the refund yet; it stays pending. "
                   "Check the order later or send it again.")));
            return;
        }
        m_timer.start();
    });
}

} // namespace Boxoffice::Sync

#include "ui/supervisor/cardrefundpanel.h"

#include "sync/client/cardrefundflow.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

namespace Boxoffice::Gui {

CardRefundPanel::CardRefundPanel(Sync::ApiClient &client, Sync::CardAcquirer &acquirer,
                                 QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_acquirer(acquirer)
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("cardRefundStatus"));
    m_status->setWordWrap(true);
    layout->addWidget(m_status, 1);
    m_retry = new QPushButton(tr("Send card refund a&gain"), this);
    m_retry->setObjectName(QStringLiteral("cardRefundRetry"));
    m_retry->setToolTip(tr("Ask the card acquirer again, with the same refund (Alt+G)"));
    m_retry->hide();
    layout->addWidget(m_retry);
    hide();
    connect(m_retry, &QPushButton::clicked, this, [this] {
        if (!m_flow)
            return;
        m_retry->hide();
        m_busy = true;
        m_flow->retry();
    });
}

void CardRefundPanel::follow(const Sync::RefundInfo &refund)
{
    if (m_flow)
        m_flow->deleteLater();
    m_flow = new Sync::CardRefundFlow(m_client, m_acquirer, refund, this);
    connect(m_flow, &Sync::CardRefundFlow::progress, m_status, &QLabel::setText);
    connect(m_flow, &Sync::CardRefundFlow::settled, this, [this](const Sync::RefundInfo &r) {
        m_busy = false;
        const bool done = r.status == QLatin1StringView("COMPLETED");
        m_status->setText(
            done ? tr("Card refund COMPLETED (acquirer reference %1).").arg(r.acquirerReference)
                 : tr("Card refund FAILED at the acquirer. Send it again, or refund in cash "
                      "after a supervisor's decision."));
        m_status->setStyleSheet(done ? QString() : QStringLiteral("color:#a50026;"));
        m_retry->setVisible(!done);
        emit settled(r);
    });
    connect(m_flow, &Sync::CardRefundFlow::problem, this, [this](const Core::Error &error) {
        m_busy = false;
        m_status->setText(tr("Card refund not confirmed: %1").arg(error.message));
        m_status->setStyleSheet(QStringLiteral("color:#a50026;"));
        m_retry->show();
    });
    m_status->setStyleSheet(QString());
    m_busy = true;
    show();
    m_flow->start();
}

} // namespace Boxoffice::Gui

#include "ui/supervisor/voiddialog.h"

#include "sync/client/apiclient.h"
#include "ui/supervisor/ticketchoice.h"

#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace Boxoffice::Gui {

VoidDialog::VoidDialog(const SupervisorServices &services, Sync::OrderInfo order, QWidget *parent)
    : OrderActionDialog(services, std::move(order), QStringLiteral("void"), parent)
{
    setWindowTitle(tr("Void — order %1").arg(m_order.id.value()));
    resize(480, 260);
    const bool unpaid = m_order.status == Core::OrderState::PendingPay;
    auto *intro = new QLabel(
        unpaid ? tr("The order is not paid: voiding cancels it and frees its seats.")
               : tr("Voiding cancels the order: every ticket is revoked, the seats are sellable "
                    "again and %1 goes back in the original tender. Only possible shortly after "
                    "the payment and before any ticket was used.")
                     .arg(moneyText(m_order.amountCents, m_order.currency)),
        this);
    intro->setWordWrap(true);
    body()->addWidget(intro);
    finishLayout(tr("&Void order"), tr("Cancel the whole order (Alt+V)"));
    connect(confirmButton(), &QPushButton::clicked, this, &VoidDialog::confirm);
}

void VoidDialog::confirm()
{
    run(QStringLiteral("void"), m_order.id.value(), tr("Void of order %1").arg(m_order.id.value()),
        [this](const QString &token) {
            m_services.client.voidOrder(
                m_order.id, reason(), token, this, [this](Sync::Result<Sync::VoidResult> result) {
                    if (!result) {
                        setBusy(false);
                        showError(
                            tr("The server refused the void: %1").arg(result.error().message));
                        return;
                    }
                    if (!result->refund)
                        showOutcome(
                            tr("Order %1 is cancelled; no money moved.").arg(m_order.id.value()));
                    else if (result->refund->method == QLatin1StringView("CASH"))
                        showOutcome(
                            tr("Order %1 is cancelled: give %2 back in cash.")
                                .arg(m_order.id.value(), moneyText(result->refund->amountCents,
                                                                   result->refund->currency)));
                    else
                        showOutcome(
                            tr("Order %1 is cancelled: %2 goes back to the card.")
                                .arg(m_order.id.value(), moneyText(result->refund->amountCents,
                                                                   result->refund->currency)));
                    if (result->refund)
                        followRefund(*result->refund);
                    emit orderChanged(m_order.id);
                });
        });
}

} // namespace Boxoffice::Gui

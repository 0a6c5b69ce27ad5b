#include "ui/supervisor/refunddialog.h"

#include "sync/client/apiclient.h"
#include "ui/supervisor/ticketchoice.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace Boxoffice::Gui {

QString originalTender(const Sync::OrderInfo &order)
{
    for (const Sync::PaymentInfo &payment : order.payments) {
        if (payment.status == QLatin1StringView("APPLIED") &&
            (payment.method == QLatin1StringView("CASH") ||
             payment.method == QLatin1StringView("CARD")))
            return payment.method;
    }
    return {};
}

RefundDialog::RefundDialog(const SupervisorServices &services, Sync::OrderInfo order,
                           QWidget *parent)
    : OrderActionDialog(services, std::move(order), QStringLiteral("refund"), parent)
{
    setWindowTitle(tr("Refund — order %1").arg(m_order.id.value()));
    resize(560, 460);
    auto *intro = new QLabel(tr("Tick the tickets to refund (all by default). Their seats are "
                                "sellable again at once."),
                             this);
    intro->setWordWrap(true);
    body()->addWidget(intro);
    m_tickets = new QListWidget(this);
    m_tickets->setObjectName(QStringLiteral("refundTickets"));
    m_tickets->setToolTip(tr("Space ticks or unticks the current ticket (Alt+T)"));
    fillTicketChoice(m_tickets, m_order);
    auto *ticketsLabel = new QLabel(tr("&Tickets:"), this);
    ticketsLabel->setBuddy(m_tickets);
    body()->addWidget(ticketsLabel);
    body()->addWidget(m_tickets, 1);

    auto *form = new QFormLayout;
    m_method = new QComboBox(this);
    m_method->setObjectName(QStringLiteral("refundMethod"));
    m_method->addItem(tr("Cash from the drawer"), QStringLiteral("CASH"));
    m_method->addItem(tr("Back to the card"), QStringLiteral("CARD"));
    const int original = m_method->findData(originalTender(m_order));
    m_method->setCurrentIndex(std::max(0, original));
    m_method->setToolTip(tr("How the money goes back; the original tender by default (Alt+M)"));
    form->addRow(tr("&Money back:"), m_method);
    m_amount = new QLabel(this);
    m_amount->setObjectName(QStringLiteral("refundAmount"));
    form->addRow(tr("Amount:"), m_amount);
    body()->addLayout(form);
    finishLayout(tr("&Refund"), tr("Refund the ticked tickets (Alt+R)"));

    connect(m_tickets, &QListWidget::itemChanged, this, &RefundDialog::updateAmount);
    connect(confirmButton(), &QPushButton::clicked, this, &RefundDialog::confirm);
    updateAmount();
    m_tickets->setFocus();
}

void RefundDialog::updateAmount()
{
    const QList<Sync::TicketInfo> chosen = chosenTickets(m_tickets, m_order);
    const QString amount = moneyText(chosenValueCents(m_tickets, m_order), m_order.currency);
    m_amount->setText(tr("%1 for %n ticket(s)", nullptr, int(chosen.size())).arg(amount));
    relabelConfirm(tr("&Refund %1").arg(amount));
    confirmButton()->setEnabled(!chosen.isEmpty());
}

void RefundDialog::confirm()
{
    const QList<Sync::TicketInfo> chosen = chosenTickets(m_tickets, m_order);
    if (chosen.isEmpty()) {
        showError(tr("Tick at least one valid ticket."));
        return;
    }
    int valid = 0;
    for (const Sync::TicketInfo &ticket : m_order.tickets)
        valid += ticket.status == QLatin1StringView("VALID") ? 1 : 0;
    Sync::RefundRequest request;
    if (chosen.size() != valid) {
        for (const Sync::TicketInfo &ticket : chosen)
            request.tickets.append(ticket.code);
    }
    request.reason = reason();
    request.method = m_method->currentData().toString();
    const QString amount = moneyText(chosenValueCents(m_tickets, m_order), m_order.currency);
    run(QStringLiteral("refund"), m_order.id.value(),
        tr("Refund of order %1: %2").arg(m_order.id.value(), amount),
        [this, request](const QString &token) {
            m_services.client.refund(
                m_order.id, request, token, this, [this](Sync::Result<Sync::RefundInfo> refund) {
                    if (!refund) {
                        setBusy(false);
                        showError(
                            tr("The server refused the refund: %1").arg(refund.error().message));
                        return;
                    }
                    const QString amount = moneyText(refund->amountCents, refund->currency);
                    if (refund->method == QLatin1StringView("CASH"))
                        showOutcome(tr("Refunded %1 in cash: give it to the customer from the "
                                       "drawer. Refund %2.")
                                        .arg(amount, refund->id.value()));
                    else
                        showOutcome(tr("Refund %1 of %2 goes back to the card.")
                                        .arg(refund->id.value(), amount));
                    m_tickets->setEnabled(false);
                    m_method->setEnabled(false);
                    followRefund(*refund);
                    emit orderChanged(m_order.id);
                });
        });
}

} // namespace Boxoffice::Gui

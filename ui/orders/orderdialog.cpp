#include "ui/orders/orderdialog.h"

#include "core/common/money.h"
#include "sync/client/apiclient.h"

#include <QDateTime>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace Boxoffice::Gui {

OrderDialog::OrderDialog(Sync::ApiClient &client, const Core::OrderId &order, QWidget *parent)
    : QDialog(parent)
    , m_client(client)
    , m_id(order)
{
    setWindowTitle(tr("Order %1").arg(order.value()));
    resize(640, 420);
    auto *layout = new QVBoxLayout(this);
    m_summary = new QLabel(tr("Reading the order…"), this);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_summary);
    m_tickets = new QTableWidget(0, 3, this);
    m_tickets->setHorizontalHeaderLabels({tr("Seat"), tr("Ticket code"), tr("Status")});
    m_tickets->horizontalHeader()->setStretchLastSection(true);
    m_tickets->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_tickets->verticalHeader()->hide();
    layout->addWidget(m_tickets, 1);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_reprint = buttons->addButton(tr("&Reprint…"), QDialogButtonBox::ActionRole);
    m_reprint->setToolTip(tr("Print the tickets again, stamped REPRINT (Alt+R)"));
    m_pdf = buttons->addButton(tr("Save &PDF…"), QDialogButtonBox::ActionRole);
    m_pdf->setToolTip(tr("Save the tickets as a PDF file (Alt+P)"));
    auto *refresh = buttons->addButton(tr("Re&fresh"), QDialogButtonBox::ActionRole);
    m_reprint->setEnabled(false);
    m_pdf->setEnabled(false);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(refresh, &QPushButton::clicked, this, &OrderDialog::load);
    connect(m_reprint, &QPushButton::clicked, this, [this] {
        if (m_order)
            emit reprintRequested(*m_order);
    });
    connect(m_pdf, &QPushButton::clicked, this, [this] {
        if (m_order)
            emit savePdfRequested(*m_order);
    });
    load();
}

void OrderDialog::load()
{
    m_client.order(m_id, this, [this](Sync::Result<Sync::OrderInfo> answer) {
        if (!answer) {
            m_summary->setText(
                answer.error().code == Core::ErrorCode::NotFound
                    ? tr("There is no order %1.").arg(m_id.value())
                    : tr("The order could not be read: %1").arg(answer.error().message));
            return;
        }
        display(*answer);
    });
}

void OrderDialog::display(const Sync::OrderInfo &order)
{
    m_order = order;
    const auto amount = Core::Money::fromMinor(order.amountCents, order.currency);
    QStringList lines;
    lines << tr("Status: %1").arg(Core::wireName(order.status));
    lines << tr("Show: %1").arg(order.show.value());
    lines << tr("Amount: %1").arg(amount ? amount->toString() : QString());
    if (!order.contact.name.isEmpty() || !order.contact.phone.isEmpty())
        lines << tr("Customer: %1 %2").arg(order.contact.name, order.contact.phone);
    lines << tr("Created: %1")
                 .arg(QLocale().toString(
                     QDateTime::fromMSecsSinceEpoch(order.createdMs).toLocalTime(),
                     QLocale::ShortFormat));
    for (const Sync::PaymentInfo &payment : order.payments)
        lines << tr("Payment %1: %2 %3").arg(payment.id.value(), payment.method, payment.status);
    m_summary->setText(lines.join(QLatin1Char('\n')));
    m_tickets->setRowCount(int(order.tickets.size()));
    for (int row = 0; row < order.tickets.size(); ++row) {
        const Sync::TicketInfo &ticket = order.tickets[row];
        m_tickets->setItem(row, 0, new QTableWidgetItem(ticket.seat.value()));
        m_tickets->setItem(row, 1, new QTableWidgetItem(ticket.code.value()));
        m_tickets->setItem(row, 2, new QTableWidgetItem(ticket.status));
    }
    const bool printable = !order.tickets.isEmpty();
    m_reprint->setEnabled(printable);
    m_pdf->setEnabled(printable);
}

} // namespace Boxoffice::Gui

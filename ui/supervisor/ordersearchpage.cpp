#include "ui/supervisor/ordersearchpage.h"

#include "sync/client/apiclient.h"
#include "ui/supervisor/exchangedialog.h"
#include "ui/supervisor/ordersearchmodel.h"
#include "ui/supervisor/overridedialog.h"
#include "ui/supervisor/refunddialog.h"
#include "ui/supervisor/reprintdialog.h"
#include "ui/supervisor/ticketchoice.h"
#include "ui/supervisor/voiddialog.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>

namespace Boxoffice::Gui {

namespace {

constexpr int kSearchLimit = 50;

QString localTime(qint64 ms)
{
    return ms > 0 ? QDateTime::fromMSecsSinceEpoch(ms).toLocalTime().toString(
                        QStringLiteral("yyyy-MM-dd HH:mm:ss"))
                  : QString();
}

QString matchedText(const QString &matchedBy)
{
    if (matchedBy == QLatin1StringView("ORDER_ID"))
        return OrderSearchPage::tr("matched the order id");
    if (matchedBy == QLatin1StringView("TICKET_CODE"))
        return OrderSearchPage::tr("matched a ticket code");
    if (matchedBy == QLatin1StringView("QR"))
        return OrderSearchPage::tr("matched a scanned ticket");
    if (matchedBy == QLatin1StringView("PHONE"))
        return OrderSearchPage::tr("matched a phone number");
    if (matchedBy == QLatin1StringView("NAME"))
        return OrderSearchPage::tr("matched a customer name");
    return OrderSearchPage::tr("nothing matched");
}

} // namespace

OrderSearchPage::OrderSearchPage(const SupervisorServices &services, QWidget *parent)
    : QWidget(parent)
    , m_services(services)
{
    auto *layout = new QVBoxLayout(this);
    auto *bar = new QHBoxLayout;
    auto *label = new QLabel(tr("&Find:"), this);
    m_query = new QLineEdit(this);
    m_query->setObjectName(QStringLiteral("orderSearch"));
    m_query->setPlaceholderText(tr("Order id, ticket code, scan a ticket, phone or name"));
    m_query->setToolTip(tr("Type or scan, then Enter (Alt+F)"));
    m_query->setClearButtonEnabled(true);
    label->setBuddy(m_query);
    auto *find = new QPushButton(tr("Search"), this);
    find->setToolTip(tr("Search (Enter)"));
    bar->addWidget(label);
    bar->addWidget(m_query, 1);
    bar->addWidget(find);
    layout->addLayout(bar);
    m_matched = new QLabel(this);
    m_matched->setObjectName(QStringLiteral("orderMatched"));
    layout->addWidget(m_matched);

    auto *split = new QSplitter(Qt::Vertical, this);
    m_model = new OrderSearchModel(this);
    m_table = new QTableView(split);
    m_table->setObjectName(QStringLiteral("orderResults"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setToolTip(tr("Arrows choose an order; its detail shows below"));

    auto *detail = new QWidget(split);
    auto *detailLayout = new QVBoxLayout(detail);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    m_summary = new QLabel(tr("Search for an order."), detail);
    m_summary->setObjectName(QStringLiteral("orderDetail"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    detailLayout->addWidget(m_summary);
    m_tickets = new QTableWidget(0, 7, detail);
    m_tickets->setObjectName(QStringLiteral("orderTickets"));
    m_tickets->setHorizontalHeaderLabels({tr("Seat"), tr("Ticket code"), tr("Status"),
                                          tr("Revoked for"), tr("Price"), tr("Prints"),
                                          tr("Replaces")});
    m_tickets->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_tickets->verticalHeader()->hide();
    m_tickets->horizontalHeader()->setStretchLastSection(true);
    detailLayout->addWidget(m_tickets, 1);
    m_money = new QLabel(detail);
    m_money->setObjectName(QStringLiteral("orderMoney"));
    m_money->setWordWrap(true);
    m_money->setTextInteractionFlags(Qt::TextSelectableByMouse);
    detailLayout->addWidget(m_money);
    split->addWidget(m_table);
    split->addWidget(detail);
    split->setStretchFactor(1, 2);
    layout->addWidget(split, 1);

    auto *actions = new QHBoxLayout;
    const bool clerk = needsOverride(m_services.client);
    const QString overrideNote = clerk ? tr("; a supervisor authorises it") : QString();
    m_refund = new QPushButton(tr("&Refund…"), this);
    m_refund->setObjectName(QStringLiteral("actionRefund"));
    m_refund->setToolTip(
        tr("Refund the whole order or chosen tickets (Alt+R)%1").arg(overrideNote));
    m_void = new QPushButton(tr("&Void…"), this);
    m_void->setObjectName(QStringLiteral("actionVoid"));
    m_void->setToolTip(tr("Cancel an unpaid or just-paid order (Alt+V)%1").arg(overrideNote));
    m_reprint = new QPushButton(tr("Re&print…"), this);
    m_reprint->setObjectName(QStringLiteral("actionReprint"));
    m_reprint->setToolTip(
        tr("Print a ticket again with a new code; the old one is revoked (Alt+P)%1")
            .arg(overrideNote));
    m_exchange = new QPushButton(tr("E&xchange…"), this);
    m_exchange->setObjectName(QStringLiteral("actionExchange"));
    m_exchange->setToolTip(
        tr("Exchange tickets for other seats or another show (Alt+X)%1").arg(overrideNote));
    auto *refresh = new QPushButton(tr("Reloa&d"), this);
    refresh->setToolTip(tr("Read the order again (Alt+D)"));
    for (QPushButton *button : {m_refund, m_void, m_reprint, m_exchange})
        actions->addWidget(button);
    actions->addStretch();
    actions->addWidget(refresh);
    layout->addLayout(actions);
    updateActions();

    connect(m_query, &QLineEdit::returnPressed, this, &OrderSearchPage::runSearch);
    connect(find, &QPushButton::clicked, this, &OrderSearchPage::runSearch);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                if (current.isValid())
                    showOrder(Core::OrderId(m_model->data(current, Qt::UserRole).toString()));
            });
    connect(m_refund, &QPushButton::clicked, this, &OrderSearchPage::refund);
    connect(m_void, &QPushButton::clicked, this, &OrderSearchPage::voidOrder);
    connect(m_reprint, &QPushButton::clicked, this, &OrderSearchPage::reprint);
    connect(m_exchange, &QPushButton::clicked, this, &OrderSearchPage::exchange);
    connect(refresh, &QPushButton::clicked, this, [this] {
        if (m_order)
            showOrder(m_order->id);
    });
}

void OrderSearchPage::focusSearch()
{
    m_query->setFocus();
    m_query->selectAll();
}

void OrderSearchPage::search(const QString &text)
{
    m_query->setText(text);
    runSearch();
}

void OrderSearchPage::runSearch()
{
    const QString text = m_query->text().trimmed();
    if (text.isEmpty()) {
        m_matched->setText(tr("Type an order id, a ticket code, a phone number or a name, or "
                              "scan a ticket."));
        return;
    }
    m_matched->setText(tr("Searching…"));
    m_services.client.findOrders(
        text, kSearchLimit, this, [this](Sync::Result<Sync::OrderSearch> found) {
            if (!found) {
                m_matched->setText(tr("The search failed: %1").arg(found.error().message));
                return;
            }
            m_model->setHits(found->orders);
            m_table->resizeColumnsToContents();
            m_matched->setText(tr("%n order(s) — %1", nullptr, int(found->orders.size()))
                                   .arg(matchedText(found->matchedBy)));
            if (!found->orders.isEmpty()) {
                m_table->selectRow(0);
                m_table->setCurrentIndex(m_model->index(0, 0));
            }
            // A scanner sends the next ticket right after: keep the field ready for it.
            m_query->selectAll();
        });
}

void OrderSearchPage::showOrder(const Core::OrderId &order)
{
    m_services.client.order(order, this, [this, order](Sync::Result<Sync::OrderInfo> info) {
        if (!info) {
            m_summary->setText(
                tr("Order %1 could not be read: %2").arg(order.value(), info.error().message));
            return;
        }
        m_model->refresh(*info);
        display(*info);
    });
}

void OrderSearchPage::display(const Sync::OrderInfo &order)
{
    m_order = order;
    QStringList lines;
    lines << tr("<b>Order %1</b> — %2 — %3")
                 .arg(order.id.value(), Core::wireName(order.status),
                      moneyText(order.amountCents, order.currency));
    lines << tr("Show %1; created %2 at terminal %3")
                 .arg(order.show.value(), localTime(order.createdMs),
                      order.terminal.isEmpty() ? tr("(unknown)") : order.terminal.toHtmlEscaped());
    if (!order.contact.name.isEmpty() || !order.contact.phone.isEmpty())
        lines << tr("Customer: %1 %2")
                     .arg(order.contact.name.toHtmlEscaped(), order.contact.phone.toHtmlEscaped());
    m_summary->setText(lines.join(QStringLiteral("<br>")));

    m_tickets->setRowCount(int(order.tickets.size()));
    for (int row = 0; row < order.tickets.size(); ++row) {
        const Sync::TicketInfo &t = order.tickets[row];
        const QStringList cells{t.seat.value(),
                                t.code.value(),
                                t.status,
                                t.revokedReason,
                                moneyText(t.priceCents, order.currency),
                                QString::number(t.printCount),
                                t.reprintOf.value()};
        for (int column = 0; column < cells.size(); ++column)
            m_tickets->setItem(row, column, new QTableWidgetItem(cells[column]));
    }
    m_tickets->resizeColumnsToContents();

    QStringList money;
    for (const Sync::PaymentInfo &p : order.payments)
        money << tr("Payment %1: %2 %3, %4 %5")
                     .arg(p.id.value(), p.source, p.method,
                          moneyText(p.amountCents, order.currency), p.status);
    for (const Sync::RefundInfo &r : order.refunds) {
        QString line = tr("%1 %2: %3 %4 (%5), %n ticket(s), by %6", nullptr, int(r.tickets.size()))
                           .arg(r.kind, r.id.value(), r.method,
                                moneyText(r.amountCents, order.currency), r.status, r.requestedBy);
        if (!r.authorizedBy.isEmpty())
            line += tr(", authorised by %1").arg(r.authorizedBy);
        if (!r.reason.isEmpty())
            line += tr(" — “%1”").arg(r.reason);
        money << line;
    }
    m_money->setText(money.isEmpty() ? tr("No payments.") : money.join(u'\n'));
    updateActions();
    emit orderShown(order);
}

void OrderSearchPage::updateActions()
{
    bool anyValid = false;
    if (m_order) {
        for (const Sync::TicketInfo &t : m_order->tickets)
            anyValid = anyValid || t.status == QLatin1StringView("VALID");
    }
    const bool paid = m_order && (m_order->status == Core::OrderState::Paid ||
                                  m_order->status == Core::OrderState::Ticketed);
    const bool voidable = m_order && (paid || m_order->status == Core::OrderState::PendingPay);
    m_refund->setEnabled(paid && anyValid);
    m_void->setEnabled(voidable);
    m_reprint->setEnabled(anyValid);
    m_exchange->setEnabled(paid && anyValid);
}

template <class Dialog> Dialog *OrderSearchPage::openDialog()
{
    if (!m_order)
        return nullptr;
    auto *dialog = new Dialog(m_services, *m_order, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &OrderActionDialog::orderChanged, this,
            [this](const Core::OrderId &order) { showOrder(order); });
    dialog->open();
    return dialog;
}

void OrderSearchPage::refund()
{
    openDialog<RefundDialog>();
}

void OrderSearchPage::voidOrder()
{
    openDialog<VoidDialog>();
}

void OrderSearchPage::reprint()
{
    if (auto *dialog = openDialog<ReprintDialog>())
        connect(dialog, &ReprintDialog::ticketsSaved, this, &OrderSearchPage::ticketsSaved);
}

void OrderSearchPage::exchange()
{
    if (auto *dialog = openDialog<ExchangeDialog>())
        connect(dialog, &ExchangeDialog::ticketsSaved, this, &OrderSearchPage::ticketsSaved);
}

} // namespace Boxoffice::Gui

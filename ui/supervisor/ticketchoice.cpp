#include "ui/supervisor/ticketchoice.h"

#include "core/common/money.h"

#include <QCoreApplication>
#include <QListWidget>

namespace Boxoffice::Gui {

namespace {

constexpr int kCodeRole = Qt::UserRole + 1;

} // namespace

QString moneyText(qint64 cents, const QString &currency)
{
    const auto money = Core::Money::fromMinor(cents, currency);
    if (money)
        return money->toString();
    return QStringLiteral("%1 %2").arg(double(cents) / 100.0, 0, 'f', 2).arg(currency);
}

void fillTicketChoice(QListWidget *list, const Sync::OrderInfo &order)
{
    list->clear();
    for (const Sync::TicketInfo &ticket : order.tickets) {
        const bool valid = ticket.status == QLatin1StringView("VALID");
        QString text = QStringLiteral("%1 · %2 · %3")
                           .arg(ticket.seat.value(), ticket.code.value(),
                                moneyText(ticket.priceCents, order.currency));
        if (!valid)
            text += QStringLiteral(" · ") + ticket.status +
                    (ticket.revokedReason.isEmpty()
                         ? QString()
                         : QStringLiteral(" (%1)").arg(ticket.revokedReason));
        auto *item = new QListWidgetItem(text, list);
        item->setData(kCodeRole, ticket.code.value());
        if (valid) {
            item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable | Qt::ItemIsSelectable);
            item->setCheckState(Qt::Checked);
        } else {
            item->setFlags(Qt::NoItemFlags);
        }
    }
}

QList<Sync::TicketInfo> chosenTickets(const QListWidget *list, const Sync::OrderInfo &order)
{
    QList<Sync::TicketInfo> chosen;
    for (int row = 0; row < list->count(); ++row) {
        const QListWidgetItem *item = list->item(row);
        if (item->checkState() != Qt::Checked || !(item->flags() & Qt::ItemIsEnabled))
            continue;
        const QString code = item->data(kCodeRole).toString();
        for (const Sync::TicketInfo &ticket : order.tickets) {
            if (ticket.code.value() == code)
                chosen.append(ticket);
        }
    }
    return chosen;
}

qint64 chosenValueCents(const QListWidget *list, const Sync::OrderInfo &order)
{
    qint64 sum = 0;
    for (const Sync::TicketInfo &ticket : chosenTickets(list, order))
        sum += ticket.priceCents;
    return sum;
}

} // namespace Boxoffice::Gui

#pragma once

#include "sync/client/apitypes.h"

class QListWidget;

namespace Boxoffice::Gui {

// A checklist of an order's VALID tickets ("A-5-12 · T-ABC · 45.00"), all checked; the other
// tickets are listed disabled so that the clerk sees why they cannot be chosen.
void fillTicketChoice(QListWidget *list, const Sync::OrderInfo &order);
// The checked tickets, in order.
[[nodiscard]] QList<Sync::TicketInfo> chosenTickets(const QListWidget *list,
                                                    const Sync::OrderInfo &order);
[[nodiscard]] qint64 chosenValueCents(const QListWidget *list, const Sync::OrderInfo &order);
// "45.00 EUR"
[[nodiscard]] QString moneyText(qint64 cents, const QString &currency);

} // namespace Boxoffice::Gui

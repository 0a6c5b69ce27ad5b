#pragma once

#include "ui/supervisor/orderactiondialog.h"

class QComboBox;
class QLabel;
class QListWidget;

namespace Boxoffice::Gui {

// Refund of a whole order or chosen tickets: the valid tickets (all checked), the reason, the
// tender (cash from the drawer or back to the card; the original by default) and the amount on
// the confirm button. Cash completes at once; a card refund is followed to the acquirer's
// answer (retry offered when it fails).
class RefundDialog : public OrderActionDialog
{
    Q_OBJECT
public:
    RefundDialog(const SupervisorServices &services, Sync::OrderInfo order,
                 QWidget *parent = nullptr);

private:
    void updateAmount();
    void confirm();

    QListWidget *m_tickets = nullptr;
    QComboBox *m_method = nullptr;
    QLabel *m_amount = nullptr;
};

// The tender the order was paid with ("CASH"/"CARD"), from its applied payment; "" when none.
[[nodiscard]] QString originalTender(const Sync::OrderInfo &order);

} // namespace Boxoffice::Gui

#pragma once

#include "ui/supervisor/orderactiondialog.h"

namespace Boxoffice::Gui {

// Voids an unpaid order (its hold released) or one paid within the void window (every ticket
// revoked, the whole amount back in the original tender; a card is followed to the acquirer).
class VoidDialog : public OrderActionDialog
{
    Q_OBJECT
public:
    VoidDialog(const SupervisorServices &services, Sync::OrderInfo order,
               QWidget *parent = nullptr);

private:
    void confirm();
};

} // namespace Boxoffice::Gui

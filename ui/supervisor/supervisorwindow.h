#pragma once

#include "ui/supervisor/supervisorservices.h"

#include <QDialog>

class QTabWidget;

namespace Boxoffice::Gui {

class AuditPage;
class OrderSearchPage;
class StuckHoldsPage;

// The supervisor screen: find orders and act on them; for supervisors also the stuck holds and
// the audit log. A clerk sees the orders page with the same actions, each authorised on the spot
// by a supervisor (OverrideDialog). Non-modal; owned by the main window.
class SupervisorWindow : public QDialog
{
    Q_OBJECT
public:
    explicit SupervisorWindow(const SupervisorServices &services, QWidget *parent = nullptr);

    [[nodiscard]] OrderSearchPage *orders() const { return m_orders; }
    // Null for a clerk.
    [[nodiscard]] StuckHoldsPage *holds() const { return m_holds; }
    [[nodiscard]] AuditPage *audit() const { return m_audit; }

    void showOrders();
    void showHolds();
    void showAudit();

private:
    QTabWidget *m_tabs = nullptr;
    OrderSearchPage *m_orders = nullptr;
    StuckHoldsPage *m_holds = nullptr;
    AuditPage *m_audit = nullptr;
};

} // namespace Boxoffice::Gui

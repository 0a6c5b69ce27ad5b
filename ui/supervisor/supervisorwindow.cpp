#include "ui/supervisor/supervisorwindow.h"

#include "sync/client/apiclient.h"
#include "ui/audit/auditpage.h"
#include "ui/supervisor/ordersearchpage.h"
#include "ui/supervisor/overridedialog.h"
#include "ui/supervisor/stuckholdspage.h"

#include <QAction>
#include <QTabWidget>
#include <QVBoxLayout>

namespace Boxoffice::Gui {

SupervisorWindow::SupervisorWindow(const SupervisorServices &services, QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("supervisorWindow"));
    setWindowTitle(tr("Supervisor — %1").arg(services.terminalName));
    setWindowFlag(Qt::WindowMaximizeButtonHint);
    resize(1100, 720);
    auto *layout = new QVBoxLayout(this);
    m_tabs = new QTabWidget(this);
    m_orders = new OrderSearchPage(services, m_tabs);
    m_tabs->addTab(m_orders, tr("&1 Orders"));
    m_tabs->setTabToolTip(0, tr("Find an order and refund, void, reprint or exchange (Alt+1)"));
    if (!needsOverride(services.client)) {
        m_holds = new StuckHoldsPage(services, m_tabs);
        m_tabs->addTab(m_holds, tr("&2 Stuck holds"));
        m_tabs->setTabToolTip(1, tr("Release holds that were left behind (Alt+2)"));
        m_audit = new AuditPage(services.client, m_tabs);
        m_tabs->addTab(m_audit, tr("&3 Audit log"));
        m_tabs->setTabToolTip(2, tr("Who did what, and whether the log is intact (Alt+3)"));
        connect(m_tabs, &QTabWidget::currentChanged, this, [this](int index) {
            if (m_tabs->widget(index) == m_holds)
                m_holds->loadShows();
        });
    }
    layout->addWidget(m_tabs);
}

void SupervisorWindow::showOrders()
{
    m_tabs->setCurrentWidget(m_orders);
    m_orders->focusSearch();
}

void SupervisorWindow::showHolds()
{
    if (m_holds)
        m_tabs->setCurrentWidget(m_holds);
}

void SupervisorWindow::showAudit()
{
    if (m_audit)
        m_tabs->setCurrentWidget(m_audit);
}

} // namespace Boxoffice::Gui

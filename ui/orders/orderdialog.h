#pragma once

#include "sync/client/apitypes.h"

#include <QDialog>

class QLabel;
class QPushButton;
class QTableWidget;

namespace Boxoffice::Sync {
class ApiClient;
}

namespace Boxoffice::Gui {

// One order as the server has it: status, customer, seats, payments and tickets, with
// reprinting. Reads the order when opened and on Refresh.
class OrderDialog : public QDialog
{
    Q_OBJECT
public:
    OrderDialog(Sync::ApiClient &client, const Core::OrderId &order, QWidget *parent = nullptr);

    [[nodiscard]] const std::optional<Sync::OrderInfo> &order() const { return m_order; }

signals:
    void reprintRequested(const Sync::OrderInfo &order);
    void savePdfRequested(const Sync::OrderInfo &order);

private:
    void load();
    void display(const Sync::OrderInfo &order);

    Sync::ApiClient &m_client;
    Core::OrderId m_id;
    std::optional<Sync::OrderInfo> m_order;
    QLabel *m_summary = nullptr;
    QTableWidget *m_tickets = nullptr;
    QPushButton *m_reprint = nullptr;
    QPushButton *m_pdf = nullptr;
};

} // namespace Boxoffice::Gui

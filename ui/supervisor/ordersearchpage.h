#pragma once

#include "sync/client/apitypes.h"
#include "ui/supervisor/supervisorservices.h"

#include <QWidget>

#include <optional>

class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;
class QTableWidget;

namespace Boxoffice::Gui {

class OrderSearchModel;

// Find an order — by order id, ticket code, a scanned QR (keyboard-wedge scanners type it and
// Enter), phone digits or a name — see its detail (status, contact, tickets with their status,
// seat, price and print count, payments, refunds) and act on it: refund, void, reprint,
// exchange. Each action opens its dialog over this page.
class OrderSearchPage : public QWidget
{
    Q_OBJECT
public:
    explicit OrderSearchPage(const SupervisorServices &services, QWidget *parent = nullptr);

    void focusSearch();
    // Searches as if the text had been typed and Enter pressed.
    void search(const QString &text);
    [[nodiscard]] OrderSearchModel *results() const { return m_model; }
    [[nodiscard]] const std::optional<Sync::OrderInfo> &currentOrder() const { return m_order; }

    void refund();
    void voidOrder();
    void reprint();
    void exchange();

signals:
    // The detail of the chosen order was read (after a search, a choice or an action).
    void orderShown(const Sync::OrderInfo &order);
    void ticketsSaved(const QString &path);

private:
    void runSearch();
    void showOrder(const Core::OrderId &order);
    void display(const Sync::OrderInfo &order);
    void updateActions();
    template <class Dialog> Dialog *openDialog();

    SupervisorServices m_services;
    QLineEdit *m_query = nullptr;
    QLabel *m_matched = nullptr;
    OrderSearchModel *m_model = nullptr;
    QTableView *m_table = nullptr;
    QLabel *m_summary = nullptr;
    QTableWidget *m_tickets = nullptr;
    QLabel *m_money = nullptr;
    QPushButton *m_refund = nullptr;
    QPushButton *m_void = nullptr;
    QPushButton *m_reprint = nullptr;
    QPushButton *m_exchange = nullptr;
    std::optional<Sync::OrderInfo> m_order;
};

} // namespace Boxoffice::Gui

#pragma once

#include "sync/client/apitypes.h"
#include "ui/supervisor/supervisorservices.h"

#include <QDialog>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QVBoxLayout;

namespace Boxoffice::Gui {

class CardRefundPanel;

// What the refund, void, reprint and exchange dialogs share: the order they act on, a reason
// field, a confirm button that runs the action once (after a supervisor's override at a
// clerk's terminal), the server's refusal shown in the dialog with every input kept, the outcome,
// and the card refund panel for money that goes back to a card.
class OrderActionDialog : public QDialog
{
    Q_OBJECT
public:
    [[nodiscard]] const Sync::OrderInfo &order() const { return m_order; }

signals:
    // The action went through; the order view should read the order again.
    void orderChanged(const Core::OrderId &order);

protected:
    OrderActionDialog(const SupervisorServices &services, Sync::OrderInfo order,
                      const QString &objectName, QWidget *parent);

    // Adds the reason field (required), the error and outcome labels, the card refund panel and
    // the buttons below what the subclass put in body() so far.
    void finishLayout(const QString &confirmText, const QString &confirmTip);
    [[nodiscard]] QVBoxLayout *body() const { return m_body; }
    [[nodiscard]] QString reason() const;
    [[nodiscard]] QPushButton *confirmButton() const { return m_confirm; }
    [[nodiscard]] QDialogButtonBox *buttons() const { return m_buttons; }
    // Checks the reason, then asks for the override (clerk) and calls `act` with its token.
    void run(const QString &action, const QString &subject, const QString &description,
             std::function<void(const QString &token)> act);
    // While a request is out: the confirm button is off.
    void setBusy(bool busy);
    void showError(const QString &text);
    void showOutcome(const QString &text);
    // Follows a CARD_PENDING refund to the card; other refunds are left alone.
    void followRefund(const Sync::RefundInfo &refund);
    void relabelConfirm(const QString &text);

    SupervisorServices m_services;
    Sync::OrderInfo m_order;

private:
    QVBoxLayout *m_body = nullptr;
    QLineEdit *m_reason = nullptr;
    QLabel *m_error = nullptr;
    QLabel *m_outcome = nullptr;
    CardRefundPanel *m_cardRefund = nullptr;
    QPushButton *m_confirm = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace Boxoffice::Gui

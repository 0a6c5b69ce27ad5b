#pragma once

#include "sync/client/apitypes.h"
#include "sync/client/salecontroller.h"

#include <QWidget>

#include <memory>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;
class QStackedWidget;
class QToolButton;

namespace Boxoffice::Core {
class RowIndex;
class SeatMapModel;
} // namespace Boxoffice::Core

namespace Boxoffice::Gui {

class SeatMapView;
class SeatMapLegend;

// The sale screen: the seat map with its tools on the left, the cart on the right, which turns
// into the hold countdown, the payment panel and finally the tickets. Everything is reachable
// by keyboard; each button's shortcut is in its tooltip.
//
// Talks to the sale controller (a service); never to the network or the database.
class SalePage : public QWidget
{
    Q_OBJECT
public:
    SalePage(Core::SeatMapModel &model, Sync::SaleController &sale, QWidget *parent = nullptr);
    ~SalePage() override;

    void setShow(const Sync::ShowDetail &detail);
    // Offline: no action that needs the server.
    void setOnline(bool online);
    [[nodiscard]] SeatMapView *mapView() const { return m_map; }
    // Whether a card payment may be taken (an acquirer is configured).
    void setCardAvailable(bool available);

    // The actions, also used by the main window's menus (their shortcuts live here).
    void bestAvailable();
    void hold();
    void holdOrPay();
    void cancel();

signals:
    // The clerk wants the tickets of this order printed or saved.
    void printRequested(const Sync::OrderInfo &order);
    void savePdfRequested(const Sync::OrderInfo &order);
    void backToShows();

private:
    void buildCartPage();
    void buildHeldPage();
    void buildDonePage();
    void refreshCart();
    void refreshHeld();
    void refreshStage();
    // What happens once when the sale moves to another stage: fields reset, focus moves.
    void enterStage(Sync::SaleController::Stage stage);
    void refreshChange();
    void showMessage(const QString &text, bool warning);
    void payCash();
    void payCard();
    [[nodiscard]] QString seatLine(int seat) const;
    [[nodiscard]] QString money(qint64 cents) const;
    [[nodiscard]] std::optional<qint64> tenderedCents() const;

    Core::SeatMapModel &m_model;
    Sync::SaleController &m_sale;
    Sync::ShowDetail m_detail;
    // The rows of the open show's venue, built once per show for "best available".
    std::unique_ptr<Core::RowIndex> m_rows;
    bool m_online = true;
    Sync::SaleController::Stage m_shownStage = Sync::SaleController::Stage::Idle;
    bool m_cardAvailable = false;
    // A payment the clerk asked for while the order was still being created.
    enum class PendingPayment
    {
        None,
        Cash,
        Card
    } m_pending = PendingPayment::None;

    QLabel *m_title = nullptr;
    QLabel *m_message = nullptr;
    SeatMapView *m_map = nullptr;
    SeatMapLegend *m_legend = nullptr;
    QSpinBox *m_count = nullptr;
    QComboBox *m_section = nullptr;
    QCheckBox *m_accessible = nullptr;
    QPushButton *m_bestButton = nullptr;
    QStackedWidget *m_panel = nullptr;

    // Cart page
    QListWidget *m_cartList = nullptr;
    QLabel *m_cartTotal = nullptr;
    QPushButton *m_holdButton = nullptr;
    QPushButton *m_clearButton = nullptr;

    // Held / payment page
    QLabel *m_countdown = nullptr;
    QListWidget *m_heldList = nullptr;
    QLabel *m_heldTotal = nullptr;
    QLineEdit *m_name = nullptr;
    QLineEdit *m_phone = nullptr;
    QLineEdit *m_tendered = nullptr;
    QLabel *m_change = nullptr;
    QPushButton *m_cashButton = nullptr;
    QPushButton *m_cardButton = nullptr;
    QComboBox *m_cardOutcome = nullptr;
    QPushButton *m_cancelButton = nullptr;
    QLabel *m_paymentStatus = nullptr;

    // Done page
    QLabel *m_doneSummary = nullptr;
    QListWidget *m_ticketList = nullptr;
    QPushButton *m_printButton = nullptr;
    QPushButton *m_pdfButton = nullptr;
    QPushButton *m_newSaleButton = nullptr;
};

} // namespace Boxoffice::Gui

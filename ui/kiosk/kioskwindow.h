#pragma once

#include "core/common/result.h"
#include "sync/client/apitypes.h"

#include <QTimer>
#include <QWidget>

#include <memory>

class QLabel;
class QListWidget;
class QPushButton;
class QStackedWidget;
class QVBoxLayout;

namespace Boxoffice::Core {
class Clock;
class RowIndex;
class SeatMapModel;
} // namespace Boxoffice::Core

namespace Boxoffice::Sync {
class ApiClient;
class CardAcquirer;
class SaleController;
class ShowSync;
} // namespace Boxoffice::Sync

namespace Boxoffice::Gui {

class KioskInputGuard;
class KioskPinPad;
class SeatMapView;
class TicketPrinter;

// The services the kiosk works with; created and owned by the composition root.
struct KioskServices
{
    Sync::ApiClient &client;
    Sync::ShowSync &sync;
    Sync::SaleController &sale;
    Sync::CardAcquirer &acquirer;
    Core::SeatMapModel &model;
    TicketPrinter &printer;
    const Core::Clock &clock;
};

struct KioskSettings
{
    QString username;      // the kiosk account (on receipts)
    QString terminalName;  // this kiosk's name (on receipts)
    QString ticketDir;     // set: tickets are written here as PDF; empty: the default printer
    int idleSeconds = 60;  // without a touch this long, "Still there?" counts down
    int warnSeconds = 15;  // how long it counts down before the sale is given up
    int maxSeats = 6;      // the most seats one customer picks
    int thanksSeconds = 8; // the thank-you page stays this long
};

// The self-service kiosk: a frameless, full-screen window that stays on top and sells seats
// to the public by touch. Pages:
//
//   Attract -> Shows -> Seats -> Summary -> Paying -> Thanks -> Attract
//
// Every page but Paying (the card is being charged) has a Cancel button that gives the seats
// back at once (SaleController::abandon) and returns to Attract. A declined card gives them
// back too. After idleSeconds without a touch an overlay asks "Still there?" and counts down
// warnSeconds; at 0 the sale is given up and the kiosk shows Attract. That happens on the
// Paying page too while the order has not been placed (the server unreachable): the order is
// cancelled when it arrives and no card is charged. A sale left by a crash is given back at
// start(); a paid one is left alone and logged. Problems that arrive while Attract shows go
// to the log, not to the next customer.
//
// There is no way out for the public (KioskInputGuard): closing, Escape, Alt+F4, Ctrl+Q and
// Ctrl+W do nothing. Five taps in the top-left corner open the supervisor's PIN pad; the
// server checks the PIN (POST /kiosk/unlock) and unlocked() tells the composition root to
// quit. Errors are told in plain words (rate limit, seat limit, server unreachable).
//
// Talks to the sale controller, the show sync and the API client (services); never to the
// database. GUI thread only.
class KioskWindow : public QWidget
{
    Q_OBJECT
public:
    enum class Page
    {
        Attract,
        Shows,
        Seats,
        Summary,
        Paying,
        Thanks,
    };
    Q_ENUM(Page)

    KioskWindow(KioskServices services, KioskSettings settings, QWidget *parent = nullptr);
    ~KioskWindow() override;

    // Guards the application's input, gives back a sale a crashed run left, shows Attract.
    void start();

    [[nodiscard]] Page page() const { return m_page; }
    [[nodiscard]] bool isIdleWarningShown() const;
    [[nodiscard]] bool isPinPadShown() const;
    [[nodiscard]] SeatMapView *mapView() const { return m_map; }
    // The text of the message band (why something failed), empty when none is shown.
    [[nodiscard]] QString message() const;
    [[nodiscard]] int seatCount() const { return m_count; }
    [[nodiscard]] QString lastPdfPath() const { return m_lastPdf; }

signals:
    void pageChanged(Boxoffice::Gui::KioskWindow::Page page);
    // A supervisor unlocked the kiosk: the program ends (status 0).
    void unlocked(const QString &supervisor);
    void ticketsSaved(const QString &path);

protected:
    void closeEvent(QCloseEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void buildAttractPage();
    void buildShowsPage();
    void buildSeatsPage();
    void buildSummaryPage();
    void buildPayingPage();
    void buildThanksPage();
    [[nodiscard]] QPushButton *cancelButton(const QString &name, QWidget *parent);
    void setPage(Page page);
    void showMessage(const QString &text);

    void loadShows();
    void setShows(const QList<Sync::ShowSummary> &shows);
    void openShow(const Core::ShowId &show);
    void handleOpened(const Sync::ShowDetail &detail);
    void setCount(int count);
    void bestAvailable();
    void handleSelectionChanged();
    void refreshSeatsPage();
    void refreshSummary();
    void handleStage();
    void payByCard();
    void handleCompleted(const Sync::OrderInfo &order);
    // To the ticket folder as PDF when there is one, else to the default printer.
    [[nodiscard]] Core::Result<> printTickets(const Sync::OrderInfo &order);

    // Cancel and the idle timeout: give the seats back (abandoned() then shows Attract).
    void giveUp();
    void goToAttract();
    void handleActivity();
    void handleIdle();
    void tickWarning();
    void hideIdleWarning();
    void openPinPad();
    void closePinPad();
    void unlock(const QString &supervisor, const QString &pin);
    void placeOverlays();

    [[nodiscard]] QString money(qint64 cents) const;
    [[nodiscard]] QString seatLine(int seat) const;

    KioskServices m_services;
    KioskSettings m_settings;
    KioskInputGuard *m_guard = nullptr;
    Page m_page = Page::Attract;
    Sync::ShowDetail m_detail;
    std::unique_ptr<Core::RowIndex> m_rows;
    std::vector<int> m_lastSelection; // put back when a tap would pass the seat cap
    int m_count = 2;
    bool m_leaving = false;      // giveUp() waits for the seats to be given back
    bool m_unlocked = false;     // the supervisor's PIN was accepted
    QString m_unlockedBy;        // who, told once the seats are given back
    bool m_payRequested = false; // the customer asked to pay; the order is being created
    bool m_charged = false;      // the card charge was started for this order
    bool m_declined = false;     // the charge failed; the seats are being given back
    QString m_lastPdf;

    QTimer m_idle;
    QTimer m_warningTick;
    QTimer m_thanks;
    int m_warningLeft = 0;

    QLabel *m_message = nullptr;
    QStackedWidget *m_pages = nullptr;

    // Shows
    QVBoxLayout *m_showCards = nullptr;
    QLabel *m_showsStatus = nullptr;

    // Seats
    QLabel *m_showTitle = nullptr;
    SeatMapView *m_map = nullptr;
    QLabel *m_countLabel = nullptr;
    QPushButton *m_countMinus = nullptr;
    QPushButton *m_countPlus = nullptr;
    QPushButton *m_bestButton = nullptr;
    QLabel *m_selectionLabel = nullptr;
    QPushButton *m_continueButton = nullptr;

    // Summary
    QLabel *m_summaryTitle = nullptr;
    QListWidget *m_summaryList = nullptr;
    QLabel *m_summaryTotal = nullptr;
    QLabel *m_countdown = nullptr;
    QPushButton *m_payButton = nullptr;
    QPushButton *m_summaryCancel = nullptr;

    // Paying, Thanks
    QLabel *m_payingText = nullptr;
    QLabel *m_thanksText = nullptr;

    // Overlays
    QWidget *m_idleOverlay = nullptr;
    QLabel *m_idleText = nullptr;
    QWidget *m_pinOverlay = nullptr;
    KioskPinPad *m_pinPad = nullptr;
};

} // namespace Boxoffice::Gui

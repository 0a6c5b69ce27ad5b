#pragma once

#include "sync/client/apitypes.h"
#include "ui/printing/ticketdocument.h"

#include <QMainWindow>
#include <QTimer>

class QLabel;
class QStackedWidget;

namespace Boxoffice::Core {
class Clock;
class SeatMapModel;
} // namespace Boxoffice::Core

namespace Boxoffice::Sync {
class ApiClient;
class CardAcquirer;
class Outbox;
class SaleController;
class ShowSync;
class TerminalCache;
} // namespace Boxoffice::Sync

namespace Boxoffice::Gui {

class SalePage;
class ScanScreen;
class ShiftScreens;
class ShowListPage;
class SupervisorWindow;
struct SupervisorServices;
class TicketPrinter;

// The services a terminal window works with; created and owned by the composition root.
struct TerminalServices
{
    Sync::ApiClient &client;
    Sync::TerminalCache &cache;
    Sync::Outbox &outbox;
    Sync::ShowSync &sync;
    Sync::SaleController &sale;
    Sync::CardAcquirer &acquirer;
    Core::SeatMapModel &model;
    TicketPrinter &printer;
    const Core::Clock &clock;
};

struct TerminalSettings
{
    QString username;     // who is logged in (for receipts)
    QString terminalName; // this terminal's name (for receipts)
    QString ticketDir;    // when set, every sale's tickets are also saved here as a PDF
};

// The clerk's window: the show list and the sale screen, the offline banner, menus with the
// keyboard shortcuts, printing and the order view.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    MainWindow(TerminalServices services, TerminalSettings settings, QWidget *parent = nullptr);

    // Reads the show list; reopens the show of a sale left by an earlier run.
    void start();
    void openShow(const Core::ShowId &show);
    [[nodiscard]] SalePage *salePage() const { return m_salePage; }
    [[nodiscard]] ShowListPage *showListPage() const { return m_showList; }
    // The supervisor screen (created on first use), shown on its orders page.
    SupervisorWindow *openSupervisor();
    [[nodiscard]] ShiftScreens *shifts() const { return m_shifts; }
    // The door scan screen (created on first use) for the open show, or any show when none is
    // open; a window of its own.
    ScanScreen *openDoorScanning();
    // The PDF written last by saving or the ticket folder.
    [[nodiscard]] QString lastPdfPath() const { return m_lastPdf; }

signals:
    void ticketsSaved(const QString &path);

private:
    void buildMenus();
    void loadShows();
    void updateBanner();
    void handleOpened(const Sync::ShowDetail &detail);
    void handleCompleted(const Sync::OrderInfo &order);
    struct PrintJob
    {
        QList<PrintableTicket> tickets;
        PrintableReceipt receipt;
    };
    // The tickets and receipt of an order of the open show; nullopt (after telling the clerk)
    // for another show's order.
    std::optional<PrintJob> printJob(const Sync::OrderInfo &order, bool reprint);
    void printOrder(const Sync::OrderInfo &order, bool reprint);
    void savePdf(const Sync::OrderInfo &order, const QString &path, bool reprint);
    void askPdfPath(const Sync::OrderInfo &order);
    void openOrderDialog(const Core::OrderId &order);
    void askOrderId();
    void showShortcuts();
    void askDayReport();
    [[nodiscard]] SupervisorServices supervisorServices() const;
    [[nodiscard]] bool isOnline() const;

    TerminalServices m_services;
    TerminalSettings m_settings;
    QLabel *m_banner = nullptr;
    QStackedWidget *m_pages = nullptr;
    ShowListPage *m_showList = nullptr;
    SalePage *m_salePage = nullptr;
    QLabel *m_connection = nullptr;
    SupervisorWindow *m_supervisor = nullptr;
    ShiftScreens *m_shifts = nullptr;
    QTimer m_bannerTimer;
    qint64 m_offlineSinceMs = 0;
    Sync::ShowDetail m_detail;
    std::optional<Sync::OrderInfo> m_lastOrder;
    QString m_lastPdf;
    bool m_restorePending = false;
    bool m_sessionEndShown = false;
    int m_probeTicks = 0;
    ScanScreen *m_scanScreen = nullptr;
};

} // namespace Boxoffice::Gui

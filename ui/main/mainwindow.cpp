#include "ui/main/mainwindow.h"

#include "core/common/clock.h"
#include "core/seatmap/seatmapmodel.h"
#include "sync/client/apiclient.h"
#include "sync/client/cardacquirer.h"
#include "sync/client/doorscanner.h"
#include "sync/client/outbox.h"
#include "sync/client/salecontroller.h"
#include "sync/client/showsync.h"
#include "sync/client/terminalcache.h"
#include "ui/orders/orderdialog.h"
#include "ui/printing/ticketprinter.h"
#include "ui/sale/salepage.h"
#include "ui/sale/ticketassembly.h"
#include "ui/scan/scanscreen.h"
#include "ui/shift/shiftscreens.h"
#include "ui/shows/showlistpage.h"
#include "ui/supervisor/ordersearchpage.h"
#include "ui/supervisor/supervisorservices.h"
#include "ui/supervisor/supervisorwindow.h"

#include <QAction>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QInputDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QStackedWidget>
#include <QStatusBar>
#include <QVBoxLayout>

namespace Boxoffice::Gui {

namespace {

// A menu entry that shows a key handled elsewhere (by the button that owns it) without
// registering the shortcut a second time, which would make both ambiguous.
QAction *menuEntry(QMenu *menu, const QString &text, const QKeySequence &key)
{
    return menu->addAction(
        key.isEmpty() ? text
                      : QStringLiteral("%1\t%2").arg(text, key.toString(QKeySequence::NativeText)));
}

QString ageText(qint64 ms)
{
    const qint64 seconds = std::max<qint64>(0, ms / 1000);
    if (seconds < 60)
        return QCoreApplication::translate("Boxoffice::Gui::MainWindow", "%n second(s) ago",
                                           nullptr, int(seconds));
    if (seconds < 3600)
        return QCoreApplication::translate("Boxoffice::Gui::MainWindow", "%n minute(s) ago",
                                           nullptr, int(seconds / 60));
    return QCoreApplication::translate("Boxoffice::Gui::MainWindow", "%n hour(s) ago", nullptr,
                                       int(seconds / 3600));
}

} // namespace

MainWindow::MainWindow(TerminalServices services, TerminalSettings settings, QWidget *parent)
    : QMainWindow(parent)
    , m_services(services)
    , m_settings(std::move(settings))
{
    setWindowTitle(tr("Boxoffice — %1").arg(m_settings.terminalName));
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    m_banner = new QLabel(central);
    m_banner->setObjectName(QStringLiteral("offlineBanner"));
    m_banner->setWordWrap(true);
    m_banner->setAlignment(Qt::AlignCenter);
    m_banner->hide();
    layout->addWidget(m_banner);
    m_pages = new QStackedWidget(central);
    m_showList = new ShowListPage(m_pages);
    m_salePage = new SalePage(m_services.model, m_services.sale, m_pages);
    m_salePage->setCardAvailable(m_services.acquirer.isConfigured());
    m_pages->addWidget(m_showList);
    m_pages->addWidget(m_salePage);
    layout->addWidget(m_pages, 1);
    setCentralWidget(central);
    m_connection = new QLabel(this);
    statusBar()->addPermanentWidget(m_connection);
    statusBar()->showMessage(tr("Logged in as %1 at %2")
                                 .arg(m_settings.username, m_services.client.server().toString()));
    m_shifts = new ShiftScreens(supervisorServices(), this);
    connect(m_shifts, &ShiftScreens::message, this,
            [this](const QString &text) { statusBar()->showMessage(text, 8000); });
    buildMenus();

    connect(m_showList, &ShowListPage::showChosen, this,
            [this](const Sync::ShowSummary &show) { openShow(show.id); });
    connect(m_showList, &ShowListPage::refreshRequested, this, &MainWindow::loadShows);
    connect(m_salePage, &SalePage::backToShows, this, [this] {
        if (m_services.sale.stage() != Sync::SaleController::Stage::Idle) {
            statusBar()->showMessage(tr("Finish or cancel the sale first."), 5000);
            return;
        }
        m_services.sync.close();
        m_services.model.clear();
        m_pages->setCurrentWidget(m_showList);
        loadShows();
        m_showList->focusFilter();
    });
    connect(m_salePage, &SalePage::printRequested, this,
            [this](const Sync::OrderInfo &order) { printOrder(order, false); });
    connect(m_salePage, &SalePage::savePdfRequested, this, &MainWindow::askPdfPath);

    connect(&m_services.sync, &Sync::ShowSync::opened, this, &MainWindow::handleOpened);
    connect(&m_services.sync, &Sync::ShowSync::openFailed, this, [this](const Core::Error &e) {
        m_pages->setCurrentWidget(m_showList);
        QMessageBox::warning(this, tr("Cannot open the show"),
                             e.code == Core::ErrorCode::Unreachable
                                 ? tr("The server is unreachable and this terminal has no copy "
                                      "of the show yet.")
                                 : e.message);
    });
    connect(&m_services.sync, &Sync::ShowSync::stateChanged, this, &MainWindow::updateBanner);
    connect(&m_services.model, &Core::SeatMapModel::freshnessChanged, this,
            &MainWindow::updateBanner);
    connect(&m_services.client, &Sync::ApiClient::reachabilityChanged, this, [this](bool up) {
        if (up)
            m_services.outbox.retryNow();
        updateBanner();
    });
    connect(&m_services.client, &Sync::ApiClient::sessionExpired, this, [this] {
        if (m_sessionEndShown)
            return; // every refused request says it again; the clerk needs it once
        m_sessionEndShown = true;
        auto *box = new QMessageBox(QMessageBox::Warning, tr("Session ended"),
                                    tr("The server ended this session. Restart the terminal and "
                                       "log in again; an open sale is kept."),
                                    QMessageBox::Ok, this);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    });
    connect(&m_services.outbox, &Sync::Outbox::pendingCountChanged, this,
            &MainWindow::updateBanner);
    connect(&m_services.sale, &Sync::SaleController::completed, this, &MainWindow::handleCompleted);
    m_bannerTimer.setInterval(1000);
    connect(&m_bannerTimer, &QTimer::timeout, this, &MainWindow::updateBanner);
    m_bannerTimer.start();
    resize(1280, 800);
}

void MainWindow::buildMenus()
{
    auto *sale = menuBar()->addMenu(tr("&Sale"));
    connect(menuEntry(sale, tr("Find best available"), QKeySequence(Qt::CTRL | Qt::Key_B)),
            &QAction::triggered, m_salePage, &SalePage::bestAvailable);
    connect(menuEntry(sale, tr("Hold seats"), QKeySequence(Qt::Key_F5)), &QAction::triggered,
            m_salePage, &SalePage::hold);
    menuEntry(sale, tr("Pay cash"), QKeySequence(Qt::Key_F6))->setEnabled(false);
    menuEntry(sale, tr("Pay by card"), QKeySequence(Qt::Key_F7))->setEnabled(false);
    connect(menuEntry(sale, tr("Cancel hold"), QKeySequence(Qt::CTRL | Qt::Key_Delete)),
            &QAction::triggered, m_salePage, &SalePage::cancel);
    connect(menuEntry(sale, tr("Clear selection"), QKeySequence(Qt::Key_Escape)),
            &QAction::triggered, m_salePage, &SalePage::cancel);
    menuEntry(sale, tr("Print tickets"), QKeySequence::Print)->setEnabled(false);
    menuEntry(sale, tr("Next customer"), QKeySequence(Qt::Key_F8))->setEnabled(false);
    sale->addSeparator();
    auto *quit = sale->addAction(tr("&Quit"));
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &QWidget::close);

    auto *view = menuBar()->addMenu(tr("&View"));
    menuEntry(view, tr("Zoom in"), QKeySequence(Qt::CTRL | Qt::Key_Plus))->setEnabled(false);
    menuEntry(view, tr("Zoom out"), QKeySequence(Qt::CTRL | Qt::Key_Minus))->setEnabled(false);
    menuEntry(view, tr("Whole venue"), QKeySequence(Qt::CTRL | Qt::Key_0))->setEnabled(false);
    menuEntry(view, tr("Back to the show list"), QKeySequence(Qt::ALT | Qt::Key_Left))
        ->setEnabled(false);

    auto *orders = menuBar()->addMenu(tr("&Orders"));
    auto *open = orders->addAction(tr("&Open order…"));
    open->setShortcut(QKeySequence::Open);
    connect(open, &QAction::triggered, this, &MainWindow::askOrderId);
    auto *last = orders->addAction(tr("&Last sale"));
    last->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    connect(last, &QAction::triggered, this, [this] {
        if (m_lastOrder)
            openOrderDialog(m_lastOrder->id);
        else
            statusBar()->showMessage(tr("No sale yet on this terminal."), 5000);
    });

    const QString role = m_services.client.session().role;
    const bool supervisor =
        role == QLatin1StringView("supervisor") || role == QLatin1StringView("admin");
    if (role != QLatin1StringView("kiosk")) {
        auto *tools = menuBar()->addMenu(tr("Su&pervisor"));
        auto *screen = tools->addAction(tr("&Find order…"));
        screen->setShortcut(QKeySequence(Qt::Key_F9));
        screen->setToolTip(
            tr("Find an order to refund, void, reprint or exchange (F9)%1")
                .arg(supervisor ? QString() : tr("; a supervisor authorises each action")));
        connect(screen, &QAction::triggered, this, &MainWindow::openSupervisor);
        if (supervisor) {
            auto *holds = tools->addAction(tr("Stuck &holds…"));
            holds->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_H));
            connect(holds, &QAction::triggered, this, [this] { openSupervisor()->showHolds(); });
            auto *audit = tools->addAction(tr("&Audit log…"));
            audit->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A));
            connect(audit, &QAction::triggered, this, [this] { openSupervisor()->showAudit(); });
        }

        auto *shift = menuBar()->addMenu(tr("S&hift"));
        auto *open = shift->addAction(tr("&Open shift…"));
        open->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
        connect(open, &QAction::triggered, m_shifts, &ShiftScreens::openShift);
        auto *x = shift->addAction(tr("&X report"));
        x->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_X));
        connect(x, &QAction::triggered, m_shifts, &ShiftScreens::xReport);
        auto *close = shift->addAction(tr("&Close shift…"));
        close->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z));
        connect(close, &QAction::triggered, m_shifts, &ShiftScreens::closeShift);
        if (supervisor) {
            shift->addSeparator();
            auto *day = shift->addAction(tr("&Day report…"));
            day->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D));
            connect(day, &QAction::triggered, this, &MainWindow::askDayReport);
        }
    }

    // Door scanning, for clerks and supervisors (the server takes no offline scans from an
    // admin): the scan screen for the open show.
    if (role == QLatin1StringView("clerk") || role == QLatin1StringView("supervisor")) {
        auto *scan = orders->addAction(tr("&Door scanning…"));
        scan->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
        connect(scan, &QAction::triggered, this, &MainWindow::openDoorScanning);
    }

    auto *help = menuBar()->addMenu(tr("&Help"));
    auto *keys = help->addAction(tr("&Keyboard shortcuts"));
    keys->setShortcut(QKeySequence::HelpContents);
    connect(keys, &QAction::triggered, this, &MainWindow::showShortcuts);
}

void MainWindow::start()
{
    loadShows();
    if (auto show = m_services.sale.savedSaleShow()) {
        m_restorePending = true;
        openShow(*show);
    }
}

void MainWindow::loadShows()
{
    m_services.client.listShows(this, [this](Sync::Result<QList<Sync::ShowSummary>> shows) {
        if (shows) {
            m_showList->setShows(*shows, 0);
            if (auto saved = m_services.cache.saveShows(*shows, m_services.clock.nowMs()); !saved)
                statusBar()->showMessage(
                    tr("Could not cache the show list: %1").arg(saved.error().message), 8000);
            return;
        }
        auto cached = m_services.cache.shows();
        auto when = m_services.cache.showsFetchedMs();
        if (cached && when && !cached->isEmpty())
            m_showList->setShows(*cached, *when);
        statusBar()->showMessage(tr("Could not read the show list: %1").arg(shows.error().message),
                                 8000);
    });
}

void MainWindow::openShow(const Core::ShowId &show)
{
    statusBar()->showMessage(tr("Opening %1…").arg(show.value()));
    m_services.sync.open(show);
}

void MainWindow::handleOpened(const Sync::ShowDetail &detail)
{
    m_detail = detail;
    m_salePage->setShow(detail);
    m_pages->setCurrentWidget(m_salePage);
    statusBar()->clearMessage();
    if (m_restorePending) {
        m_restorePending = false;
        if (m_services.sale.restore()) {
            m_services.outbox.resume();
            statusBar()->showMessage(tr("Resumed the sale that was open before the restart."),
                                     8000);
        }
    }
    updateBanner();
}

bool MainWindow::isOnline() const
{
    return m_services.client.isReachable() &&
           m_services.sync.state() != Sync::ShowSync::State::Offline;
}

void MainWindow::updateBanner()
{
    const bool online = isOnline();
    const qint64 now = m_services.clock.nowMs();
    // With no show open nothing else talks to the server: ask it now and then whether it is
    // back, so the banner clears by itself.
    if (!m_services.client.isReachable() &&
        m_services.sync.state() == Sync::ShowSync::State::Closed && ++m_probeTicks % 5 == 0)
        m_services.client.health(this, [](Sync::Result<>) {});
    if (online)
        m_offlineSinceMs = 0;
    else if (m_offlineSinceMs == 0)
        m_offlineSinceMs = now;
    m_salePage->setOnline(online);

    const Core::SeatMapModel &model = m_services.model;
    QString text;
    QString style;
    if (!online) {
        text = tr("OFFLINE — the server has not answered since %1. Selling is paused and "
                  "resumes by itself when it is back.")
                   .arg(QDateTime::fromMSecsSinceEpoch(m_offlineSinceMs)
                            .toLocalTime()
                            .toString(QStringLiteral("HH:mm:ss")));
        if (model.hasShow() && model.confirmedAtMs() > 0)
            text +=
                QLatin1Char(' ') + tr("The map shows availability as of %1 (%2).")
                                       .arg(QDateTime::fromMSecsSinceEpoch(model.confirmedAtMs())
                                                .toLocalTime()
                                                .toString(QStringLiteral("HH:mm:ss")),
                                            ageText(now - model.confirmedAtMs()));
        style = QStringLiteral("QLabel{background:#a50026;color:white;font-weight:bold;"
                               "padding:8px;}");
    } else if (model.hasShow() && model.freshness() == Core::Freshness::Cached) {
        text = tr("Showing saved availability from %1 while the server confirms it…")
                   .arg(ageText(now - model.confirmedAtMs()));
        style = QStringLiteral("QLabel{background:#fee090;color:#3b2a00;padding:6px;}");
    }
    const int pending = m_services.outbox.pendingCount();
    if (pending > 0 && !text.isEmpty())
        text += QLatin1Char(' ') + tr("%n operation(s) waiting to be sent.", nullptr, pending);
    m_banner->setText(text);
    m_banner->setStyleSheet(style);
    m_banner->setVisible(!text.isEmpty());
    m_connection->setText(online ? tr("● online") : tr("○ OFFLINE"));
}

void MainWindow::handleCompleted(const Sync::OrderInfo &order)
{
    m_lastOrder = order;
    if (m_settings.ticketDir.isEmpty())
        return;
    QDir dir(m_settings.ticketDir);
    if (!dir.mkpath(QStringLiteral("."))) {
        statusBar()->showMessage(tr("Cannot create the ticket folder %1").arg(dir.path()), 8000);
        return;
    }
    savePdf(order, dir.filePath(order.id.value() + QStringLiteral(".pdf")), false);
}

std::optional<MainWindow::PrintJob> MainWindow::printJob(const Sync::OrderInfo &order, bool reprint)
{
    if (order.show != m_detail.summary.id) {
        QMessageBox::information(this, tr("Tickets"),
                                 tr("Open the order's show first to print or save its tickets."));
        return std::nullopt;
    }
    PrintJob job;
    job.tickets = printableTickets(order, m_detail, m_services.model.layout(), reprint);
    job.receipt = printableReceipt(order, m_detail, m_services.model.layout(), m_settings.username,
                                   m_settings.terminalName);
    job.receipt.reprint = reprint;
    return job;
}

void MainWindow::printOrder(const Sync::OrderInfo &order, bool reprint)
{
    const auto job = printJob(order, reprint);
    if (!job)
        return;
    auto printed = m_services.printer.printWithDialog(this, job->tickets, job->receipt);
    if (!printed)
        QMessageBox::warning(this, tr("Printing failed"), printed.error().message);
    else if (*printed)
        statusBar()->showMessage(
            tr("Sent %n ticket(s) to the printer.", nullptr, int(job->tickets.size())), 5000);
}

void MainWindow::savePdf(const Sync::OrderInfo &order, const QString &path, bool reprint)
{
    const auto job = printJob(order, reprint);
    if (!job)
        return;
    auto written = m_services.printer.writePdf(path, job->tickets, job->receipt);
    if (!written) {
        QMessageBox::warning(this, tr("Saving the tickets failed"), written.error().message);
        return;
    }
    m_lastPdf = path;
    statusBar()->showMessage(tr("Tickets saved to %1").arg(QDir::toNativeSeparators(path)), 8000);
    emit ticketsSaved(path);
}

void MainWindow::askPdfPath(const Sync::OrderInfo &order)
{
    const QString suggested =
        QDir(m_settings.ticketDir.isEmpty() ? QDir::homePath() : m_settings.ticketDir)
            .filePath(order.id.value() + QStringLiteral(".pdf"));
    const QString path = QFileDialog::getSaveFileName(this, tr("Save tickets as PDF"), suggested,
                                                      tr("PDF files (*.pdf)"));
    if (!path.isEmpty())
        savePdf(order, path, false);
}

void MainWindow::askOrderId()
{
    bool ok = false;
    const QString id = QInputDialog::getText(this, tr("Open order"), tr("Order id:"),
                                             QLineEdit::Normal, QString(), &ok)
                           .trimmed();
    if (ok && !id.isEmpty())
        openOrderDialog(Core::OrderId(id));
}

void MainWindow::openOrderDialog(const Core::OrderId &order)
{
    auto *dialog = new OrderDialog(m_services.client, order, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &OrderDialog::reprintRequested, this,
            [this](const Sync::OrderInfo &o) { printOrder(o, true); });
    connect(dialog, &OrderDialog::savePdfRequested, this, [this](const Sync::OrderInfo &o) {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Save tickets as PDF"),
            QDir::home().filePath(o.id.value() + QStringLiteral("-reprint.pdf")),
            tr("PDF files (*.pdf)"));
        if (!path.isEmpty())
            savePdf(o, path, true);
    });
    dialog->show();
}

SupervisorServices MainWindow::supervisorServices() const
{
    return SupervisorServices{m_services.client,   m_services.acquirer,    m_services.cache,
                              m_services.printer,  m_services.clock,       m_settings.ticketDir,
                              m_settings.username, m_settings.terminalName};
}

SupervisorWindow *MainWindow::openSupervisor()
{
    if (!m_supervisor) {
        m_supervisor = new SupervisorWindow(supervisorServices(), this);
        connect(m_supervisor->orders(), &OrderSearchPage::ticketsSaved, this,
                [this](const QString &path) {
                    m_lastPdf = path;
                    emit ticketsSaved(path);
                });
    }
    m_supervisor->show();
    m_supervisor->raise();
    m_supervisor->activateWindow();
    m_supervisor->showOrders();
    return m_supervisor;
}

void MainWindow::askDayReport()
{
    bool ok = false;
    const QString date =
        QInputDialog::getText(this, tr("Day report"), tr("Date (YYYY-MM-DD):"), QLineEdit::Normal,
                              QDateTime::fromMSecsSinceEpoch(m_services.clock.nowMs())
                                  .toLocalTime()
                                  .toString(QStringLiteral("yyyy-MM-dd")),
                              &ok)
            .trimmed();
    if (ok && !date.isEmpty())
        m_shifts->dayReport(date);
}

void MainWindow::showShortcuts()
{
    QMessageBox::information(
        this, tr("Keyboard shortcuts"),
        tr("<table>"
           "<tr><td><b>Ctrl+F</b></td><td>find a show; Enter opens it</td></tr>"
           "<tr><td><b>Arrows, Space</b></td><td>move on the map, select a seat</td></tr>"
           "<tr><td><b>Ctrl+B</b></td><td>best available (Alt+A sets how many)</td></tr>"
           "<tr><td><b>F5</b></td><td>hold the selected seats</td></tr>"
           "<tr><td><b>Alt+N, Alt+P, Alt+T</b></td><td>customer name, phone, cash tendered"
           "</td></tr>"
           "<tr><td><b>F6 / Enter</b></td><td>pay cash</td></tr>"
           "<tr><td><b>F7</b></td><td>pay by card</td></tr>"
           "<tr><td><b>Esc</b></td><td>clear the selection</td></tr>"
           "<tr><td><b>Ctrl+Delete</b></td><td>cancel the hold (or stop waiting for a card)"
           "</td></tr>"
           "<tr><td><b>Ctrl+P, Ctrl+S</b></td><td>print or save the tickets</td></tr>"
           "<tr><td><b>F8</b></td><td>next customer</td></tr>"
           "<tr><td><b>Ctrl+O, Ctrl+L</b></td><td>open an order, the last sale</td></tr>"
           "<tr><td><b>Ctrl +, Ctrl −, Ctrl+0</b></td><td>zoom in, out, whole venue</td></tr>"
           "<tr><td><b>Alt+Left</b></td><td>back to the show list</td></tr>"
           "<tr><td><b>F9</b></td><td>find an order: refund, void, reprint, exchange</td></tr>"
           "<tr><td><b>Ctrl+Shift+H, Ctrl+Shift+A</b></td><td>stuck holds, audit log "
           "(supervisors)</td></tr>"
           "<tr><td><b>Ctrl+Shift+O, X, Z</b></td><td>open shift, X report, close shift "
           "(Z report)</td></tr>"
           "<tr><td><b>Ctrl+Shift+D</b></td><td>day report (supervisors)</td></tr>"
           "<tr><td><b>Ctrl+Shift+S</b></td><td>door scanning for the open show</td></tr>"
           "</table>"));
}

// ---------------------------------------------------------------------------------------------
// Door scanning

ScanScreen *MainWindow::openDoorScanning()
{
    if (!m_scanScreen) {
        auto *scanner =
            new Sync::DoorScanner(m_services.client, m_services.cache, m_services.clock);
        scanner->setDoor(m_settings.terminalName);
        scanner->setShow(m_detail.summary.id);
        m_scanScreen = new ScanScreen(*scanner, this);
        scanner->setParent(m_scanScreen);
        m_scanScreen->setWindowFlag(Qt::Window);
        m_scanScreen->resize(1280, 900);
        scanner->start();
    } else if (m_scanScreen->scanner().show() != m_detail.summary.id) {
        m_scanScreen->scanner().setShow(m_detail.summary.id);
        m_scanScreen->scanner().refresh();
    }
    if (auto shows = m_services.cache.shows(); shows)
        m_scanScreen->setShowTitles(*shows);
    m_scanScreen->show();
    m_scanScreen->raise();
    m_scanScreen->activateWindow();
    return m_scanScreen;
}

} // namespace Boxoffice::Gui

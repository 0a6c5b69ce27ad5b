#include "ui/kiosk/kioskwindow.h"

#include "core/seatmap/bestavailable.h"
#include "core/seatmap/seatmapmodel.h"
#include "sync/client/apiclient.h"
#include "sync/client/cardacquirer.h"
#include "sync/client/salecontroller.h"
#include "sync/client/showsync.h"
#include "ui/kiosk/kioskinputguard.h"
#include "ui/kiosk/kioskpinpad.h"
#include "ui/printing/ticketprinter.h"
#include "ui/sale/ticketassembly.h"
#include "ui/seatmap/seatmaplegend.h"
#include "ui/seatmap/seatmapview.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDir>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QLoggingCategory>
#include <QPrinter>
#include <QPushButton>
#include <QScrollArea>
#include <QStackedWidget>
#include <QStyle>
#include <QVBoxLayout>

namespace Boxoffice::Gui {

using Stage = Sync::SaleController::Stage;

namespace {

Q_LOGGING_CATEGORY(lcKiosk, "boxoffice.ui.kiosk")

// Touch-sized: every control at least this high, text readable from a step away.
constexpr int kButtonHeight = 72;

const char kStyle[] = R"(
Boxoffice--Gui--KioskWindow { background: #0f1b2d; }
QLabel { color: #f4f6fa; font-size: 22px; }
Boxoffice--Gui--SeatMapLegend { color: #f4f6fa; font-size: 18px; }
QLabel[kioskHeading="true"] { font-size: 34px; font-weight: bold; }
QLabel#kioskMessage { background: #fde0c5; color: #4a2200; font-size: 24px; padding: 14px;
                      border-bottom: 3px solid #b35806; }
QLabel#countdown { background: #2d4a73; color: white; font-size: 26px; padding: 10px;
                   border-radius: 8px; }
QLabel#countdown[warning="true"] { background: #b35806; }
QPushButton { min-height: 72px; font-size: 26px; padding: 6px 22px; border-radius: 12px;
              background: #2d4a73; color: white; border: 2px solid #4d6a93; }
QPushButton:pressed { background: #1c3050; }
QPushButton:disabled { background: #2a3342; color: #7d8799; border-color: #3a4352; }
QPushButton[kioskRole="go"] { background: #1a7f37; border-color: #2ea44f; font-weight: bold; }
QPushButton[kioskRole="go"]:disabled { background: #2a3342; border-color: #3a4352; }
QPushButton[kioskRole="cancel"] { background: #5c1f1f; border-color: #8a2e2e; }
QPushButton[kioskRole="card"] { text-align: left; padding: 16px 24px; font-size: 24px; }
QPushButton#attractButton { background: transparent; border: none; font-size: 56px;
                            font-weight: bold; color: white; }
QListWidget { font-size: 24px; background: #17263d; color: #f4f6fa; border: none;
              padding: 6px 16px; }
QListWidget::item { padding: 10px; }
QLineEdit { font-size: 28px; padding: 8px; border-radius: 8px; }
QScrollArea, QScrollArea > QWidget > QWidget { background: transparent; border: none; }
QScrollBar:vertical { width: 36px; }
#pinPad, #idlePanel { background: #1d2e48; border: 3px solid #4d6a93; border-radius: 18px; }
#overlay { background: rgba(0, 0, 0, 170); }
)";

// Plural forms in English without a translation loaded: the public reads no "(s)".
QString warningText(int seconds)
{
    return seconds == 1 ? QCoreApplication::translate("Boxoffice::Gui::KioskWindow",
                                                      "Touch the screen to continue.\nStarting "
                                                      "over in 1 second.")
                        : QCoreApplication::translate("Boxoffice::Gui::KioskWindow",
                                                      "Touch the screen to continue.\nStarting "
                                                      "over in %1 seconds.")
                              .arg(seconds);
}

QLabel *heading(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setProperty("kioskHeading", true);
    label->setWordWrap(true);
    return label;
}

QPushButton *touchButton(const QString &text, const QString &name, QWidget *parent)
{
    auto *button = new QPushButton(text, parent);
    button->setObjectName(name);
    button->setMinimumHeight(kButtonHeight);
    button->setFocusPolicy(Qt::NoFocus);
    return button;
}

// A dimmed layer over the whole window with a panel in the middle.
QWidget *overlay(QWidget *window, QWidget *panel)
{
    auto *layer = new QWidget(window);
    layer->setObjectName(QStringLiteral("overlay"));
    layer->setAttribute(Qt::WA_StyledBackground);
    auto *layout = new QVBoxLayout(layer);
    layout->addStretch(1);
    auto *row = new QHBoxLayout;
    row->addStretch(1);
    panel->setParent(layer);
    row->addWidget(panel);
    row->addStretch(1);
    layout->addLayout(row);
    layout->addStretch(1);
    layer->hide();
    return layer;
}

} // namespace

KioskWindow::KioskWindow(KioskServices services, KioskSettings settings, QWidget *parent)
    : QWidget(parent, Qt::Window | Qt::FramelessWindowHint | Qt::WindowStaysOnTopHint)
    , m_services(services)
    , m_settings(std::move(settings))
{
    m_settings.maxSeats = std::max(1, m_settings.maxSeats);
    m_count = std::min(2, m_settings.maxSeats);
    setWindowTitle(tr("Boxoffice kiosk — %1").arg(m_settings.terminalName));
    setAttribute(Qt::WA_StyledBackground);
    setContextMenuPolicy(Qt::NoContextMenu);
    setStyleSheet(QString::fromUtf8(kStyle));
    QFont big = font();
    big.setPixelSize(22);
    setFont(big);

    auto *root = new QVBoxLayout(this);
    root->setContentsMargins(0, 0, 0, 0);
    root->setSpacing(0);
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("kioskMessage"));
    m_message->setWordWrap(true);
    m_message->setAlignment(Qt::AlignCenter);
    m_message->hide();
    root->addWidget(m_message);
    m_pages = new QStackedWidget(this);
    root->addWidget(m_pages, 1);
    buildAttractPage();
    buildShowsPage();
    buildSeatsPage();
    buildSummaryPage();
    buildPayingPage();
    buildThanksPage();

    // "Still there?"
    auto *idlePanel = new QWidget(this);
    idlePanel->setObjectName(QStringLiteral("idlePanel"));
    idlePanel->setAttribute(Qt::WA_StyledBackground);
    idlePanel->setMinimumWidth(560);
    auto *idleLayout = new QVBoxLayout(idlePanel);
    idleLayout->setContentsMargins(40, 32, 40, 32);
    idleLayout->setSpacing(20);
    auto *still = heading(tr("Still there?"), idlePanel);
    still->setAlignment(Qt::AlignCenter);
    m_idleText = new QLabel(idlePanel);
    m_idleText->setObjectName(QStringLiteral("idleText"));
    m_idleText->setAlignment(Qt::AlignCenter);
    m_idleText->setWordWrap(true);
    auto *stay = touchButton(tr("Yes, continue"), QStringLiteral("idleContinue"), idlePanel);
    stay->setProperty("kioskRole", QStringLiteral("go"));
    connect(stay, &QPushButton::clicked, this, &KioskWindow::hideIdleWarning);
    idleLayout->addWidget(still);
    idleLayout->addWidget(m_idleText);
    idleLayout->addWidget(stay);
    m_idleOverlay = overlay(this, idlePanel);

    m_pinPad = new KioskPinPad(this);
    m_pinOverlay = overlay(this, m_pinPad);
    connect(m_pinPad, &KioskPinPad::dismissed, this, &KioskWindow::closePinPad);
    connect(m_pinPad, &KioskPinPad::unlockRequested, this, &KioskWindow::unlock);

    m_idle.setSingleShot(true);
    m_idle.setInterval(std::max(1, m_settings.idleSeconds) * 1000);
    connect(&m_idle, &QTimer::timeout, this, &KioskWindow::handleIdle);
    m_warningTick.setInterval(1000);
    connect(&m_warningTick, &QTimer::timeout, this, &KioskWindow::tickWarning);
    m_thanks.setSingleShot(true);
    m_thanks.setInterval(std::max(1, m_settings.thanksSeconds) * 1000);
    connect(&m_thanks, &QTimer::timeout, this, [this] {
        m_services.sale.finish();
        goToAttract();
    });

    Sync::SaleController &sale = m_services.sale;
    connect(&m_services.sync, &Sync::ShowSync::opened, this, &KioskWindow::handleOpened);
    connect(&m_services.sync, &Sync::ShowSync::openFailed, this, [this](const Core::Error &) {
        setPage(Page::Shows);
        showMessage(tr("Sorry, this show cannot be opened right now. Please choose another or "
                       "ask at the box office."));
    });
    connect(&m_services.model, &Core::SeatMapModel::selectionChanged, this,
            &KioskWindow::handleSelectionChanged);
    connect(&m_services.model, &Core::SeatMapModel::modelReset, this,
            &KioskWindow::refreshSeatsPage);
    connect(&sale, &Sync::SaleController::stageChanged, this, &KioskWindow::handleStage);
    connect(&sale, &Sync::SaleController::holdPlaced, this, [this] {
        refreshSummary();
        setPage(Page::Summary);
    });
    connect(&sale, &Sync::SaleController::seatsTaken, this, [this] {
        showMessage(tr("Sorry, someone else just took some of those seats. They are shown as "
                       "taken now; please choose again."));
    });
    connect(&sale, &Sync::SaleController::holdExpired, this, [this] {
        goToAttract();
        showMessage(tr("Your time ran out and the seats were released."));
    });
    connect(&sale, &Sync::SaleController::problem, this, [this](const QString &text) {
        // While the card is charged the stage tells what happened, in the customer's words;
        // on the attract screen nobody is there to read it (a sale a crash left, say).
        if (m_page == Page::Attract) {
            qCWarning(lcKiosk).noquote() << text;
            return;
        }
        if (!m_leaving && !m_declined && m_page != Page::Paying)
            showMessage(text);
    });
    connect(&sale, &Sync::SaleController::countdown, this, [this](qint64 left) {
        m_countdown->setText(tr("Your seats are held for %1:%2")
                                 .arg(left / 60)
                                 .arg(left % 60, 2, 10, QLatin1Char('0')));
        const bool warn = left <= Sync::SaleController::kWarnSeconds;
        if (m_countdown->property("warning").toBool() != warn) {
            m_countdown->setProperty("warning", warn);
            m_countdown->style()->unpolish(m_countdown);
            m_countdown->style()->polish(m_countdown);
        }
    });
    connect(&sale, &Sync::SaleController::completed, this, &KioskWindow::handleCompleted);
    connect(&sale, &Sync::SaleController::abandoned, this, [this] {
        if (m_unlocked) {
            emit unlocked(m_unlockedBy);
            return;
        }
        if (m_declined) {
            m_declined = false;
            setPage(m_services.model.hasShow() ? Page::Seats : Page::Attract);
            showMessage(tr("Your card payment did not go through, and the seats were "
                           "released. You can choose seats and try again."));
            return;
        }
        if (m_leaving)
            goToAttract();
    });
    resize(1280, 800);
}

KioskWindow::~KioskWindow()
{
    if (m_guard)
        qApp->removeEventFilter(m_guard);
}

void KioskWindow::start()
{
    if (!m_guard) {
        m_guard = new KioskInputGuard(this, this);
        qApp->installEventFilter(m_guard);
        connect(m_guard, &KioskInputGuard::activity, this, &KioskWindow::handleActivity);
        connect(m_guard, &KioskInputGuard::exitRequested, this, &KioskWindow::openPinPad);
    }
    // A customer of a run that crashed is gone: their seats go back on sale.
    m_services.sale.abandonSavedSale();
    goToAttract();
}

// --- pages ---------------------------------------------------------------------------------

void KioskWindow::buildAttractPage()
{
    auto *page = new QWidget(m_pages);
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *button = new QPushButton(tr("Touch to buy tickets"), page);
    button->setObjectName(QStringLiteral("attractButton"));
    button->setFocusPolicy(Qt::NoFocus);
    button->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    connect(button, &QPushButton::clicked, this, [this] {
        showMessage({});
        setPage(Page::Shows);
        loadShows();
    });
    layout->addWidget(button);
    m_pages->addWidget(page);
}

QPushButton *KioskWindow::cancelButton(const QString &name, QWidget *parent)
{
    auto *button = touchButton(tr("Cancel"), name, parent);
    button->setProperty("kioskRole", QStringLiteral("cancel"));
    button->setMinimumWidth(200);
    connect(button, &QPushButton::clicked, this, &KioskWindow::giveUp);
    return button;
}

void KioskWindow::buildShowsPage()
{
    auto *page = new QWidget(m_pages);
    auto *layout = new QVBoxLayout(page);
    // The top-left corner stays empty on every page: the supervisor's taps land there.
    layout->setContentsMargins(KioskInputGuard::kCornerPixels, 24, 32, 24);
    auto *top = new QHBoxLayout;
    top->addWidget(heading(tr("Choose a show"), page), 1);
    top->addWidget(cancelButton(QStringLiteral("cancelShows"), page));
    layout->addLayout(top);
    m_showsStatus = new QLabel(page);
    m_showsStatus->setObjectName(QStringLiteral("showsStatus"));
    layout->addWidget(m_showsStatus);
    auto *scroll = new QScrollArea(page);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto *cards = new QWidget(scroll);
    m_showCards = new QVBoxLayout(cards);
    m_showCards->setSpacing(14);
    m_showCards->addStretch(1);
    scroll->setWidget(cards);
    layout->addWidget(scroll, 1);
    m_pages->addWidget(page);
}

void KioskWindow::buildSeatsPage()
{
    auto *page = new QWidget(m_pages);
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(KioskInputGuard::kCornerPixels, 16, 24, 16);
    auto *top = new QHBoxLayout;
    m_showTitle = heading(QString(), page);
    m_showTitle->setObjectName(QStringLiteral("showTitle"));
    top->addWidget(m_showTitle, 1);
    top->addWidget(cancelButton(QStringLiteral("cancelSeats"), page));
    layout->addLayout(top);

    auto *body = new QHBoxLayout;
    body->setSpacing(20);
    m_map = new SeatMapView(&m_services.model, page);
    m_map->setObjectName(QStringLiteral("seatMap"));
    m_map->setTouchNavigation(true);
    m_map->setContextMenuPolicy(Qt::NoContextMenu);
    // The prices and what the colours mean, in view: a touch screen has no tooltips.
    auto *mapColumn = new QVBoxLayout;
    mapColumn->setSpacing(8);
    mapColumn->addWidget(m_map, 1);
    auto *legend = new SeatMapLegend(&m_services.model, page);
    legend->setObjectName(QStringLiteral("seatLegend"));
    mapColumn->addWidget(legend);
    body->addLayout(mapColumn, 1);

    auto *side = new QVBoxLayout;
    side->setSpacing(12);
    // Its own heading, or the public takes these for the seat count's - and +.
    side->addWidget(new QLabel(tr("Zoom the map"), page));
    auto *zoom = new QHBoxLayout;
    auto *zoomOut = touchButton(QStringLiteral("−"), QStringLiteral("zoomOut"), page);
    auto *zoomIn = touchButton(QStringLiteral("+"), QStringLiteral("zoomIn"), page);
    auto *fit = touchButton(tr("All"), QStringLiteral("zoomFit"), page);
    connect(zoomOut, &QPushButton::clicked, m_map, &SeatMapView::zoomOut);
    connect(zoomIn, &QPushButton::clicked, m_map, &SeatMapView::zoomIn);
    connect(fit, &QPushButton::clicked, m_map, &SeatMapView::fitVenue);
    zoom->addWidget(zoomOut);
    zoom->addWidget(zoomIn);
    zoom->addWidget(fit);
    side->addLayout(zoom);
    side->addSpacing(12);

    side->addWidget(new QLabel(tr("How many seats?"), page));
    auto *stepper = new QHBoxLayout;
    m_countMinus = touchButton(QStringLiteral("−"), QStringLiteral("countMinus"), page);
    m_countPlus = touchButton(QStringLiteral("+"), QStringLiteral("countPlus"), page);
    m_countLabel = heading(QString(), page);
    m_countLabel->setObjectName(QStringLiteral("countValue"));
    m_countLabel->setAlignment(Qt::AlignCenter);
    m_countLabel->setMinimumWidth(80);
    connect(m_countMinus, &QPushButton::clicked, this, [this] { setCount(m_count - 1); });
    connect(m_countPlus, &QPushButton::clicked, this, [this] { setCount(m_count + 1); });
    stepper->addWidget(m_countMinus);
    stepper->addWidget(m_countLabel, 1);
    stepper->addWidget(m_countPlus);
    side->addLayout(stepper);
    m_bestButton = touchButton(tr("Best available"), QStringLiteral("bestButton"), page);
    connect(m_bestButton, &QPushButton::clicked, this, &KioskWindow::bestAvailable);
    side->addWidget(m_bestButton);
    auto *hint = new QLabel(tr("…or tap seats on the map. Drag to move, pinch to zoom."), page);
    hint->setWordWrap(true);
    side->addWidget(hint);
    side->addStretch(1);
    m_selectionLabel = new QLabel(page);
    m_selectionLabel->setObjectName(QStringLiteral("selectionLabel"));
    m_selectionLabel->setWordWrap(true);
    side->addWidget(m_selectionLabel);
    m_continueButton = touchButton(tr("Continue"), QStringLiteral("continueButton"), page);
    m_continueButton->setProperty("kioskRole", QStringLiteral("go"));
    connect(m_continueButton, &QPushButton::clicked, this, [this] {
        showMessage({});
        m_services.sale.holdSelection();
    });
    side->addWidget(m_continueButton);
    auto *sideWidget = new QWidget(page);
    sideWidget->setLayout(side);
    sideWidget->setFixedWidth(380);
    body->addWidget(sideWidget);
    layout->addLayout(body, 1);
    setCount(m_count);
    m_pages->addWidget(page);
}

void KioskWindow::buildSummaryPage()
{
    auto *page = new QWidget(m_pages);
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(KioskInputGuard::kCornerPixels, 24, 96, 24);
    layout->setSpacing(16);
    m_summaryTitle = heading(QString(), page);
    layout->addWidget(m_summaryTitle);
    m_countdown = new QLabel(page);
    m_countdown->setObjectName(QStringLiteral("countdown"));
    m_countdown->setAlignment(Qt::AlignCenter);
    layout->addWidget(m_countdown);
    m_summaryList = new QListWidget(page);
    m_summaryList->setObjectName(QStringLiteral("summaryList"));
    m_summaryList->setFocusPolicy(Qt::NoFocus);
    m_summaryList->setSelectionMode(QAbstractItemView::NoSelection);
    layout->addWidget(m_summaryList, 1);
    m_summaryTotal = heading(QString(), page);
    m_summaryTotal->setObjectName(QStringLiteral("summaryTotal"));
    m_summaryTotal->setAlignment(Qt::AlignRight);
    layout->addWidget(m_summaryTotal);
    auto *buttons = new QHBoxLayout;
    m_summaryCancel = cancelButton(QStringLiteral("cancelSummary"), page);
    m_payButton = touchButton(tr("Pay by card"), QStringLiteral("payButton"), page);
    m_payButton->setProperty("kioskRole", QStringLiteral("go"));
    connect(m_payButton, &QPushButton::clicked, this, &KioskWindow::payByCard);
    buttons->addWidget(m_summaryCancel, 1);
    buttons->addWidget(m_payButton, 2);
    layout->addLayout(buttons);
    m_pages->addWidget(page);
}

void KioskWindow::buildPayingPage()
{
    auto *page = new QWidget(m_pages);
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(KioskInputGuard::kCornerPixels, 24, 96, 24);
    m_payingText = heading(QString(), page);
    m_payingText->setObjectName(QStringLiteral("payingText"));
    m_payingText->setAlignment(Qt::AlignCenter);
    layout->addWidget(m_payingText, 1);
    m_pages->addWidget(page);
}

void KioskWindow::buildThanksPage()
{
    auto *page = new QWidget(m_pages);
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(KioskInputGuard::kCornerPixels, 24, 96, 24);
    m_thanksText = heading(QString(), page);
    m_thanksText->setObjectName(QStringLiteral("thanksText"));
    m_thanksText->setAlignment(Qt::AlignCenter);
    layout->addWidget(m_thanksText, 1);
    auto *done = touchButton(tr("Done"), QStringLiteral("thanksDone"), page);
    done->setProperty("kioskRole", QStringLiteral("go"));
    connect(done, &QPushButton::clicked, this, [this] {
        m_thanks.stop();
        m_services.sale.finish();
        goToAttract();
    });
    layout->addWidget(done);
    m_pages->addWidget(page);
}

void KioskWindow::setPage(Page page)
{
    m_pages->setCurrentIndex(int(page));
    if (m_page == page)
        return;
    m_page = page;
    if (page == Page::Attract)
        m_idle.stop();
    else
        m_idle.start();
    emit pageChanged(page);
}

void KioskWindow::showMessage(const QString &text)
{
    m_message->setText(text);
    m_message->setVisible(!text.isEmpty());
}

QString KioskWindow::message() const
{
    return m_message->isVisible() ? m_message->text() : QString();
}

// --- shows and seats -----------------------------------------------------------------------

void KioskWindow::loadShows()
{
    m_showsStatus->setText(tr("Loading the shows…"));
    m_showsStatus->show();
    m_services.client.listShows(this, [this](Sync::Result<QList<Sync::ShowSummary>> shows) {
        if (m_page != Page::Shows)
            return;
        if (!shows) {
            qCWarning(lcKiosk).noquote() << "cannot read the shows:" << shows.error().message;
            m_showsStatus->setText(tr("Sorry, tickets cannot be sold here right now. Please "
                                      "try again in a moment or ask at the box office."));
            return;
        }
        setShows(*shows);
    });
}

void KioskWindow::setShows(const QList<Sync::ShowSummary> &shows)
{
    while (m_showCards->count() > 1) {
        QLayoutItem *item = m_showCards->takeAt(0);
        delete item->widget();
        delete item;
    }
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    int listed = 0;
    for (const Sync::ShowSummary &show : shows) {
        if (show.status != QLatin1StringView("ON_SALE") || show.availableCount <= 0 ||
            (show.startMs > 0 && show.startMs < now))
            continue;
        const QDateTime start = QDateTime::fromMSecsSinceEpoch(show.startMs).toLocalTime();
        const QString text =
            QStringLiteral("%1\n%2, %3 · %4\n%5")
                .arg(show.title, show.venueName, show.city,
                     QLocale().toString(start, QStringLiteral("ddd d MMM, HH:mm")),
                     show.availableCount == 1
                         ? tr("1 seat left")
                         : tr("%1 seats left").arg(QLocale().toString(show.availableCount)));
        auto *card = touchButton(text, QStringLiteral("showCard"), m_showCards->parentWidget());
        card->setProperty("kioskRole", QStringLiteral("card"));
        card->setProperty("showId", show.id.value());
        card->setMinimumHeight(132);
        const Core::ShowId id = show.id;
        connect(card, &QPushButton::clicked, this, [this, id] { openShow(id); });
        m_showCards->insertWidget(listed++, card);
    }
    m_showsStatus->setText(listed == 0 ? tr("Sorry, nothing is on sale right now.") : QString());
    m_showsStatus->setVisible(listed == 0);
}

void KioskWindow::openShow(const Core::ShowId &show)
{
    showMessage({});
    m_showsStatus->setText(tr("Opening the seat map…"));
    m_showsStatus->show();
    m_services.sync.open(show);
}

void KioskWindow::handleOpened(const Sync::ShowDetail &detail)
{
    if (m_page != Page::Shows && m_page != Page::Seats)
        return; // the customer left while it loaded
    m_detail = detail;
    m_rows = std::make_unique<Core::RowIndex>(m_services.model.layout());
    const QDateTime start = QDateTime::fromMSecsSinceEpoch(detail.summary.startMs).toLocalTime();
    m_showTitle->setText(QStringLiteral("%1 · %2").arg(
        detail.summary.title, QLocale().toString(start, QStringLiteral("ddd d MMM, HH:mm"))));
    m_lastSelection.clear();
    m_services.model.clearSelection();
    setPage(Page::Seats);
    m_map->fitVenue();
    refreshSeatsPage();
}

void KioskWindow::setCount(int count)
{
    m_count = std::clamp(count, 1, m_settings.maxSeats);
    m_countLabel->setText(QString::number(m_count));
    m_countMinus->setEnabled(m_count > 1);
    m_countPlus->setEnabled(m_count < m_settings.maxSeats);
}

void KioskWindow::bestAvailable()
{
    Core::SeatMapModel &model = m_services.model;
    if (!model.hasShow() || m_services.sale.stage() != Stage::Idle)
        return;
    if (!m_rows)
        m_rows = std::make_unique<Core::RowIndex>(model.layout());
    Core::BestAvailableRequest request;
    request.count = m_count;
    auto seats = Core::bestAvailable(model.layout(), *m_rows, model.selectableFlags(), request);
    if (!seats || seats->empty()) {
        showMessage(m_count == 1
                        ? tr("Sorry, no free seat was found. Tap a seat on the map if you see one.")
                        : tr("Sorry, there are no %1 seats together any more. Try fewer "
                             "seats or tap seats on the map.")
                              .arg(m_count));
        return;
    }
    showMessage({});
    model.setSelection(*seats);
    m_map->centreOn(seats->front(), true);
}

void KioskWindow::handleSelectionChanged()
{
    const std::vector<int> &selection = m_services.model.selection();
    if (int(selection.size()) > m_settings.maxSeats) {
        // The seat tapped last would be one too many: put the selection back.
        const std::vector<int> before = m_lastSelection;
        m_services.model.setSelection(before);
        showMessage(m_settings.maxSeats == 1
                        ? tr("You can buy at most 1 seat here.")
                        : tr("You can buy at most %1 seats here.").arg(m_settings.maxSeats));
        return;
    }
    m_lastSelection = selection;
    refreshSeatsPage();
}

void KioskWindow::refreshSeatsPage()
{
    const Core::SeatMapModel &model = m_services.model;
    qint64 total = 0;
    for (int seat : model.selection())
        total += std::max<qint64>(0, model.priceCents(seat));
    const int count = int(model.selection().size());
    m_selectionLabel->setText(
        count == 0
            ? tr("No seats chosen yet.")
            : (count == 1 ? tr("1 seat · %1") : tr("%1 seats · %2").arg(count)).arg(money(total)));
    const bool idle = m_services.sale.stage() == Stage::Idle;
    m_continueButton->setEnabled(idle && count > 0);
    m_bestButton->setEnabled(idle && model.hasShow());
}

void KioskWindow::refreshSummary()
{
    const auto &hold = m_services.sale.hold();
    m_summaryList->clear();
    if (!hold)
        return;
    m_summaryTitle->setText(m_showTitle->text());
    for (const Core::SeatId &seat : hold->seats) {
        const int index = m_services.model.layout().indexOf(seat);
        m_summaryList->addItem(index >= 0 ? seatLine(index) : seat.value());
    }
    m_summaryTotal->setText(tr("Total %1").arg(money(hold->totalCents)));
}

void KioskWindow::payByCard()
{
    Sync::SaleController &sale = m_services.sale;
    if (sale.stage() != Stage::Held && sale.stage() != Stage::AwaitingPayment)
        return;
    if (!m_services.acquirer.isConfigured()) {
        showMessage(tr("Sorry, card payment is not available at this kiosk."));
        return;
    }
    showMessage({});
    m_payRequested = true;
    m_charged = false;
    m_payingText->setText(tr("One moment, please…"));
    setPage(Page::Paying);
    if (sale.stage() == Stage::Held)
        sale.checkout({});
    else
        handleStage();
}

void KioskWindow::handleStage()
{
    Sync::SaleController &sale = m_services.sale;
    const Stage stage = sale.stage();
    refreshSeatsPage();
    m_payButton->setEnabled(stage == Stage::Held || stage == Stage::AwaitingPayment);
    m_summaryCancel->setEnabled(stage == Stage::Held || stage == Stage::AwaitingPayment);
    if (m_leaving || !m_payRequested)
        return;
    switch (stage) {
    case Stage::CardPending:
        m_payingText->setText(sale.order()
                                  ? tr("To pay: %1\n\nPlease follow the instructions on the card "
                                       "terminal…")
                                        .arg(money(sale.order()->amountCents))
                                  : tr("Please follow the instructions on the card terminal…"));
        return;
    case Stage::AwaitingPayment:
        if (!m_charged) {
            m_charged = true;
            sale.payCard({});
            return;
        }
        // The charge ended without a payment: declined, failed or never started. The seats go
        // back at once; the customer may choose again.
        m_payRequested = false;
        m_charged = false;
        m_declined = true;
        sale.abandon(); // abandoned() shows the seat map again
        return;
    case Stage::Held:
        // The order could not be created (the reason is in the message band).
        m_payRequested = false;
        setPage(Page::Summary);
        return;
    case Stage::Idle:
        m_payRequested = false;
        m_charged = false;
        return;
    default:
        return;
    }
}

void KioskWindow::handleCompleted(const Sync::OrderInfo &order)
{
    m_payRequested = false;
    m_charged = false;
    if (auto printed = printTickets(order); !printed) {
        qCCritical(lcKiosk).noquote() << "order" << order.id.value()
                                      << "paid, but its tickets failed:" << printed.error().message;
        m_thanksText->setText(tr("Thank you! Your payment went through.\n\nYour tickets could not "
                                 "be printed here: please show order\n%1\nat the box office.")
                                  .arg(order.id.value()));
    } else {
        m_thanksText->setText(tr("Thank you!\nPlease take your tickets.\n\nEnjoy the show."));
    }
    setPage(Page::Thanks);
    m_thanks.start();
}

Core::Result<> KioskWindow::printTickets(const Sync::OrderInfo &order)
{
    const QList<PrintableTicket> tickets =
        printableTickets(order, m_detail, m_services.model.layout(), false);
    const PrintableReceipt receipt = printableReceipt(order, m_detail, m_services.model.layout(),
                                                      m_settings.username, m_settings.terminalName);
    if (m_settings.ticketDir.isEmpty()) {
        QPrinter printer(QPrinter::HighResolution);
        if (!printer.isValid())
            return Core::fail(Core::ErrorCode::Internal, QStringLiteral("no printer is set up"));
        return m_services.printer.printTo(printer, tickets, receipt);
    }
    QDir dir(m_settings.ticketDir);
    if (!dir.mkpath(QStringLiteral(".")))
        return Core::fail(Core::ErrorCode::Internal,
                          QStringLiteral("cannot create the ticket folder %1").arg(dir.path()));
    const QString path = dir.filePath(order.id.value() + QStringLiteral(".pdf"));
    if (auto written = m_services.printer.writePdf(path, tickets, receipt); !written)
        return written;
    m_lastPdf = path;
    emit ticketsSaved(path);
    return {};
}

// --- leaving -------------------------------------------------------------------------------

void KioskWindow::giveUp()
{
    const bool ordering = m_services.sale.stage() == Stage::Ordering;
    if (m_page == Page::Paying && !ordering)
        return; // the card is being charged
    hideIdleWarning();
    m_payRequested = false;
    m_charged = false;
    m_leaving = true;
    m_services.sale.abandon(); // abandoned() -> goToAttract()
    if (ordering) {
        // The order waits in the outbox until the server answers, which may take long while
        // it is unreachable: the sale cancels it when it comes (no card is charged, the
        // customer having gone), and the kiosk starts over now.
        goToAttract();
    }
}

void KioskWindow::goToAttract()
{
    if (m_unlocked) {
        emit unlocked(m_unlockedBy);
        return;
    }
    m_leaving = false;
    m_declined = false;
    m_payRequested = false;
    m_charged = false;
    m_thanks.stop();
    m_warningTick.stop();
    m_idleOverlay->hide();
    closePinPad();
    showMessage({});
    if (m_services.sale.stage() == Stage::Idle) {
        m_services.sync.close();
        m_services.model.clear();
    }
    m_detail = {};
    m_rows.reset();
    m_lastSelection.clear();
    setCount(std::min(2, m_settings.maxSeats));
    setPage(Page::Attract);
}

void KioskWindow::handleActivity()
{
    if (m_idleOverlay->isVisible())
        hideIdleWarning();
    else if (m_page != Page::Attract)
        m_idle.start();
}

void KioskWindow::handleIdle()
{
    // Nobody is asked while the card is charged or the tickets come out; an order that does
    // not come (the server unreachable) is asked about as any other wait.
    const bool charging = m_page == Page::Paying && m_services.sale.stage() != Stage::Ordering;
    if (m_page == Page::Attract || charging || m_page == Page::Thanks || m_leaving)
        return;
    m_warningLeft = std::max(1, m_settings.warnSeconds);
    m_idleText->setText(warningText(m_warningLeft));
    m_idleOverlay->raise();
    m_idleOverlay->show();
    m_warningTick.start();
}

void KioskWindow::tickWarning()
{
    if (--m_warningLeft > 0) {
        m_idleText->setText(warningText(m_warningLeft));
        return;
    }
    m_warningTick.stop();
    qCInfo(lcKiosk) << "no touch for a while: giving the sale up";
    giveUp();
}

void KioskWindow::hideIdleWarning()
{
    m_warningTick.stop();
    m_idleOverlay->hide();
    if (m_page != Page::Attract)
        m_idle.start();
}

bool KioskWindow::isIdleWarningShown() const
{
    return m_idleOverlay->isVisible();
}

bool KioskWindow::isPinPadShown() const
{
    return m_pinOverlay->isVisible();
}

void KioskWindow::openPinPad()
{
    if (m_page == Page::Paying || m_unlocked)
        return;
    m_pinPad->reset();
    m_pinOverlay->raise();
    m_pinOverlay->show();
    m_pinPad->reset(); // focus can only go to a visible field
    m_idle.start();
}

void KioskWindow::closePinPad()
{
    m_pinOverlay->hide();
}

void KioskWindow::unlock(const QString &supervisor, const QString &pin)
{
    m_pinPad->setBusy(true);
    m_pinPad->setMessage(tr("Checking…"), false);
    m_services.client.unlockKiosk(
        supervisor, pin, this, [this](Sync::Result<Sync::KioskUnlock> answer) {
            m_pinPad->setBusy(false);
            if (!answer) {
                const Core::ErrorCode code = answer.error().code;
                if (code == Core::ErrorCode::BadCredentials)
                    m_pinPad->clearPin();
                m_pinPad->setMessage(
                    code == Core::ErrorCode::BadCredentials
                        ? tr("Wrong name or PIN. The kiosk stays locked.")
                    : code == Core::ErrorCode::Unreachable
                        ? tr("The server cannot be reached; the PIN cannot be checked.")
                    : code == Core::ErrorCode::RateLimited
                        ? tr("Too many wrong PINs for this supervisor. Wait, then try again.")
                        : tr("Not unlocked: %1").arg(answer.error().message),
                    true);
                return;
            }
            qCInfo(lcKiosk).noquote() << "unlocked by" << answer->supervisor;
            m_unlocked = true;
            m_unlockedBy = answer->supervisor;
            if (m_guard)
                m_guard->allowClose(true);
            m_pinPad->setMessage(tr("Unlocked by %1.").arg(answer->supervisor), false);
            // A finished sale has nothing to give back (abandon() ignores it and would never
            // answer); an open one goes back first and abandoned() then says unlocked(). One
            // whose money is being recorded ends on the thank-you page, which says it then.
            if (m_services.sale.stage() == Stage::Completed)
                m_services.sale.finish();
            m_leaving = true;
            m_services.sale.abandon();
        });
}

void KioskWindow::closeEvent(QCloseEvent *event)
{
    if (!m_unlocked) {
        event->ignore();
        return;
    }
    QWidget::closeEvent(event);
}

void KioskWindow::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    placeOverlays();
}

void KioskWindow::placeOverlays()
{
    m_idleOverlay->setGeometry(rect());
    m_pinOverlay->setGeometry(rect());
}

// --- text ----------------------------------------------------------------------------------

QString KioskWindow::money(qint64 cents) const
{
    return saleMoney(m_services.model, m_detail, cents);
}

QString KioskWindow::seatLine(int index) const
{
    return saleSeatLine(m_services.model, m_detail, index);
}

} // namespace Boxoffice::Gui

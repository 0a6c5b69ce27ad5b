#include "ui/sale/salepage.h"

#include "core/common/money.h"
#include "core/seatmap/bestavailable.h"
#include "core/seatmap/seatmapmodel.h"
#include "ui/sale/ticketassembly.h"
#include "ui/seatmap/seatmaplegend.h"
#include "ui/seatmap/seatmapview.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QShortcut>
#include <QSpinBox>
#include <QStackedWidget>
#include <QToolButton>
#include <QVBoxLayout>

namespace Boxoffice::Gui {

using Stage = Sync::SaleController::Stage;

namespace {

constexpr int kMaxBestAvailable = 10;

// A button whose tooltip names its shortcut, so clerks learn the keys.
QPushButton *actionButton(const QString &text, const QKeySequence &key, const QString &help,
                          QWidget *parent)
{
    auto *button = new QPushButton(text, parent);
    if (!key.isEmpty()) {
        button->setShortcut(key);
        button->setToolTip(
            QStringLiteral("%1 (%2)").arg(help, key.toString(QKeySequence::NativeText)));
    } else {
        button->setToolTip(help);
    }
    return button;
}

QToolButton *toolButton(const QString &text, const QKeySequence &key, const QString &help,
                        QWidget *parent)
{
    auto *button = new QToolButton(parent);
    button->setText(text);
    button->setToolTip(QStringLiteral("%1 (%2)").arg(help, key.toString(QKeySequence::NativeText)));
    auto *shortcut = new QShortcut(key, parent);
    QObject::connect(shortcut, &QShortcut::activated, button, &QToolButton::click);
    return button;
}

// QAbstractButton::setText replaces the shortcut with the text's mnemonic: keep the key.
void retitle(QPushButton *button, const QString &text)
{
    if (button->text() == text)
        return;
    const QKeySequence key = button->shortcut();
    button->setText(text);
    button->setShortcut(key);
}

QLabel *heading(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    QFont font = label->font();
    font.setBold(true);
    font.setPointSizeF(font.pointSizeF() * 1.15);
    label->setFont(font);
    return label;
}

} // namespace

SalePage::SalePage(Core::SeatMapModel &model, Sync::SaleController &sale, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_sale(sale)
{
    auto *root = new QVBoxLayout(this);
    root->setContentsMargins(6, 6, 6, 6);

    auto *header = new QHBoxLayout;
    auto *back = toolButton(tr("◀ Shows"), QKeySequence(Qt::ALT | Qt::Key_Left),
                            tr("Back to the show list"), this);
    connect(back, &QToolButton::clicked, this, &SalePage::backToShows);
    m_title = heading(QString(), this);
    header->addWidget(back);
    header->addWidget(m_title, 1);
    root->addLayout(header);

    m_message = new QLabel(this);
    m_message->setWordWrap(true);
    m_message->setObjectName(QStringLiteral("saleMessage"));
    m_message->hide();
    root->addWidget(m_message);

    auto *body = new QHBoxLayout;
    root->addLayout(body, 1);

    // The map with its tools.
    auto *left = new QVBoxLayout;
    auto *tools = new QHBoxLayout;
    m_map = new SeatMapView(&m_model, this);
    m_map->setObjectName(QStringLiteral("seatMap"));
    auto *zoomOut = toolButton(QStringLiteral("−"), QKeySequence(Qt::CTRL | Qt::Key_Minus),
                               tr("Zoom out"), this);
    auto *zoomIn =
        toolButton(QStringLiteral("+"), QKeySequence(Qt::CTRL | Qt::Key_Plus), tr("Zoom in"), this);
    auto *fit =
        toolButton(tr("Fit"), QKeySequence(Qt::CTRL | Qt::Key_0), tr("Show the whole venue"), this);
    connect(zoomOut, &QToolButton::clicked, m_map, &SeatMapView::zoomOut);
    connect(zoomIn, &QToolButton::clicked, m_map, &SeatMapView::zoomIn);
    connect(fit, &QToolButton::clicked, m_map, &SeatMapView::fitVenue);
    tools->addWidget(zoomOut);
    tools->addWidget(zoomIn);
    tools->addWidget(fit);
    tools->addSpacing(16);
    auto *countLabel = new QLabel(tr("Best &available:"), this);
    m_count = new QSpinBox(this);
    m_count->setRange(1, kMaxBestAvailable);
    m_count->setValue(2);
    m_count->setToolTip(tr("How many adjacent seats to find (Alt+A)"));
    countLabel->setBuddy(m_count);
    m_section = new QComboBox(this);
    m_section->setToolTip(tr("Where to look for the best seats"));
    m_accessible = new QCheckBox(tr("&Wheelchair"), this);
    m_accessible->setToolTip(tr("Include a wheelchair space and its companion seats (Alt+W)"));
    m_bestButton = actionButton(tr("Find"), QKeySequence(Qt::CTRL | Qt::Key_B),
                                tr("Select the best adjacent seats"), this);
    connect(m_bestButton, &QPushButton::clicked, this, &SalePage::bestAvailable);
    tools->addWidget(countLabel);
    tools->addWidget(m_count);
    tools->addWidget(m_section);
    tools->addWidget(m_accessible);
    tools->addWidget(m_bestButton);
    tools->addStretch(1);
    left->addLayout(tools);
    left->addWidget(m_map, 1);
    m_legend = new SeatMapLegend(&m_model, this);
    left->addWidget(m_legend);
    body->addLayout(left, 1);

    m_panel = new QStackedWidget(this);
    m_panel->setFixedWidth(370);
    body->addWidget(m_panel);
    buildCartPage();
    buildHeldPage();
    buildDonePage();

    connect(&m_model, &Core::SeatMapModel::selectionChanged, this, &SalePage::refreshCart);
    connect(&m_model, &Core::SeatMapModel::modelReset, this, &SalePage::refreshCart);
    connect(&m_sale, &Sync::SaleController::stageChanged, this, &SalePage::refreshStage);
    connect(&m_sale, &Sync::SaleController::holdPlaced, this, [this] {
        showMessage({}, false);
        // A new customer: nothing of the last one's name, phone or cash stays behind.
        m_name->clear();
        m_phone->clear();
        m_tendered->clear();
        refreshHeld();
        m_tendered->setFocus();
        m_tendered->selectAll();
    });
    connect(&m_sale, &Sync::SaleController::countdown, this, [this](qint64 left) {
        const bool warn = left <= Sync::SaleController::kWarnSeconds;
        const QString time =
            QStringLiteral("%1:%2").arg(left / 60).arg(left % 60, 2, 10, QLatin1Char('0'));
        const bool payment = m_sale.order().has_value();
        m_countdown->setText(payment ? tr("Payment window: %1").arg(time)
                                     : tr("Held for %1").arg(time));
        m_countdown->setProperty("warning", warn);
        m_countdown->setStyleSheet(
            warn ? QStringLiteral("QLabel{background:#b35806;color:white;padding:6px;"
                                  "border-radius:4px;font-weight:bold;}")
                 : QStringLiteral("QLabel{background:#2d4a73;color:white;padding:6px;"
                                  "border-radius:4px;}"));
    });
    connect(&m_sale, &Sync::SaleController::deadlineNear, this, [this](int left) {
        showMessage(tr("Less than %1 seconds left: finish the payment or the seats are released.")
                        .arg(left),
                    true);
    });
    connect(&m_sale, &Sync::SaleController::seatsTaken, this,
            [this](const QList<Core::SeatId> &seats) {
                QStringList names;
                for (const Core::SeatId &seat : seats) {
                    const int index = m_model.layout().indexOf(seat);
                    names.append(index >= 0 ? seatLine(index) : seat.value());
                }
                showMessage(tr("Another terminal took %n seat(s) just now: %1. They are shown as "
                               "taken; the rest of your selection is kept.",
                               nullptr, int(seats.size()))
                                .arg(names.join(QStringLiteral("; "))),
                            true);
            });
    connect(&m_sale, &Sync::SaleController::problem, this,
            [this](const QString &text) { showMessage(text, true); });
    connect(&m_sale, &Sync::SaleController::orderChanged, this, &SalePage::refreshHeld);
    connect(&m_sale, &Sync::SaleController::completed, this, &SalePage::refreshStage);

    refreshStage();
}

SalePage::~SalePage() = default;

void SalePage::buildCartPage()
{
    auto *page = new QWidget(m_panel);
    auto *layout = new QVBoxLayout(page);
    layout->addWidget(heading(tr("Selected seats"), page));
    m_cartList = new QListWidget(page);
    m_cartList->setObjectName(QStringLiteral("cartList"));
    layout->addWidget(m_cartList, 1);
    m_cartTotal = heading(QString(), page);
    layout->addWidget(m_cartTotal);
    m_holdButton = actionButton(tr("Hold seats"), QKeySequence(Qt::Key_F5),
                                tr("Hold the selected seats for this customer"), page);
    m_holdButton->setObjectName(QStringLiteral("holdButton"));
    m_holdButton->setMinimumHeight(40);
    connect(m_holdButton, &QPushButton::clicked, this, &SalePage::holdOrPay);
    m_clearButton = actionButton(tr("Clear selection"), QKeySequence(Qt::Key_Escape),
                                 tr("Deselect all seats"), page);
    connect(m_clearButton, &QPushButton::clicked, this, &SalePage::cancel);
    layout->addWidget(m_holdButton);
    layout->addWidget(m_clearButton);
    m_panel->addWidget(page);
}

void SalePage::buildHeldPage()
{
    auto *page = new QWidget(m_panel);
    auto *layout = new QVBoxLayout(page);
    m_countdown = new QLabel(page);
    m_countdown->setObjectName(QStringLiteral("countdown"));
    m_countdown->setAlignment(Qt::AlignCenter);
    QFont big = m_countdown->font();
    big.setPointSizeF(big.pointSizeF() * 1.5);
    m_countdown->setFont(big);
    layout->addWidget(m_countdown);
    layout->addWidget(heading(tr("Held seats"), page));
    m_heldList = new QListWidget(page);
    m_heldList->setObjectName(QStringLiteral("heldList"));
    layout->addWidget(m_heldList, 1);
    m_heldTotal = heading(QString(), page);
    layout->addWidget(m_heldTotal);

    auto *form = new QFormLayout;
    m_name = new QLineEdit(page);
    m_name->setObjectName(QStringLiteral("customerName"));
    m_name->setPlaceholderText(tr("optional for walk-ins"));
    m_name->setMaxLength(100);
    m_phone = new QLineEdit(page);
    m_phone->setPlaceholderText(tr("optional for walk-ins"));
    m_phone->setMaxLength(32);
    m_tendered = new QLineEdit(page);
    m_tendered->setObjectName(QStringLiteral("tendered"));
    m_tendered->setToolTip(tr("Cash handed over, e.g. 50 or 42.50 (Alt+T)"));
    m_change = new QLabel(page);
    m_change->setObjectName(QStringLiteral("change"));
    auto *nameLabel = new QLabel(tr("Customer &name:"), page);
    nameLabel->setBuddy(m_name);
    auto *phoneLabel = new QLabel(tr("&Phone:"), page);
    phoneLabel->setBuddy(m_phone);
    auto *tenderedLabel = new QLabel(tr("Cash &tendered:"), page);
    tenderedLabel->setBuddy(m_tendered);
    form->addRow(nameLabel, m_name);
    form->addRow(phoneLabel, m_phone);
    form->addRow(tenderedLabel, m_tendered);
    form->addRow(tr("Change:"), m_change);
    layout->addLayout(form);
    connect(m_tendered, &QLineEdit::textChanged, this, &SalePage::refreshChange);
    connect(m_tendered, &QLineEdit::returnPressed, this, &SalePage::payCash);

    m_cashButton = actionButton(tr("Pay cash"), QKeySequence(Qt::Key_F6),
                                tr("Take the cash and issue the tickets"), page);
    m_cashButton->setObjectName(QStringLiteral("cashButton"));
    m_cashButton->setMinimumHeight(40);
    connect(m_cashButton, &QPushButton::clicked, this, &SalePage::payCash);
    layout->addWidget(m_cashButton);

    auto *card = new QHBoxLayout;
    m_cardButton = actionButton(tr("Pay by card"), QKeySequence(Qt::Key_F7),
                                tr("Charge the card through the acquirer"), page);
    m_cardButton->setObjectName(QStringLiteral("cardButton"));
    connect(m_cardButton, &QPushButton::clicked, this, &SalePage::payCard);
    m_cardOutcome = new QComboBox(page);
    m_cardOutcome->setObjectName(QStringLiteral("cardOutcome"));
    m_cardOutcome->setToolTip(tr("Card acquirer simulator: the answer it will give"));
    m_cardOutcome->addItem(tr("approve"), QStringLiteral("approve"));
    m_cardOutcome->addItem(tr("decline"), QStringLiteral("decline"));
    card->addWidget(m_cardButton, 1);
    card->addWidget(m_cardOutcome);
    layout->addLayout(card);

    m_paymentStatus = new QLabel(page);
    m_paymentStatus->setWordWrap(true);
    layout->addWidget(m_paymentStatus);
    // Not Esc: a clerk pressing Esc in a text field must not lose the customer's seats.
    m_cancelButton = actionButton(tr("Cancel hold"), QKeySequence(Qt::CTRL | Qt::Key_Delete),
                                  tr("Release the seats, or stop waiting for a card"), page);
    m_cancelButton->setObjectName(QStringLiteral("cancelButton"));
    connect(m_cancelButton, &QPushButton::clicked, this, &SalePage::cancel);
    layout->addWidget(m_cancelButton);
    m_panel->addWidget(page);
}

void SalePage::buildDonePage()
{
    auto *page = new QWidget(m_panel);
    auto *layout = new QVBoxLayout(page);
    m_doneSummary = heading(QString(), page);
    m_doneSummary->setObjectName(QStringLiteral("doneSummary"));
    m_doneSummary->setWordWrap(true);
    layout->addWidget(m_doneSummary);
    m_ticketList = new QListWidget(page);
    m_ticketList->setObjectName(QStringLiteral("ticketList"));
    layout->addWidget(m_ticketList, 1);
    m_printButton = actionButton(tr("Print tickets…"), QKeySequence::Print,
                                 tr("Print the tickets and the receipt"), page);
    m_pdfButton = actionButton(tr("Save as PDF…"), QKeySequence::Save,
                               tr("Save the tickets and the receipt as a PDF file"), page);
    m_newSaleButton = actionButton(tr("Next customer"), QKeySequence(Qt::Key_F8),
                                   tr("Finish this sale and start the next"), page);
    m_newSaleButton->setObjectName(QStringLiteral("newSaleButton"));
    m_newSaleButton->setMinimumHeight(40);
    connect(m_printButton, &QPushButton::clicked, this, [this] {
        if (m_sale.order())
            emit printRequested(*m_sale.order());
    });
    connect(m_pdfButton, &QPushButton::clicked, this, [this] {
        if (m_sale.order())
            emit savePdfRequested(*m_sale.order());
    });
    connect(m_newSaleButton, &QPushButton::clicked, this, [this] {
        m_sale.finish();
        showMessage({}, false);
        m_map->setFocus();
    });
    layout->addWidget(m_printButton);
    layout->addWidget(m_pdfButton);
    layout->addWidget(m_newSaleButton);
    m_panel->addWidget(page);
}

void SalePage::setShow(const Sync::ShowDetail &detail)
{
    m_detail = detail;
    m_rows = std::make_unique<Core::RowIndex>(m_model.layout());
    const QDateTime start = QDateTime::fromMSecsSinceEpoch(detail.summary.startMs).toLocalTime();
    m_title->setText(QStringLiteral("%1 — %2, %3 — %4")
                         .arg(detail.summary.title, detail.summary.venueName, detail.summary.city,
                              QLocale().toString(start, QStringLiteral("ddd d MMM yyyy, HH:mm"))));
    m_section->clear();
    m_section->addItem(tr("anywhere"), -1);
    const auto &sections = m_model.layout().sections();
    for (int i = 0; i < sections.size(); ++i)
        m_section->addItem(sections[i].name, i);
    showMessage({}, false);
    m_map->fitVenue();
    m_map->setFocus();
    refreshCart();
    refreshStage();
}

void SalePage::setOnline(bool online)
{
    m_online = online;
    refreshStage();
}

void SalePage::setCardAvailable(bool available)
{
    m_cardAvailable = available;
    refreshStage();
}

void SalePage::bestAvailable()
{
    if (!m_model.hasShow() || m_sale.stage() != Stage::Idle)
        return;
    const std::vector<quint8> selectable = m_model.selectableFlags();
    Core::BestAvailableRequest request;
    request.count = m_count->value();
    request.section = m_section->currentData().toInt();
    request.accessible = m_accessible->isChecked();
    if (!m_rows)
        m_rows = std::make_unique<Core::RowIndex>(m_model.layout());
    auto seats = Core::bestAvailable(m_model.layout(), *m_rows, selectable, request);
    if (!seats) {
        showMessage(seats.error().message, true);
        return;
    }
    showMessage({}, false);
    m_model.setSelection(*seats);
    if (!seats->empty())
        m_map->centreOn(seats->front(), true);
}

void SalePage::hold()
{
    if (m_sale.stage() == Stage::Idle && m_online)
        m_sale.holdSelection();
}

void SalePage::holdOrPay()
{
    switch (m_sale.stage()) {
    case Stage::Idle:
        if (m_online)
            m_sale.holdSelection();
        break;
    case Stage::Held:
    case Stage::AwaitingPayment:
        payCash();
        break;
    default:
        break;
    }
}

void SalePage::cancel()
{
    if (m_sale.stage() == Stage::Idle) {
        m_model.clearSelection();
        showMessage({}, false);
        return;
    }
    m_pending = PendingPayment::None;
    m_sale.cancel();
}

void SalePage::payCash()
{
    if (!m_online)
        return;
    const auto tendered = tenderedCents();
    if (!tendered) {
        showMessage(tr("Enter the cash handed over, e.g. 50 or 42.50."), true);
        m_tendered->setFocus();
        return;
    }
    const qint64 total = m_sale.order() ? m_sale.order()->amountCents
                                        : (m_sale.hold() ? m_sale.hold()->totalCents : 0);
    if (*tendered < total) {
        showMessage(tr("The cash tendered is less than the total of %1.").arg(money(total)), true);
        m_tendered->setFocus();
        return;
    }
    showMessage({}, false);
    if (m_sale.stage() == Stage::Held) {
        m_pending = PendingPayment::Cash;
        m_sale.checkout({m_name->text().trimmed(), m_phone->text().trimmed()});
    } else if (m_sale.stage() == Stage::AwaitingPayment) {
        m_pending = PendingPayment::None;
        m_sale.payCash(*tendered);
    }
}

void SalePage::payCard()
{
    if (!m_online || !m_cardAvailable)
        return;
    showMessage({}, false);
    if (m_sale.stage() == Stage::Held) {
        m_pending = PendingPayment::Card;
        m_sale.checkout({m_name->text().trimmed(), m_phone->text().trimmed()});
    } else if (m_sale.stage() == Stage::AwaitingPayment) {
        m_pending = PendingPayment::None;
        Sync::CardCharge charge;
        charge.outcome = m_cardOutcome->currentData().toString();
        m_sale.payCard(charge);
    }
}

std::optional<qint64> SalePage::tenderedCents() const
{
    const QString currency = m_sale.hold() ? m_sale.hold()->currency : m_model.currency();
    const QString text = m_tendered->text().trimmed().replace(QLatin1Char(','), QLatin1Char('.'));
    auto amount = Core::Money::parse(text, currency);
    if (!amount || amount->isNegative())
        return std::nullopt;
    return amount->minorUnits();
}

void SalePage::refreshChange()
{
    const auto tendered = tenderedCents();
    const qint64 total = m_sale.order() ? m_sale.order()->amountCents
                                        : (m_sale.hold() ? m_sale.hold()->totalCents : 0);
    if (!tendered)
        m_change->setText(m_tendered->text().trimmed().isEmpty() ? QString() : tr("not an amount"));
    else if (*tendered < total)
        m_change->setText(tr("%1 short").arg(money(total - *tendered)));
    else
        m_change->setText(money(*tendered - total));
}

QString SalePage::money(qint64 cents) const
{
    return saleMoney(m_model, m_detail, cents);
}

QString SalePage::seatLine(int index) const
{
    return saleSeatLine(m_model, m_detail, index);
}

void SalePage::refreshCart()
{
    if (!m_cartList)
        return;
    m_cartList->clear();
    qint64 total = 0;
    for (int seat : m_model.selection()) {
        m_cartList->addItem(seatLine(seat));
        total += std::max<qint64>(0, m_model.priceCents(seat));
    }
    const int count = int(m_model.selection().size());
    m_cartTotal->setText(count == 0 ? tr("Click seats on the map, or find the best available.")
                                    : tr("%n seat(s), total %1", nullptr, count).arg(money(total)));
    m_cartTotal->setWordWrap(true);
    refreshStage();
}

void SalePage::refreshHeld()
{
    m_heldList->clear();
    QList<Core::SeatId> seats;
    if (m_sale.hold())
        seats = m_sale.hold()->seats;
    for (const Core::SeatId &seat : seats) {
        const int index = m_model.layout().indexOf(seat);
        m_heldList->addItem(index >= 0 ? seatLine(index) : seat.value());
    }
    const qint64 total = m_sale.order() ? m_sale.order()->amountCents
                                        : (m_sale.hold() ? m_sale.hold()->totalCents : 0);
    m_heldTotal->setText(tr("Total %1").arg(money(total)));
    if (m_sale.stage() == Stage::Held && m_tendered->text().isEmpty()) {
        if (auto amount = Core::Money::fromMinor(total, m_model.currency()))
            m_tendered->setText(amount->amountText());
    }
    if (m_sale.order()) {
        m_name->setText(m_sale.order()->contact.name);
        m_phone->setText(m_sale.order()->contact.phone);
    }
    refreshChange();
}

void SalePage::refreshStage()
{
    const Stage stage = m_sale.stage();
    const bool busy = m_sale.isBusy();
    switch (stage) {
    case Stage::Idle:
    case Stage::Holding:
        m_panel->setCurrentIndex(0);
        break;
    case Stage::Completed:
        m_panel->setCurrentIndex(2);
        break;
    default:
        m_panel->setCurrentIndex(1);
        break;
    }
    const bool idle = stage == Stage::Idle;
    m_holdButton->setEnabled(idle && m_online && !m_model.selection().empty());
    retitle(m_holdButton, stage == Stage::Holding ? tr("Holding…") : tr("Hold seats"));
    m_bestButton->setEnabled(idle && m_model.hasShow());
    m_clearButton->setEnabled(idle && !m_model.selection().empty());

    const bool canPay = (stage == Stage::Held || stage == Stage::AwaitingPayment) && m_online;
    m_cashButton->setEnabled(canPay);
    m_cardButton->setEnabled(canPay && m_cardAvailable);
    m_cardOutcome->setEnabled(canPay && m_cardAvailable);
    m_cardOutcome->setVisible(m_cardAvailable);
    m_name->setReadOnly(stage != Stage::Held);
    m_phone->setReadOnly(stage != Stage::Held);
    m_tendered->setReadOnly(!canPay);
    m_cancelButton->setEnabled(!busy || stage == Stage::CardPending);
    retitle(m_cancelButton,
            stage == Stage::CardPending ? tr("Stop waiting for the card") : tr("Cancel hold"));

    switch (stage) {
    case Stage::Ordering:
        m_paymentStatus->setText(tr("Placing the order…"));
        break;
    case Stage::Paying:
        m_paymentStatus->setText(tr("Recording the payment…"));
        break;
    case Stage::CardPending:
        m_paymentStatus->setText(tr("Waiting for the card payment to be confirmed…"));
        break;
    case Stage::AwaitingPayment:
        m_paymentStatus->setText(
            m_sale.order() ? tr("Order %1 awaits payment.").arg(m_sale.order()->id.value())
                           : QString());
        break;
    default:
        m_paymentStatus->clear();
        break;
    }
    if (!m_online && (stage == Stage::Held || stage == Stage::AwaitingPayment))
        m_paymentStatus->setText(tr("Offline: payment resumes when the server is back."));

    if (stage == Stage::AwaitingPayment && m_pending != PendingPayment::None && !busy) {
        const PendingPayment pending = m_pending;
        m_pending = PendingPayment::None;
        if (pending == PendingPayment::Cash)
            payCash();
        else
            payCard();
    }
    if (stage == Stage::Idle && m_pending != PendingPayment::None)
        m_pending = PendingPayment::None;
    if (stage != m_shownStage) {
        m_shownStage = stage;
        enterStage(stage);
    }
}

void SalePage::enterStage(Stage stage)
{
    if (stage == Stage::Idle) {
        m_name->clear();
        m_phone->clear();
        m_tendered->clear();
        m_ticketList->clear();
    }
    if (stage == Stage::Completed && m_sale.order()) {
        const Sync::OrderInfo &order = *m_sale.order();
        QString summary = tr("Paid — order %1").arg(order.id.value());
        if (m_sale.lastTender() && m_sale.lastTender()->changeCents > 0)
            summary += QLatin1Char('\n') +
                       tr("Change due: %1").arg(money(m_sale.lastTender()->changeCents));
        m_doneSummary->setText(summary);
        m_ticketList->clear();
        for (const Sync::TicketInfo &ticket : order.tickets) {
            const int index = m_model.layout().indexOf(ticket.seat);
            m_ticketList->addItem(QStringLiteral("%1 — %2").arg(
                index >= 0 ? seatLine(index) : ticket.seat.value(), ticket.code.value()));
        }
        m_newSaleButton->setFocus();
    }
}

void SalePage::showMessage(const QString &text, bool warning)
{
    m_message->setText(text);
    m_message->setVisible(!text.isEmpty());
    m_message->setStyleSheet(warning ? QStringLiteral("QLabel{background:#fde0c5;color:#5a2a00;"
                                                      "border:1px solid #b35806;padding:6px;}")
                                     : QStringLiteral("QLabel{background:#e3ecf7;padding:6px;}"));
}

} // namespace Boxoffice::Gui

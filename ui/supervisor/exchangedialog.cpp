#include "ui/supervisor/exchangedialog.h"

#include "core/booking/statemachines.h"
#include "core/common/money.h"
#include "sync/client/apiclient.h"
#include "ui/printing/ticketprinter.h"
#include "ui/supervisor/refunddialog.h"
#include "ui/supervisor/ticketchoice.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace Boxoffice::Gui {

namespace {

constexpr int kSeatRole = Qt::UserRole + 1;
constexpr int kHoldSeconds = 600;

} // namespace

ExchangeDialog::ExchangeDialog(const SupervisorServices &services, Sync::OrderInfo order,
                               QWidget *parent)
    : OrderActionDialog(services, std::move(order), QStringLiteral("exchange"), parent)
{
    setWindowTitle(tr("Exchange — order %1").arg(m_order.id.value()));
    resize(720, 680);
    m_tickets = new QListWidget(this);
    m_tickets->setObjectName(QStringLiteral("exchangeTickets"));
    m_tickets->setToolTip(tr("The tickets the customer gives back; Space ticks (Alt+T)"));
    m_tickets->setMaximumHeight(120);
    fillTicketChoice(m_tickets, m_order);
    auto *ticketsLabel = new QLabel(tr("&Tickets given back:"), this);
    ticketsLabel->setBuddy(m_tickets);
    body()->addWidget(ticketsLabel);
    body()->addWidget(m_tickets);

    auto *form = new QFormLayout;
    m_show = new QComboBox(this);
    m_show->setObjectName(QStringLiteral("exchangeShow"));
    m_show->setToolTip(tr("The show of the new seats (Alt+W)"));
    m_show->addItem(m_order.show.value(), m_order.show.value());
    form->addRow(tr("Sho&w:"), m_show);
    m_section = new QComboBox(this);
    m_section->setObjectName(QStringLiteral("exchangeSection"));
    m_section->setToolTip(tr("Only list the seats of one section (Alt+C)"));
    form->addRow(tr("Se&ction:"), m_section);
    body()->addLayout(form);
    m_seats = new QListWidget(this);
    m_seats->setObjectName(QStringLiteral("exchangeSeats"));
    m_seats->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_seats->setToolTip(tr("Available seats; Ctrl/Shift+click or Shift+arrows choose several "
                           "(Alt+N)"));
    auto *seatsLabel = new QLabel(tr("&New seats:"), this);
    seatsLabel->setBuddy(m_seats);
    body()->addWidget(seatsLabel);
    body()->addWidget(m_seats, 1);
    m_holdButton = new QPushButton(tr("&Hold the new seats"), this);
    m_holdButton->setObjectName(QStringLiteral("exchangeHold"));
    m_holdButton->setToolTip(tr("Hold the chosen seats while the exchange is settled (Alt+H)"));
    body()->addWidget(m_holdButton);

    auto *settle = new QFormLayout;
    m_difference = new QLabel(tr("Hold the new seats to see the difference."), this);
    m_difference->setObjectName(QStringLiteral("exchangeDifference"));
    m_difference->setWordWrap(true);
    settle->addRow(tr("Difference:"), m_difference);
    m_method = new QComboBox(this);
    m_method->setObjectName(QStringLiteral("exchangeMethod"));
    m_method->addItem(tr("Cash"), QStringLiteral("CASH"));
    m_method->addItem(tr("Card"), QStringLiteral("CARD"));
    m_method->setCurrentIndex(std::max(0, m_method->findData(originalTender(m_order))));
    m_method->setToolTip(tr("How the difference is settled (Alt+M)"));
    settle->addRow(tr("&Method:"), m_method);
    m_tendered = new QLineEdit(this);
    m_tendered->setObjectName(QStringLiteral("exchangeTendered"));
    m_tendered->setToolTip(tr("Cash handed over for the difference, e.g. 20 or 12.50 (Alt+D)"));
    settle->addRow(tr("Cash ten&dered:"), m_tendered);
    m_reference = new QLineEdit(this);
    m_reference->setObjectName(QStringLiteral("exchangeReference"));
    m_reference->setToolTip(tr("The card terminal's slip number (Alt+L)"));
    settle->addRow(tr("Card s&lip:"), m_reference);
    body()->addLayout(settle);
    finishLayout(tr("E&xchange"), tr("Exchange the tickets for the held seats (Alt+X)"));
    m_print = buttons()->addButton(tr("Pr&int…"), QDialogButtonBox::ActionRole);
    m_print->setToolTip(tr("Print the new tickets (Alt+I)"));
    m_save = buttons()->addButton(tr("&Save PDF…"), QDialogButtonBox::ActionRole);
    m_save->setToolTip(tr("Save the new tickets as a PDF file (Alt+S)"));
    m_print->setEnabled(false);
    m_save->setEnabled(false);
    confirmButton()->setEnabled(false);

    connect(m_show, &QComboBox::currentIndexChanged, this, &ExchangeDialog::loadShow);
    connect(m_section, &QComboBox::currentIndexChanged, this, &ExchangeDialog::fillSeats);
    connect(m_holdButton, &QPushButton::clicked, this, &ExchangeDialog::hold);
    connect(m_tickets, &QListWidget::itemChanged, this, &ExchangeDialog::updateDifference);
    connect(m_method, &QComboBox::currentIndexChanged, this, &ExchangeDialog::updateDifference);
    connect(confirmButton(), &QPushButton::clicked, this, &ExchangeDialog::confirm);
    connect(m_print, &QPushButton::clicked, this, [this] {
        auto printed = m_services.printer.printWithDialog(this, m_printable, std::nullopt);
        if (!printed)
            showError(tr("Printing failed: %1").arg(printed.error().message));
    });
    connect(m_save, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Save the new tickets as PDF"),
            QDir::home().filePath(m_printable.value(0).orderId + QStringLiteral(".pdf")),
            tr("PDF files (*.pdf)"));
        if (path.isEmpty())
            return;
        if (auto written = m_services.printer.writePdf(path, m_printable, std::nullopt); !written)
            showError(tr("Saving failed: %1").arg(written.error().message));
    });
    connect(this, &QDialog::finished, this, &ExchangeDialog::releaseHold);
    loadShows();
    loadShow();
    updateDifference();
}

ExchangeDialog::~ExchangeDialog() = default;

Core::ShowId ExchangeDialog::chosenShow() const
{
    return Core::ShowId(m_show->currentData().toString());
}

QStringList ExchangeDialog::offeredSeats() const
{
    QStringList seats;
    for (int row = 0; row < m_seats->count(); ++row)
        seats << m_seats->item(row)->data(kSeatRole).toString();
    return seats;
}

void ExchangeDialog::loadShows()
{
    m_services.client.listShows(this, [this](Sync::Result<QList<Sync::ShowSummary>> shows) {
        if (!shows) {
            showError(tr("The show list could not be read: %1").arg(shows.error().message));
            return;
        }
        const QSignalBlocker block(m_show);
        const QString current = m_show->currentData().toString();
        m_show->clear();
        for (const Sync::ShowSummary &show : *shows) {
            if (show.currency != m_order.currency)
                continue; // an exchange keeps the currency
            m_show->addItem(QStringLiteral("%1 — %2").arg(
                                show.title, QDateTime::fromMSecsSinceEpoch(show.startMs)
                                                .toLocalTime()
                                                .toString(QStringLiteral("yyyy-MM-dd HH:mm"))),
                            show.id.value());
        }
        m_show->setCurrentIndex(std::max(0, m_show->findData(current)));
    });
}

void ExchangeDialog::loadShow()
{
    if (m_hold)
        releaseHold();
    m_facts.reset();
    m_statuses.clear();
    m_seats->clear();
    const Core::ShowId show = chosenShow();
    loadShowFacts(
        m_services.client, m_services.cache, show, this,
        [this, show](Core::Result<ShowFacts> facts) {
            if (show != chosenShow())
                return;
            if (!facts) {
                showError(tr("The show could not be read: %1").arg(facts.error().message));
                return;
            }
            m_facts = std::move(*facts);
            const QSignalBlocker block(m_section);
            m_section->clear();
            m_section->addItem(tr("All sections"), QString());
            for (const Core::VenueSection &section : m_facts->layout->sections())
                m_section->addItem(section.name, section.id);
            m_services.client.seats(
                show, -1, this, [this, show](Sync::Result<Sync::SeatsUpdate> seats) {
                    if (show != chosenShow())
                        return;
                    if (!seats) {
                        showError(tr("The seats could not be read: %1").arg(seats.error().message));
                        return;
                    }
                    if (const auto *snapshot = std::get_if<Sync::SeatSnapshot>(&*seats))
                        m_statuses = snapshot->statuses;
                    fillSeats();
                });
        });
}

void ExchangeDialog::fillSeats()
{
    m_seats->clear();
    if (!m_facts)
        return;
    const Core::VenueLayout &layout = *m_facts->layout;
    const QString sectionFilter = m_section->currentData().toString();
    const auto &seats = layout.seats();
    for (std::size_t i = 0; i < seats.size() && i < m_statuses.size(); ++i) {
        if (m_statuses[i] != quint8(Core::SeatState::Available))
            continue;
        const Core::LayoutSeat &seat = seats[i];
        const Core::VenueSection &section = layout.sections()[seat.section];
        if (!sectionFilter.isEmpty() && section.id != sectionFilter)
            continue;
        const Core::SeatCategory &category = layout.categories()[seat.category];
        qint64 price = 0;
        QString tier = category.name;
        for (const Sync::PriceTierInfo &t : m_facts->detail.tiers) {
            if (t.category == category.id) {
                price = t.priceCents;
                tier = t.name;
            }
        }
        auto *item = new QListWidgetItem(tr("%1 · row %2 · seat %3 · %4 · %5")
                                             .arg(section.name, seat.row)
                                             .arg(seat.number)
                                             .arg(tier, moneyText(price, m_order.currency)),
                                         m_seats);
        item->setData(kSeatRole, seat.id.value());
    }
}

void ExchangeDialog::hold()
{
    QList<Core::SeatId> seats;
    for (const QListWidgetItem *item : m_seats->selectedItems())
        seats << Core::SeatId(item->data(kSeatRole).toString());
    if (seats.isEmpty()) {
        showError(tr("Choose the new seats in the list first."));
        m_seats->setFocus();
        return;
    }
    if (m_hold)
        releaseHold();
    m_holdButton->setEnabled(false);
    m_services.client.placeHold(
        chosenShow(), seats, kHoldSeconds, this, [this](Sync::Result<Sync::HoldInfo> hold) {
            m_holdButton->setEnabled(true);
            if (!hold) {
                showError(tr("The seats could not be held: %1").arg(hold.error().message));
                loadShow(); // someone else was faster: show what is left
                return;
            }
            m_hold = *hold;
            updateDifference();
        });
}

void ExchangeDialog::releaseHold()
{
    if (!m_hold || m_exchanged)
        return;
    const Core::HoldId id = m_hold->id;
    m_hold.reset();
    // The dialog may be gone when the answer comes; the release needs no answer.
    m_services.client.releaseHold(id, nullptr, [id](Sync::Result<> released) {
        if (!released)
            qWarning().noquote() << "could not release the exchange hold" << id.value()
                                 << released.error().message;
    });
    updateDifference();
}

void ExchangeDialog::updateDifference()
{
    if (!m_hold) {
        m_difference->setText(tr("Hold the new seats to see the difference."));
        confirmButton()->setEnabled(false);
        return;
    }
    const qint64 given = chosenValueCents(m_tickets, m_order);
    const qint64 difference = m_hold->totalCents - given;
    const QString text =
        tr("New seats %1 (%n seat(s)) − tickets given back %2", nullptr, int(m_hold->seats.size()))
            .arg(moneyText(m_hold->totalCents, m_order.currency),
                 moneyText(given, m_order.currency));
    if (difference > 0)
        m_difference->setText(
            text + QStringLiteral("<br><b>") +
            tr("The customer pays %1.").arg(moneyText(difference, m_order.currency)) +
            QStringLiteral("</b>"));
    else if (difference < 0)
        m_difference->setText(
            text + QStringLiteral("<br><b>") +
            tr("The customer gets %1 back.").arg(moneyText(-difference, m_order.currency)) +
            QStringLiteral("</b>"));
    else
        m_difference->setText(text + QStringLiteral("<br><b>") + tr("No difference.") +
                              QStringLiteral("</b>"));
    const bool pays = difference > 0;
    const bool cash = m_method->currentData().toString() == QLatin1StringView("CASH");
    m_tendered->setEnabled(pays && cash);
    m_reference->setEnabled(pays && !cash);
    confirmButton()->setEnabled(!m_exchanged && !chosenTickets(m_tickets, m_order).isEmpty());
}

void ExchangeDialog::confirm()
{
    if (!m_hold) {
        showError(tr("Hold the new seats first."));
        return;
    }
    const QList<Sync::TicketInfo> given = chosenTickets(m_tickets, m_order);
    if (given.isEmpty()) {
        showError(tr("Tick at least one ticket the customer gives back."));
        return;
    }
    Sync::ExchangeRequest request;
    for (const Sync::TicketInfo &ticket : given)
        request.tickets << ticket.code;
    request.hold = m_hold->id;
    request.reason = reason();
    request.method = m_method->currentData().toString();
    const qint64 difference = m_hold->totalCents - chosenValueCents(m_tickets, m_order);
    if (difference > 0 && request.method == QLatin1StringView("CASH")) {
        auto tendered = Core::Money::parse(m_tendered->text().trimmed(), m_order.currency);
        if (!tendered || tendered->minorUnits() < difference) {
            showError(tr("Enter the cash handed over: at least %1.")
                          .arg(moneyText(difference, m_order.currency)));
            m_tendered->setFocus();
            return;
        }
        request.tenderedCents = tendered->minorUnits();
    }
    if (difference > 0 && request.method == QLatin1StringView("CARD")) {
        request.reference = m_reference->text().trimmed();
        if (request.reference.isEmpty()) {
            showError(tr("Enter the card terminal's slip number."));
            m_reference->setFocus();
            return;
        }
    }
    run(QStringLiteral("exchange"), m_order.id.value(),
        tr("Exchange of %n ticket(s) of order %1", nullptr, int(given.size()))
            .arg(m_order.id.value()),
        [this, request](const QString &token) {
            m_services.client.exchange(
                m_order.id, request, token, this,
                [this](Sync::Result<Sync::ExchangeResult> result) {
                    if (!result) {
                        setBusy(false);
                        showError(
                            tr("The server refused the exchange: %1").arg(result.error().message));
                        return;
                    }
                    m_exchanged = true;
                    m_hold.reset();
                    m_tickets->setEnabled(false);
                    m_seats->setEnabled(false);
                    m_holdButton->setEnabled(false);
                    m_show->setEnabled(false);
                    QString text = tr("Exchanged: new order %1.").arg(result->newOrder.value());
                    if (result->differenceCents > 0 && result->changeCents > 0)
                        text += QLatin1Char(' ') +
                                tr("Give %1 change.")
                                    .arg(moneyText(result->changeCents, m_order.currency));
                    if (result->refund)
                        text += QLatin1Char(' ') +
                                (result->refund->method == QLatin1StringView("CASH")
                                     ? tr("Give %1 back in cash.")
                                     : tr("%1 goes back to the card."))
                                    .arg(moneyText(result->refund->amountCents, m_order.currency));
                    showOutcome(text);
                    if (result->refund)
                        followRefund(*result->refund);
                    emit orderChanged(m_order.id);
                    printNewTickets(*result);
                });
        });
}

void ExchangeDialog::printNewTickets(const Sync::ExchangeResult &result)
{
    if (!m_facts)
        return;
    m_services.client.order(
        result.newOrder, this, [this, result](Sync::Result<Sync::OrderInfo> order) {
            if (!order) {
                showError(tr("The new order could not be read for printing: %1")
                              .arg(order.error().message));
                return;
            }
            m_printable = printableTicketsOf(
                *order, result.tickets.isEmpty() ? order->tickets : result.tickets, *m_facts,
                false);
            m_print->setEnabled(true);
            m_save->setEnabled(true);
            if (!m_services.ticketDir.isEmpty()) {
                QDir dir(m_services.ticketDir);
                const QString path = dir.filePath(order->id.value() + QStringLiteral(".pdf"));
                if (!dir.mkpath(QStringLiteral(".")))
                    showError(tr("Cannot create the ticket folder %1").arg(dir.path()));
                else if (auto written =
                             m_services.printer.writePdf(path, m_printable, std::nullopt);
                         !written)
                    showError(tr("Saving the new tickets failed: %1").arg(written.error().message));
                else {
                    m_lastPdf = path;
                    emit ticketsSaved(path);
                }
            }
            m_print->setFocus();
        });
}

} // namespace Boxoffice::Gui

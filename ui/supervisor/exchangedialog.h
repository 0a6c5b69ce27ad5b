#pragma once

#include "ui/supervisor/orderactiondialog.h"
#include "ui/supervisor/showfacts.h"

#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;

namespace Boxoffice::Gui {

// Exchanges tickets for other seats of this or another show (same currency): tick the tickets,
// pick the show and the new seats from the list of available ones, hold them (the hold is
// released again if the dialog closes without exchanging), see the difference, then settle it
// — cash with change or a card slip when the customer pays more, money back (cash or card)
// when less — and print the new tickets.
class ExchangeDialog : public OrderActionDialog
{
    Q_OBJECT
public:
    ExchangeDialog(const SupervisorServices &services, Sync::OrderInfo order,
                   QWidget *parent = nullptr);
    ~ExchangeDialog() override;

    [[nodiscard]] QString lastPdf() const { return m_lastPdf; }
    // The seats offered for the chosen show and section, as listed (seat ids).
    [[nodiscard]] QStringList offeredSeats() const;

signals:
    void ticketsSaved(const QString &path);

private:
    void loadShows();
    void loadShow();
    void fillSeats();
    void hold();
    void releaseHold();
    void updateDifference();
    void confirm();
    void printNewTickets(const Sync::ExchangeResult &result);
    [[nodiscard]] Core::ShowId chosenShow() const;

    QListWidget *m_tickets = nullptr;
    QComboBox *m_show = nullptr;
    QComboBox *m_section = nullptr;
    QListWidget *m_seats = nullptr;
    QPushButton *m_holdButton = nullptr;
    QLabel *m_difference = nullptr;
    QComboBox *m_method = nullptr;
    QLineEdit *m_tendered = nullptr;
    QLineEdit *m_reference = nullptr;
    QPushButton *m_print = nullptr;
    QPushButton *m_save = nullptr;
    std::optional<ShowFacts> m_facts;
    std::vector<quint8> m_statuses;
    std::optional<Sync::HoldInfo> m_hold;
    bool m_exchanged = false;
    QList<PrintableTicket> m_printable;
    QString m_lastPdf;
};

} // namespace Boxoffice::Gui

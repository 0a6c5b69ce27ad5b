#pragma once

#include "ui/supervisor/orderactiondialog.h"
#include "ui/supervisor/showfacts.h"

class QComboBox;
class QPushButton;

namespace Boxoffice::Gui {

// Reprints one valid ticket: the server revokes the old code and issues a new one for the same
// seat; the new ticket is printed stamped REPRINT with its new QR (and saved as a PDF in the
// ticket folder when one is set).
class ReprintDialog : public OrderActionDialog
{
    Q_OBJECT
public:
    ReprintDialog(const SupervisorServices &services, Sync::OrderInfo order,
                  QWidget *parent = nullptr);

    // The PDF written last (ticket folder or Save PDF); empty before.
    [[nodiscard]] QString lastPdf() const { return m_lastPdf; }

signals:
    void ticketsSaved(const QString &path);

private:
    void confirm();
    void prepare(const Sync::TicketInfo &ticket);
    void savePdf(const QString &path);

    QComboBox *m_ticket = nullptr;
    QPushButton *m_print = nullptr;
    QPushButton *m_save = nullptr;
    QList<PrintableTicket> m_printable;
    QString m_lastPdf;
};

} // namespace Boxoffice::Gui

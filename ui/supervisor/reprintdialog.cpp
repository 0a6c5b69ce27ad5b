#include "ui/supervisor/reprintdialog.h"

#include "sync/client/apiclient.h"
#include "ui/printing/ticketprinter.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace Boxoffice::Gui {

ReprintDialog::ReprintDialog(const SupervisorServices &services, Sync::OrderInfo order,
                             QWidget *parent)
    : OrderActionDialog(services, std::move(order), QStringLiteral("reprint"), parent)
{
    setWindowTitle(tr("Reprint — order %1").arg(m_order.id.value()));
    resize(520, 300);
    auto *intro = new QLabel(tr("The old ticket's QR stops admitting; the new ticket is stamped "
                                "REPRINT."),
                             this);
    intro->setWordWrap(true);
    body()->addWidget(intro);
    auto *form = new QFormLayout;
    m_ticket = new QComboBox(this);
    m_ticket->setObjectName(QStringLiteral("reprintTicket"));
    m_ticket->setToolTip(tr("The ticket to print again (Alt+T)"));
    for (const Sync::TicketInfo &ticket : m_order.tickets) {
        if (ticket.status == QLatin1StringView("VALID"))
            m_ticket->addItem(tr("%1 · %2 (printed %n time(s))", nullptr, ticket.printCount)
                                  .arg(ticket.seat.value(), ticket.code.value()),
                              ticket.code.value());
    }
    form->addRow(tr("&Ticket:"), m_ticket);
    body()->addLayout(form);
    finishLayout(tr("Re&print"), tr("Revoke the old code and issue the new ticket (Alt+P)"));
    m_print = buttons()->addButton(tr("Pr&int…"), QDialogButtonBox::ActionRole);
    m_print->setObjectName(QStringLiteral("reprintPrint"));
    m_print->setToolTip(tr("Print the new ticket (Alt+I)"));
    m_save = buttons()->addButton(tr("&Save PDF…"), QDialogButtonBox::ActionRole);
    m_save->setObjectName(QStringLiteral("reprintSave"));
    m_save->setToolTip(tr("Save the new ticket as a PDF file (Alt+S)"));
    m_print->setEnabled(false);
    m_save->setEnabled(false);
    confirmButton()->setEnabled(m_ticket->count() > 0);
    connect(confirmButton(), &QPushButton::clicked, this, &ReprintDialog::confirm);
    connect(m_print, &QPushButton::clicked, this, [this] {
        auto printed = m_services.printer.printWithDialog(this, m_printable, std::nullopt);
        if (!printed)
            showError(tr("Printing failed: %1").arg(printed.error().message));
    });
    connect(m_save, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Save the reprint as PDF"),
            QDir::home().filePath(m_printable.value(0).ticketCode + QStringLiteral("-reprint.pdf")),
            tr("PDF files (*.pdf)"));
        if (!path.isEmpty())
            savePdf(path);
    });
}

void ReprintDialog::confirm()
{
    const Core::TicketCode code(m_ticket->currentData().toString());
    if (code.isEmpty()) {
        showError(tr("There is no valid ticket to reprint."));
        return;
    }
    run(QStringLiteral("reprint"), code.value(),
        tr("Reprint of ticket %1 (order %2)").arg(code.value(), m_order.id.value()),
        [this, code](const QString &token) {
            m_services.client.reprintTicket(
                code, reason(), token, this, [this](Sync::Result<Sync::ReprintResult> result) {
                    if (!result) {
                        setBusy(false);
                        showError(
                            tr("The server refused the reprint: %1").arg(result.error().message));
                        return;
                    }
                    m_ticket->setEnabled(false);
                    showOutcome(tr("Ticket %1 is revoked; the new ticket is %2.")
                                    .arg(result->revoked.value(), result->ticket.code.value()));
                    emit orderChanged(m_order.id);
                    prepare(result->ticket);
                });
        });
}

void ReprintDialog::prepare(const Sync::TicketInfo &ticket)
{
    loadShowFacts(
        m_services.client, m_services.cache, m_order.show, this,
        [this, ticket](Core::Result<ShowFacts> facts) {
            if (!facts) {
                showError(
                    tr("The new ticket cannot be printed yet: %1").arg(facts.error().message));
                return;
            }
            m_printable = printableTicketsOf(m_order, {ticket}, *facts, true);
            m_print->setEnabled(true);
            m_save->setEnabled(true);
            if (!m_services.ticketDir.isEmpty()) {
                QDir dir(m_services.ticketDir);
                if (dir.mkpath(QStringLiteral(".")))
                    savePdf(dir.filePath(ticket.code.value() + QStringLiteral("-reprint.pdf")));
                else
                    showError(tr("Cannot create the ticket folder %1").arg(dir.path()));
            }
            m_print->setFocus();
        });
}

void ReprintDialog::savePdf(const QString &path)
{
    auto written = m_services.printer.writePdf(path, m_printable, std::nullopt);
    if (!written) {
        showError(tr("Saving the reprint failed: %1").arg(written.error().message));
        return;
    }
    m_lastPdf = path;
    emit ticketsSaved(path);
}

} // namespace Boxoffice::Gui

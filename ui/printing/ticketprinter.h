#pragma once

#include "core/common/result.h"
#include "ui/printing/ticketdocument.h"

#include <QCoreApplication>
#include <QList>
#include <QString>

#include <optional>

class QPrinter;
class QWidget;

namespace Boxoffice::Gui {

// Sends an order's tickets (one page each, ticket stock) and its receipt (80 mm page) to a PDF
// file or a system printer; the pages are drawn by TicketRenderer. Used by the sale screen after
// payment and by the order view for reprints (PrintableTicket::reprint). GUI thread only.
// Every function checks the whole job first: BadRequest, with nothing written or printed, for
// an empty ticket list or an invalid ticket or receipt (validatePrintJob).
class TicketPrinter
{
    Q_DECLARE_TR_FUNCTIONS(Boxoffice::Gui::TicketPrinter)

public:
    // Writes the job as one PDF at `path`. The file appears whole or not at all: the PDF is
    // written to a temporary file in the same folder and renamed over `path` at the end, so a
    // failure leaves an existing file at `path` as it was and no partial file behind.
    // BadRequest (message names the path and the reason) if the path is empty, is a folder, its
    // folder does not exist or cannot be written; Internal if writing or renaming fails later.
    [[nodiscard]] Core::Result<> writePdf(const QString &path,
                                          const QList<PrintableTicket> &tickets,
                                          const std::optional<PrintableReceipt> &receipt) const;

    // Shows the print dialog (modal on `parent`, preset to ticket stock and to the printer
    // chosen last time) and prints the job on the printer the clerk picks. true: printed;
    // false: the clerk cancelled the dialog, which is not an error. Errors as printTo.
    [[nodiscard]] Core::Result<bool>
    printWithDialog(QWidget *parent, const QList<PrintableTicket> &tickets,
                    const std::optional<PrintableReceipt> &receipt);

    // Prints the job on a configured printer (a system printer, or QPrinter::PdfFormat with an
    // output file), setting its page size per page and full-page mode. Internal if the printer
    // is not available or fails while printing.
    [[nodiscard]] Core::Result<> printTo(QPrinter &printer, const QList<PrintableTicket> &tickets,
                                         const std::optional<PrintableReceipt> &receipt) const;

private:
    QString m_lastPrinterName; // the dialog's choice, preselected next time
};

} // namespace Boxoffice::Gui

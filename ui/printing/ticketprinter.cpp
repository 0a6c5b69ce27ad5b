#include "ui/printing/ticketprinter.h"

#include "ui/printing/printinglogging.h"
#include "ui/printing/ticketrenderer.h"

#include <QDir>
#include <QFileInfo>
#include <QPdfWriter>
#include <QPrintDialog>
#include <QPrinter>
#include <QSaveFile>

namespace Boxoffice::Gui {

using Core::ErrorCode;
using Core::fail;
using Core::Result;

namespace {

QString documentTitle(const QList<PrintableTicket> &tickets)
{
    return TicketPrinter::tr("Tickets of order %1").arg(tickets.constFirst().orderId);
}

const QString kCreator = QStringLiteral("Boxoffice");

} // namespace

Result<> TicketPrinter::writePdf(const QString &path, const QList<PrintableTicket> &tickets,
                                 const std::optional<PrintableReceipt> &receipt) const
{
    if (auto valid = validatePrintJob(tickets, receipt); !valid)
        return valid;
    if (path.trimmed().isEmpty())
        return fail(ErrorCode::BadRequest, tr("no file name given for the PDF"));
    const QFileInfo target(path);
    if (target.isDir())
        return fail(ErrorCode::BadRequest, tr("cannot write %1: it is a folder").arg(path));
    const QDir folder = target.absoluteDir();
    if (!folder.exists()) {
        return fail(ErrorCode::BadRequest,
                    tr("cannot write %1: the folder %2 does not exist").arg(path, folder.path()));
    }

    // QSaveFile writes to a temporary file beside `path` and renames it over `path` on commit();
    // if it is destroyed uncommitted, it removes the temporary file.
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return fail(ErrorCode::BadRequest, tr("cannot write %1: %2").arg(path, file.errorString()));
    {
        QPdfWriter writer(&file);
        writer.setCreator(kCreator);
        writer.setTitle(documentTitle(tickets));
        if (auto painted = TicketRenderer::paintDocument(writer, tickets, receipt); !painted) {
            file.cancelWriting();
            return fail(painted.error().code,
                        tr("cannot write %1: %2").arg(path, painted.error().message));
        }
    }
    if (!file.commit())
        return fail(ErrorCode::Internal, tr("cannot save %1: %2").arg(path, file.errorString()));
    qCInfo(lcPrinting).noquote() << "wrote" << tickets.size()
                                 << (receipt ? "ticket(s) and a receipt to" : "ticket(s) to")
                                 << path;
    return {};
}

Result<bool> TicketPrinter::printWithDialog(QWidget *parent, const QList<PrintableTicket> &tickets,
                                            const std::optional<PrintableReceipt> &receipt)
{
    if (auto valid = validatePrintJob(tickets, receipt); !valid)
        return std::unexpected(valid.error());

    QPrinter printer(QPrinter::HighResolution);
    if (!m_lastPrinterName.isEmpty())
        printer.setPrinterName(m_lastPrinterName);
    printer.setDocName(documentTitle(tickets));
    printer.setCreator(kCreator);
    printer.setFullPage(true);
    printer.setPageLayout(TicketRenderer::ticketPageLayout());

    QPrintDialog dialog(&printer, parent);
    dialog.setWindowTitle(tickets.constFirst().reprint ? tr("Reprint tickets")
                                                       : tr("Print tickets"));
    // A job is the whole order: no page ranges, no selection.
    dialog.setOption(QAbstractPrintDialog::PrintSelection, false);
    dialog.setOption(QAbstractPrintDialog::PrintPageRange, false);
    dialog.setOption(QAbstractPrintDialog::PrintCurrentPage, false);
    if (dialog.exec() != QDialog::Accepted) {
        qCInfo(lcPrinting) << "printing of" << tickets.size() << "tickets cancelled";
        return false;
    }
    if (printer.outputFormat() == QPrinter::NativeFormat)
        m_lastPrinterName = printer.printerName();
    if (auto printed = printTo(printer, tickets, receipt); !printed)
        return std::unexpected(printed.error());
    return true;
}

Result<> TicketPrinter::printTo(QPrinter &printer, const QList<PrintableTicket> &tickets,
                                const std::optional<PrintableReceipt> &receipt) const
{
    if (auto valid = validatePrintJob(tickets, receipt); !valid)
        return valid;
    const bool toPdf = printer.outputFormat() == QPrinter::PdfFormat;
    const QString name = toPdf ? printer.outputFileName() : printer.printerName();
    if (!toPdf && !printer.isValid())
        return fail(ErrorCode::Internal, tr("the printer %1 is not available").arg(name));
    if (toPdf && printer.outputFileName().isEmpty())
        return fail(ErrorCode::BadRequest, tr("no file name given for the PDF"));
    if (toPdf && (name.endsWith(u'/') || QFileInfo(name).isDir()))
        return fail(ErrorCode::BadRequest, tr("cannot write %1: it is a folder").arg(name));
    printer.setFullPage(true);
    if (printer.docName().isEmpty())
        printer.setDocName(documentTitle(tickets));
    if (auto painted = TicketRenderer::paintDocument(printer, tickets, receipt); !painted) {
        return fail(painted.error().code,
                    tr("printing on %1 failed: %2").arg(name, painted.error().message));
    }
    if (printer.printerState() == QPrinter::Error || printer.printerState() == QPrinter::Aborted)
        return fail(ErrorCode::Internal, tr("printing on %1 failed").arg(name));
    qCInfo(lcPrinting).noquote() << "printed" << tickets.size()
                                 << (receipt ? "ticket(s) and a receipt on" : "ticket(s) on")
                                 << name;
    return {};
}

} // namespace Boxoffice::Gui

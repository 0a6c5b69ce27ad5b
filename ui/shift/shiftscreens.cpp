#include "ui/shift/shiftscreens.h"

#include "core/common/clock.h"
#include "sync/client/apiclient.h"
#include "ui/shift/cashamountdialog.h"
#include "ui/shift/reportdialog.h"
#include "ui/shift/shiftreports.h"
#include "ui/supervisor/ticketchoice.h"

#include <QDir>
#include <QMessageBox>
#include <QWidget>

namespace Boxoffice::Gui {

ShiftScreens::ShiftScreens(const SupervisorServices &services, QWidget *parent)
    : QObject(parent)
    , m_services(services)
    , m_parent(parent)
{}

void ShiftScreens::warn(const QString &title, const QString &text)
{
    auto *box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Ok, m_parent);
    box->setObjectName(QStringLiteral("shiftWarning"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

CashAmountDialog *ShiftScreens::openShift()
{
    auto *dialog = new CashAmountDialog(tr("Open shift"), tr("Cash &float in the drawer:"),
                                        tr("&Open shift"), QStringLiteral("openShift"), m_parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &CashAmountDialog::submitted, dialog, [this, dialog](qint64 cents) {
        dialog->setBusy(true);
        m_services.client.openShift(cents, dialog, [this, dialog](Sync::Result<Sync::ShiftInfo> s) {
            if (!s) {
                dialog->showError(tr("The shift was not opened: %1").arg(s.error().message));
                return;
            }
            emit message(tr("Shift %1 opened with a float of %2.")
                             .arg(s->id.value(), moneyText(s->floatCents, QString())));
            emit shiftOpened(*s);
            dialog->accept();
        });
    });
    dialog->open();
    return dialog;
}

void ShiftScreens::xReport()
{
    m_services.client.currentShift(this, [this](Sync::Result<std::optional<Sync::ShiftInfo>> s) {
        if (!s)
            return warn(tr("X report"),
                        tr("The shift could not be read: %1").arg(s.error().message));
        if (!*s)
            return warn(tr("X report"), tr("You have no open shift."));
        m_services.client.shiftReport((*s)->id, this, [this](Sync::Result<Sync::ShiftReport> r) {
            if (!r)
                return warn(tr("X report"),
                            tr("The report could not be read: %1").arg(r.error().message));
            showReport(*r);
        });
    });
}

void ShiftScreens::closeShift()
{
    m_services.client.currentShift(this, [this](Sync::Result<std::optional<Sync::ShiftInfo>> s) {
        if (!s)
            return warn(tr("Close shift"),
                        tr("The shift could not be read: %1").arg(s.error().message));
        if (!*s)
            return warn(tr("Close shift"), tr("You have no open shift."));
        const Sync::ShiftInfo shift = **s;
        auto *dialog = new CashAmountDialog(tr("Close shift %1").arg(shift.id.value()),
                                            tr("&Counted cash in the drawer:"), tr("&Close shift"),
                                            QStringLiteral("closeShift"), m_parent);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(dialog, &CashAmountDialog::submitted, dialog, [this, dialog, shift](qint64 cents) {
            dialog->setBusy(true);
            m_services.client.closeShift(
                shift.id, cents, dialog, [this, dialog](Sync::Result<Sync::ShiftReport> r) {
                    if (!r) {
                        dialog->showError(
                            tr("The shift was not closed: %1").arg(r.error().message));
                        return;
                    }
                    dialog->accept();
                    emit message(tr("Shift %1 closed.").arg(r->shift.id.value()));
                    showReport(*r);
                });
        });
        dialog->open();
    });
}

void ShiftScreens::dayReport(const QString &date)
{
    m_services.client.dayReport(date, this, [this](Sync::Result<Sync::DayReport> r) {
        if (!r)
            return warn(tr("Day report"),
                        tr("The day report could not be read: %1").arg(r.error().message));
        auto *dialog = new ReportDialog(dayReportDocument(*r, m_services.clock.nowMs()), m_parent);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        if (!m_services.ticketDir.isEmpty() && QDir().mkpath(m_services.ticketDir))
            dialog->savePdf(
                QDir(m_services.ticketDir).filePath(QStringLiteral("day-%1.pdf").arg(r->date)));
        dialog->open();
        emit reportShown(dialog);
    });
}

void ShiftScreens::showReport(const Sync::ShiftReport &report)
{
    auto *dialog =
        new ReportDialog(shiftReportDocument(report, m_services.clock.nowMs()), m_parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (!m_services.ticketDir.isEmpty() && QDir().mkpath(m_services.ticketDir))
        dialog->savePdf(
            QDir(m_services.ticketDir)
                .filePath(QStringLiteral("%1-%2.pdf").arg(report.kind, report.shift.id.value())));
    dialog->open();
    emit reportShown(dialog);
}

} // namespace Boxoffice::Gui

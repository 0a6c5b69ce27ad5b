#pragma once

#include "sync/client/apitypes.h"
#include "ui/supervisor/supervisorservices.h"

#include <QObject>

class QWidget;

namespace Boxoffice::Gui {

class CashAmountDialog;
class ReportDialog;

// The Shift menu's screens: open a shift with a float, the X report (preview, printable), close
// with the counted cash (the Z report), and a supervisor's day report. Each opens a dialog over
// `parent`; the server's refusals are shown in it. Reports are also saved as PDF in the ticket
// folder when one is set.
class ShiftScreens : public QObject
{
    Q_OBJECT
public:
    ShiftScreens(const SupervisorServices &services, QWidget *parent);

    CashAmountDialog *openShift();
    void xReport();
    void closeShift();
    // `date` is YYYY-MM-DD.
    void dayReport(const QString &date);

signals:
    // A line for the status bar.
    void message(const QString &text);
    void shiftOpened(const Boxoffice::Sync::ShiftInfo &shift);
    void reportShown(Boxoffice::Gui::ReportDialog *dialog);

private:
    void showReport(const Sync::ShiftReport &report);
    void warn(const QString &title, const QString &text);

    SupervisorServices m_services;
    QWidget *m_parent;
};

} // namespace Boxoffice::Gui

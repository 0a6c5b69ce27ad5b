#pragma once

#include "ui/printing/reportdocument.h"

#include <QDialog>

class QLabel;

namespace Boxoffice::Gui {

// Shows a cash report as it will come off the 80 mm roll, with Print… and Save PDF….
class ReportDialog : public QDialog
{
    Q_OBJECT
public:
    ReportDialog(PrintableReport report, QWidget *parent = nullptr);

    [[nodiscard]] const PrintableReport &report() const { return m_report; }
    // Writes the report as a PDF; false after showing why not.
    bool savePdf(const QString &path);
    [[nodiscard]] QString lastPdf() const { return m_lastPdf; }

signals:
    void reportSaved(const QString &path);

private:
    PrintableReport m_report;
    QLabel *m_error = nullptr;
    QString m_lastPdf;
};

} // namespace Boxoffice::Gui

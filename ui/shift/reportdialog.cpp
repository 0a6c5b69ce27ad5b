#include "ui/shift/reportdialog.h"

#include "ui/printing/reportprinter.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QLabel>
#include <QPixmap>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

namespace Boxoffice::Gui {

ReportDialog::ReportDialog(PrintableReport report, QWidget *parent)
    : QDialog(parent)
    , m_report(std::move(report))
{
    setObjectName(QStringLiteral("reportDialog"));
    setWindowTitle(m_report.title);
    auto *layout = new QVBoxLayout(this);
    auto *scroll = new QScrollArea(this);
    auto *paper = new QLabel(scroll);
    paper->setObjectName(QStringLiteral("reportPreview"));
    paper->setPixmap(QPixmap::fromImage(ReportPrinter::image(m_report, 110)));
    scroll->setWidget(paper);
    scroll->setAlignment(Qt::AlignHCenter);
    scroll->setBackgroundRole(QPalette::Dark);
    layout->addWidget(scroll, 1);
    m_error = new QLabel(this);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color:#a50026;"));
    m_error->hide();
    layout->addWidget(m_error);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto *print = buttons->addButton(tr("&Print…"), QDialogButtonBox::ActionRole);
    print->setToolTip(tr("Print on the receipt printer (Alt+P)"));
    auto *save = buttons->addButton(tr("&Save PDF…"), QDialogButtonBox::ActionRole);
    save->setToolTip(tr("Save the report as a PDF file (Alt+S)"));
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(print, &QPushButton::clicked, this, [this] {
        auto printed = ReportPrinter::printWithDialog(this, m_report);
        if (!printed) {
            m_error->setText(tr("Printing failed: %1").arg(printed.error().message));
            m_error->show();
        }
    });
    connect(save, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Save the report as PDF"),
            QDir::home().filePath(m_report.title.simplified().replace(u' ', u'-') +
                                  QStringLiteral(".pdf")),
            tr("PDF files (*.pdf)"));
        if (!path.isEmpty())
            savePdf(path);
    });
    resize(440, 760);
}

bool ReportDialog::savePdf(const QString &path)
{
    auto written = ReportPrinter::writePdf(path, m_report);
    if (!written) {
        m_error->setText(tr("Saving failed: %1").arg(written.error().message));
        m_error->show();
        return false;
    }
    m_lastPdf = path;
    emit reportSaved(path);
    return true;
}

} // namespace Boxoffice::Gui

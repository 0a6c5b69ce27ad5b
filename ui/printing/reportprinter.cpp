#include "ui/printing/reportprinter.h"

#include "ui/printing/printinglogging.h"
#include "ui/printing/ticketrenderer.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QFontMetricsF>
#include <QPainter>
#include <QPdfWriter>
#include <QPrintDialog>
#include <QPrinter>
#include <QSaveFile>

namespace Boxoffice::Gui {

using Core::ErrorCode;
using Core::fail;
using Core::Result;

namespace {

constexpr qreal kMmPerInch = 25.4;
constexpr qreal kMarginMm = 4.0;
constexpr qreal kWidthMm = ReportPrinter::kRollWidthMm - 2 * kMarginMm;

QFont reportFont(qreal points, bool bold = false)
{
    QFont f(QStringLiteral("DejaVu Sans"));
    f.setStyleHint(QFont::SansSerif);
    f.setPointSizeF(points);
    f.setWeight(bold ? QFont::Bold : QFont::Normal);
    // No ligatures: "ff" and "fl" stay letters, so the PDF's text searches and copies as typed.
    f.setStyleStrategy(QFont::PreferNoShaping);
    return f;
}

// Lays the report out top to bottom in millimetres; with a painter it also draws. Returns the
// height used. Heights come from the fonts' point sizes so that the page size does not depend on
// the device.
class Layout
{
public:
    explicit Layout(QPainter *painter)
        : m_painter(painter)
    {
        if (m_painter)
            m_pxPerMm = m_painter->device()->logicalDpiX() / kMmPerInch;
    }

    static qreal lineHeightMm(const QFont &f) { return f.pointSizeF() * kMmPerInch / 72.0 * 1.35; }

    void text(const QFont &f, const QString &left, const QString &right = {},
              Qt::Alignment align = Qt::AlignLeft)
    {
        const qreal height = lineHeightMm(f);
        if (m_painter) {
            m_painter->setFont(f);
            m_painter->setPen(Qt::black);
            const QRectF box(px(kMarginMm), px(m_y), px(kWidthMm), px(height));
            if (!right.isEmpty())
                m_painter->drawText(box, Qt::AlignRight | Qt::AlignVCenter, right);
            m_painter->drawText(box, align | Qt::AlignVCenter, left);
        }
        m_y += height;
    }

    void rule(bool dashed)
    {
        m_y += 1.0;
        if (m_painter) {
            m_painter->setPen(QPen(Qt::black, px(0.25), dashed ? Qt::DashLine : Qt::SolidLine));
            m_painter->drawLine(QPointF(px(kMarginMm), px(m_y)),
                                QPointF(px(kMarginMm + kWidthMm), px(m_y)));
        }
        m_y += 1.5;
    }

    void gap(qreal mm) { m_y += mm; }
    [[nodiscard]] qreal y() const { return m_y; }

private:
    [[nodiscard]] qreal px(qreal mm) const { return mm * m_pxPerMm; }

    QPainter *m_painter;
    qreal m_pxPerMm = 1;
    qreal m_y = 5.0;
};

qreal compose(Layout &l, const PrintableReport &r)
{
    l.text(reportFont(13, true), r.title, {}, Qt::AlignHCenter);
    if (!r.subtitle.isEmpty())
        l.text(reportFont(7.5), r.subtitle, {}, Qt::AlignHCenter);
    l.rule(false);
    for (const QString &line : r.header)
        l.text(reportFont(8), line);
    if (r.printedAtMs > 0)
        l.text(reportFont(8), ReportPrinter::tr("Printed: %1")
                                  .arg(QDateTime::fromMSecsSinceEpoch(r.printedAtMs)
                                           .toLocalTime()
                                           .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))));
    if (!r.currency.isEmpty())
        l.text(reportFont(8), ReportPrinter::tr("Amounts in %1").arg(r.currency));
    for (const ReportSection &section : r.sections) {
        l.rule(true);
        l.text(reportFont(9, true), section.title);
        for (const ReportLine &line : section.lines)
            l.text(reportFont(8.5), QStringLiteral("  ") + line.label,
                   line.amountCents ? reportAmountText(*line.amountCents) : line.text);
        if (section.totalCents) {
            l.rule(false);
            l.text(reportFont(9.5, true), section.totalLabel,
                   reportAmountText(*section.totalCents));
        }
    }
    l.rule(true);
    l.text(reportFont(7), ReportPrinter::tr("Signature: ______________________"));
    return l.y() + 8.0;
}

} // namespace

QPageLayout ReportPrinter::pageLayout(const PrintableReport &report)
{
    Layout measure(nullptr);
    const qreal height = std::max(kRollWidthMm, std::ceil(compose(measure, report)));
    return QPageLayout(QPageSize(QSizeF(kRollWidthMm, height), QPageSize::Millimeter,
                                 tr("Receipt 80 mm"), QPageSize::ExactMatch),
                       QPageLayout::Portrait, QMarginsF(0, 0, 0, 0), QPageLayout::Millimeter);
}

void ReportPrinter::paint(QPainter &painter, const PrintableReport &report)
{
    painter.save();
    painter.setRenderHint(QPainter::TextAntialiasing);
    Layout layout(&painter);
    compose(layout, report);
    painter.restore();
}

Result<> ReportPrinter::paintDocument(QPagedPaintDevice &device, const PrintableReport &report)
{
    if (auto valid = validateReport(report); !valid)
        return valid;
    if (!device.setPageLayout(pageLayout(report)))
        return fail(ErrorCode::Internal, tr("the output does not take an 80 mm roll page"));
    QPainter painter;
    if (!painter.begin(&device))
        return fail(ErrorCode::Internal, tr("cannot start printing: the output refused"));
    paint(painter, report);
    if (!painter.end())
        return fail(ErrorCode::Internal, tr("the output failed while finishing the report"));
    return {};
}

Result<> ReportPrinter::writePdf(const QString &path, const PrintableReport &report)
{
    if (auto valid = validateReport(report); !valid)
        return valid;
    if (path.trimmed().isEmpty())
        return fail(ErrorCode::BadRequest, tr("no file name given for the PDF"));
    const QFileInfo target(path);
    if (target.isDir())
        return fail(ErrorCode::BadRequest, tr("cannot write %1: it is a folder").arg(path));
    if (!target.absoluteDir().exists())
        return fail(ErrorCode::BadRequest, tr("cannot write %1: the folder %2 does not exist")
                                               .arg(path, target.absoluteDir().path()));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return fail(ErrorCode::BadRequest, tr("cannot write %1: %2").arg(path, file.errorString()));
    {
        QPdfWriter writer(&file);
        writer.setCreator(QStringLiteral("Boxoffice"));
        writer.setTitle(report.title);
        if (auto painted = paintDocument(writer, report); !painted) {
            file.cancelWriting();
            return fail(painted.error().code,
                        tr("cannot write %1: %2").arg(path, painted.error().message));
        }
    }
    if (!file.commit())
        return fail(ErrorCode::Internal, tr("cannot save %1: %2").arg(path, file.errorString()));
    qCInfo(lcPrinting).noquote() << "wrote" << report.title << "to" << path;
    return {};
}

Result<bool> ReportPrinter::printWithDialog(QWidget *parent, const PrintableReport &report)
{
    if (auto valid = validateReport(report); !valid)
        return std::unexpected(valid.error());
    QPrinter printer(QPrinter::HighResolution);
    printer.setDocName(report.title);
    printer.setFullPage(true);
    printer.setPageLayout(pageLayout(report));
    QPrintDialog dialog(&printer, parent);
    dialog.setWindowTitle(tr("Print %1").arg(report.title));
    if (dialog.exec() != QDialog::Accepted)
        return false;
    if (printer.outputFormat() == QPrinter::NativeFormat && !printer.isValid())
        return fail(ErrorCode::Internal,
                    tr("the printer %1 is not available").arg(printer.printerName()));
    if (auto painted = paintDocument(printer, report); !painted)
        return std::unexpected(painted.error());
    return true;
}

QImage ReportPrinter::image(const PrintableReport &report, qreal dpi)
{
    const qreal pxPerMm = dpi / kMmPerInch;
    const QSizeF sizeMm = pageLayout(report).fullRect(QPageLayout::Millimeter).size();
    QImage image(qRound(sizeMm.width() * pxPerMm), qRound(sizeMm.height() * pxPerMm),
                 QImage::Format_RGB32);
    image.setDotsPerMeterX(qRound(pxPerMm * 1000));
    image.setDotsPerMeterY(qRound(pxPerMm * 1000));
    image.fill(Qt::white);
    QPainter painter(&image);
    paint(painter, report);
    return image;
}

} // namespace Boxoffice::Gui

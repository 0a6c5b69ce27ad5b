#include "ui/printing/reportdocument.h"

#include <QCoreApplication>

namespace Boxoffice::Gui {

QString reportAmountText(qint64 minorUnits)
{
    const qint64 magnitude = minorUnits < 0 ? -minorUnits : minorUnits;
    return QStringLiteral("%1%2.%3")
        .arg(minorUnits < 0 ? QStringLiteral("-") : QString())
        .arg(magnitude / 100)
        .arg(magnitude % 100, 2, 10, QLatin1Char('0'));
}

Core::Result<> validateReport(const PrintableReport &report)
{
    const auto tr = [](const char *text) {
        return QCoreApplication::translate("Boxoffice::Gui::ReportDocument", text);
    };
    if (report.title.trimmed().isEmpty())
        return Core::fail(Core::ErrorCode::BadRequest, tr("the report has no title"));
    if (report.sections.isEmpty())
        return Core::fail(Core::ErrorCode::BadRequest, tr("the report has no sections"));
    for (const ReportSection &section : report.sections) {
        if (section.title.trimmed().isEmpty())
            return Core::fail(Core::ErrorCode::BadRequest, tr("a report section has no title"));
        if (!section.totalCents)
            continue;
        qint64 sum = 0;
        for (const ReportLine &line : section.lines)
            sum += line.amountCents.value_or(0);
        if (sum != *section.totalCents)
            return Core::fail(Core::ErrorCode::BadRequest,
                              tr("%1: the lines add up to %2, not to the total %3")
                                  .arg(section.title, reportAmountText(sum),
                                       reportAmountText(*section.totalCents)));
    }
    return {};
}

} // namespace Boxoffice::Gui

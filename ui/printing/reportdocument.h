#pragma once

#include "core/common/result.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

// A cash report on the 80 mm receipt roll: a shift's X report (preview) or Z report (close), or
// a supervisor's day report. Plain values filled in by the shift screens; ReportPrinter draws
// them on a PDF, a printer or a preview image.
namespace Boxoffice::Gui {

struct ReportLine
{
    QString label;
    // A money line, in minor units; it counts toward its section's total.
    std::optional<qint64> amountCents;
    // A line that shows a count or a word instead (e.g. "12 tickets"); never summed.
    QString text;
};

struct ReportSection
{
    QString title;
    QList<ReportLine> lines;
    // When set, printed under a rule; the money lines must add up to it exactly.
    QString totalLabel;
    std::optional<qint64> totalCents;
};

struct PrintableReport
{
    QString title;      // "X REPORT", "Z REPORT", "DAY REPORT"
    QString subtitle;   // e.g. "Preview — the shift stays open"
    QStringList header; // "Cashier: clerk", "Terminal: window-1", ...
    QList<ReportSection> sections;
    QString currency; // printed beside amounts when set
    qint64 printedAtMs = 0;
};

// "1 234.50"-style amount text of the report (sign first, two decimals).
[[nodiscard]] QString reportAmountText(qint64 minorUnits);

// BadRequest, naming the section, for an empty title, no sections, a section without a title,
// or a section whose money lines do not add up to its total.
[[nodiscard]] Core::Result<> validateReport(const PrintableReport &report);

} // namespace Boxoffice::Gui

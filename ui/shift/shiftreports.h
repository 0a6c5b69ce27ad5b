#pragma once

#include "sync/client/apitypes.h"
#include "ui/printing/reportdocument.h"

// What goes on paper for the cash reports: a shift's X/Z report and the supervisor's day
// report, as the server computed them, laid out so that every section adds up.
namespace Boxoffice::Gui {

// The drawer reconciliation of an X or Z report: float, sales, refunds and exchange cash lines
// summing to the expected cash; then counted − expected = difference (Z, or X when counted).
[[nodiscard]] PrintableReport shiftReportDocument(const Sync::ShiftReport &report,
                                                  qint64 printedAtMs);

// One section per cashier and per terminal, and the day's total.
[[nodiscard]] PrintableReport dayReportDocument(const Sync::DayReport &report, qint64 printedAtMs);

} // namespace Boxoffice::Gui

#include "ui/shift/shiftreports.h"

#include <QCoreApplication>
#include <QDateTime>

namespace Boxoffice::Gui {

namespace {

QString tr(const char *text, const char *disambiguation = nullptr, int n = -1)
{
    return QCoreApplication::translate("Boxoffice::Gui::ShiftReports", text, disambiguation, n);
}

QString timeText(qint64 ms)
{
    if (ms <= 0)
        return QStringLiteral("—");
    return QDateTime::fromMSecsSinceEpoch(ms).toLocalTime().toString(
        QStringLiteral("yyyy-MM-dd HH:mm"));
}

ReportLine money(const QString &label, qint64 cents)
{
    return ReportLine{label, cents, {}};
}

ReportLine info(const QString &label, const QString &text)
{
    return ReportLine{label, std::nullopt, text};
}

ReportSection totalsSection(const QString &title, const Sync::MoneyTotals &totals)
{
    ReportSection section;
    section.title = title;
    section.lines << info(tr("Transactions"), QString::number(totals.count))
                  << info(tr("Tickets"), QString::number(totals.tickets))
                  << money(tr("Cash"), totals.cashCents) << money(tr("Card"), totals.cardCents);
    // A tender the terminal does not name (e.g. an exchange credit) still shows, so that the
    // lines add up to the server's total.
    const qint64 other = totals.totalCents - totals.cashCents - totals.cardCents;
    if (other != 0)
        section.lines << money(tr("Other tenders"), other);
    section.totalLabel = tr("Total");
    section.totalCents = totals.totalCents;
    return section;
}

// Float + cash in − cash out = expected, with the server's expected figure as the total. The
// exchange cash is listed on its own lines; if the server already counted it inside the sales
// and refunds, the remainder line says so instead of printing a sum that does not add up.
template <class Figures> QList<ReportSection> drawerSections(const Figures &f)
{
    ReportSection drawer;
    drawer.title = tr("Cash drawer");
    drawer.lines << money(tr("Opening float"), f.floatCents)
                 << money(tr("Cash sales"), f.sales.cashCents)
                 << money(tr("Cash refunds"), -f.refunds.cashCents);
    qint64 sum = f.floatCents + f.sales.cashCents - f.refunds.cashCents;
    if (f.exchanges.cashInCents != 0 || f.exchanges.cashOutCents != 0) {
        const qint64 exchangeNet = f.exchanges.cashInCents - f.exchanges.cashOutCents;
        if (sum + exchangeNet == f.expectedCashCents || sum != f.expectedCashCents) {
            drawer.lines << money(tr("Exchanges: cash in"), f.exchanges.cashInCents)
                         << money(tr("Exchanges: cash out"), -f.exchanges.cashOutCents);
            sum += exchangeNet;
        }
    }
    if (sum != f.expectedCashCents)
        drawer.lines << money(tr("Other cash movements"), f.expectedCashCents - sum);
    drawer.totalLabel = tr("Expected cash");
    drawer.totalCents = f.expectedCashCents;

    QList<ReportSection> sections{drawer};
    if (f.countedCents) {
        ReportSection count;
        count.title = tr("Count");
        count.lines << money(tr("Counted cash"), *f.countedCents)
                    << money(tr("Expected cash"), -f.expectedCashCents);
        count.totalLabel = tr("Difference (counted − expected)");
        count.totalCents = f.differenceCents.value_or(*f.countedCents - f.expectedCashCents);
        sections << count;
    }
    return sections;
}

template <class Figures>
QList<ReportSection> figureSections(const QString &prefix, const Figures &f)
{
    QList<ReportSection> sections;
    sections << totalsSection(prefix + tr("Sales"), f.sales)
             << totalsSection(prefix + tr("Refunds"), f.refunds);
    ReportSection exchanges;
    exchanges.title = prefix + tr("Exchanges");
    exchanges.lines << info(tr("Exchanges"), QString::number(f.exchanges.count))
                    << money(tr("Cash in"), f.exchanges.cashInCents)
                    << money(tr("Cash out"), -f.exchanges.cashOutCents)
                    << money(tr("Card in"), f.exchanges.cardInCents)
                    << money(tr("Card out"), -f.exchanges.cardOutCents);
    exchanges.totalLabel = tr("Net exchange money");
    exchanges.totalCents = f.exchanges.cashInCents - f.exchanges.cashOutCents +
                           f.exchanges.cardInCents - f.exchanges.cardOutCents;
    sections << exchanges;
    for (ReportSection section : drawerSections(f)) {
        section.title = prefix + section.title;
        sections << section;
    }
    return sections;
}

} // namespace

PrintableReport shiftReportDocument(const Sync::ShiftReport &report, qint64 printedAtMs)
{
    PrintableReport doc;
    const bool z = report.kind == QLatin1StringView("Z");
    doc.title = z ? tr("Z REPORT") : tr("X REPORT");
    doc.subtitle = z ? tr("Shift closed") : tr("Preview — the shift stays open");
    doc.header << tr("Cashier: %1").arg(report.shift.username)
               << tr("Terminal: %1").arg(report.shift.terminal)
               << tr("Shift: %1").arg(report.shift.id.value())
               << tr("Opened: %1").arg(timeText(report.shift.openedMs));
    if (report.shift.closedMs > 0)
        doc.header << tr("Closed: %1").arg(timeText(report.shift.closedMs));
    doc.header << tr("Figures at: %1").arg(timeText(report.generatedMs));
    doc.sections = figureSections(QString(), report);
    doc.printedAtMs = printedAtMs;
    return doc;
}

PrintableReport dayReportDocument(const Sync::DayReport &report, qint64 printedAtMs)
{
    // One compact section per cashier and per terminal: the takings by tender.
    const auto takings = [](const QString &title, const Sync::DayReportLine &line) {
        ReportSection section;
        section.title = title;
        section.lines
            << info(tr("Sales / tickets"),
                    QStringLiteral("%1 / %2").arg(line.sales.count).arg(line.sales.tickets))
            << money(tr("Cash sales"), line.sales.cashCents)
            << money(tr("Card sales"), line.sales.cardCents)
            << money(tr("Cash refunds"), -line.refunds.cashCents)
            << money(tr("Card refunds"), -line.refunds.cardCents)
            << money(tr("Exchanges: cash in"), line.exchanges.cashInCents)
            << money(tr("Exchanges: cash out"), -line.exchanges.cashOutCents)
            << money(tr("Exchanges: card in"), line.exchanges.cardInCents)
            << money(tr("Exchanges: card out"), -line.exchanges.cardOutCents);
        section.totalLabel = tr("Net takings");
        qint64 sum = 0;
        for (const ReportLine &l : section.lines)
            sum += l.amountCents.value_or(0);
        section.totalCents = sum;
        if (line.countedCents)
            section.lines << info(
                tr("Counted / difference"),
                QStringLiteral("%1 / %2").arg(reportAmountText(*line.countedCents),
                                              reportAmountText(line.differenceCents.value_or(0))));
        return section;
    };
    PrintableReport doc;
    doc.title = tr("DAY REPORT");
    doc.subtitle = report.date;
    for (const Sync::DayReportLine &line : report.byCashier)
        doc.sections << takings(tr("Cashier %1").arg(line.label), line);
    for (const Sync::DayReportLine &line : report.byTerminal)
        doc.sections << takings(tr("Terminal %1").arg(line.label), line);
    doc.sections << takings(tr("Day total"), report.total);
    doc.printedAtMs = printedAtMs;
    return doc;
}

} // namespace Boxoffice::Gui

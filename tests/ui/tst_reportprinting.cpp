// Cash reports on paper: the X/Z report laid out from the server's figures adds up in every
// section (float + cash in − cash out = expected; counted − expected = difference), a report
// that does not add up is refused before anything is written, and the PDF reads back with the
// figures on it.

#include "pdfraster.h"

#include "ui/printing/reportdocument.h"
#include "ui/printing/reportprinter.h"
#include "ui/shift/shiftreports.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Boxoffice;

namespace {

Sync::ShiftReport zReport()
{
    Sync::ShiftReport r;
    r.kind = QStringLiteral("Z");
    r.shift.id = Sync::ShiftId(QStringLiteral("SH-7"));
    r.shift.username = QStringLiteral("clerk");
    r.shift.terminal = QStringLiteral("window-4");
    r.shift.status = QStringLiteral("CLOSED");
    r.shift.openedMs = 1'772'000'000'000;
    r.shift.closedMs = 1'772'030'000'000;
    r.sales = {4, 9, 18'000, 7'500, 25'500};
    r.refunds = {1, 2, 3'000, 0, 3'000};
    r.exchanges = {2, 1'500, 700, 2'000, 0};
    r.floatCents = 10'000;
    r.expectedCashCents = 10'000 + 18'000 - 3'000 + 1'500 - 700;
    r.netCashCents = r.expectedCashCents - r.floatCents;
    r.countedCents = r.expectedCashCents - 250;
    r.differenceCents = -250;
    r.generatedMs = r.shift.closedMs;
    return r;
}

const Gui::ReportSection *section(const Gui::PrintableReport &report, const QString &title)
{
    for (const Gui::ReportSection &s : report.sections) {
        if (s.title == title)
            return &s;
    }
    return nullptr;
}

qint64 sum(const Gui::ReportSection &section)
{
    qint64 total = 0;
    for (const Gui::ReportLine &line : section.lines)
        total += line.amountCents.value_or(0);
    return total;
}

} // namespace

class TestReportPrinting : public QObject
{
    Q_OBJECT

private slots:
    void everySectionAddsUp_data()
    {
        QTest::addColumn<bool>("exchangesInsideSales");
        QTest::newRow("exchange cash listed apart") << false;
        // A server that counts exchange cash inside the sales and refunds already.
        QTest::newRow("exchange cash inside sales") << true;
    }

    void everySectionAddsUp()
    {
        QFETCH(bool, exchangesInsideSales);
        Sync::ShiftReport figures = zReport();
        if (exchangesInsideSales) {
            figures.expectedCashCents = 10'000 + 18'000 - 3'000;
            figures.countedCents = figures.expectedCashCents - 250;
        }
        const Gui::PrintableReport report = Gui::shiftReportDocument(figures, 1);
        QVERIFY(Gui::validateReport(report));
        const Gui::ReportSection *drawer = section(report, QStringLiteral("Cash drawer"));
        QVERIFY(drawer);
        QCOMPARE(drawer->totalCents.value_or(0), figures.expectedCashCents);
        QCOMPARE(sum(*drawer), figures.expectedCashCents);
        // Nothing is explained away: the figures above account for every cent.
        for (const Gui::ReportLine &line : drawer->lines)
            QVERIFY2(!line.label.startsWith(QStringLiteral("Other")), qPrintable(line.label));
        const Gui::ReportSection *count = section(report, QStringLiteral("Count"));
        QVERIFY(count);
        QCOMPARE(count->totalCents.value_or(0), -250);
        QCOMPARE(sum(*count), -250);
        const Gui::ReportSection *sales = section(report, QStringLiteral("Sales"));
        QCOMPARE(sum(*sales), 25'500);
    }

    void xReportHasNoCount()
    {
        Sync::ShiftReport figures = zReport();
        figures.kind = QStringLiteral("X");
        figures.countedCents.reset();
        figures.differenceCents.reset();
        const Gui::PrintableReport report = Gui::shiftReportDocument(figures, 1);
        QCOMPARE(report.title, QStringLiteral("X REPORT"));
        QVERIFY(!section(report, QStringLiteral("Count")));
        QVERIFY(Gui::validateReport(report));
    }

    void reportThatDoesNotAddUpIsRefused()
    {
        Gui::PrintableReport report = Gui::shiftReportDocument(zReport(), 1);
        report.sections[0].lines.append(Gui::ReportLine{QStringLiteral("Stray"), 1, {}});
        const auto valid = Gui::validateReport(report);
        QVERIFY(!valid);
        QCOMPARE(valid.error().code, Core::ErrorCode::BadRequest);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("bad.pdf"));
        QVERIFY(!Gui::ReportPrinter::writePdf(path, report));
        QVERIFY(!QFile::exists(path));
    }

    void pdfCarriesTheFigures()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("z.pdf"));
        const Gui::PrintableReport report = Gui::shiftReportDocument(zReport(), 1);
        auto written = Gui::ReportPrinter::writePdf(path, report);
        QVERIFY2(written, qPrintable(written ? QString() : written.error().message));
        auto texts = Test::pdfPageTexts(path);
        QVERIFY2(texts, qPrintable(texts ? QString() : texts.error().message));
        QCOMPARE(texts->size(), 1); // one roll page
        const QString text = texts->first();
        for (const QString &expected :
             {QStringLiteral("Z REPORT"), QStringLiteral("window-4"),
              QStringLiteral("Expected cash"), Gui::reportAmountText(zReport().expectedCashCents),
              QStringLiteral("-2.50"), QStringLiteral("255.00")})
            QVERIFY2(text.contains(expected), qPrintable(expected + QStringLiteral(" in ") + text));
        const QImage preview = Gui::ReportPrinter::image(report, 100);
        QVERIFY(!preview.isNull());
        QCOMPARE(preview.width(), qRound(80.0 / 25.4 * 100));
        QVERIFY(preview.height() > preview.width());
    }

    void amountText_data()
    {
        QTest::addColumn<qint64>("cents");
        QTest::addColumn<QString>("text");
        QTest::newRow("zero") << qint64(0) << QStringLiteral("0.00");
        QTest::newRow("cents") << qint64(5) << QStringLiteral("0.05");
        QTest::newRow("negative") << qint64(-250) << QStringLiteral("-2.50");
        QTest::newRow("large") << qint64(123'456'789) << QStringLiteral("1234567.89");
    }

    void amountText()
    {
        QFETCH(qint64, cents);
        QFETCH(QString, text);
        QCOMPARE(Gui::reportAmountText(cents), text);
    }
};

QTEST_MAIN(TestReportPrinting)
#include "tst_reportprinting.moc"

#include "core/security/random.h"
#include "core/security/ticketsigner.h"
#include "pdfraster.h"
#include "qrdecode.h"
#include "ui/printing/ticketprinter.h"
#include "ui/printing/ticketrenderer.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QLineEdit>
#include <QLocale>
#include <QPrintDialog>
#include <QPrinter>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <unistd.h>

#include <ctime>
#include <memory>

using namespace Boxoffice::Core;
using namespace Boxoffice::Gui;
using namespace Boxoffice::Test;

namespace {

constexpr int kDpi = 200;
constexpr qint64 kStartMs = 1'772'735'400'000LL; // Thursday 2026-03-05 18:30 UTC, 19:30 in Berlin
constexpr qint64 kPaidMs = 1'772'718'120'000LL;  // the same day, 13:42 UTC
// Central European Time with its summer time, spelled out so no time zone database is needed.
constexpr char kCentralEurope[] = "CET-1CEST,M3.5.0,M10.5.0/3";

qreal pxToMm(int px)
{
    return px * 25.4 / kDpi;
}

QStringList filesIn(const QString &folder)
{
    return QDir(folder).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot);
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

enum class Defect
{
    NoTickets,
    NoQrPayload,
    LongQrPayload,
    NoTicketCode,
    BadCurrency,
    NegativePrice,
    NoStartTime,
    LinesNotTotal,
    UnknownMethod,
    WrongChange,
    NoLines,
};

} // namespace

Q_DECLARE_METATYPE(Defect)

class TestTicketPrinting : public QObject
{
    Q_OBJECT

private:
    std::optional<TicketSigner> m_signer;
    TicketVerifier m_verifier;
    QTemporaryDir m_dir;
    QString m_orderId;
    QString m_artifacts;

    PrintableTicket ticket(const QString &seatNumber) const
    {
        PrintableTicket t;
        t.showTitle = QStringLiteral("The Seagull");
        t.venueName = QStringLiteral("Lindenhof Theatre");
        t.city = QStringLiteral("Freiburg");
        t.startMs = kStartMs;
        t.sectionName = QStringLiteral("Stalls");
        t.rowLabel = QStringLiteral("F");
        t.seatNumber = seatNumber;
        t.seatId = QStringLiteral("STALLS-F-") + seatNumber;
        t.tierName = QStringLiteral("Premium");
        t.priceCents = 4500;
        t.currency = QStringLiteral("EUR");
        t.orderId = m_orderId;
        t.ticketCode = newId(u"TKT_");
        TicketClaims claims;
        claims.show = ShowId(QStringLiteral("seagull-1"));
        claims.seat = SeatId(t.seatId);
        claims.order = OrderId(t.orderId);
        claims.ticket = TicketCode(t.ticketCode);
        claims.validUntilMs = kStartMs + 6 * 3600 * 1000;
        const auto payload = m_signer->sign(claims);
        if (payload)
            t.qrPayload = *payload;
        return t;
    }

    PrintableReceipt receipt(const QList<PrintableTicket> &tickets) const
    {
        PrintableReceipt r;
        r.venueName = QStringLiteral("Lindenhof Theatre");
        r.orderId = m_orderId;
        r.clerk = QStringLiteral("clerk");
        r.terminal = QStringLiteral("Window 2");
        r.paidAtMs = kPaidMs;
        for (const PrintableTicket &t : tickets) {
            r.lines.append(
                {QStringLiteral("%1, %2 row %3 seat %4, %5")
                     .arg(t.showTitle, t.sectionName, t.rowLabel, t.seatNumber, t.tierName),
                 t.priceCents});
            r.totalCents += t.priceCents;
        }
        r.currency = QStringLiteral("EUR");
        r.method = QString(kPaymentCash);
        r.tenderedCents = 10000;
        r.changeCents = r.tenderedCents - r.totalCents;
        r.customerName = QStringLiteral("Anna Petrovna");
        return r;
    }

    // The page's QR code verifies and names this ticket's show, seat, order and code.
    void verifyQr(const QImage &page, const PrintableTicket &expected)
    {
        const QList<FoundQrCode> codes = findQrCodes(page);
        QCOMPARE(codes.size(), 1);
        QCOMPARE(codes[0].text, expected.qrPayload);
        const auto claims = m_verifier.verify(codes[0].text);
        QVERIFY2(claims, qPrintable(claims ? QString() : claims.error().message));
        QCOMPARE(claims->show.value(), QStringLiteral("seagull-1"));
        QCOMPARE(claims->seat.value(), expected.seatId);
        QCOMPARE(claims->order.value(), expected.orderId);
        QCOMPARE(claims->ticket.value(), expected.ticketCode);
        // Large enough for a door scanner: the symbol is 30-40 mm wide (36 mm by design)...
        const QRect symbol = codes[0].bounds;
        QVERIFY2(pxToMm(symbol.width()) >= 30.0 && pxToMm(symbol.width()) <= 40.0,
                 qPrintable(QString::number(pxToMm(symbol.width()))));
        QVERIFY2(pxToMm(symbol.height()) >= 30.0 && pxToMm(symbol.height()) <= 40.0,
                 qPrintable(QString::number(pxToMm(symbol.height()))));
        // ... with its quiet zone (4 modules, about 2.5 mm) left white: nothing printed from
        // just outside the symbol's edge to 2 mm away from it.
        const int inner = qRound(0.6 * kDpi / 25.4);
        const int outer = qRound(2.0 * kDpi / 25.4);
        const QRect ring = symbol.adjusted(-outer, -outer, outer, outer);
        const QRect hole = symbol.adjusted(-inner, -inner, inner, inner);
        const QImage gray = page.convertToFormat(QImage::Format_Grayscale8);
        QVERIFY(gray.rect().contains(ring));
        for (int y = ring.top(); y <= ring.bottom(); ++y) {
            for (int x = ring.left(); x <= ring.right(); ++x) {
                if (!hole.contains(x, y) && gray.constScanLine(y)[x] < 200)
                    QFAIL(qPrintable(
                        QStringLiteral("ink at (%1, %2) in the quiet zone").arg(x).arg(y)));
            }
        }
    }

    // Rejects every print dialog that opens while the returned timer lives (so that a test
    // cannot hang in a modal dialog), setting *seen.
    std::unique_ptr<QTimer> closeDialogs(bool *seen)
    {
        auto timer = std::make_unique<QTimer>();
        timer->setInterval(20);
        connect(timer.get(), &QTimer::timeout, this, [seen] {
            if (auto *dialog = qobject_cast<QPrintDialog *>(QApplication::activeModalWidget())) {
                *seen = true;
                dialog->reject();
            }
        });
        timer->start();
        return timer;
    }

    void saveArtifact(const QImage &image, const QString &name) const
    {
        QVERIFY(image.save(m_artifacts + u'/' + name));
    }

private slots:
    void initTestCase()
    {
        qputenv("TZ", kCentralEurope);
        tzset();
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedKingdom));
        QVERIFY(m_dir.isValid());
        m_artifacts = QStringLiteral(BOXOFFICE_BINARY_DIR "/test-artifacts/ticketprinting");
        QVERIFY(QDir().mkpath(m_artifacts));
        auto signer = TicketSigner::generate();
        QVERIFY(signer);
        m_signer = *signer;
        m_verifier.addKey(m_signer->keyId(), m_signer->publicKey());
        m_orderId = newId(u"ORD_");
    }

    void dateAndTimeInLocalTime_data()
    {
        QTest::addColumn<qint64>("utcMs");
        QTest::addColumn<QString>("date");
        QTest::addColumn<QString>("time");
        QTest::newRow("winter, UTC+1")
            << kStartMs << QStringLiteral("Thursday, 5 March 2026") << QStringLiteral("19:30");
        QTest::newRow("summer, UTC+2")
            << 1'783'184'400'000LL << QStringLiteral("Saturday, 4 July 2026")
            << QStringLiteral("19:00");
        QTest::newRow("past midnight locally")
            << 1'767'223'800'000LL << QStringLiteral("Thursday, 1 January 2026")
            << QStringLiteral("00:30");
    }
    void dateAndTimeInLocalTime()
    {
        QFETCH(qint64, utcMs);
        QFETCH(QString, date);
        QFETCH(QString, time);
        QCOMPARE(TicketRenderer::dateText(utcMs), date);
        QCOMPARE(TicketRenderer::timeText(utcMs), time);
    }

    void pdfWithTicketsAndReceipt()
    {
        PrintableTicket first = ticket(QStringLiteral("12"));
        PrintableTicket second = ticket(QStringLiteral("13"));
        second.reprint = true;
        second.wheelchair = true;
        const QList<PrintableTicket> tickets{first, second};
        const PrintableReceipt paid = receipt(tickets);
        const QString path = m_dir.filePath(QStringLiteral("order.pdf"));

        TicketPrinter printer;
        const auto written = printer.writePdf(path, tickets, paid);
        QVERIFY2(written, qPrintable(written ? QString() : written.error().message));
        QCOMPARE(filesIn(m_dir.path()), QStringList{QStringLiteral("order.pdf")});
        QVERIFY(readAll(path).startsWith("%PDF-"));
        QFile::remove(m_artifacts + QStringLiteral("/order.pdf"));
        QVERIFY(QFile::copy(path, m_artifacts + QStringLiteral("/order.pdf")));

        const auto pages = rasterizePdf(path, kDpi);
        QVERIFY2(pages, qPrintable(pages ? QString() : pages.error().message));
        QCOMPARE(pages->size(), 3);

        // Ticket pages: 203.2 x 82.55 mm, landscape; the receipt 80 mm wide and longer.
        for (int i = 0; i < 2; ++i) {
            QVERIFY2(qAbs(pxToMm(pages->at(i).width()) - 203.2) < 0.5,
                     qPrintable(QString::number(pages->at(i).width())));
            QVERIFY2(qAbs(pxToMm(pages->at(i).height()) - 82.55) < 0.5,
                     qPrintable(QString::number(pages->at(i).height())));
        }
        QVERIFY(qAbs(pxToMm(pages->at(2).width()) - 80.0) < 0.5);
        QVERIFY(pxToMm(pages->at(2).height()) >= 80.0);

        verifyQr(pages->at(0), first);
        verifyQr(pages->at(1), second);
        QVERIFY(findQrCodes(pages->at(2)).isEmpty());

        saveArtifact(pages->at(0), QStringLiteral("ticket.png"));
        saveArtifact(pages->at(1), QStringLiteral("ticket-reprint.png"));
        saveArtifact(pages->at(2), QStringLiteral("receipt.png"));

        const auto texts = pdfPageTexts(path);
        QVERIFY2(texts, qPrintable(texts ? QString() : texts.error().message));
        QCOMPARE(texts->size(), 3);
        for (int i = 0; i < 2; ++i) {
            const QString &text = texts->at(i);
            const PrintableTicket &t = tickets[i];
            for (const QString &expected :
                 {t.showTitle, t.venueName, t.city, QStringLiteral("Thursday, 5 March 2026"),
                  QStringLiteral("19:30"), t.sectionName, t.tierName, QStringLiteral("45.00 EUR"),
                  t.orderId, t.ticketCode, t.seatId}) {
                QVERIFY2(
                    text.contains(expected),
                    qPrintable(
                        QStringLiteral("page %1 lacks '%2':\n%3").arg(i + 1).arg(expected, text)));
            }
        }
        QVERIFY(!texts->at(0).contains(QStringLiteral("REPRINT")));
        QVERIFY(texts->at(1).contains(QStringLiteral("REPRINT")));
        QVERIFY(!texts->at(0).contains(QStringLiteral("WHEELCHAIR")));
        QVERIFY(texts->at(1).contains(QStringLiteral("WHEELCHAIR")));

        const QString &receiptText = texts->at(2);
        for (const QString &expected :
             {paid.venueName, paid.orderId, QStringLiteral("TOTAL EUR"), QStringLiteral("90.00"),
              QStringLiteral("Tendered"), QStringLiteral("100.00"), QStringLiteral("Change"),
              QStringLiteral("10.00"), QStringLiteral("clerk"), QStringLiteral("Window 2"),
              QStringLiteral("Anna Petrovna"), QStringLiteral("row F seat 13")}) {
            QVERIFY2(
                receiptText.contains(expected),
                qPrintable(QStringLiteral("receipt lacks '%1':\n%2").arg(expected, receiptText)));
        }
        QVERIFY(!receiptText.contains(QStringLiteral("REPRINT")));
        QVERIFY(!receiptText.contains(QStringLiteral("COPY")));
    }

    void cardReceipt()
    {
        const QList<PrintableTicket> tickets{ticket(QStringLiteral("7"))};
        PrintableReceipt paid = receipt(tickets);
        paid.method = QString(kPaymentCard);
        paid.tenderedCents = 0;
        paid.changeCents = 0;
        paid.cardReference = QStringLiteral("ACQ-5521-77");
        paid.reprint = true;
        const QString path = m_dir.filePath(QStringLiteral("card.pdf"));
        QVERIFY(TicketPrinter().writePdf(path, tickets, paid));
        const auto texts = pdfPageTexts(path);
        QVERIFY(texts);
        QCOMPARE(texts->size(), 2);
        QVERIFY(texts->at(1).contains(QStringLiteral("Paid by card")));
        QVERIFY(texts->at(1).contains(QStringLiteral("ACQ-5521-77")));
        QVERIFY(texts->at(1).contains(QStringLiteral("COPY")));
        QVERIFY(!texts->at(1).contains(QStringLiteral("Change")));
        QVERIFY(QFile::remove(path));
    }

    void printToPdfPrinter()
    {
        // The system-printer path (QPrinter), with PDF output so that it can be read back.
        const PrintableTicket only = ticket(QStringLiteral("21"));
        const QString path = m_dir.filePath(QStringLiteral("printer.pdf"));
        QPrinter printer(QPrinter::HighResolution);
        printer.setOutputFormat(QPrinter::PdfFormat);
        printer.setOutputFileName(path);
        const auto printed = TicketPrinter().printTo(printer, {only}, std::nullopt);
        QVERIFY2(printed, qPrintable(printed ? QString() : printed.error().message));

        const auto pages = rasterizePdf(path, kDpi);
        QVERIFY2(pages, qPrintable(pages ? QString() : pages.error().message));
        QCOMPARE(pages->size(), 1);
        QVERIFY(qAbs(pxToMm(pages->at(0).width()) - 203.2) < 0.5);
        verifyQr(pages->at(0), only);
        QVERIFY(QFile::remove(path));
    }

    void previewImages()
    {
        PrintableTicket t = ticket(QStringLiteral("3"));
        // Long texts are shrunk or cut to fit; they never push the QR code off its place.
        t.showTitle = QStringLiteral("A Very Long Title For An Evening Of Chamber Music With "
                                     "Guests From Three Countries");
        t.sectionName = QStringLiteral("Balcony 2, left side, partially restricted view");
        const QImage image = TicketRenderer::ticketImage(t, kDpi);
        QCOMPARE(image.size(), QSize(qRound(203.2 / 25.4 * kDpi), qRound(82.55 / 25.4 * kDpi)));
        verifyQr(image, t);

        const QImage slip = TicketRenderer::receiptImage(receipt({t}), kDpi);
        QCOMPARE(slip.width(), qRound(80 / 25.4 * kDpi));
        QVERIFY(slip.height() >= slip.width());
        saveArtifact(image, QStringLiteral("ticket-long-texts.png"));
    }

    void longerReceiptLongerPage()
    {
        QList<PrintableTicket> many;
        for (int seat = 1; seat <= 12; ++seat)
            many.append(ticket(QString::number(seat)));
        const PrintableReceipt few = receipt({many.first()});
        PrintableReceipt lots = receipt(many);
        lots.tenderedCents = lots.totalCents;
        lots.changeCents = 0;
        const QImage short_ = TicketRenderer::receiptImage(few, kDpi);
        const QImage long_ = TicketRenderer::receiptImage(lots, kDpi);
        QVERIFY2(long_.height() > short_.height() + 11 * 3 * kDpi / 25.4,
                 qPrintable(QStringLiteral("%1 vs %2").arg(long_.height()).arg(short_.height())));
    }

    void refusesBadJobs_data()
    {
        QTest::addColumn<Defect>("defect");
        QTest::addColumn<QString>("mentions"); // the message names what is wrong
        QTest::newRow("no tickets") << Defect::NoTickets << QStringLiteral("no tickets");
        QTest::newRow("ticket without QR payload")
            << Defect::NoQrPayload << QStringLiteral("no QR payload");
        QTest::newRow("QR payload too long")
            << Defect::LongQrPayload << QStringLiteral("longer than 1024");
        QTest::newRow("no ticket code") << Defect::NoTicketCode << QStringLiteral("no ticket code");
        QTest::newRow("bad currency") << Defect::BadCurrency << QStringLiteral("'euro'");
        QTest::newRow("negative price") << Defect::NegativePrice << QStringLiteral("price -1");
        QTest::newRow("no start time") << Defect::NoStartTime << QStringLiteral("start time");
        QTest::newRow("receipt lines do not add up")
            << Defect::LinesNotTotal << QStringLiteral("add up to 9000");
        QTest::newRow("receipt with unknown method")
            << Defect::UnknownMethod << QStringLiteral("'CHEQUE'");
        QTest::newRow("cash change wrong") << Defect::WrongChange << QStringLiteral("change 1100");
        QTest::newRow("receipt without lines") << Defect::NoLines << QStringLiteral("no lines");
    }
    void refusesBadJobs()
    {
        QFETCH(Defect, defect);
        QFETCH(QString, mentions);
        QList<PrintableTicket> tickets{ticket(QStringLiteral("1")), ticket(QStringLiteral("2"))};
        PrintableReceipt paid = receipt(tickets);
        switch (defect) {
        case Defect::NoTickets:
            tickets.clear();
            break;
        case Defect::NoQrPayload:
            tickets[1].qrPayload.clear();
            break;
        case Defect::LongQrPayload:
            tickets[0].qrPayload = QString(1025, u'x');
            break;
        case Defect::NoTicketCode:
            tickets[1].ticketCode.clear();
            break;
        case Defect::BadCurrency:
            tickets[0].currency = QStringLiteral("euro");
            break;
        case Defect::NegativePrice:
            tickets[0].priceCents = -1;
            break;
        case Defect::NoStartTime:
            tickets[0].startMs = 0;
            break;
        case Defect::LinesNotTotal:
            paid.totalCents += 1;
            paid.tenderedCents += 1;
            break;
        case Defect::UnknownMethod:
            paid.method = QStringLiteral("CHEQUE");
            break;
        case Defect::WrongChange:
            paid.changeCents += 100;
            break;
        case Defect::NoLines:
            paid.lines.clear();
            paid.totalCents = 0;
            paid.tenderedCents = paid.changeCents;
            break;
        }

        // An earlier PDF at the target stays as it was; nothing else appears beside it.
        QTemporaryDir folder;
        const QString path = folder.filePath(QStringLiteral("order.pdf"));
        {
            QFile earlier(path);
            QVERIFY(earlier.open(QIODevice::WriteOnly));
            earlier.write("earlier print");
        }
        TicketPrinter printer;
        const auto written = printer.writePdf(path, tickets, paid);
        QVERIFY(!written);
        QCOMPARE(written.error().code, ErrorCode::BadRequest);
        QVERIFY2(written.error().message.contains(mentions), qPrintable(written.error().message));
        QCOMPARE(readAll(path), QByteArray("earlier print"));
        QCOMPARE(filesIn(folder.path()), QStringList{QStringLiteral("order.pdf")});

        QPrinter pdfPrinter(QPrinter::HighResolution);
        pdfPrinter.setOutputFormat(QPrinter::PdfFormat);
        pdfPrinter.setOutputFileName(folder.filePath(QStringLiteral("printer.pdf")));
        const auto printed = printer.printTo(pdfPrinter, tickets, paid);
        QVERIFY(!printed);
        QCOMPARE(printed.error().code, ErrorCode::BadRequest);
        QCOMPARE(filesIn(folder.path()), QStringList{QStringLiteral("order.pdf")});
    }

    void refusesUnwritablePaths_data()
    {
        QTest::addColumn<QString>("relative");
        QTest::addColumn<bool>("needsNonRoot");
        QTest::newRow("empty path") << QString() << false;
        QTest::newRow("missing folder") << QStringLiteral("missing/deeper/order.pdf") << false;
        QTest::newRow("parent is a file") << QStringLiteral("plain.txt/order.pdf") << false;
        QTest::newRow("path is a folder") << QStringLiteral("sub") << false;
        QTest::newRow("read-only folder") << QStringLiteral("locked/order.pdf") << true;
    }
    void refusesUnwritablePaths()
    {
        QFETCH(QString, relative);
        QFETCH(bool, needsNonRoot);
        if (needsNonRoot && ::geteuid() == 0)
            QSKIP("root writes into read-only folders");
        QTemporaryDir folder;
        QVERIFY(QDir(folder.path()).mkdir(QStringLiteral("sub")));
        QVERIFY(QDir(folder.path()).mkdir(QStringLiteral("locked")));
        QVERIFY(QFile::setPermissions(folder.filePath(QStringLiteral("locked")),
                                      QFile::ReadOwner | QFile::ExeOwner));
        {
            QFile plain(folder.filePath(QStringLiteral("plain.txt")));
            QVERIFY(plain.open(QIODevice::WriteOnly));
        }
        const QStringList before = filesIn(folder.path());
        const QString path = relative.isEmpty() ? QString() : folder.filePath(relative);

        const auto written =
            TicketPrinter().writePdf(path, {ticket(QStringLiteral("5"))}, std::nullopt);
        QVERIFY(!written);
        QCOMPARE(written.error().code, ErrorCode::BadRequest);
        if (!relative.isEmpty())
            QVERIFY2(written.error().message.contains(path), qPrintable(written.error().message));
        QCOMPARE(filesIn(folder.path()), before);
        QVERIFY(filesIn(folder.filePath(QStringLiteral("sub"))).isEmpty());
        QVERIFY(filesIn(folder.filePath(QStringLiteral("locked"))).isEmpty());
        QFile::setPermissions(folder.filePath(QStringLiteral("locked")),
                              QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    }

    void replacesAnEarlierFileWhole()
    {
        QTemporaryDir folder;
        const QString path = folder.filePath(QStringLiteral("order.pdf"));
        {
            QFile earlier(path);
            QVERIFY(earlier.open(QIODevice::WriteOnly));
            earlier.write("earlier print");
        }
        const PrintableTicket t = ticket(QStringLiteral("9"));
        QVERIFY(TicketPrinter().writePdf(path, {t}, std::nullopt));
        QVERIFY(readAll(path).startsWith("%PDF-"));
        QCOMPARE(filesIn(folder.path()), QStringList{QStringLiteral("order.pdf")});
        const auto pages = rasterizePdf(path, kDpi);
        QVERIFY(pages);
        QCOMPARE(pages->size(), 1);
        verifyQr(pages->at(0), t);
    }

    void cancelledDialogIsNotAnError()
    {
        // The clerk closes the print dialog: nothing printed, and no error to show.
        bool sawDialog = false;
        const auto closer = closeDialogs(&sawDialog);
        TicketPrinter printer;
        const auto result =
            printer.printWithDialog(nullptr, {ticket(QStringLiteral("4"))}, std::nullopt);
        QVERIFY(sawDialog);
        QVERIFY2(result, qPrintable(result ? QString() : result.error().message));
        QCOMPARE(*result, false);
    }

    void acceptedDialogPrints()
    {
        // With no system printer the dialog offers "print to file (PDF)"; the clerk types a name.
        QTemporaryDir home;
        const QByteArray oldHome = qgetenv("HOME");
        const QString oldCurrent = QDir::currentPath();
        qputenv("HOME", home.path().toUtf8());
        QDir::setCurrent(home.path());
        bool sawDialog = false;
        bool typedName = false;
        QTimer acceptor;
        acceptor.setInterval(20);
        connect(&acceptor, &QTimer::timeout, this, [&] {
            if (auto *dialog = qobject_cast<QPrintDialog *>(QApplication::activeModalWidget())) {
                sawDialog = true;
                acceptor.stop();
                // Qt's own dialog names its output file field "filename".
                auto *fileName = dialog->findChild<QLineEdit *>(QStringLiteral("filename"));
                if (fileName) {
                    typedName = true;
                    fileName->setText(home.filePath(QStringLiteral("tickets.pdf")));
                }
                dialog->accept();
            }
        });
        acceptor.start();
        const PrintableTicket t = ticket(QStringLiteral("30"));
        TicketPrinter printer;
        const auto result = printer.printWithDialog(nullptr, {t}, std::nullopt);
        qputenv("HOME", oldHome);
        QDir::setCurrent(oldCurrent);
        QVERIFY(sawDialog);
        QVERIFY(typedName);
        QVERIFY2(result, qPrintable(result ? QString() : result.error().message));
        QCOMPARE(*result, true);
        QCOMPARE(filesIn(home.path()), QStringList{QStringLiteral("tickets.pdf")});
        const auto pages = rasterizePdf(home.filePath(QStringLiteral("tickets.pdf")), kDpi);
        QVERIFY(pages);
        QCOMPARE(pages->size(), 1);
        QVERIFY(qAbs(pxToMm(pages->at(0).width()) - 203.2) < 0.5);  // ticket stock, not the
        QVERIFY(qAbs(pxToMm(pages->at(0).height()) - 82.55) < 0.5); // dialog's default paper
        verifyQr(pages->at(0), t);
    }

    void dialogNotShownForABadJob()
    {
        PrintableTicket t = ticket(QStringLiteral("4"));
        t.qrPayload.clear();
        bool sawDialog = false;
        const auto closer = closeDialogs(&sawDialog);
        TicketPrinter printer;
        const auto result = printer.printWithDialog(nullptr, {t}, std::nullopt);
        QVERIFY(!sawDialog);
        QVERIFY(!result);
        QCOMPARE(result.error().code, ErrorCode::BadRequest);
    }

    void rasterizeReportsMissingFile()
    {
        const auto pages = rasterizePdf(m_dir.filePath(QStringLiteral("absent.pdf")), kDpi);
        QVERIFY(!pages);
        QCOMPARE(pages.error().code, ErrorCode::NotFound);
        QFile notPdf(m_dir.filePath(QStringLiteral("not.pdf")));
        QVERIFY(notPdf.open(QIODevice::WriteOnly));
        notPdf.write("this is not a PDF");
        notPdf.close();
        const auto garbage = rasterizePdf(notPdf.fileName(), kDpi);
        QVERIFY(!garbage);
        QCOMPARE(garbage.error().code, ErrorCode::Internal);
        QVERIFY(garbage.error().message.contains(QStringLiteral("pdftoppm")));
        QVERIFY(notPdf.remove());
    }
};

QTEST_MAIN(TestTicketPrinting)
#include "tst_ticketprinting.moc"

// The terminal's supervisor and shift screens, offscreen, against the real server: an order
// found by a scanned QR and by phone, two of three tickets refunded in cash from the dialog
// (seats sellable again, old QR revoked), a clerk's refund authorised on the spot by a
// supervisor whose token cannot be replayed, a reprint printed with its new QR and REPRINT, a
// shift opened, reported (X) and closed with counted cash (Z report PDF), and the audit viewer.

#include "clientwait.h"
#include "pdfraster.h"
#include "qrdecode.h"
#include "terminal.h"
#include "testserver.h"

#include "ui/audit/auditmodel.h"
#include "ui/audit/auditpage.h"
#include "ui/printing/reportdocument.h"
#include "ui/shift/cashamountdialog.h"
#include "ui/shift/reportdialog.h"
#include "ui/shift/shiftscreens.h"
#include "ui/supervisor/ordersearchmodel.h"
#include "ui/supervisor/ordersearchpage.h"
#include "ui/supervisor/overridedialog.h"
#include "ui/supervisor/refunddialog.h"
#include "ui/supervisor/reprintdialog.h"
#include "ui/supervisor/supervisorwindow.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPointer>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>

using namespace Boxoffice;
using namespace Boxoffice::Test;

namespace {

const Core::ShowId kShow(QStringLiteral("seagull-1"));

QString serverRoot(const TestServer &server)
{
    return QStringLiteral("http://127.0.0.1:%1").arg(server.port());
}

bool isWireCode(const Core::Error &error, const char *wireName)
{
    return qstrcmp(Core::errorCodeInfo(error.code).wireName, wireName) == 0;
}

template <class T> T *findVisible(const QWidget &root, const QString &name = {})
{
    for (T *child : root.findChildren<T *>(name)) {
        if (child->isVisible())
            return child;
    }
    return nullptr;
}

// With BOXOFFICE_SCREENSHOT_DIR set, saves what `widget` shows there as NAME.png (to look at
// the screens; the test asserts nothing about it).
void snap(QWidget *widget, const QString &name)
{
    const QString dir = qEnvironmentVariable("BOXOFFICE_SCREENSHOT_DIR");
    if (dir.isEmpty() || !widget)
        return;
    QTest::qWait(50);
    widget->grab().save(QDir(dir).filePath(name + QStringLiteral(".png")));
}

} // namespace

class TestSupervisorScreens : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<TestClient> m_http; // a supervisor over plain HTTP, for checks
    std::unique_ptr<QTemporaryDir> m_dir;
    std::shared_ptr<const Core::VenueLayout> m_layout;
    int m_nextSeat = 0;
    int m_terminals = 0;

    std::unique_ptr<App::Terminal> startTerminal(const QString &user, const QString &name)
    {
        App::TerminalOptions options;
        options.server = QUrl(serverRoot(*m_server));
        options.cachePath = m_dir->filePath(QStringLiteral("cache-%1.db").arg(++m_terminals));
        options.ticketDir = m_dir->filePath(QStringLiteral("tickets-%1").arg(m_terminals));
        options.terminalName = name;
        auto terminal = App::Terminal::create(options);
        if (!terminal)
            return nullptr;
        auto session = awaitResult<Sync::Session>([&](auto done) {
            (*terminal)->client().login(user, m_server->options().demoPassword, nullptr, done);
        });
        if (!session) {
            qWarning() << describe(session);
            return nullptr;
        }
        return std::move(*terminal);
    }

    // A cash sale through `client` (its session's shift, if any), read back whole.
    Sync::Result<Sync::OrderInfo> sell(Sync::ApiClient &client, int count,
                                       const Sync::Contact &contact = {})
    {
        QList<Core::SeatId> seats;
        for (int i = 0; i < count; ++i)
            seats << m_layout->seats()[std::size_t(m_nextSeat++)].id;
        auto hold = awaitResult<Sync::HoldInfo>(
            [&](auto done) { client.placeHold(kShow, seats, 300, nullptr, done); });
        if (!hold)
            return std::unexpected(hold.error());
        auto order = awaitResult<Sync::OrderInfo>([&](auto done) {
            client.createOrder(hold->id, contact, QStringLiteral("ui-sale-%1").arg(m_nextSeat),
                               nullptr, done);
        });
        if (!order)
            return std::unexpected(order.error());
        auto paid = awaitResult<Sync::TenderResult>(
            [&](auto done) { client.payCash(order->id, order->amountCents, nullptr, done); });
        if (!paid)
            return std::unexpected(paid.error());
        return awaitResult<Sync::OrderInfo>(
            [&](auto done) { client.order(order->id, nullptr, done); });
    }

    QString verify(const QString &payload)
    {
        const HttpReply reply = m_http->post(QStringLiteral("/tickets/verify"),
                                             QJsonObject{{QStringLiteral("qrPayload"), payload}});
        return reply.json.value(QStringLiteral("result")).toString();
    }

    QString seatStatus(const Core::SeatId &seat)
    {
        const HttpReply reply =
            m_http->get(QStringLiteral("/shows/%1/seats?format=full").arg(kShow.value()));
        for (const QJsonValue &item : reply.json.value(QStringLiteral("seats")).toArray()) {
            if (item.toObject().value(QStringLiteral("seatId")).toString() == seat.value())
                return item.toObject().value(QStringLiteral("status")).toString();
        }
        return {};
    }

    static Gui::OrderSearchPage *searchPage(Gui::MainWindow &window)
    {
        Gui::SupervisorWindow *screen = window.openSupervisor();
        return screen ? screen->orders() : nullptr;
    }

    static bool waitForOrder(Gui::OrderSearchPage *page, const Core::OrderId &order)
    {
        return QTest::qWaitFor(
            [&] { return page->currentOrder() && page->currentOrder()->id == order; }, 30'000);
    }

private slots:
    void initTestCase()
    {
        m_server = std::make_unique<TestServer>();
        QVERIFY2(m_server->start(), qPrintable(m_server->output()));
        m_http = std::make_unique<TestClient>(m_server->baseUrl());
        QCOMPARE(
            m_http->login(QStringLiteral("supervisor"), m_server->options().demoPassword).status,
            201);
        const HttpReply detail = m_http->get(QStringLiteral("/shows/%1").arg(kShow.value()));
        const QString venue = detail.json.value(QStringLiteral("venueId")).toString();
        const HttpReply layout = m_http->get(QStringLiteral("/venues/%1/layout").arg(venue));
        auto parsed = Core::parseVenueLayout(layout.body, venue);
        QVERIFY2(parsed, describe(parsed));
        m_layout = std::make_shared<const Core::VenueLayout>(std::move(*parsed));
        // Seats from the back of the venue: other GUI tests sell from the front.
        m_nextSeat = int(m_layout->seats().size()) / 2;
    }

    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
    }

    void supervisorFindsAndRefundsTwoOfThree()
    {
        auto terminal = startTerminal(QStringLiteral("supervisor"), QStringLiteral("office"));
        QVERIFY(terminal);
        auto clerk = startTerminal(QStringLiteral("clerk"), QStringLiteral("window-1"));
        QVERIFY(clerk);
        const Sync::Contact contact{QStringLiteral("Grace Hopper"), QStringLiteral("555 0142 77")};
        auto sold = sell(clerk->client(), 3, contact);
        QVERIFY2(sold, describe(sold));
        QCOMPARE(sold->tickets.size(), 3);

        Gui::MainWindow &window = terminal->window(QStringLiteral("supervisor"));
        window.show();
        Gui::OrderSearchPage *page = searchPage(window);
        QVERIFY(page);
        QAbstractItemModelTester tester(page->results());

        // A keyboard-wedge scanner types the payload and Enter into the search field.
        auto *field = page->findChild<QLineEdit *>(QStringLiteral("orderSearch"));
        QVERIFY(field);
        field->setFocus();
        QTest::keyClicks(field, sold->tickets[1].qrPayload);
        QTest::keyClick(field, Qt::Key_Return);
        QVERIFY(waitForOrder(page, sold->id));
        QCOMPARE(page->results()->rowCount(), 1);
        auto *matched = page->findChild<QLabel *>(QStringLiteral("orderMatched"));
        QVERIFY2(matched->text().contains(QStringLiteral("scanned")), qPrintable(matched->text()));

        page->search(QStringLiteral("014277"));
        QTRY_VERIFY_WITH_TIMEOUT(matched->text().contains(QStringLiteral("phone")), 30'000);
        QVERIFY(page->results()->rowCount() >= 1);
        QCOMPARE(page->results()->hits().first().order, sold->id);
        QVERIFY(waitForOrder(page, sold->id));
        snap(window.openSupervisor(), QStringLiteral("supervisor-search"));

        page->refund();
        auto *dialog = findVisible<Gui::RefundDialog>(window);
        QVERIFY(dialog);
        auto *tickets = dialog->findChild<QListWidget *>(QStringLiteral("refundTickets"));
        QCOMPARE(tickets->count(), 3);
        tickets->item(2)->setCheckState(Qt::Unchecked);
        auto *amount = dialog->findChild<QLabel *>(QStringLiteral("refundAmount"));
        QVERIFY2(amount->text().contains(QStringLiteral("2 ticket")), qPrintable(amount->text()));
        auto *confirm = dialog->findChild<QPushButton *>(QStringLiteral("refundConfirm"));
        // Without a reason nothing is sent and the dialog says why.
        QTest::mouseClick(confirm, Qt::LeftButton);
        auto *error = dialog->findChild<QLabel *>(QStringLiteral("refundError"));
        QVERIFY(error->isVisible());
        QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("refundReason")),
                         QStringLiteral("double booking"));
        QTest::mouseClick(confirm, Qt::LeftButton);
        auto *outcome = dialog->findChild<QLabel *>(QStringLiteral("refundOutcome"));
        QTRY_VERIFY_WITH_TIMEOUT(outcome->isVisible(), 30'000);
        QVERIFY2(outcome->text().contains(QStringLiteral("cash")), qPrintable(outcome->text()));
        QVERIFY(!confirm->isEnabled());
        snap(dialog, QStringLiteral("refund-dialog"));

        QTRY_VERIFY_WITH_TIMEOUT(!page->currentOrder()->refunds.isEmpty(), 30'000);
        const Sync::RefundInfo refund = page->currentOrder()->refunds.first();
        QCOMPARE(refund.method, QStringLiteral("CASH"));
        QCOMPARE(refund.status, QStringLiteral("COMPLETED"));
        QCOMPARE(refund.tickets.size(), 2);
        QCOMPARE(refund.amountCents, sold->tickets[0].priceCents + sold->tickets[1].priceCents);
        QCOMPARE(seatStatus(sold->tickets[0].seat), QStringLiteral("AVAILABLE"));
        QCOMPARE(seatStatus(sold->tickets[1].seat), QStringLiteral("AVAILABLE"));
        QCOMPARE(seatStatus(sold->tickets[2].seat), QStringLiteral("SOLD"));
        QCOMPARE(verify(sold->tickets[0].qrPayload), QStringLiteral("REVOKED"));
        auto *money = page->findChild<QLabel *>(QStringLiteral("orderMoney"));
        QVERIFY2(money->text().contains(refund.id.value()), qPrintable(money->text()));
        // The results row follows too: one valid ticket of three is left.
        QCOMPARE(page->results()->hits().first().validTicketCount, 1);
        QCOMPARE(page->results()
                     ->index(0, Gui::OrderSearchModel::TicketsColumn)
                     .data(Qt::DisplayRole)
                     .toString(),
                 QStringLiteral("1 of 3"));
        snap(window.openSupervisor(), QStringLiteral("supervisor-orders"));
    }

    void clerkRefundNeedsTheSupervisorOnce()
    {
        auto terminal = startTerminal(QStringLiteral("clerk"), QStringLiteral("window-2"));
        QVERIFY(terminal);
        auto sold = sell(terminal->client(), 1);
        QVERIFY2(sold, describe(sold));
        Gui::MainWindow &window = terminal->window(QStringLiteral("clerk"));
        window.show();
        Gui::OrderSearchPage *page = searchPage(window);
        page->search(sold->id.value());
        QVERIFY(waitForOrder(page, sold->id));
        page->refund();
        auto *dialog = findVisible<Gui::RefundDialog>(window);
        QVERIFY(dialog);
        QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("refundReason")),
                         QStringLiteral("wrong day"));
        QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("refundConfirm")),
                          Qt::LeftButton);
        Gui::OverrideDialog *ask = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((ask = findVisible<Gui::OverrideDialog>(*dialog)) != nullptr,
                                 5'000);
        auto *description = ask->findChild<QLabel *>(QStringLiteral("overrideDescription"));
        QVERIFY2(description->text().contains(sold->id.value()), qPrintable(description->text()));

        // A wrong password is refused in the dialog, which stays open.
        auto *user = ask->findChild<QLineEdit *>(QStringLiteral("overrideSupervisor"));
        auto *secret = ask->findChild<QLineEdit *>(QStringLiteral("overrideSecret"));
        auto *authorise = ask->findChild<QPushButton *>(QStringLiteral("overrideAuthorise"));
        QTest::keyClicks(user, QStringLiteral("supervisor"));
        QTest::keyClicks(secret, QStringLiteral("guess"));
        QTest::mouseClick(authorise, Qt::LeftButton);
        auto *error = ask->findChild<QLabel *>(QStringLiteral("overrideError"));
        QTRY_VERIFY_WITH_TIMEOUT(error->text().startsWith(QStringLiteral("Not authorised")),
                                 30'000);
        QVERIFY(ask->isVisible());
        QCOMPARE(user->text(), QStringLiteral("supervisor"));
        snap(ask, QStringLiteral("override-dialog"));

        QString token;
        connect(ask, &QDialog::accepted, this, [&token, ask] {
            if (ask->grant())
                token = ask->grant()->token;
        });
        QTest::keyClicks(secret, m_server->options().demoPassword);
        QTest::mouseClick(authorise, Qt::LeftButton);
        auto *outcome = dialog->findChild<QLabel *>(QStringLiteral("refundOutcome"));
        QTRY_VERIFY_WITH_TIMEOUT(outcome->isVisible(), 30'000);
        QVERIFY(!token.isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(!page->currentOrder()->refunds.isEmpty(), 30'000);
        QCOMPARE(page->currentOrder()->refunds.first().authorizedBy, QStringLiteral("supervisor"));
        QCOMPARE(page->currentOrder()->status, Core::OrderState::Refunded);

        // The token was for exactly that refund: the server refuses it a second time.
        Sync::RefundRequest again;
        again.reason = QStringLiteral("replay");
        auto replay = awaitResult<Sync::RefundInfo>(
            [&](auto done) { terminal->client().refund(sold->id, again, token, nullptr, done); });
        QVERIFY(!replay);
        QVERIFY2(isWireCode(replay.error(), "OVERRIDE_REJECTED"), describe(replay.error()));
    }

    void reprintPrintsTheNewQr()
    {
        auto terminal = startTerminal(QStringLiteral("supervisor"), QStringLiteral("office-2"));
        QVERIFY(terminal);
        auto sold = sell(terminal->client(), 1);
        QVERIFY2(sold, describe(sold));
        Gui::MainWindow &window = terminal->window(QStringLiteral("supervisor"));
        window.show();
        Gui::OrderSearchPage *page = searchPage(window);
        page->search(sold->tickets[0].code.value());
        QVERIFY(waitForOrder(page, sold->id));
        page->reprint();
        auto *dialog = findVisible<Gui::ReprintDialog>(window);
        QVERIFY(dialog);
        QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("reprintReason")),
                         QStringLiteral("ticket torn"));
        QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("reprintConfirm")),
                          Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!dialog->lastPdf().isEmpty(), 30'000);

        QTRY_VERIFY_WITH_TIMEOUT(page->currentOrder()->tickets.size() == 2, 30'000);
        Sync::TicketInfo fresh;
        for (const Sync::TicketInfo &ticket : page->currentOrder()->tickets) {
            if (ticket.reprintOf == sold->tickets[0].code)
                fresh = ticket;
        }
        QVERIFY(!fresh.code.isEmpty());
        QCOMPARE(fresh.printCount, 2);

        auto pages = rasterizePdf(dialog->lastPdf(), 200);
        QVERIFY2(pages, qPrintable(pages ? QString() : pages.error().message));
        QStringList payloads;
        for (const QImage &image : *pages)
            payloads += decodeQrCodes(image);
        QCOMPARE(payloads, QStringList{fresh.qrPayload});
        auto texts = pdfPageTexts(dialog->lastPdf());
        QVERIFY2(texts, qPrintable(texts ? QString() : texts.error().message));
        QVERIFY(texts->join(u'\n').contains(QStringLiteral("REPRINT")));
        QCOMPARE(verify(sold->tickets[0].qrPayload), QStringLiteral("REVOKED"));
        QCOMPARE(verify(payloads.first()), QStringLiteral("VALID"));
    }

    void shiftOpenSellXReportCloseZReport()
    {
        auto terminal = startTerminal(QStringLiteral("clerk"), QStringLiteral("window-3"));
        QVERIFY(terminal);
        Gui::MainWindow &window = terminal->window(QStringLiteral("clerk"));
        window.show();
        Gui::ShiftScreens *shifts = window.shifts();
        QPointer<Gui::CashAmountDialog> open = shifts->openShift();
        QVERIFY(open);
        auto *amount = open->findChild<QLineEdit *>(QStringLiteral("openShiftAmount"));
        QTest::keyClicks(amount, QStringLiteral("ten"));
        QTest::mouseClick(open->findChild<QPushButton *>(QStringLiteral("openShiftConfirm")),
                          Qt::LeftButton);
        // Bad input: said in the dialog, the text kept.
        QVERIFY(open->findChild<QLabel *>(QStringLiteral("openShiftError"))->isVisible());
        QCOMPARE(amount->text(), QStringLiteral("ten"));
        amount->clear();
        QTest::keyClicks(amount, QStringLiteral("100"));
        QTest::mouseClick(open->findChild<QPushButton *>(QStringLiteral("openShiftConfirm")),
                          Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!open || !open->isVisible(), 30'000);

        auto sold = sell(terminal->client(), 2);
        QVERIFY2(sold, describe(sold));

        QPointer<Gui::ReportDialog> shown;
        connect(shifts, &Gui::ShiftScreens::reportShown, this,
                [&shown](Gui::ReportDialog *dialog) { shown = dialog; });
        shifts->xReport();
        QTRY_VERIFY_WITH_TIMEOUT(shown, 30'000);
        QCOMPARE(shown->report().title, QStringLiteral("X REPORT"));
        std::optional<qint64> expected;
        for (const Gui::ReportSection &section : shown->report().sections) {
            if (section.title == QLatin1StringView("Cash drawer"))
                expected = section.totalCents;
        }
        QCOMPARE(expected.value_or(-1), 10'000 + sold->amountCents);
        QVERIFY(Gui::validateReport(shown->report()));
        shown->close();
        shown = nullptr;

        shifts->closeShift();
        Gui::CashAmountDialog *close = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT(
            (close = findVisible<Gui::CashAmountDialog>(window, QStringLiteral("closeShift"))),
            30'000);
        const qint64 counted = *expected - 500;
        QTest::keyClicks(close->findChild<QLineEdit *>(QStringLiteral("closeShiftAmount")),
                         Gui::reportAmountText(counted));
        QTest::mouseClick(close->findChild<QPushButton *>(QStringLiteral("closeShiftConfirm")),
                          Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(shown, 30'000);
        QCOMPARE(shown->report().title, QStringLiteral("Z REPORT"));
        snap(shown, QStringLiteral("z-report"));
        QVERIFY(!shown->lastPdf().isEmpty()); // saved in the ticket folder
        auto texts = pdfPageTexts(shown->lastPdf());
        QVERIFY2(texts, qPrintable(texts ? QString() : texts.error().message));
        const QString text = texts->join(u'\n');
        QVERIFY2(text.contains(QStringLiteral("Z REPORT")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("Expected cash")), qPrintable(text));
        QVERIFY2(text.contains(Gui::reportAmountText(*expected)), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("Difference")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("-5.00")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("window-3")), qPrintable(text));
    }

    void auditViewerFiltersByAction()
    {
        auto terminal = startTerminal(QStringLiteral("supervisor"), QStringLiteral("office-3"));
        QVERIFY(terminal);
        Gui::MainWindow &window = terminal->window(QStringLiteral("supervisor"));
        window.show();
        Gui::SupervisorWindow *screen = window.openSupervisor();
        screen->showAudit();
        Gui::AuditPage *audit = screen->audit();
        QVERIFY(audit);
        QAbstractItemModelTester tester(audit->model());
        auto *action = audit->findChild<QLineEdit *>(QStringLiteral("auditAction"));
        QTest::keyClicks(action, QStringLiteral("refund"));
        QTest::keyClick(action, Qt::Key_Return);
        auto *status = audit->findChild<QLabel *>(QStringLiteral("auditStatus"));
        QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(QStringLiteral("shown")), 30'000);
        QVERIFY(audit->model()->rowCount() > 0);
        for (const Sync::AuditRecord &record : audit->model()->records())
            QVERIFY2(record.action.startsWith(QStringLiteral("refund")), qPrintable(record.action));

        action->clear();
        QTest::keyClicks(action, QStringLiteral("override"));
        QTest::keyClick(action, Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(
            !audit->model()->records().isEmpty() &&
                audit->model()->records().first().action.startsWith(QStringLiteral("override")),
            30'000);

        QTest::mouseClick(audit->findChild<QPushButton *>(QStringLiteral("auditVerify")),
                          Qt::LeftButton);
        auto *chain = audit->findChild<QLabel *>(QStringLiteral("auditChain"));
        QTRY_VERIFY_WITH_TIMEOUT(chain->text().contains(QStringLiteral("intact")), 30'000);
        snap(screen, QStringLiteral("audit"));
    }
};

QTEST_MAIN(TestSupervisorScreens)
#include "tst_supervisorscreens.moc"

// The whole window sale, offscreen, against a real server: seats clicked on the map, held,
// paid in cash, tickets written as PDF, and the QR codes decoded from the rendered PDF verify.

#include "paysimprocess.h"
#include "pdfraster.h"
#include "qrdecode.h"
#include "terminal.h"
#include "testserver.h"

#include "ui/sale/salepage.h"
#include "ui/seatmap/seatmapview.h"

#include <QComboBox>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Boxoffice;
using namespace Boxoffice::Test;
using Stage = Sync::SaleController::Stage;

namespace {

const QString kShow = QStringLiteral("seagull-1");

QString serverRoot(const TestServer &server)
{
    return QStringLiteral("http://127.0.0.1:%1").arg(server.port());
}

// Two seats next to each other in one row, both AVAILABLE, from the model's layout.
std::pair<int, int> adjacentPair(const Core::SeatMapModel &model, int skip)
{
    const auto &seats = model.layout().seats();
    for (std::size_t i = 0; i + 1 < seats.size(); ++i) {
        const auto &a = seats[i];
        const auto &b = seats[i + 1];
        if (a.section == b.section && a.row == b.row && b.number == a.number + 1 &&
            model.isSelectable(int(i)) && model.isSelectable(int(i + 1)) && skip-- <= 0)
            return {int(i), int(i + 1)};
    }
    return {-1, -1};
}

QString seatStatusOnServer(TestClient &client, const QString &seatId)
{
    const HttpReply reply = client.get(QStringLiteral("/shows/%1/seats?format=full").arg(kShow));
    for (const QJsonValue &seat : reply.json.value(QStringLiteral("seats")).toArray()) {
        const QJsonObject object = seat.toObject();
        if (object.value(QStringLiteral("seatId")).toString() == seatId)
            return object.value(QStringLiteral("status")).toString();
    }
    return {};
}

} // namespace

class TestTerminalSale : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<TestClient> m_http; // another terminal, as a clerk over plain HTTP
    std::unique_ptr<QTemporaryDir> m_dir;

    std::unique_ptr<App::Terminal> startTerminal(const QString &cacheName = QStringLiteral("c.db"),
                                                 const Core::Clock *clock = nullptr,
                                                 const QUrl &acquirer = {},
                                                 TestServer *server = nullptr)
    {
        TestServer &target = server ? *server : *m_server;
        App::TerminalOptions options;
        options.clock = clock;
        options.acquirer = acquirer;
        options.server = QUrl(serverRoot(target));
        options.cachePath = m_dir->filePath(cacheName);
        options.ticketDir = m_dir->filePath(QStringLiteral("tickets"));
        options.terminalName = QStringLiteral("window-1");
        auto terminal = App::Terminal::create(options);
        if (!terminal) {
            qWarning() << terminal.error().message;
            return nullptr;
        }
        bool done = false;
        bool ok = false;
        (*terminal)->client().login(QStringLiteral("clerk"), target.options().demoPassword, nullptr,
                                    [&](Sync::Result<Sync::Session> s) {
                                        ok = s.has_value();
                                        done = true;
                                    });
        if (!QTest::qWaitFor([&] { return done; }, 30'000) || !ok)
            return nullptr;
        return std::move(*terminal);
    }

    static Gui::MainWindow &openShow(App::Terminal &terminal)
    {
        Gui::MainWindow &window = terminal.window(QStringLiteral("clerk"));
        window.show();
        window.start();
        window.openShow(Core::ShowId(kShow));
        return window;
    }

    static bool waitLive(App::Terminal &terminal)
    {
        return QTest::qWaitFor(
            [&] {
                return terminal.model().hasShow() &&
                       terminal.model().freshness() == Core::Freshness::Live;
            },
            30'000);
    }

    static void click(Gui::SeatMapView *map, int seat)
    {
        map->centreOn(seat, true);
        QTest::mouseClick(map, Qt::LeftButton, {}, map->seatCenter(seat));
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
    }

    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
    }

    void clickHoldPayCashPrintsVerifiableTickets()
    {
        auto terminal = startTerminal();
        QVERIFY(terminal);
        Gui::MainWindow &window = openShow(*terminal);
        QVERIFY(waitLive(*terminal));
        Gui::SeatMapView *map = window.salePage()->mapView();
        const auto [a, b] = adjacentPair(terminal->model(), 0);
        QVERIFY(a >= 0);
        const QString seatA = terminal->model().layout().seats()[a].id.value();
        const QString seatB = terminal->model().layout().seats()[b].id.value();

        click(map, a);
        click(map, b);
        QCOMPARE(terminal->model().selection(), (std::vector<int>{a, b}));
        // A second click deselects, a third selects again.
        click(map, b);
        QCOMPARE(terminal->model().selection(), (std::vector<int>{a}));
        click(map, b);

        auto *hold = window.findChild<QPushButton *>(QStringLiteral("holdButton"));
        QVERIFY(hold && hold->isEnabled());
        QTest::mouseClick(hold, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(terminal->sale().stage(), Stage::Held, 30'000);
        QCOMPARE(seatStatusOnServer(*m_http, seatA), QStringLiteral("HELD"));
        QCOMPARE(seatStatusOnServer(*m_http, seatB), QStringLiteral("HELD"));
        QVERIFY(terminal->model().isOwn(a) && terminal->model().isOwn(b));
        auto *countdown = window.findChild<QLabel *>(QStringLiteral("countdown"));
        QVERIFY(countdown && countdown->isVisible());
        QVERIFY2(countdown->text().contains(QLatin1Char(':')), qPrintable(countdown->text()));

        auto *tendered = window.findChild<QLineEdit *>(QStringLiteral("tendered"));
        QVERIFY(tendered);
        tendered->clear();
        // Cash: ten more than the total; the change shows before paying.
        const qint64 total = terminal->sale().hold()->totalCents;
        const qint64 given = (total / 100 + 10) * 100;
        QTest::keyClicks(tendered, QString::number(given / 100));
        auto *change = window.findChild<QLabel *>(QStringLiteral("change"));
        QVERIFY2(change->text().startsWith(QStringLiteral("10.00")), qPrintable(change->text()));
        QTest::mouseClick(window.findChild<QPushButton *>(QStringLiteral("cashButton")),
                          Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(terminal->sale().stage(), Stage::Completed, 30'000);
        const Sync::OrderInfo order = *terminal->sale().order();
        QCOMPARE(order.status, Core::OrderState::Ticketed);
        QCOMPARE(order.tickets.size(), 2);
        QCOMPARE(terminal->sale().lastTender()->changeCents, given - total);
        QCOMPARE(seatStatusOnServer(*m_http, seatA), QStringLiteral("SOLD"));

        // The PDF went to the ticket folder; decode every QR from the rendered pages.
        QTRY_VERIFY_WITH_TIMEOUT(!window.lastPdfPath().isEmpty(), 10'000);
        auto pages = rasterizePdf(window.lastPdfPath(), 200);
        QVERIFY2(pages, qPrintable(pages ? QString() : pages.error().message));
        QStringList payloads;
        for (const QImage &page : *pages)
            payloads += decodeQrCodes(page);
        QCOMPARE(payloads.size(), 2);
        QStringList verifiedSeats;
        for (const QString &payload : payloads) {
            const HttpReply verify =
                m_http->post(QStringLiteral("/tickets/verify"),
                             QJsonObject{{QStringLiteral("qrPayload"), payload}});
            QVERIFY2(verify.status == 200, qPrintable(verify.describe()));
            QCOMPARE(verify.json.value(QStringLiteral("result")).toString(),
                     QStringLiteral("VALID"));
            QCOMPARE(verify.json.value(QStringLiteral("orderId")).toString(), order.id.value());
            verifiedSeats.append(verify.json.value(QStringLiteral("seatId")).toString());
        }
        QCOMPARE(sorted(verifiedSeats), sorted({seatA, seatB}));

        // The next customer starts from an empty cart; the sold seats are no longer ours.
        QTest::mouseClick(window.findChild<QPushButton *>(QStringLiteral("newSaleButton")),
                          Qt::LeftButton);
        QCOMPARE(terminal->sale().stage(), Stage::Idle);
        QVERIFY(!terminal->model().isOwn(a));
        QTRY_COMPARE(terminal->model().status(a), Core::SeatState::Sold);
    }

    void keyboardOnlySale()
    {
        auto terminal = startTerminal();
        QVERIFY(terminal);
        Gui::MainWindow &window = openShow(*terminal);
        QVERIFY(waitLive(*terminal));
        QApplication::setActiveWindow(&window);
        QVERIFY(QTest::qWaitForWindowActive(&window));
        // Buttons answer their shortcut with an animated click, a moment later.
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_B, Qt::ControlModifier);
        QTRY_COMPARE(int(terminal->model().selection().size()), 2);
        QTest::keyClick(&window, Qt::Key_F5);
        QTRY_COMPARE_WITH_TIMEOUT(terminal->sale().stage(), Stage::Held, 30'000);
        // The tendered field has the focus and the exact total; Enter pays.
        auto *tendered = window.findChild<QLineEdit *>(QStringLiteral("tendered"));
        QTRY_VERIFY(tendered->hasFocus());
        QTest::keyClick(tendered, Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(terminal->sale().stage(), Stage::Completed, 30'000);
        QTest::keyClick(&window, Qt::Key_F8);
        QTRY_COMPARE(terminal->sale().stage(), Stage::Idle);

        // The next customer starts clean: no name, phone or cash of the last one.
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_B, Qt::ControlModifier);
        QTRY_COMPARE(int(terminal->model().selection().size()), 2);
        QTest::keyClick(&window, Qt::Key_F5);
        QTRY_COMPARE_WITH_TIMEOUT(terminal->sale().stage(), Stage::Held, 30'000);
        auto *name = window.findChild<QLineEdit *>(QStringLiteral("customerName"));
        QVERIFY(name && name->text().isEmpty());
        const qint64 total = terminal->sale().hold()->totalCents;
        QCOMPARE(
            tendered->text(),
            QStringLiteral("%1.%2").arg(total / 100).arg(total % 100, 2, 10, QLatin1Char('0')));
        // Esc while typing the name does not give the seats away.
        QTest::keyClicks(name, QStringLiteral("Bo"));
        QTest::keyClick(name, Qt::Key_Escape);
        QTest::qWait(300); // longer than a button's animated click
        QCOMPARE(terminal->sale().stage(), Stage::Held);
        QTest::keyClick(name, Qt::Key_Delete, Qt::ControlModifier);
        QTRY_COMPARE_WITH_TIMEOUT(terminal->sale().stage(), Stage::Idle, 30'000);
    }

    void seatTakenBetweenClickAndHoldKeepsTheRest()
    {
        auto terminal = startTerminal();
        QVERIFY(terminal);
        Gui::MainWindow &window = openShow(*terminal);
        QVERIFY(waitLive(*terminal));
        Gui::SeatMapView *map = window.salePage()->mapView();
        const auto [a, b] = adjacentPair(terminal->model(), 3);
        QVERIFY(a >= 0);
        click(map, a);
        click(map, b);
        // Another terminal takes b; this one may or may not have heard yet.
        const QString seatB = terminal->model().layout().seats()[b].id.value();
        TestClient other(m_server->baseUrl());
        QCOMPARE(other.login(QStringLiteral("clerk"), m_server->options().demoPassword).status,
                 201);
        const HttpReply taken =
            other.post(QStringLiteral("/shows/%1/holds").arg(kShow),
                       QJsonObject{{QStringLiteral("seatIds"), QJsonArray{seatB}}});
        QCOMPARE(taken.status, 201);
        QSignalSpy takenSpy(&terminal->sale(), &Sync::SaleController::seatsTaken);
        terminal->sale().holdSelection();
        // Either the push arrived first (b left the selection; a is held alone) or the
        // server refused b: then b shows as taken and a stays selected for the next try.
        QTRY_VERIFY_WITH_TIMEOUT(
            terminal->sale().stage() == Stage::Held ||
                (terminal->sale().stage() == Stage::Idle && takenSpy.count() == 1),
            30'000);
        if (terminal->sale().stage() == Stage::Idle) {
            QCOMPARE(terminal->model().selection(), std::vector<int>{a});
            QVERIFY(terminal->model().status(b) != Core::SeatState::Available);
            auto *message = window.findChild<QLabel *>(QStringLiteral("saleMessage"));
            QVERIFY(message->isVisible());
            terminal->sale().holdSelection();
            QTRY_COMPARE_WITH_TIMEOUT(terminal->sale().stage(), Stage::Held, 30'000);
        }
        QCOMPARE(terminal->sale().hold()->seats,
                 QList<Core::SeatId>{terminal->model().layout().seats()[a].id});
        terminal->sale().cancel();
        QTRY_COMPARE(terminal->sale().stage(), Stage::Idle);
        QTRY_COMPARE(terminal->model().status(a), Core::SeatState::Available);
    }

    void holdRunningOutClearsTheCart()
    {
        Core::ManualClock clock(QDateTime::currentMSecsSinceEpoch());
        auto terminal = startTerminal(QStringLiteral("clock.db"), &clock);
        QVERIFY(terminal);
        Gui::MainWindow &window = openShow(*terminal);
        QVERIFY(waitLive(*terminal));
        QSignalSpy near(&terminal->sale(), &Sync::SaleController::deadlineNear);
        QSignalSpy expired(&terminal->sale(), &Sync::SaleController::holdExpired);
        const auto [a, b] = adjacentPair(terminal->model(), 6);
        QVERIFY(a >= 0);
        terminal->model().setSelection({a, b});
        terminal->sale().holdSelection();
        QTRY_COMPARE_WITH_TIMEOUT(terminal->sale().stage(), Stage::Held, 30'000);
        const Sync::HoldInfo hold = *terminal->sale().hold();
        QCOMPARE(near.count(), 0);

        // Fifty seconds before the end: one warning, and the countdown shows it.
        clock.setNowMs(hold.expiryMs - 50'000);
        QTRY_COMPARE(near.count(), 1);
        auto *countdown = window.findChild<QLabel *>(QStringLiteral("countdown"));
        QTRY_VERIFY(countdown->property("warning").toBool());
        QVERIFY(window.findChild<QLabel *>(QStringLiteral("saleMessage"))->isVisible());

        // Past the end: the cart clears with a message saying so.
        clock.setNowMs(hold.expiryMs + 1'000);
        QTRY_COMPARE(expired.count(), 1);
        QCOMPARE(terminal->sale().stage(), Stage::Idle);
        QVERIFY(terminal->model().ownSeats().empty());
        auto *message = window.findChild<QLabel *>(QStringLiteral("saleMessage"));
        QVERIFY2(message->text().contains(QStringLiteral("ran out")), qPrintable(message->text()));
        QCOMPARE(near.count(), 1);
        // The server's own clock has not moved: give the seats back for the other tests.
        QCOMPARE(m_http->request("DELETE", QStringLiteral("/holds/%1").arg(hold.id.value())).status,
                 200);
    }

    void cardDeclinedThenApproved()
    {
        PaysimProcess paysim;
        QVERIFY2(paysim.start({QStringLiteral("--server"), serverRoot(*m_server),
                               QStringLiteral("--delay-ms"), QStringLiteral("300")},
                              m_server->options().paymentSecret),
                 qPrintable(paysim.output()));
        auto terminal = startTerminal(QStringLiteral("card.db"), nullptr, paysim.url());
        QVERIFY(terminal);
        Gui::MainWindow &window = openShow(*terminal);
        QVERIFY(waitLive(*terminal));
        const auto [a, b] = adjacentPair(terminal->model(), 12);
        QVERIFY(a >= 0);
        terminal->model().setSelection({a, b});
        terminal->sale().holdSelection();
        QTRY_COMPARE_WITH_TIMEOUT(terminal->sale().stage(), Stage::Held, 30'000);

        auto *card = window.findChild<QPushButton *>(QStringLiteral("cardButton"));
        auto *outcome = window.findChild<QComboBox *>(QStringLiteral("cardOutcome"));
        QVERIFY(card && card->isEnabled() && outcome);
        outcome->setCurrentIndex(outcome->findData(QStringLiteral("decline")));
        QTest::mouseClick(card, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(terminal->sale().stage(), Stage::CardPending, 30'000);
        // The acquirer declines: the order is still payable and the clerk is told why.
        QTRY_COMPARE_WITH_TIMEOUT(terminal->sale().stage(), Stage::AwaitingPayment, 30'000);
        auto *message = window.findChild<QLabel *>(QStringLiteral("saleMessage"));
        QVERIFY2(message->text().contains(QStringLiteral("declined")), qPrintable(message->text()));
        QCOMPARE(terminal->sale().order()->status, Core::OrderState::PendingPay);

        outcome->setCurrentIndex(outcome->findData(QStringLiteral("approve")));
        QTest::mouseClick(card, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(terminal->sale().stage(), Stage::Completed, 30'000);
        const Sync::OrderInfo order = *terminal->sale().order();
        QCOMPARE(order.status, Core::OrderState::Ticketed);
        QCOMPARE(order.tickets.size(), 2);
        int applied = 0;
        for (const Sync::PaymentInfo &payment : order.payments)
            applied += payment.method == QLatin1StringView("CARD") &&
                       payment.status == QLatin1StringView("APPLIED");
        QCOMPARE(applied, 1);
        QTRY_VERIFY_WITH_TIMEOUT(!window.lastPdfPath().isEmpty(), 10'000);
    }

    void offlineBannerThenResumesByItself()
    {
        TestServer::Options options;
        TestServer server(options);
        QVERIFY2(server.start(), qPrintable(server.output()));
        auto terminal = startTerminal(QStringLiteral("offline.db"), nullptr, {}, &server);
        QVERIFY(terminal);
        terminal->sync().setBackoff(100, 500);
        Gui::MainWindow &window = openShow(*terminal);
        QVERIFY(waitLive(*terminal));
        auto *banner = window.findChild<QLabel *>(QStringLiteral("offlineBanner"));
        auto *hold = window.findChild<QPushButton *>(QStringLiteral("holdButton"));
        QVERIFY(banner && hold);
        QVERIFY(!banner->isVisible());

        server.stop();
        QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible(), 30'000);
        QVERIFY2(banner->text().contains(QStringLiteral("OFFLINE")), qPrintable(banner->text()));
        QCOMPARE(terminal->model().freshness(), Core::Freshness::Stale);
        // The map stays browsable and seats can be picked, but nothing that needs the server.
        const auto [a, b] = adjacentPair(terminal->model(), 0);
        click(window.salePage()->mapView(), a);
        QCOMPARE(terminal->model().selection(), std::vector<int>{a});
        QVERIFY(!hold->isEnabled());

        QVERIFY2(server.restart(), qPrintable(server.output()));
        QTRY_VERIFY_WITH_TIMEOUT(!banner->isVisible(), 30'000);
        QTRY_COMPARE_WITH_TIMEOUT(terminal->model().freshness(), Core::Freshness::Live, 30'000);
        QVERIFY(hold->isEnabled());
        QTest::mouseClick(hold, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(terminal->sale().stage(), Stage::Held, 30'000);
        Q_UNUSED(b);
    }

    void restartWhileOrderingQueuesTheOrderAgain()
    {
        // The terminal stopped after saving "ordering" but before the outbox had the request.
        QString key;
        {
            auto terminal = startTerminal(QStringLiteral("ordering.db"));
            QVERIFY(terminal);
            openShow(*terminal);
            QVERIFY(waitLive(*terminal));
            const auto [a, b] = adjacentPair(terminal->model(), 15);
            terminal->model().setSelection({a, b});
            terminal->sale().holdSelection();
            QTRY_COMPARE_WITH_TIMEOUT(terminal->sale().stage(), Stage::Held, 30'000);
            auto saved = terminal->cache().sale();
            QVERIFY(saved && *saved);
            QJsonObject json = QJsonDocument::fromJson(**saved).object();
            key = QStringLiteral("ORD_KEY_RESTART_TEST");
            json.insert(QStringLiteral("stage"), QStringLiteral("ordering"));
            json.insert(QStringLiteral("orderKey"), key);
            QVERIFY(terminal->cache().saveSale(QJsonDocument(json).toJson()));
        }
        auto terminal = startTerminal(QStringLiteral("ordering.db"));
        QVERIFY(terminal);
        Gui::MainWindow &window = terminal->window(QStringLiteral("clerk"));
        window.show();
        window.start();
        QTRY_COMPARE_WITH_TIMEOUT(terminal->sale().stage(), Stage::AwaitingPayment, 30'000);
        const Core::OrderId order = terminal->sale().order()->id;
        // The server made that order for that key: sending the key again answers with it.
        const HttpReply replay =
            m_http->request("GET", QStringLiteral("/orders/%1").arg(order.value()));
        QCOMPARE(replay.status, 200);
        terminal->sale().payCash(terminal->sale().order()->amountCents);
        QTRY_COMPARE_WITH_TIMEOUT(terminal->sale().stage(), Stage::Completed, 30'000);
    }

    void restartResumesTheOpenHold()
    {
        Core::HoldId hold;
        std::vector<int> seats;
        {
            auto terminal = startTerminal(QStringLiteral("restart.db"));
            QVERIFY(terminal);
            openShow(*terminal);
            QVERIFY(waitLive(*terminal));
            const auto [a, b] = adjacentPair(terminal->model(), 9);
            terminal->model().setSelection({a, b});
            terminal->sale().holdSelection();
            QTRY_COMPARE_WITH_TIMEOUT(terminal->sale().stage(), Stage::Held, 30'000);
            hold = terminal->sale().hold()->id;
            seats = {a, b};
            // The terminal goes away without releasing anything (as when it is killed).
        }
        auto terminal = startTerminal(QStringLiteral("restart.db"));
        QVERIFY(terminal);
        Gui::MainWindow &window = terminal->window(QStringLiteral("clerk"));
        window.show();
        window.start(); // reopens the show of the saved sale by itself
        QTRY_COMPARE_WITH_TIMEOUT(terminal->sale().stage(), Stage::Held, 30'000);
        QCOMPARE(terminal->sale().hold()->id, hold);
        QCOMPARE(terminal->model().ownSeats(), seats);
        terminal->sale().checkout({QStringLiteral("Ada"), QString()});
        QTRY_COMPARE_WITH_TIMEOUT(terminal->sale().stage(), Stage::AwaitingPayment, 30'000);
        terminal->sale().payCash(terminal->sale().order()->amountCents);
        QTRY_COMPARE_WITH_TIMEOUT(terminal->sale().stage(), Stage::Completed, 30'000);
        QCOMPARE(terminal->sale().order()->contact.name, QStringLiteral("Ada"));
    }
};

QTEST_MAIN(TestTerminalSale)
#include "tst_terminalsale.moc"

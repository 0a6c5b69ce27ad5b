// The self-service kiosk, offscreen, against a real server and the real card-acquirer
// simulator: the whole purchase by touch, a declined card, the inactivity reset, a crash, the
// ways out that must not work and the supervisor's PIN that must.

#include "paysimprocess.h"
#include "pdfraster.h"
#include "qrdecode.h"
#include "terminal.h"
#include "testserver.h"

#include "ui/kiosk/kioskinputguard.h"
#include "ui/kiosk/kioskwindow.h"
#include "ui/seatmap/seatmaplegend.h"
#include "ui/seatmap/seatmapview.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointingDevice>
#include <QProcess>
#include <QPushButton>
#include <QShortcut>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Boxoffice;
using namespace Boxoffice::Test;
using Page = Gui::KioskWindow::Page;
using Stage = Sync::SaleController::Stage;

// Runs a step that checks with QVERIFY/QCOMPARE and ends the test when it failed.
#define STEP(call)                                                                                 \
    do {                                                                                           \
        call;                                                                                      \
        if (QTest::currentTestFailed())                                                            \
            return;                                                                                \
    } while (false)

namespace {

const QString kShow = QStringLiteral("seagull-1");
constexpr int kWaitMs = 30'000;

QString serverRoot(const TestServer &server)
{
    return QStringLiteral("http://127.0.0.1:%1").arg(server.port());
}

// Screenshots for people to look at, not part of the assertions: taken only when
// BOXOFFICE_SHOTS_DIR names a folder (kiosk-<name>.png).
void screenshot(QWidget &widget, const QString &name)
{
    const QString dir = qEnvironmentVariable("BOXOFFICE_SHOTS_DIR");
    if (dir.isEmpty() || !QDir().mkpath(dir))
        return;
    widget.grab().save(QDir(dir).filePath(QStringLiteral("kiosk-%1.png").arg(name)));
}

} // namespace

class TestKioskFlow : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<TestClient> m_http; // a supervisor looking at the server's side
    std::unique_ptr<PaysimProcess> m_approving;
    std::unique_ptr<PaysimProcess> m_declining;
    std::unique_ptr<QTemporaryDir> m_dir;

    struct Kiosk
    {
        std::unique_ptr<App::Terminal> terminal;
        Gui::KioskWindow *window = nullptr;
    };

    Kiosk startKiosk(const QString &cacheName, const QUrl &acquirer,
                     Gui::KioskSettings settings = {},
                     const QString &user = QStringLiteral("kiosk"), TestServer *server = nullptr)
    {
        TestServer &target = server ? *server : *m_server;
        App::TerminalOptions options;
        options.acquirer = acquirer;
        options.server = QUrl(serverRoot(target));
        options.cachePath = m_dir->filePath(cacheName);
        options.ticketDir = m_dir->filePath(QStringLiteral("tickets"));
        options.terminalName = QStringLiteral("lobby-1");
        auto terminal = App::Terminal::create(options);
        if (!terminal) {
            qWarning() << terminal.error().message;
            return {};
        }
        bool done = false;
        bool ok = false;
        (*terminal)->client().login(user, target.options().demoPassword, nullptr,
                                    [&](Sync::Result<Sync::Session> s) {
                                        ok = s.has_value();
                                        done = true;
                                    });
        if (!QTest::qWaitFor([&] { return done; }, kWaitMs) || !ok)
            return {};
        settings.username = user;
        Kiosk kiosk;
        kiosk.window = &(*terminal)->kiosk(settings);
        kiosk.terminal = std::move(*terminal);
        kiosk.window->resize(1280, 800);
        kiosk.window->show();
        kiosk.window->start();
        return kiosk;
    }

    template <class T> static T *child(QWidget *window, const QString &name)
    {
        return window->findChild<T *>(name);
    }

    static void tap(QWidget *widget)
    {
        QVERIFY2(widget && widget->isVisible() && widget->isEnabled(),
                 qPrintable(widget ? widget->objectName() : QStringLiteral("(missing)")));
        QTest::mouseClick(widget, Qt::LeftButton);
    }

    // Attract -> Shows -> the seat map of kShow, live.
    static void openSeatMap(Kiosk &kiosk)
    {
        QCOMPARE(kiosk.window->page(), Page::Attract);
        STEP(tap(child<QPushButton>(kiosk.window, QStringLiteral("attractButton"))));
        QCOMPARE(kiosk.window->page(), Page::Shows);
        QPushButton *card = nullptr;
        QVERIFY(QTest::qWaitFor(
            [&] {
                for (auto *button :
                     kiosk.window->findChildren<QPushButton *>(QStringLiteral("showCard"))) {
                    if (button->property("showId").toString() == kShow && button->isVisible())
                        card = button;
                }
                return card != nullptr;
            },
            kWaitMs));
        screenshot(*kiosk.window, QStringLiteral("shows"));
        STEP(tap(card));
        QTRY_COMPARE_WITH_TIMEOUT(kiosk.window->page(), Page::Seats, kWaitMs);
        QVERIFY(QTest::qWaitFor(
            [&] {
                return kiosk.terminal->model().hasShow() &&
                       kiosk.terminal->model().freshness() == Core::Freshness::Live;
            },
            kWaitMs));
    }

    // The seat map -> best available `count` -> Continue -> the summary with the seats held.
    static void holdBestAvailable(Kiosk &kiosk, int count)
    {
        auto *minus = child<QPushButton>(kiosk.window, QStringLiteral("countMinus"));
        auto *plus = child<QPushButton>(kiosk.window, QStringLiteral("countPlus"));
        while (kiosk.window->seatCount() > count && minus->isEnabled())
            STEP(tap(minus));
        while (kiosk.window->seatCount() < count && plus->isEnabled())
            STEP(tap(plus));
        QCOMPARE(kiosk.window->seatCount(), count);
        STEP(tap(child<QPushButton>(kiosk.window, QStringLiteral("bestButton"))));
        QCOMPARE(int(kiosk.terminal->model().selection().size()), count);
        STEP(tap(child<QPushButton>(kiosk.window, QStringLiteral("continueButton"))));
        QTRY_COMPARE_WITH_TIMEOUT(kiosk.window->page(), Page::Summary, kWaitMs);
        QCOMPARE(kiosk.terminal->sale().stage(), Stage::Held);
    }

    QString seatStatus(const QString &seatId)
    {
        const HttpReply reply =
            m_http->get(QStringLiteral("/shows/%1/seats?format=full").arg(kShow));
        for (const QJsonValue &seat : reply.json.value(QStringLiteral("seats")).toArray()) {
            const QJsonObject object = seat.toObject();
            if (object.value(QStringLiteral("seatId")).toString() == seatId)
                return object.value(QStringLiteral("status")).toString();
        }
        return {};
    }

    QString orderStatus(const QString &orderId)
    {
        return m_http->get(QStringLiteral("/orders/%1").arg(orderId))
            .json.value(QStringLiteral("status"))
            .toString();
    }

    static QStringList heldSeats(const Kiosk &kiosk)
    {
        QStringList seats;
        for (const Core::SeatId &seat : kiosk.terminal->sale().hold()->seats)
            seats.append(seat.value());
        return seats;
    }

private slots:
    void initTestCase()
    {
        TestServer::Options options;
        // Every test logs in as the one kiosk account: room for all their holds and orders.
        options.kioskRate = 200;
        m_server = std::make_unique<TestServer>(options);
        QVERIFY2(m_server->start(), qPrintable(m_server->output()));
        m_http = std::make_unique<TestClient>(m_server->baseUrl());
        QCOMPARE(
            m_http->login(QStringLiteral("supervisor"), m_server->options().demoPassword).status,
            201);
        m_approving = std::make_unique<PaysimProcess>();
        QVERIFY2(m_approving->start({QStringLiteral("--server"), serverRoot(*m_server),
                                     QStringLiteral("--delay-ms"), QStringLiteral("200")},
                                    m_server->options().paymentSecret),
                 qPrintable(m_approving->output()));
        m_declining = std::make_unique<PaysimProcess>();
        QVERIFY2(m_declining->start({QStringLiteral("--server"), serverRoot(*m_server),
                                     QStringLiteral("--delay-ms"), QStringLiteral("200"),
                                     QStringLiteral("--decline-rate"), QStringLiteral("1")},
                                    m_server->options().paymentSecret),
                 qPrintable(m_declining->output()));
    }

    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
    }

    void wholePurchaseByTouch()
    {
        Gui::KioskSettings settings;
        settings.thanksSeconds = 2;
        Kiosk kiosk = startKiosk(QStringLiteral("flow.db"), m_approving->url(), settings);
        QVERIFY(kiosk.window);
        QVERIFY(kiosk.window->windowFlags().testFlag(Qt::FramelessWindowHint));
        QVERIFY(kiosk.window->windowFlags().testFlag(Qt::WindowStaysOnTopHint));
        screenshot(*kiosk.window, QStringLiteral("attract"));
        STEP(openSeatMap(kiosk));
        // Every button is touch-sized.
        for (auto *button : kiosk.window->findChildren<QPushButton *>()) {
            if (button->isVisible())
                QVERIFY2(button->height() >= 64, qPrintable(QStringLiteral("%1 is %2 px high")
                                                                .arg(button->objectName())
                                                                .arg(button->height())));
        }
        // The prices are on screen, not in tooltips a finger cannot summon.
        auto *legend = child<Gui::SeatMapLegend>(kiosk.window, QStringLiteral("seatLegend"));
        QVERIFY(legend && legend->isVisible());
        QVERIFY2(legend->itemTexts().join(u'|').contains(QStringLiteral("EUR")),
                 qPrintable(legend->itemTexts().join(u'|')));
        STEP(holdBestAvailable(kiosk, 2));
        const QStringList seats = heldSeats(kiosk);
        QCOMPARE(seats.size(), 2);
        for (const QString &seat : seats)
            QCOMPARE(seatStatus(seat), QStringLiteral("HELD"));
        QCOMPARE(child<QListWidget>(kiosk.window, QStringLiteral("summaryList"))->count(), 2);
        const QString countdown = child<QLabel>(kiosk.window, QStringLiteral("countdown"))->text();
        QVERIFY2(countdown.contains(QLatin1Char(':')), qPrintable(countdown));
        const QString total = child<QLabel>(kiosk.window, QStringLiteral("summaryTotal"))->text();
        QVERIFY2(total.contains(QStringLiteral("Total")), qPrintable(total));
        screenshot(*kiosk.window, QStringLiteral("summary"));

        QSignalSpy saved(kiosk.window, &Gui::KioskWindow::ticketsSaved);
        STEP(tap(child<QPushButton>(kiosk.window, QStringLiteral("payButton"))));
        QCOMPARE(kiosk.window->page(), Page::Paying);
        // The card terminal is named once the charge is started, with the amount.
        auto *paying = child<QLabel>(kiosk.window, QStringLiteral("payingText"));
        QTRY_VERIFY2_WITH_TIMEOUT(paying->text().contains(total.section(QLatin1Char(' '), 1)),
                                  qPrintable(paying->text()), kWaitMs);
        // No way back while the card is charged.
        QVERIFY(!child<QPushButton>(kiosk.window, QStringLiteral("cancelSummary"))->isVisible());
        QTRY_COMPARE_WITH_TIMEOUT(kiosk.window->page(), Page::Thanks, kWaitMs);
        screenshot(*kiosk.window, QStringLiteral("thanks"));
        const Sync::OrderInfo order = *kiosk.terminal->sale().order();
        QCOMPARE(order.status, Core::OrderState::Ticketed);
        for (const QString &seat : seats)
            QCOMPARE(seatStatus(seat), QStringLiteral("SOLD"));

        // The tickets came out as a PDF whose QR codes the server accepts.
        QCOMPARE(saved.size(), 1);
        const QString pdf = saved.first().first().toString();
        QCOMPARE(pdf, QDir(m_dir->filePath(QStringLiteral("tickets")))
                          .filePath(order.id.value() + QStringLiteral(".pdf")));
        auto pages = rasterizePdf(pdf, 200);
        QVERIFY2(pages, qPrintable(pages ? QString() : pages.error().message));
        QStringList payloads;
        for (const QImage &page : *pages)
            payloads += decodeQrCodes(page);
        QCOMPARE(payloads.size(), 2);
        QStringList verified;
        for (const QString &payload : payloads) {
            const HttpReply verify =
                m_http->post(QStringLiteral("/tickets/verify"),
                             QJsonObject{{QStringLiteral("qrPayload"), payload}});
            QVERIFY2(verify.status == 200, qPrintable(verify.describe()));
            QCOMPARE(verify.json.value(QStringLiteral("result")).toString(),
                     QStringLiteral("VALID"));
            QCOMPARE(verify.json.value(QStringLiteral("orderId")).toString(), order.id.value());
            verified.append(verify.json.value(QStringLiteral("seatId")).toString());
        }
        QCOMPARE(sorted(verified), sorted(seats));

        // A few seconds later the next customer finds the attract screen.
        QTRY_COMPARE_WITH_TIMEOUT(kiosk.window->page(), Page::Attract, 10'000);
        QCOMPARE(kiosk.terminal->sale().stage(), Stage::Idle);
        QVERIFY(!kiosk.terminal->model().hasShow());
    }

    void ticketsThatCannotBePrintedNameTheOrder()
    {
        // A file where the ticket folder should be: the PDF cannot be written.
        QFile blocker(m_dir->filePath(QStringLiteral("tickets")));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        Gui::KioskSettings settings;
        settings.thanksSeconds = 60;
        Kiosk kiosk = startKiosk(QStringLiteral("noprint.db"), m_approving->url(), settings);
        QVERIFY(kiosk.window);
        QSignalSpy saved(kiosk.window, &Gui::KioskWindow::ticketsSaved);
        STEP(openSeatMap(kiosk));
        STEP(holdBestAvailable(kiosk, 1));
        STEP(tap(child<QPushButton>(kiosk.window, QStringLiteral("payButton"))));
        QTRY_COMPARE_WITH_TIMEOUT(kiosk.window->page(), Page::Thanks, kWaitMs);
        const QString order = kiosk.terminal->sale().order()->id.value();
        const QString text = child<QLabel>(kiosk.window, QStringLiteral("thanksText"))->text();
        QVERIFY2(text.contains(QStringLiteral("could not be printed")) && text.contains(order),
                 qPrintable(text));
        QCOMPARE(saved.size(), 0);
        QCOMPARE(orderStatus(order), QStringLiteral("TICKETED"));
        tap(child<QPushButton>(kiosk.window, QStringLiteral("thanksDone")));
        QCOMPARE(kiosk.window->page(), Page::Attract);
    }

    void declinedCardReleasesTheSeats()
    {
        Kiosk kiosk = startKiosk(QStringLiteral("decline.db"), m_declining->url());
        QVERIFY(kiosk.window);
        STEP(openSeatMap(kiosk));
        STEP(holdBestAvailable(kiosk, 2));
        const QStringList seats = heldSeats(kiosk);
        QString orderId;
        connect(&kiosk.terminal->sale(), &Sync::SaleController::orderChanged, this,
                [&](const Sync::OrderInfo &order) { orderId = order.id.value(); });
        STEP(tap(child<QPushButton>(kiosk.window, QStringLiteral("payButton"))));
        QTRY_COMPARE_WITH_TIMEOUT(kiosk.window->page(), Page::Seats, kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(kiosk.terminal->sale().stage(), Stage::Idle, kWaitMs);
        QVERIFY2(kiosk.window->message().contains(QStringLiteral("did not go through")),
                 qPrintable(kiosk.window->message()));
        screenshot(*kiosk.window, QStringLiteral("declined"));
        QVERIFY(!orderId.isEmpty());
        QCOMPARE(orderStatus(orderId), QStringLiteral("CANCELLED"));
        for (const QString &seat : seats)
            QCOMPARE(seatStatus(seat), QStringLiteral("AVAILABLE"));
    }

    void cancelReleasesTheHold()
    {
        Kiosk kiosk = startKiosk(QStringLiteral("cancel.db"), m_approving->url());
        QVERIFY(kiosk.window);
        STEP(openSeatMap(kiosk));
        STEP(holdBestAvailable(kiosk, 1));
        const QStringList seats = heldSeats(kiosk);
        STEP(tap(child<QPushButton>(kiosk.window, QStringLiteral("cancelSummary"))));
        QTRY_COMPARE_WITH_TIMEOUT(kiosk.window->page(), Page::Attract, kWaitMs);
        QCOMPARE(kiosk.terminal->sale().stage(), Stage::Idle);
        QCOMPARE(seatStatus(seats.first()), QStringLiteral("AVAILABLE"));
    }

    void cancelAfterTheCardWasChargedPrintsTheTickets()
    {
        // The order is placed and the card charged, but the kiosk never heard of the charge
        // (the acquirer's answer was lost): a cancel now finds the order paid, and the
        // customer gets the tickets they paid for instead of the attract screen.
        Gui::KioskSettings settings;
        settings.thanksSeconds = 600;
        Kiosk kiosk = startKiosk(QStringLiteral("late.db"), m_approving->url(), settings);
        QVERIFY(kiosk.window);
        QSignalSpy saved(kiosk.window, &Gui::KioskWindow::ticketsSaved);
        QSignalSpy abandoned(&kiosk.terminal->sale(), &Sync::SaleController::abandoned);
        STEP(openSeatMap(kiosk));
        STEP(holdBestAvailable(kiosk, 1));
        kiosk.terminal->sale().checkout({});
        QTRY_COMPARE_WITH_TIMEOUT(kiosk.terminal->sale().stage(), Stage::AwaitingPayment, kWaitMs);
        const Sync::OrderInfo order = *kiosk.terminal->sale().order();

        QNetworkAccessManager network;
        QNetworkRequest request(m_approving->url().resolved(QUrl(QStringLiteral("/charges"))));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        const QJsonObject charge{{QStringLiteral("orderId"), order.id.value()},
                                 {QStringLiteral("amountCents"), order.amountCents},
                                 {QStringLiteral("currency"), order.currency}};
        std::unique_ptr<QNetworkReply> reply(
            network.post(request, QJsonDocument(charge).toJson(QJsonDocument::Compact)));
        QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), kWaitMs);
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 202);
        QTRY_COMPARE_WITH_TIMEOUT(orderStatus(order.id.value()), QStringLiteral("TICKETED"),
                                  kWaitMs);
        QCOMPARE(kiosk.terminal->sale().stage(), Stage::AwaitingPayment);

        STEP(tap(child<QPushButton>(kiosk.window, QStringLiteral("cancelSummary"))));
        QTRY_COMPARE_WITH_TIMEOUT(kiosk.window->page(), Page::Thanks, kWaitMs);
        QCOMPARE(kiosk.terminal->sale().stage(), Stage::Completed);
        QCOMPARE(saved.size(), 1);
        QCOMPARE(abandoned.size(), 0);
        QCOMPARE(orderStatus(order.id.value()), QStringLiteral("TICKETED"));
    }

    void cancelWhileTheHoldIsOnItsWay()
    {
        Kiosk kiosk = startKiosk(QStringLiteral("early.db"), m_approving->url());
        QVERIFY(kiosk.window);
        STEP(openSeatMap(kiosk));
        STEP(tap(child<QPushButton>(kiosk.window, QStringLiteral("bestButton"))));
        std::vector<QString> seats;
        for (int seat : kiosk.terminal->model().selection())
            seats.push_back(kiosk.terminal->model().layout().seats()[seat].id.value());
        QCOMPARE(int(seats.size()), 2);
        QSignalSpy placed(&kiosk.terminal->sale(), &Sync::SaleController::holdPlaced);
        STEP(tap(child<QPushButton>(kiosk.window, QStringLiteral("continueButton"))));
        QCOMPARE(kiosk.terminal->sale().stage(), Stage::Holding);
        STEP(tap(child<QPushButton>(kiosk.window, QStringLiteral("cancelSeats"))));
        // The hold arrives after the customer left: it goes straight back.
        QTRY_COMPARE_WITH_TIMEOUT(kiosk.window->page(), Page::Attract, kWaitMs);
        QCOMPARE(placed.size(), 1);
        QCOMPARE(kiosk.terminal->sale().stage(), Stage::Idle);
        for (const QString &seat : seats)
            QCOMPARE(seatStatus(seat), QStringLiteral("AVAILABLE"));
    }

    void rateLimitInPlainWords()
    {
        // A server that allows a kiosk two hold or order requests a minute; another kiosk of
        // the same account has used them.
        TestServer::Options options;
        options.kioskRate = 2;
        TestServer strict(options);
        QVERIFY2(strict.start(), qPrintable(strict.output()));
        TestClient other(strict.baseUrl());
        QCOMPARE(other.login(QStringLiteral("kiosk"), options.demoPassword).status, 201);
        TestClient staff(strict.baseUrl());
        QCOMPARE(staff.login(QStringLiteral("supervisor"), options.demoPassword).status, 201);
        const HttpReply seatsReply =
            staff.get(QStringLiteral("/shows/%1/seats?format=full").arg(kShow));
        QStringList free;
        for (const QJsonValue &seat : seatsReply.json.value(QStringLiteral("seats")).toArray()) {
            const QJsonObject object = seat.toObject();
            if (object.value(QStringLiteral("status")).toString() == QStringLiteral("AVAILABLE"))
                free.append(object.value(QStringLiteral("seatId")).toString());
        }
        QVERIFY(free.size() > 10);
        QStringList holds;
        for (int i = 0; i < 2; ++i) {
            const HttpReply held =
                other.post(QStringLiteral("/shows/%1/holds").arg(kShow),
                           QJsonObject{{QStringLiteral("seatIds"), QJsonArray{free.takeLast()}}});
            QVERIFY2(held.status == 201, qPrintable(held.describe()));
            holds.append(held.json.value(QStringLiteral("holdId")).toString());
        }

        Kiosk kiosk = startKiosk(QStringLiteral("rate.db"), m_approving->url(), {},
                                 QStringLiteral("kiosk"), &strict);
        QVERIFY(kiosk.window);
        STEP(openSeatMap(kiosk));
        STEP(tap(child<QPushButton>(kiosk.window, QStringLiteral("bestButton"))));
        STEP(tap(child<QPushButton>(kiosk.window, QStringLiteral("continueButton"))));
        QTRY_VERIFY_WITH_TIMEOUT(!kiosk.window->message().isEmpty(), kWaitMs);
        const QString message = kiosk.window->message();
        QVERIFY2(message.contains(QStringLiteral("Please wait")), qPrintable(message));
        QVERIFY2(!message.contains(QStringLiteral("RATE_LIMITED")), qPrintable(message));
        QCOMPARE(kiosk.window->page(), Page::Seats);
        QCOMPARE(kiosk.terminal->sale().stage(), Stage::Idle);
        for (const QString &hold : holds)
            QCOMPARE(other.request("DELETE", QStringLiteral("/holds/") + hold).status, 200);
    }

    void inactivityGivesTheSeatsBack()
    {
        Gui::KioskSettings settings;
        settings.idleSeconds = 1;
        settings.warnSeconds = 2;
        Kiosk kiosk = startKiosk(QStringLiteral("idle.db"), m_approving->url(), settings);
        QVERIFY(kiosk.window);
        STEP(openSeatMap(kiosk));
        STEP(holdBestAvailable(kiosk, 2));
        const QStringList seats = heldSeats(kiosk);

        // "Still there?" — a touch keeps the sale.
        QTRY_VERIFY_WITH_TIMEOUT(kiosk.window->isIdleWarningShown(), 10'000);
        screenshot(*kiosk.window, QStringLiteral("still-there"));
        STEP(tap(child<QPushButton>(kiosk.window, QStringLiteral("idleContinue"))));
        QVERIFY(!kiosk.window->isIdleWarningShown());
        QCOMPARE(kiosk.window->page(), Page::Summary);
        QCOMPARE(kiosk.terminal->sale().stage(), Stage::Held);

        // Nobody answers: the hold goes back and the kiosk starts over.
        QTRY_VERIFY_WITH_TIMEOUT(kiosk.window->isIdleWarningShown(), 10'000);
        QTRY_COMPARE_WITH_TIMEOUT(kiosk.window->page(), Page::Attract, 10'000);
        QVERIFY(!kiosk.window->isIdleWarningShown());
        QCOMPARE(kiosk.terminal->sale().stage(), Stage::Idle);
        for (const QString &seat : seats)
            QCOMPARE(seatStatus(seat), QStringLiteral("AVAILABLE"));
    }

    void inactivityWhileTheOrderCannotBePlaced()
    {
        // The server goes away as the customer taps Pay: the order waits in the outbox. The
        // kiosk does not promise a card terminal that never asks; without a touch it starts
        // over, and once the server is back the order is cancelled, no card charged.
        TestServer server;
        QVERIFY2(server.start(), qPrintable(server.output()));
        TestClient staff(server.baseUrl());
        QCOMPARE(staff.login(QStringLiteral("supervisor"), server.options().demoPassword).status,
                 201);
        Gui::KioskSettings settings;
        settings.idleSeconds = 2;
        settings.warnSeconds = 2;
        Kiosk kiosk = startKiosk(QStringLiteral("offline.db"), m_approving->url(), settings,
                                 QStringLiteral("kiosk"), &server);
        QVERIFY(kiosk.window);
        kiosk.terminal->outbox().setBackoff(200, 500);
        STEP(openSeatMap(kiosk));
        STEP(holdBestAvailable(kiosk, 1));
        const QString seat = heldSeats(kiosk).first();
        QSignalSpy created(&kiosk.terminal->outbox(), &Sync::Outbox::orderCreated);

        server.stop();
        STEP(tap(child<QPushButton>(kiosk.window, QStringLiteral("payButton"))));
        QCOMPARE(kiosk.window->page(), Page::Paying);
        QCOMPARE(kiosk.terminal->sale().stage(), Stage::Ordering);
        const QString waiting = child<QLabel>(kiosk.window, QStringLiteral("payingText"))->text();
        QVERIFY2(!waiting.contains(QStringLiteral("card terminal")), qPrintable(waiting));
        QTRY_VERIFY_WITH_TIMEOUT(kiosk.window->isIdleWarningShown(), kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(kiosk.window->page(), Page::Attract, kWaitMs);

        QVERIFY2(server.restart(), qPrintable(server.output()));
        QTRY_COMPARE_WITH_TIMEOUT(created.size(), 1, kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(kiosk.terminal->sale().stage(), Stage::Idle, kWaitMs);
        const QString order = created.first().at(1).value<Sync::OrderInfo>().id.value();
        const HttpReply read = staff.get(QStringLiteral("/orders/") + order);
        QCOMPARE(read.json.value(QStringLiteral("status")).toString(), QStringLiteral("CANCELLED"));
        QVERIFY(read.json.value(QStringLiteral("payments")).toArray().isEmpty());
        QCOMPARE(kiosk.window->page(), Page::Attract);
    }

    void restartAfterCrashGivesTheSeatsBack_data()
    {
        QTest::addColumn<bool>("withOrder");
        QTest::newRow("held") << false;
        QTest::newRow("ordered, unpaid") << true;
    }

    void restartAfterCrashGivesTheSeatsBack()
    {
        QFETCH(bool, withOrder);
        QStringList seats;
        QString order;
        {
            Kiosk kiosk = startKiosk(QStringLiteral("crash.db"), m_approving->url());
            QVERIFY(kiosk.window);
            STEP(openSeatMap(kiosk));
            STEP(holdBestAvailable(kiosk, 1));
            seats = heldSeats(kiosk);
            QCOMPARE(seatStatus(seats.first()), QStringLiteral("HELD"));
            if (withOrder) {
                // The order is placed; the card never charged.
                kiosk.terminal->sale().checkout({});
                QTRY_COMPARE_WITH_TIMEOUT(kiosk.terminal->sale().stage(), Stage::AwaitingPayment,
                                          kWaitMs);
                order = kiosk.terminal->sale().order()->id.value();
                QCOMPARE(orderStatus(order), QStringLiteral("PENDING_PAY"));
            }
            // Gone without a word: the terminal is destroyed with the sale open, as a crash
            // leaves it in the cache.
        }
        QCOMPARE(seatStatus(seats.first()), QStringLiteral("HELD"));
        Kiosk again = startKiosk(QStringLiteral("crash.db"), m_approving->url());
        QVERIFY(again.window);
        QCOMPARE(again.window->page(), Page::Attract);
        QTRY_COMPARE_WITH_TIMEOUT(seatStatus(seats.first()), QStringLiteral("AVAILABLE"), kWaitMs);
        QTRY_VERIFY(!again.terminal->sale().savedSaleShow());
        if (withOrder)
            QCOMPARE(orderStatus(order), QStringLiteral("CANCELLED"));
    }

    void restartAfterCrashKeepsAPaidOrder()
    {
        // The power went on the thank-you page: the order is paid and ticketed, and the next
        // start must neither cancel it nor tell the next customer about it.
        QString order;
        {
            Gui::KioskSettings settings;
            settings.thanksSeconds = 600;
            Kiosk kiosk = startKiosk(QStringLiteral("paidcrash.db"), m_approving->url(), settings);
            QVERIFY(kiosk.window);
            STEP(openSeatMap(kiosk));
            STEP(holdBestAvailable(kiosk, 1));
            STEP(tap(child<QPushButton>(kiosk.window, QStringLiteral("payButton"))));
            QTRY_COMPARE_WITH_TIMEOUT(kiosk.window->page(), Page::Thanks, kWaitMs);
            order = kiosk.terminal->sale().order()->id.value();
            QVERIFY(kiosk.terminal->sale().savedSaleShow());
        }
        Kiosk again = startKiosk(QStringLiteral("paidcrash.db"), m_approving->url());
        QVERIFY(again.window);
        QSignalSpy abandoned(&again.terminal->sale(), &Sync::SaleController::abandoned);
        QTRY_COMPARE_WITH_TIMEOUT(abandoned.size(), 1, kWaitMs);
        QVERIFY(!again.terminal->sale().savedSaleShow());
        QCOMPARE(again.window->page(), Page::Attract);
        QVERIFY2(again.window->message().isEmpty(), qPrintable(again.window->message()));
        QCOMPARE(orderStatus(order), QStringLiteral("TICKETED"));
    }

    void noWayOutForThePublic()
    {
        Kiosk kiosk = startKiosk(QStringLiteral("locked.db"), m_approving->url());
        QVERIFY(kiosk.window);
        STEP(tap(child<QPushButton>(kiosk.window, QStringLiteral("attractButton"))));
        QCOMPARE(kiosk.window->page(), Page::Shows);
        QSignalSpy unlocked(kiosk.window, &Gui::KioskWindow::unlocked);

        QVERIFY(!kiosk.window->close());
        QCloseEvent close;
        QApplication::sendEvent(kiosk.window, &close);
        QVERIFY(!close.isAccepted());
        const QList<QPair<Qt::Key, Qt::KeyboardModifiers>> keys{
            {Qt::Key_F4, Qt::AltModifier},    {Qt::Key_Escape, Qt::NoModifier},
            {Qt::Key_Q, Qt::ControlModifier}, {Qt::Key_W, Qt::ControlModifier},
            {Qt::Key_Tab, Qt::AltModifier},
        };
        // A shortcut on these keys (a Quit or Close action anywhere) never sees them, and a key
        // that is not one of them still arrives.
        QApplication::setActiveWindow(kiosk.window);
        QVERIFY(QTest::qWaitForWindowActive(kiosk.window));
        QList<QSignalSpy *> spies;
        for (const auto &[key, modifiers] : keys) {
            auto *shortcut = new QShortcut(QKeySequence(key | modifiers), kiosk.window);
            spies.append(new QSignalSpy(shortcut, &QShortcut::activated));
        }
        auto *control = new QShortcut(QKeySequence(Qt::Key_F2), kiosk.window);
        QSignalSpy controlSpy(control, &QShortcut::activated);
        for (const auto &[key, modifiers] : keys) {
            QTest::keyClick(kiosk.window, key, modifiers);
            QTest::keyClick(child<QPushButton>(kiosk.window, QStringLiteral("cancelShows")), key,
                            modifiers);
        }
        QTest::keyClick(kiosk.window, Qt::Key_F2);
        QApplication::processEvents();
        QCOMPARE(controlSpy.size(), 1);
        for (QSignalSpy *spy : std::as_const(spies))
            QCOMPARE(spy->size(), 0);
        qDeleteAll(spies);
        QVERIFY(kiosk.window->isVisible());
        QCOMPARE(kiosk.window->page(), Page::Shows);
        QCOMPARE(unlocked.size(), 0);
        QCOMPARE(kiosk.window->contextMenuPolicy(), Qt::NoContextMenu);
    }

    void supervisorPinUnlocks()
    {
        Kiosk kiosk = startKiosk(QStringLiteral("pin.db"), m_approving->url());
        QVERIFY(kiosk.window);
        QSignalSpy unlocked(kiosk.window, &Gui::KioskWindow::unlocked);
        const QPoint corner(12, 12);

        // Four taps are not enough; five within three seconds open the pad.
        for (int i = 0; i < 4; ++i)
            QTest::mouseClick(kiosk.window, Qt::LeftButton, {}, corner);
        QVERIFY(!kiosk.window->isPinPadShown());
        QTest::mouseClick(kiosk.window, Qt::LeftButton, {}, QPoint(640, 400)); // breaks the run
        for (int i = 0; i < 4; ++i)
            QTest::mouseClick(kiosk.window, Qt::LeftButton, {}, corner);
        QVERIFY(!kiosk.window->isPinPadShown());
        QTest::mouseClick(kiosk.window, Qt::LeftButton, {}, corner);
        QVERIFY(kiosk.window->isPinPadShown());
        screenshot(*kiosk.window, QStringLiteral("pin-pad"));

        // Typed on the pad's own keys.
        auto typeOnPad = [&](const QString &text) {
            for (const QChar c : text) {
                QPushButton *key = nullptr;
                for (auto *button : kiosk.window->findChildren<QPushButton *>()) {
                    if (button->property("kioskKey").toBool() && button->text() == c)
                        key = button;
                }
                QVERIFY2(key, qPrintable(QStringLiteral("no key %1").arg(c)));
                QTest::mouseClick(key, Qt::LeftButton);
            }
        };
        auto *name = child<QLineEdit>(kiosk.window, QStringLiteral("pinName"));
        auto *pin = child<QLineEdit>(kiosk.window, QStringLiteral("pinCode"));
        QVERIFY(name && pin);
        typeOnPad(QStringLiteral("supervisor"));
        QCOMPARE(name->text(), QStringLiteral("supervisor"));
        QTest::mouseClick(pin, Qt::LeftButton);
        typeOnPad(QStringLiteral("000000"));
        QCOMPARE(pin->text(), QStringLiteral("000000"));
        STEP(tap(child<QPushButton>(kiosk.window, QStringLiteral("pinUnlock"))));
        auto *message = child<QLabel>(kiosk.window, QStringLiteral("pinMessage"));
        QTRY_VERIFY_WITH_TIMEOUT(message->text().contains(QStringLiteral("Wrong")), kWaitMs);
        QCOMPARE(unlocked.size(), 0);
        QVERIFY(kiosk.window->isPinPadShown());
        // The refused PIN is gone; the name stays, and the pad types the next PIN.
        QVERIFY(pin->text().isEmpty());
        QCOMPARE(name->text(), QStringLiteral("supervisor"));
        typeOnPad(QStringLiteral("12"));
        QCOMPARE(pin->text(), QStringLiteral("12"));
        QVERIFY(!kiosk.window->close());

        // A clerk's password is no supervisor's PIN either.
        name->setText(QStringLiteral("clerk"));
        pin->setText(m_server->options().demoPin);
        STEP(tap(child<QPushButton>(kiosk.window, QStringLiteral("pinUnlock"))));
        QTRY_VERIFY_WITH_TIMEOUT(message->text().contains(QStringLiteral("Wrong")), kWaitMs);
        QCOMPARE(unlocked.size(), 0);

        name->setText(QStringLiteral("supervisor"));
        pin->clear();
        QTest::mouseClick(pin, Qt::LeftButton);
        typeOnPad(m_server->options().demoPin);
        STEP(tap(child<QPushButton>(kiosk.window, QStringLiteral("pinUnlock"))));
        QTRY_COMPARE_WITH_TIMEOUT(unlocked.size(), 1, kWaitMs);
        QCOMPARE(unlocked.first().first().toString(), QStringLiteral("supervisor"));
        QVERIFY(kiosk.window->close()); // unlocked: the window may go now
    }

    void supervisorPinUnlocksOnTheThankYouPage()
    {
        // The sale is complete (the stage stays Completed while the page is shown): there is
        // nothing to give back, and the kiosk still ends.
        Gui::KioskSettings settings;
        settings.thanksSeconds = 600;
        Kiosk kiosk = startKiosk(QStringLiteral("pinthanks.db"), m_approving->url(), settings);
        QVERIFY(kiosk.window);
        QSignalSpy unlocked(kiosk.window, &Gui::KioskWindow::unlocked);
        STEP(openSeatMap(kiosk));
        STEP(holdBestAvailable(kiosk, 1));
        STEP(tap(child<QPushButton>(kiosk.window, QStringLiteral("payButton"))));
        QTRY_COMPARE_WITH_TIMEOUT(kiosk.window->page(), Page::Thanks, kWaitMs);
        QCOMPARE(kiosk.terminal->sale().stage(), Stage::Completed);
        const QString order = kiosk.terminal->sale().order()->id.value();

        for (int i = 0; i < Gui::KioskInputGuard::kTapsToExit; ++i)
            QTest::mouseClick(kiosk.window, Qt::LeftButton, {}, QPoint(12, 12));
        QVERIFY(kiosk.window->isPinPadShown());
        child<QLineEdit>(kiosk.window, QStringLiteral("pinName"))
            ->setText(QStringLiteral("supervisor"));
        child<QLineEdit>(kiosk.window, QStringLiteral("pinCode"))
            ->setText(m_server->options().demoPin);
        STEP(tap(child<QPushButton>(kiosk.window, QStringLiteral("pinUnlock"))));
        QTRY_COMPARE_WITH_TIMEOUT(unlocked.size(), 1, kWaitMs);
        QCOMPARE(kiosk.terminal->sale().stage(), Stage::Idle);
        QCOMPARE(orderStatus(order), QStringLiteral("TICKETED"));
    }

    void seatCountIsCapped()
    {
        Gui::KioskSettings settings;
        settings.maxSeats = 3;
        Kiosk kiosk = startKiosk(QStringLiteral("cap.db"), m_approving->url(), settings);
        QVERIFY(kiosk.window);
        STEP(openSeatMap(kiosk));
        auto *plus = child<QPushButton>(kiosk.window, QStringLiteral("countPlus"));
        while (plus->isEnabled())
            STEP(tap(plus));
        QCOMPARE(kiosk.window->seatCount(), 3);
        QCOMPARE(child<QLabel>(kiosk.window, QStringLiteral("countValue"))->text(),
                 QStringLiteral("3"));
        screenshot(*kiosk.window, QStringLiteral("seatmap"));

        // Tapping seats on the map stops at the cap too.
        Core::SeatMapModel &model = kiosk.terminal->model();
        Gui::SeatMapView *map = kiosk.window->mapView();
        std::vector<int> free;
        for (int seat = 0; seat < model.seatCount() && free.size() < 4; ++seat) {
            if (model.isSelectable(seat))
                free.push_back(seat);
        }
        QCOMPARE(int(free.size()), 4);
        for (int seat : free) {
            map->centreOn(seat, true);
            QTest::mouseClick(map, Qt::LeftButton, {}, map->seatCenter(seat));
        }
        QCOMPARE(int(model.selection().size()), 3);
        QVERIFY(!model.isSelected(free[3]));
        QVERIFY2(kiosk.window->message().contains(QStringLiteral("at most 3")),
                 qPrintable(kiosk.window->message()));
    }

    void serverSeatLimitInPlainWords()
    {
        // The same kiosk account already holds 5 seats (another kiosk); 2 more break the cap.
        TestClient other(m_server->baseUrl());
        QCOMPARE(other.login(QStringLiteral("kiosk"), m_server->options().demoPassword).status,
                 201);
        const HttpReply seatsReply =
            m_http->get(QStringLiteral("/shows/%1/seats?format=full").arg(kShow));
        QJsonArray five;
        for (const QJsonValue &seat : seatsReply.json.value(QStringLiteral("seats")).toArray()) {
            const QJsonObject object = seat.toObject();
            if (five.size() < 5 &&
                object.value(QStringLiteral("status")).toString() == QStringLiteral("AVAILABLE"))
                five.append(object.value(QStringLiteral("seatId")));
        }
        const HttpReply held = other.post(QStringLiteral("/shows/%1/holds").arg(kShow),
                                          QJsonObject{{QStringLiteral("seatIds"), five}});
        QVERIFY2(held.status == 201, qPrintable(held.describe()));
        const QString holdId = held.json.value(QStringLiteral("holdId")).toString();

        Kiosk kiosk = startKiosk(QStringLiteral("limit.db"), m_approving->url());
        QVERIFY(kiosk.window);
        STEP(openSeatMap(kiosk));
        STEP(tap(child<QPushButton>(kiosk.window, QStringLiteral("bestButton"))));
        QCOMPARE(int(kiosk.terminal->model().selection().size()), 2);
        STEP(tap(child<QPushButton>(kiosk.window, QStringLiteral("continueButton"))));
        QTRY_VERIFY_WITH_TIMEOUT(!kiosk.window->message().isEmpty(), kWaitMs);
        const QString message = kiosk.window->message();
        QVERIFY2(message.contains(QStringLiteral("at most 6 seats")), qPrintable(message));
        QVERIFY2(!message.contains(QStringLiteral("KIOSK_SEAT_LIMIT")), qPrintable(message));
        QCOMPARE(kiosk.window->page(), Page::Seats);
        QCOMPARE(kiosk.terminal->sale().stage(), Stage::Idle);
        screenshot(*kiosk.window, QStringLiteral("seat-limit"));
        QCOMPARE(other.request("DELETE", QStringLiteral("/holds/") + holdId).status, 200);
    }

    void touchNavigatesTheMap()
    {
        Kiosk kiosk = startKiosk(QStringLiteral("touch.db"), m_approving->url());
        QVERIFY(kiosk.window);
        STEP(openSeatMap(kiosk));
        Core::SeatMapModel &model = kiosk.terminal->model();
        Gui::SeatMapView *map = kiosk.window->mapView();
        QVERIFY(map->touchNavigation());
        std::unique_ptr<QPointingDevice> screen(QTest::createTouchDevice());

        // Pinch: two fingers moving apart zoom in.
        const double before = map->pixelsPerMetre();
        const QPoint middle = map->rect().center();
        QTest::touchEvent(map, screen.get())
            .press(0, middle - QPoint(40, 0))
            .press(1, middle + QPoint(40, 0));
        QTest::touchEvent(map, screen.get())
            .move(0, middle - QPoint(80, 0))
            .move(1, middle + QPoint(80, 0));
        QTest::touchEvent(map, screen.get())
            .move(0, middle - QPoint(160, 0))
            .move(1, middle + QPoint(160, 0));
        QTest::touchEvent(map, screen.get())
            .release(0, middle - QPoint(160, 0))
            .release(1, middle + QPoint(160, 0));
        QVERIFY2(map->pixelsPerMetre() > before * 1.5,
                 qPrintable(QStringLiteral("%1 -> %2").arg(before).arg(map->pixelsPerMetre())));

        // One finger drags the map.
        const QPointF centre = map->venueCentre();
        QTest::touchEvent(map, screen.get()).press(0, middle);
        QTest::touchEvent(map, screen.get()).move(0, middle + QPoint(60, 0));
        QTest::touchEvent(map, screen.get()).move(0, middle + QPoint(120, 0));
        QTest::touchEvent(map, screen.get()).release(0, middle + QPoint(120, 0));
        QVERIFY(map->venueCentre().x() < centre.x());
        QVERIFY(model.selection().empty()); // a drag is not a tap

        // A tap toggles a seat.
        int seat = -1;
        for (int i = 0; i < model.seatCount() && seat < 0; ++i) {
            if (model.isSelectable(i))
                seat = i;
        }
        map->centreOn(seat, true);
        const QPoint at = map->seatCenter(seat);
        QTest::touchEvent(map, screen.get()).press(0, at);
        QTest::touchEvent(map, screen.get()).release(0, at);
        QCOMPARE(model.selection(), std::vector<int>{seat});
        QTest::touchEvent(map, screen.get()).press(0, at);
        QTest::touchEvent(map, screen.get()).release(0, at);
        QVERIFY(model.selection().empty());
    }

    void refusesAccountsThatAreNotKiosks()
    {
        const QString binary = QStringLiteral(BOXOFFICE_TERMINAL_BINARY);
        QVERIFY2(QFileInfo::exists(binary), qPrintable(binary));
        auto run = [&](const QStringList &arguments) {
            QProcess process;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(QStringLiteral("BOXOFFICE_PASSWORD"), m_server->options().demoPassword);
            env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
            env.insert(QStringLiteral("HOME"), m_dir->path());
            env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir->filePath(QStringLiteral("cfg")));
            process.setProcessEnvironment(env);
            process.start(binary, QStringList{QStringLiteral("--server"), serverRoot(*m_server),
                                              QStringLiteral("--cache"),
                                              m_dir->filePath(QStringLiteral("refuse.db"))} +
                                      arguments);
            const bool finished = process.waitForFinished(kWaitMs);
            if (!finished)
                process.kill();
            return std::tuple{finished, process.exitCode(),
                              QString::fromUtf8(process.readAllStandardError())};
        };
        const QString acquirer = m_approving->url().toString();
        for (const QString &user : {QStringLiteral("clerk"), QStringLiteral("supervisor")}) {
            const auto [finished, code, err] =
                run({QStringLiteral("--kiosk"), QStringLiteral("--acquirer"), acquirer,
                     QStringLiteral("--user"), user});
            QVERIFY2(finished, qPrintable(user));
            QCOMPARE(code, 1);
            QVERIFY2(err.contains(QStringLiteral("not a kiosk account")), qPrintable(err));
        }
        const auto [finished, code, err] = run({QStringLiteral("--kiosk")});
        QVERIFY(finished);
        QCOMPARE(code, 1);
        QVERIFY2(err.contains(QStringLiteral("--kiosk needs --user")), qPrintable(err));
        const auto [finished2, code2, err2] =
            run({QStringLiteral("--kiosk"), QStringLiteral("--user"), QStringLiteral("kiosk"),
                 QStringLiteral("--kiosk-max-seats"), QStringLiteral("0")});
        QVERIFY(finished2);
        QCOMPARE(code2, 1);
        QVERIFY2(err2.contains(QStringLiteral("--kiosk-max-seats")), qPrintable(err2));
        // A kiosk takes cards only: without an acquirer it cannot sell.
        const auto [finished3, code3, err3] =
            run({QStringLiteral("--kiosk"), QStringLiteral("--user"), QStringLiteral("kiosk")});
        QVERIFY(finished3);
        QCOMPARE(code3, 1);
        QVERIFY2(err3.contains(QStringLiteral("--acquirer")), qPrintable(err3));
    }
};

QTEST_MAIN(TestKioskFlow)
#include "tst_kioskflow.moc"

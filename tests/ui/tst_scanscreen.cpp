// The door's scan screen, offscreen: a keyboard-wedge scanner's burst of characters ending with
// Enter (or Tab) goes into the focused field and the answer shows as large coloured text with
// its tone, per result; counters, the latest scans and the offline banner follow; clicks
// elsewhere on the screen leave the focus in the field. The door has its own ticket key and no
// server (an address nobody listens on), so every answer comes from the door itself. Last, the
// whole terminal against a real server: Orders > Door scanning… for the open show, a ticket sold
// through the API scanned VALID and then ALREADY USED with the door and the clerk.

#include "clientwait.h"
#include "moneydesk.h"
#include "terminal.h"
#include "testserver.h"

#include "core/common/clock.h"
#include "core/security/ticketsigner.h"
#include "sync/client/apiclient.h"
#include "sync/client/doorscanner.h"
#include "sync/client/terminalcache.h"
#include "ui/main/mainwindow.h"
#include "ui/scan/recentscansmodel.h"
#include "ui/scan/scanscreen.h"
#include "ui/scan/scansounds.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QDir>
#include <QFontMetrics>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <memory>

using namespace Boxoffice;
using namespace Boxoffice::Gui;
using namespace Boxoffice::Sync;
using namespace Boxoffice::Test;

namespace {

const Core::ShowId kShow(QStringLiteral("seagull-1"));
const Core::ShowId kOtherShow(QStringLiteral("seagull-2"));

// A port that refuses connections: bound for a moment to find a free one, then closed.
quint16 deadPort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost))
        qFatal("cannot find a free port");
    return probe.serverPort();
}

} // namespace

class TestScanScreen : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QNetworkAccessManager m_network;
    Core::SystemClock m_clock;
    std::optional<Core::TicketSigner> m_signer;
    std::unique_ptr<ApiClient> m_client;
    std::unique_ptr<TerminalCache> m_cache;
    std::unique_ptr<DoorScanner> m_scanner;
    std::unique_ptr<ScanScreen> m_screen;
    int m_tickets = 0;

    QString ticket(const Core::ShowId &show, QString *code = nullptr)
    {
        Core::TicketClaims claims;
        claims.show = show;
        claims.seat = Core::SeatId(QStringLiteral("A-1-%1").arg(++m_tickets, 2, 10, QChar(u'0')));
        claims.order = Core::OrderId(QStringLiteral("ORD_TEST%1").arg(m_tickets));
        claims.ticket =
            Core::TicketCode(QStringLiteral("T0TEST%1").arg(m_tickets, 6, 10, QChar(u'0')));
        claims.validUntilMs = QDateTime::currentMSecsSinceEpoch() + 86'400'000;
        if (code)
            *code = claims.ticket.value();
        auto payload = m_signer->sign(claims);
        if (!payload)
            qFatal("cannot sign: %s", qPrintable(payload.error().message));
        return *payload;
    }

    // The tone played last, by the result's wire name.
    QString played() const
    {
        const auto verdict = m_screen->sounds()->lastPlayed();
        return verdict ? Core::wireName(*verdict) : QStringLiteral("NONE");
    }

    // What a keyboard-wedge scanner does: types the code fast and ends it with a key.
    void wedge(const QString &text, Qt::Key end = Qt::Key_Return)
    {
        QSignalSpy spy(m_scanner.get(), &DoorScanner::scanned);
        QTest::keyClicks(m_screen->input(), text);
        QTest::keyClick(m_screen->input(), end);
        QVERIFY(spy.count() == 1 || spy.wait(10'000));
    }

    // With BOXOFFICE_SCAN_SHOTS set to a folder, the screen as it looks now is saved there.
    static void shoot(QWidget *screen, const QString &name)
    {
        const QString folder = qEnvironmentVariable("BOXOFFICE_SCAN_SHOTS");
        if (!folder.isEmpty())
            QVERIFY(screen->grab().save(QDir(folder).filePath(name + QStringLiteral(".png"))));
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        auto signer = Core::TicketSigner::generate();
        QVERIFY(signer);
        m_signer = *signer;
        auto cache = TerminalCache::open(m_dir.filePath(QStringLiteral("door.db")));
        QVERIFY(cache);
        m_cache = std::move(*cache);
        QVERIFY(m_cache->saveTicketKeys(
            {{m_signer->keyId(), QStringLiteral("Ed25519"), m_signer->publicKey()}}));
        m_client = std::make_unique<ApiClient>(&m_network);
        m_client->setServer(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(deadPort())));
        m_scanner = std::make_unique<DoorScanner>(*m_client, *m_cache, m_clock);
        m_scanner->setShow(kShow);
        m_scanner->setDoor(QStringLiteral("North 1"));
        m_screen = std::make_unique<ScanScreen>(*m_scanner);
        m_screen->sounds()->setMuted(true);
        m_screen->setShowTitles({{kShow.value(), QStringLiteral("The Seagull")},
                                 {kOtherShow.value(), QStringLiteral("The Seagull (matinee)")}});
        m_screen->resize(1280, 900);
        m_screen->show();
        QVERIFY(QTest::qWaitForWindowActive(m_screen.get()));
        m_scanner->start();
        QCOMPARE(m_scanner->keyCount(), 1);
        QTRY_COMPARE(m_scanner->isOnline(), false);
        QCOMPARE(m_screen->resultTitle(), QStringLiteral("READY"));
    }

    void focusStartsInTheField() { QCOMPARE(QApplication::focusWidget(), m_screen->input()); }

    void validThenAlreadyUsed()
    {
        QString code;
        const QString payload = ticket(kShow, &code);
        wedge(payload);
        QCOMPARE(m_screen->resultTitle(), QStringLiteral("VALID"));
        QCOMPARE(m_screen->resultBackground(), QColor(0x1b, 0x8a, 0x3a));
        QVERIFY(m_screen->resultDetail().contains(QStringLiteral("A-1-")));
        QVERIFY(m_screen->resultSource().startsWith(QStringLiteral("Decided offline")));
        QCOMPARE(played(), QStringLiteral("VALID"));
        QCOMPARE(m_screen->input()->text(), QString()); // ready for the next holder
        QCOMPARE(m_screen->admittedCount(), 1);
        QCOMPARE(m_screen->refusedCount(), 0);
        shoot(m_screen.get(), QStringLiteral("scan-valid"));

        wedge(payload);
        QCOMPARE(m_screen->resultTitle(), QStringLiteral("ALREADY USED"));
        QCOMPARE(m_screen->resultBackground(), QColor(0xf2, 0xa9, 0x00));
        QVERIFY2(m_screen->resultDetail().contains(QStringLiteral("at North 1")),
                 qPrintable(m_screen->resultDetail()));
        QVERIFY(m_screen->resultDetail().contains(QStringLiteral("Used at ")));
        QVERIFY2(m_screen->resultDetail().contains(QStringLiteral(" s ago)")),
                 qPrintable(m_screen->resultDetail()));
        QCOMPARE(played(), QStringLiteral("ALREADY_USED"));
        QCOMPARE(m_screen->admittedCount(), 1);
        QCOMPARE(m_screen->refusedCount(), 1);
        shoot(m_screen.get(), QStringLiteral("scan-already-used"));
    }

    void revokedShowsTheReason()
    {
        QString code;
        const QString payload = ticket(kShow, &code);
        TicketRevocations list;
        list.show = kShow;
        list.asOf = QStringLiteral("2026-02-23T19:05:00.000Z");
        list.revoked = {{Core::TicketCode(code), QDateTime::currentMSecsSinceEpoch(),
                         QStringLiteral("REFUND")}};
        QVERIFY(m_cache->applyRevocations(list));
        wedge(payload);
        QCOMPARE(m_screen->resultTitle(), QStringLiteral("REVOKED"));
        QCOMPARE(m_screen->resultBackground(), QColor(0xd3, 0x2f, 0x2f));
        QVERIFY2(m_screen->resultDetail().contains(QStringLiteral("Refunded")),
                 qPrintable(m_screen->resultDetail()));
        QCOMPARE(played(), QStringLiteral("REVOKED"));
        shoot(m_screen.get(), QStringLiteral("scan-revoked"));
    }

    void forgedAndGarbage()
    {
        QString payload = ticket(kShow);
        const qsizetype at = payload.lastIndexOf(u'.') + 3;
        payload[at] = payload[at] == u'x' ? u'y' : u'x';
        wedge(payload);
        QCOMPARE(m_screen->resultTitle(), QStringLiteral("FORGED"));
        QCOMPARE(m_screen->resultBackground(), QColor(0x3a, 0x08, 0x0c));
        QCOMPARE(played(), QStringLiteral("FORGED"));
        QVERIFY(m_screen->resultSource().startsWith(QStringLiteral("Checked at this door")));
        shoot(m_screen.get(), QStringLiteral("scan-forged"));

        wedge(QStringLiteral("]C1hello"), Qt::Key_Tab); // a scanner that ends with Tab
        QCOMPARE(m_screen->resultTitle(), QStringLiteral("FORGED"));
        QCOMPARE(QApplication::focusWidget(), m_screen->input());
    }

    void wrongShowNamesTheTicketsShow()
    {
        wedge(ticket(kOtherShow));
        QCOMPARE(m_screen->resultTitle(), QStringLiteral("WRONG SHOW"));
        QCOMPARE(m_screen->resultBackground(), QColor(0x4a, 0x3a, 0xb5));
        QVERIFY2(m_screen->resultDetail().contains(QStringLiteral("The Seagull (matinee)")),
                 qPrintable(m_screen->resultDetail()));
        QCOMPARE(played(), QStringLiteral("WRONG_SHOW"));
        shoot(m_screen.get(), QStringLiteral("scan-wrong-show"));
    }

    void typedCodeOfflineIsNotChecked()
    {
        QString code;
        ticket(kShow, &code);
        const int refused = m_screen->refusedCount();
        wedge(code);
        QCOMPARE(m_screen->resultTitle(), QStringLiteral("NOT CHECKED"));
        QCOMPARE(m_screen->refusedCount(), refused);
        QCOMPARE(played(), QStringLiteral("NONE"));
    }

    void eachResultHasItsOwnTone()
    {
        QSet<QByteArray> tones;
        for (const ScanVerdict verdict :
             {ScanVerdict::Valid, ScanVerdict::AlreadyUsed, ScanVerdict::Revoked,
              ScanVerdict::Forged, ScanVerdict::WrongShow}) {
            const QByteArray wav = ScanSounds::toneWav(verdict);
            QVERIFY(wav.startsWith("RIFF"));
            QCOMPARE(wav.mid(8, 4), QByteArray("WAVE"));
            QVERIFY(wav.size() > 44 + 2 * 22'050 / 10); // at least 0.1 s of sound
            tones.insert(wav);
        }
        QCOMPARE(tones.size(), 5);
    }

    void offlineBannerCountsTheQueue()
    {
        QLabel *banner = m_screen->offlineBanner();
        QVERIFY(banner->isVisible());
        QVERIFY(banner->text().contains(QStringLiteral("OFFLINE")));
        // VALID, ALREADY USED and REVOKED were decided by the door and wait for upload.
        QCOMPARE(m_scanner->pendingScans(), 3);
        QVERIFY2(banner->text().contains(QStringLiteral("3 scan")), qPrintable(banner->text()));
    }

    void recentScansListNewestFirst()
    {
        RecentScansModel *model = m_screen->recentScans();
        QAbstractItemModelTester tester(model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model->rowCount(), 7);
        QVERIFY(model->index(0).data().toString().contains(QStringLiteral("NOT CHECKED")));
        QVERIFY(model->index(model->rowCount() - 1)
                    .data()
                    .toString()
                    .contains(QStringLiteral("VALID")));
        QVERIFY(model->index(model->rowCount() - 1)
                    .data()
                    .toString()
                    .contains(QStringLiteral("(offline)")));
        wedge(ticket(kShow));
        QCOMPARE(model->rowCount(), 8);
        QVERIFY(model->index(0).data().toString().contains(QStringLiteral("VALID")));
    }

    void focusStaysInTheField()
    {
        auto *list = m_screen->findChild<QListView *>();
        QVERIFY(list);
        QTest::mouseClick(list->viewport(), Qt::LeftButton);
        QCOMPARE(QApplication::focusWidget(), m_screen->input());
        auto *panel = m_screen->findChild<QWidget *>(QStringLiteral("resultPanel"));
        QTest::mouseClick(panel, Qt::LeftButton);
        QCOMPARE(QApplication::focusWidget(), m_screen->input());
        // Something taking the focus on purpose gets it sent back.
        list->setFocusPolicy(Qt::StrongFocus);
        list->setFocus();
        QCOMPARE(QApplication::focusWidget(), m_screen->input());
        // Tab moves nowhere either.
        QTest::keyClick(m_screen->input(), Qt::Key_Tab);
        QCOMPARE(QApplication::focusWidget(), m_screen->input());
    }
    void flaggedConflictsAreListed()
    {
        QVERIFY(m_screen->conflictsText().isEmpty());
        ScanConflict conflict;
        conflict.scanId = QStringLiteral("SCAN_conflict_0001");
        conflict.ticket = Core::TicketCode(QStringLiteral("T0CONFLICT01"));
        conflict.door = QStringLiteral("North 1");
        conflict.scannedMs = QDateTime::currentMSecsSinceEpoch() - 60'000;
        conflict.earlierUsedMs = conflict.scannedMs - 30'000;
        conflict.earlierDoor = QStringLiteral("South 2");
        conflict.earlierBy = QStringLiteral("ann");
        emit m_scanner->conflictFound(conflict);
        QCOMPARE(m_screen->conflictCount(), 1);
        const QString text = m_screen->conflictsText();
        QVERIFY2(text.contains(QStringLiteral("T0CONFLICT01")), qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("South 2")));
        QVERIFY(text.contains(QStringLiteral("by ann")));
        QVERIFY(m_screen->findChild<QLabel *>(QStringLiteral("conflicts"))->isVisible());
        QCOMPARE(QApplication::focusWidget(), m_screen->input());

        // A revoked ticket let in offline: said as a revocation, not as a use nobody made.
        ScanConflict revoked;
        revoked.scanId = QStringLiteral("SCAN_conflict_0002");
        revoked.ticket = Core::TicketCode(QStringLiteral("T0REFUNDED01"));
        revoked.door = QStringLiteral("North 1");
        revoked.scannedMs = QDateTime::currentMSecsSinceEpoch() - 20'000;
        revoked.revokedMs = revoked.scannedMs - 40'000;
        revoked.revokedReason = QStringLiteral("REFUND");
        emit m_scanner->conflictFound(revoked);
        QCOMPARE(m_screen->conflictCount(), 2);
        const QString both = m_screen->conflictsText();
        const QStringList lines = both.split(QStringLiteral("<br>"));
        const auto line = std::find_if(lines.begin(), lines.end(), [](const QString &l) {
            return l.contains(QStringLiteral("T0REFUNDED01"));
        });
        QVERIFY2(line != lines.end(), qPrintable(both));
        QVERIFY2(line->contains(QStringLiteral("was revoked (refund)")), qPrintable(*line));
        QVERIFY2(!line->contains(QStringLiteral("already used")), qPrintable(*line));
        shoot(m_screen.get(), QStringLiteral("scan-conflict"));
    }

    void scannerProblemsAreShown()
    {
        QVERIFY(m_screen->problemText().isEmpty());
        emit m_scanner->problem(QStringLiteral("The server refused queued scan SCAN_x: bad"));
        QVERIFY2(m_screen->problemText().contains(QStringLiteral("refused queued scan SCAN_x")),
                 qPrintable(m_screen->problemText()));
    }

    void validGoesBackToReady()
    {
        m_screen->setValidShownMs(200);
        wedge(ticket(kShow));
        QCOMPARE(m_screen->resultTitle(), QStringLiteral("VALID"));
        QTRY_COMPARE_WITH_TIMEOUT(m_screen->resultTitle(), QStringLiteral("READY"), 10'000);
        QVERIFY(m_screen->resultSource().isEmpty());
        // A refusal stays until the next scan: it stops nobody who is let in.
        wedge(QStringLiteral("not a ticket"));
        QCOMPARE(m_screen->resultTitle(), QStringLiteral("FORGED"));
        QTest::qWait(400);
        QCOMPARE(m_screen->resultTitle(), QStringLiteral("FORGED"));
        m_screen->setValidShownMs(5'000);
    }

    void titleFitsANarrowScreen()
    {
        QString code;
        const QString payload = ticket(kShow, &code);
        wedge(payload);
        wedge(payload);
        QCOMPARE(m_screen->resultTitle(), QStringLiteral("ALREADY USED"));
        m_screen->resize(640, 900);
        QTRY_COMPARE(m_screen->width(), 640); // the answer does not widen the window
        auto *title = m_screen->findChild<QLabel *>(QStringLiteral("resultTitle"));
        QVERIFY(title);
        QVERIFY(title->font().pixelSize() < 110);
        QVERIFY2(QFontMetrics(title->font()).horizontalAdvance(title->text()) <= title->width(),
                 qPrintable(QStringLiteral("%1 px text in %2 px")
                                .arg(QFontMetrics(title->font()).horizontalAdvance(title->text()))
                                .arg(title->width())));
        shoot(m_screen.get(), QStringLiteral("scan-narrow"));
        m_screen->resize(1280, 900);
        QTRY_COMPARE(title->font().pixelSize(), 110);
    }

    // A slow online check and a later scan: the panel says CHECKING until an answer comes, and
    // the late answer of the earlier scan does not replace the later scan's answer.
    void lateAnswerStaysOffThePanel()
    {
        QTcpServer silent; // takes connections and never answers
        QVERIFY(silent.listen(QHostAddress::LocalHost));
        auto cache = TerminalCache::open(m_dir.filePath(QStringLiteral("slow.db")));
        QVERIFY(cache);
        QVERIFY((*cache)->saveTicketKeys(
            {{m_signer->keyId(), QStringLiteral("Ed25519"), m_signer->publicKey()}}));
        ApiClient client(&m_network);
        client.setServer(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(silent.serverPort())));
        client.setTimeoutMs(60'000); // the start-up sync hangs: the door still counts as online
        DoorScanner scanner(client, **cache, m_clock);
        scanner.setShow(kShow);
        scanner.setVerifyTimeoutMs(3'000); // room for the second scan on a busy machine
        ScanScreen screen(scanner);
        screen.sounds()->setMuted(true);
        screen.resize(1280, 900);
        screen.show();
        QVERIFY(QTest::qWaitForWindowActive(&screen));
        scanner.start();
        QVERIFY(scanner.isOnline());

        QSignalSpy spy(&scanner, &DoorScanner::scanned);
        QTest::keyClicks(screen.input(), ticket(kShow));
        QTest::keyClick(screen.input(), Qt::Key_Return);
        QCOMPARE(spy.count(), 0);
        QCOMPARE(screen.resultTitle(), QStringLiteral("CHECKING…"));
        shoot(&screen, QStringLiteral("scan-checking"));

        QTest::keyClicks(screen.input(), QStringLiteral("not a ticket"));
        QTest::keyClick(screen.input(), Qt::Key_Return);
        QCOMPARE(spy.count(), 1);
        QCOMPARE(screen.resultTitle(), QStringLiteral("FORGED"));
        QCOMPARE(screen.sounds()->lastPlayed(), ScanVerdict::Forged);

        // The first scan's answer (decided offline when the check timed out) comes last.
        QVERIFY(spy.wait(30'000));
        const auto late = spy.at(1).at(0).value<ScanOutcome>();
        QCOMPARE(late.serial, 1);
        QCOMPARE(late.verification.verdict, ScanVerdict::Valid);
        QCOMPARE(screen.resultTitle(), QStringLiteral("FORGED"));
        QCOMPARE(screen.sounds()->lastPlayed(), ScanVerdict::Forged);
        QCOMPARE(screen.admittedCount(), 1);
        QCOMPARE(screen.refusedCount(), 1);
        QVERIFY(screen.recentScans()->index(0).data().toString().contains(QStringLiteral("VALID")));
    }

    void onlineFromTheMainWindow()
    {
        m_screen->close();
        TestServer server;
        QVERIFY2(server.start(), qPrintable(server.output()));
        MoneyDesk desk(server);
        QString why;
        QVERIFY2(desk.loginAll(&why), qPrintable(why));
        auto sold = desk.paidSale(1, kShow.value(), &why);
        QVERIFY2(sold, qPrintable(why));
        const QString payload = sold->tickets.at(0).value(QStringLiteral("qrPayload")).toString();

        App::TerminalOptions options;
        options.server = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(server.port()));
        options.cachePath = m_dir.filePath(QStringLiteral("terminal.db"));
        options.terminalName = QStringLiteral("Main door");
        auto terminal = App::Terminal::create(options);
        QVERIFY2(terminal, terminal ? "" : qPrintable(terminal.error().message));
        auto session = Test::awaitResult<Session>([&](auto done) {
            (*terminal)->client().login(QStringLiteral("clerk"), server.options().demoPassword,
                                        nullptr, done);
        });
        QVERIFY2(session, Test::describe(session));
        Gui::MainWindow &window = (*terminal)->window(QStringLiteral("clerk"));
        window.show();
        window.start();
        window.openShow(kShow);
        QTRY_VERIFY_WITH_TIMEOUT((*terminal)->model().hasShow(), 30'000);

        QAction *entry = nullptr;
        for (QAction *action : window.findChildren<QAction *>()) {
            if (action->text() == QStringLiteral("&Door scanning…"))
                entry = action;
        }
        QVERIFY(entry);
        entry->trigger();
        auto *screen = window.findChild<ScanScreen *>();
        QVERIFY(screen);
        screen->sounds()->setMuted(true);
        QVERIFY(QTest::qWaitForWindowActive(screen));
        QCOMPARE(screen->scanner().show(), kShow);
        QCOMPARE(screen->scanner().door(), QStringLiteral("Main door"));
        QTRY_VERIFY_WITH_TIMEOUT(screen->scanner().keyCount() > 0, 30'000);
        QTRY_VERIFY_WITH_TIMEOUT(!screen->offlineBanner()->isVisible(), 30'000);

        QSignalSpy spy(&screen->scanner(), &DoorScanner::scanned);
        QTest::keyClicks(screen->input(), payload);
        QTest::keyClick(screen->input(), Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 1, 10'000);
        QCOMPARE(screen->resultTitle(), QStringLiteral("VALID"));
        QVERIFY(!spy.at(0).at(0).value<ScanOutcome>().offline);
        QVERIFY(screen->resultSource().startsWith(QStringLiteral("Checked with the server")));
        QVERIFY(screen->resultDetail().contains(sold->seats.at(0)));
        shoot(screen, QStringLiteral("scan-online-valid"));

        // The same ticket again: when, at which door, by whom.
        QTest::keyClicks(screen->input(), payload);
        QTest::keyClick(screen->input(), Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 2, 10'000);
        QCOMPARE(screen->resultTitle(), QStringLiteral("ALREADY USED"));
        QVERIFY2(screen->resultDetail().contains(QStringLiteral("at Main door by clerk")),
                 qPrintable(screen->resultDetail()));
        QCOMPARE(QApplication::focusWidget(), screen->input());
        shoot(screen, QStringLiteral("scan-online-already-used"));
    }
};

QTEST_MAIN(TestScanScreen)
#include "tst_scanscreen.moc"

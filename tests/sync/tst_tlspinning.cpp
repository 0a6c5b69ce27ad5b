// The terminal's network layer pins the server certificate (ServerTrust): the first contact
// fails with UntrustedServer carrying the presented fingerprint; once trusted, login, requests
// and the WSS live channel work; a server that comes back on the same port with another
// certificate is refused with CertificateChanged by ApiClient and by the WebSocket, before any
// request reaches it (the audit log counts no login attempt); pins survive in the terminal cache.

#include "clientwait.h"
#include "testserver.h"

#include "core/common/clock.h"
#include "core/seatmap/seatmapmodel.h"
#include "core/security/servercertificate.h"
#include "sync/client/apiclient.h"
#include "sync/client/servertrust.h"
#include "sync/client/showsync.h"
#include "sync/client/terminalcache.h"

#include <QFile>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

#include <memory>

using namespace Boxoffice;
using namespace Boxoffice::Sync;
using namespace Boxoffice::Test;
using Core::ErrorCode;

namespace {

// A demo server speaking TLS, with `extra` arguments.
TestServer::Options tlsOptions(const QStringList &extra = {})
{
    TestServer::Options options;
    options.tls = true;
    options.extraArguments = extra;
    return options;
}

constexpr int kWaitMs = 30'000;

// Login attempts the server has audited (successful or not), read from its database.
int auditedLogins(const QString &dataDir)
{
    const QString name = QStringLiteral("audit-reader");
    int count = -1;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(dataDir + QStringLiteral("/boxoffice.db"));
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
        if (db.open()) {
            QSqlQuery query(db);
            if (query.exec(QStringLiteral(
                    "SELECT COUNT(*) FROM audit_log WHERE action IN ('login', 'login.failed')")) &&
                query.next())
                count = query.value(0).toInt();
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return count;
}

} // namespace

class TestTlsPinning : public QObject
{
    Q_OBJECT

    TestServer m_server{tlsOptions()};
    QTemporaryDir m_cacheDir;
    QNetworkAccessManager m_network;
    std::unique_ptr<TerminalCache> m_cache;
    std::unique_ptr<ServerTrust> m_trust;
    std::unique_ptr<ApiClient> m_client;
    QString m_password;

    Result<Session> login()
    {
        return awaitResult<Session>(
            [&](auto done) { m_client->login(QStringLiteral("clerk"), m_password, this, done); });
    }

    // Replaces the server's certificate (as a re-installation would) and restarts it on its port.
    void reinstallCertificate()
    {
        m_server.stop();
        QVERIFY(QFile::remove(m_server.dataDir() + QStringLiteral("/server-cert.pem")));
        QVERIFY(QFile::remove(m_server.dataDir() + QStringLiteral("/server-key.pem")));
        QVERIFY2(m_server.restart(), qPrintable(m_server.output()));
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(m_server.start(), qPrintable(m_server.output()));
        m_password = m_server.options().demoPassword;
        auto cache = TerminalCache::open(m_cacheDir.filePath(QStringLiteral("cache.db")));
        QVERIFY2(cache, describe(cache).constData());
        m_cache = std::move(*cache);
        m_trust = std::make_unique<ServerTrust>(m_cache.get());
        QVERIFY(m_trust->load());
        m_client = std::make_unique<ApiClient>(&m_network);
        m_client->setTrust(m_trust.get());
        m_client->setTimeoutMs(10'000);
        m_client->setServer(QUrl(m_server.origin()));
    }

    void cleanup()
    {
        if (QTest::currentTestFailed())
            qWarning().noquote() << "server output (tail):\n" << m_server.output().right(3000);
    }

    void originsAreNormalised()
    {
        QCOMPARE(ServerTrust::originOf(QUrl(QStringLiteral("https://Example.org/api/v1"))),
                 QStringLiteral("https://example.org:443"));
        QCOMPARE(ServerTrust::originOf(QUrl(QStringLiteral("wss://127.0.0.1:8480/x?token=y"))),
                 QStringLiteral("https://127.0.0.1:8480"));
        QCOMPARE(ServerTrust::originOf(QUrl(QStringLiteral("https://[::1]:9/"))),
                 QStringLiteral("https://[::1]:9"));
    }

    void firstContactIsUntrustedAndSendsNothing()
    {
        const int loginsBefore = auditedLogins(m_server.dataDir());
        QVERIFY(loginsBefore >= 0);
        QSignalSpy refused(m_trust.get(), &ServerTrust::refused);
        const auto session = login();
        QVERIFY(!session);
        QCOMPARE(session.error().code, ErrorCode::UntrustedServer);
        QCOMPARE(session.error().details.value(QStringLiteral("fingerprint")).toString(),
                 m_server.fingerprint());
        QCOMPARE(session.error().details.value(QStringLiteral("origin")).toString(),
                 m_server.origin());
        QVERIFY(session.error().message.contains(m_server.fingerprint()));
        QCOMPARE(refused.size(), 1);
        QVERIFY(m_client->isReachable()); // the server answered the handshake: not "offline"
        QCOMPARE(auditedLogins(m_server.dataDir()), loginsBefore);
        QVERIFY(m_client->token().isEmpty());
    }

    void afterTrustingLoginAndRequestsWork()
    {
        const auto digest = Core::parseFingerprint(m_server.fingerprint());
        QVERIFY(digest);
        QVERIFY(m_trust->trust(m_server.origin(), *digest));
        const int loginsBefore = auditedLogins(m_server.dataDir());
        const auto session = login();
        QVERIFY2(session, describe(session).constData());
        QCOMPARE(session->role, QStringLiteral("clerk"));
        QCOMPARE(auditedLogins(m_server.dataDir()), loginsBefore + 1);
        const auto shows =
            awaitResult<QList<ShowSummary>>([&](auto done) { m_client->listShows(this, done); });
        QVERIFY2(shows, describe(shows).constData());
        QVERIFY(!shows->isEmpty());

        // The pin is in the cache: a new terminal process trusts the server at once.
        ServerTrust reloaded(m_cache.get());
        QVERIFY(reloaded.load());
        QCOMPARE(reloaded.pin(m_server.origin()).value_or(QByteArray()), *digest);
    }

    void showSyncGoesLiveOverWss()
    {
        Core::SystemClock clock;
        Core::SeatMapModel model;
        ShowSync sync(*m_client, *m_cache, model, clock);
        sync.open(Core::ShowId(QStringLiteral("seagull-1")));
        QTRY_COMPARE_WITH_TIMEOUT(sync.state(), ShowSync::State::Live, kWaitMs);
        sync.close();
    }

    void changedCertificateIsRefusedBeforeAnyRequest()
    {
        const QString oldFingerprint = m_server.fingerprint();
        const QUrl liveUrl = m_client->liveUrl(Core::ShowId(QStringLiteral("seagull-1")));
        reinstallCertificate();
        const QString newFingerprint = m_server.fingerprint();
        QVERIFY(newFingerprint != oldFingerprint);
        const int loginsBefore = auditedLogins(m_server.dataDir());

        const auto session = login();
        QVERIFY(!session);
        QCOMPARE(session.error().code, ErrorCode::CertificateChanged);
        QCOMPARE(session.error().details.value(QStringLiteral("fingerprint")).toString(),
                 newFingerprint);
        QCOMPARE(session.error().details.value(QStringLiteral("pinned")).toString(),
                 oldFingerprint);
        QVERIFY(session.error().message.contains(QStringLiteral("may be an attack")));
        QCOMPARE(auditedLogins(m_server.dataDir()), loginsBefore);
        // The pin is unchanged: nothing trusted the new certificate implicitly.
        QCOMPARE(m_trust->pin(m_server.origin()).value_or(QByteArray()),
                 Core::parseFingerprint(oldFingerprint).value());

        // The live channel, guarded the way ShowSync guards it, is refused too.
        QWebSocket socket;
        m_trust->guard(&socket, liveUrl);
        QSignalSpy connected(&socket, &QWebSocket::connected);
        QSignalSpy refused(m_trust.get(), &ServerTrust::refused);
        socket.open(liveUrl);
        QTRY_VERIFY_WITH_TIMEOUT(ServerTrust::refusal(&socket).has_value(), kWaitMs);
        QCOMPARE(ServerTrust::refusal(&socket)->code, ErrorCode::CertificateChanged);
        QTRY_COMPARE_WITH_TIMEOUT(socket.state(), QAbstractSocket::UnconnectedState, kWaitMs);
        QCOMPARE(connected.size(), 0);
        QCOMPARE(refused.size(), 1);
        // The server saw only a handshake that the terminal broke off.
        QTRY_VERIFY_WITH_TIMEOUT(
            m_server.output().contains(QStringLiteral("during the TLS handshake")), kWaitMs);

        // ShowSync does not go live against it either.
        Core::SystemClock clock;
        Core::SeatMapModel model;
        ShowSync sync(*m_client, *m_cache, model, clock);
        sync.open(Core::ShowId(QStringLiteral("seagull-1")));
        QTRY_VERIFY_WITH_TIMEOUT(refused.size() >= 2, kWaitMs);
        QVERIFY(sync.state() != ShowSync::State::Live);
        sync.close();

        // An administrator confirms the new fingerprint: the terminal works again.
        QVERIFY(m_trust->trust(m_server.origin(), Core::parseFingerprint(newFingerprint).value()));
        const auto again = login();
        QVERIFY2(again, describe(again).constData());
        QCOMPARE(auditedLogins(m_server.dataDir()), loginsBefore + 1);
    }

    void forgettingAServerAsksAgain()
    {
        QVERIFY(m_trust->forget(m_server.origin()));
        const auto session = login();
        QVERIFY(!session);
        QCOMPARE(session.error().code, ErrorCode::UntrustedServer);
        ServerTrust reloaded(m_cache.get());
        QVERIFY(reloaded.load());
        QVERIFY(!reloaded.pin(m_server.origin()));
    }
};

QTEST_GUILESS_MAIN(TestTlsPinning)
#include "tst_tlspinning.moc"

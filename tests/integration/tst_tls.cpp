// TLS by default (DESIGN.md §5): the real server generates its certificate on first start and
// keeps it; the fingerprint it prints, the `fingerprint` subcommand and what a TLS client sees
// agree; configured certificate files are used or refused clearly; the connection guard still
// answers 413 on the decrypted stream; WSS delivers seat changes; --insecure-http is loud and
// says so in /health; the card-acquirer simulator posts callbacks only to the pinned server.

#include "paysimprocess.h"
#include "testpaths.h"
#include "testserver.h"

#include "core/security/servercertificate.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

#include <memory>

using namespace Boxoffice;
using namespace Boxoffice::Test;

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

struct Run
{
    int exitCode = -1;
    QString output;
};

Run runServer(const QStringList &arguments)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(serverBinary(), arguments);
    Run run;
    if (!process.waitForFinished(60'000)) {
        process.kill();
        process.waitForFinished();
        run.output = QStringLiteral("did not finish");
        return run;
    }
    run.output = QString::fromUtf8(process.readAll());
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    return run;
}

// The certificate a plain TLS client is shown at 127.0.0.1:port (no trust decisions: only
// looking), as formatFingerprint writes it; empty when no handshake happened.
QString presentedFingerprint(quint16 port)
{
    QSslSocket socket;
    socket.setPeerVerifyMode(QSslSocket::QueryPeer);
    socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), port);
    if (!socket.waitForEncrypted(kWaitMs))
        return {};
    return Core::formatFingerprint(Core::certificateDigest(socket.peerCertificate().toDer()));
}

// Sends `request` over TLS (trusting only `pin`) and returns what came back until the server
// closed or the deadline passed.
QByteArray tlsExchange(quint16 port, const QByteArray &pin, const QByteArray &request)
{
    QSslSocket socket;
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setCaCertificates({});
    socket.setSslConfiguration(tls);
    QObject::connect(&socket, &QSslSocket::sslErrors, &socket,
                     [&socket, pin](const QList<QSslError> &errors) {
                         if (Core::certificateDigest(socket.peerCertificate().toDer()) == pin)
                             socket.ignoreSslErrors(errors);
                     });
    socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), port);
    if (!socket.waitForEncrypted(kWaitMs))
        return {};
    socket.write(request);
    QByteArray answer;
    const QDeadlineTimer deadline(kWaitMs);
    while (!deadline.hasExpired() && socket.state() == QAbstractSocket::ConnectedState) {
        if (socket.waitForReadyRead(100))
            answer += socket.readAll();
        if (answer.contains("}"))
            break;
    }
    answer += socket.readAll();
    return answer;
}

QByteArray digestOf(const QString &fingerprint)
{
    return Core::parseFingerprint(fingerprint).value_or(QByteArray());
}

} // namespace

class TestTls : public QObject
{
    Q_OBJECT

    TestServer m_server{tlsOptions()};
    std::unique_ptr<TestClient> m_clerk;
    QByteArray m_pin;
    int m_keys = 0;

    HttpReply hold(const QStringList &seats)
    {
        return m_clerk->post(
            QStringLiteral("/shows/seagull-1/holds"),
            QJsonObject{{QStringLiteral("seatIds"), QJsonArray::fromStringList(seats)},
                        {QStringLiteral("holdSeconds"), 600}});
    }

    QStringList freeSeats(int count)
    {
        static QSet<QString> used;
        QStringList seats;
        const HttpReply all = m_clerk->get(QStringLiteral("/shows/seagull-1/seats"));
        for (const QJsonValue &seat : all.json.value(QStringLiteral("seats")).toArray()) {
            const QString id = seat[QStringLiteral("seatId")].toString();
            if (seat[QStringLiteral("status")].toString() == QLatin1StringView("AVAILABLE") &&
                !used.contains(id) && seats.size() < count) {
                seats.append(id);
                used.insert(id);
            }
        }
        return seats;
    }

    // A new order waiting for payment: {orderId, amountCents, currency}.
    QJsonObject newOrder()
    {
        const HttpReply held = hold(freeSeats(1));
        if (held.status != 201)
            return {};
        const HttpReply ordered = m_clerk->post(
            QStringLiteral("/orders"),
            QJsonObject{{QStringLiteral("holdId"), held.json.value(QStringLiteral("holdId"))}},
            {{"X-Idempotency-Key", "tls-key-" + QByteArray::number(++m_keys)}});
        if (ordered.status != 201)
            return {};
        const QString id = ordered.json.value(QStringLiteral("orderId")).toString();
        const HttpReply detail = m_clerk->get(QStringLiteral("/orders/") + id);
        return QJsonObject{
            {QStringLiteral("orderId"), id},
            {QStringLiteral("amountCents"), ordered.json.value(QStringLiteral("amountCents"))},
            {QStringLiteral("currency"), detail.json.value(QStringLiteral("currency"))}};
    }

    QString orderStatus(const QString &order)
    {
        return m_clerk->get(QStringLiteral("/orders/") + order)
            .json.value(QStringLiteral("status"))
            .toString();
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(m_server.start(), qPrintable(m_server.output()));
        QVERIFY2(m_server.output().contains(QStringLiteral("listening on https://")),
                 qPrintable(m_server.output()));
        m_pin = digestOf(m_server.fingerprint());
        QCOMPARE(m_pin.size(), 32);
        m_clerk = std::make_unique<TestClient>(m_server.baseUrl());
        m_clerk->setPinnedDigest(m_pin);
        const HttpReply login =
            m_clerk->login(QStringLiteral("clerk"), m_server.options().demoPassword);
        QVERIFY2(login.status == 201, qPrintable(login.describe()));
    }

    void cleanup()
    {
        if (QTest::currentTestFailed())
            qWarning().noquote() << "server output (tail):\n" << m_server.output().right(4000);
    }

    void healthSaysTls()
    {
        const HttpReply health = m_clerk->get(QStringLiteral("/health"));
        QCOMPARE(health.status, 200);
        QCOMPARE(health.json.value(QStringLiteral("transport")).toString(), QStringLiteral("tls"));
    }

    void generatedCertificateIsKeptAndPrinted()
    {
        const QString printed = m_server.fingerprint();
        QVERIFY(QFile::exists(m_server.dataDir() + QStringLiteral("/server-cert.pem")));
        const QFile key(m_server.dataDir() + QStringLiteral("/server-key.pem"));
        QCOMPARE(key.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther),
                 QFileDevice::Permissions());
        QCOMPARE(presentedFingerprint(m_server.port()), printed);

        const Run subcommand = runServer(
            {QStringLiteral("fingerprint"), QStringLiteral("--data-dir"), m_server.dataDir()});
        QCOMPARE(subcommand.exitCode, 0);
        QCOMPARE(subcommand.output.trimmed(), printed);

        QVERIFY2(m_server.restart(), qPrintable(m_server.output()));
        QCOMPARE(m_server.fingerprint(), printed);
        QCOMPARE(presentedFingerprint(m_server.port()), printed);
        QVERIFY(!m_server.output().contains(QStringLiteral("Created a self-signed")));
        const HttpReply login =
            m_clerk->login(QStringLiteral("clerk"), m_server.options().demoPassword);
        QVERIFY2(login.status == 201, qPrintable(login.describe()));
    }

    void plainClientWithoutPinIsRefused()
    {
        TestClient stranger(m_server.baseUrl()); // the system's authorities only
        const HttpReply health = stranger.get(QStringLiteral("/health"));
        QCOMPARE(health.status, 0);
    }

    void configuredCertificateIsUsed()
    {
        QTemporaryDir elsewhere;
        auto identity = Core::loadOrCreateServerIdentity(elsewhere.path(), {});
        QVERIFY(identity);
        TestServer configured(tlsOptions({QStringLiteral("--tls-cert"), identity->certificatePath,
                                          QStringLiteral("--tls-key"), identity->privateKeyPath}));
        QVERIFY2(configured.start(), qPrintable(configured.output()));
        QCOMPARE(configured.fingerprint(), identity->fingerprint());
        QCOMPARE(presentedFingerprint(configured.port()), identity->fingerprint());
        QVERIFY(!QFile::exists(configured.dataDir() + QStringLiteral("/server-cert.pem")));
        const Run subcommand = runServer({QStringLiteral("fingerprint"),
                                          QStringLiteral("--tls-cert"), identity->certificatePath,
                                          QStringLiteral("--tls-key"), identity->privateKeyPath});
        QCOMPARE(subcommand.output.trimmed(), identity->fingerprint());
    }

    void badCertificateFilesStopTheServer_data()
    {
        QTest::addColumn<QString>("certificate");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("expected");
        QTest::newRow("missing certificate")
            << QStringLiteral("/nonexistent/cert.pem") << QStringLiteral("KEY")
            << QStringLiteral("cannot read");
        QTest::newRow("garbage certificate") << QStringLiteral("GARBAGE") << QStringLiteral("KEY")
                                             << QStringLiteral("no PEM certificate");
        QTest::newRow("key of another certificate")
            << QStringLiteral("CERT") << QStringLiteral("OTHERKEY")
            << QStringLiteral("does not belong");
        QTest::newRow("certificate without key")
            << QStringLiteral("CERT") << QString() << QStringLiteral("go together");
    }

    void badCertificateFilesStopTheServer()
    {
        QFETCH(QString, certificate);
        QFETCH(QString, key);
        QFETCH(QString, expected);
        QTemporaryDir files;
        QTemporaryDir other;
        auto identity = Core::loadOrCreateServerIdentity(files.path(), {});
        auto otherIdentity = Core::loadOrCreateServerIdentity(other.path(), {});
        QVERIFY(identity && otherIdentity);
        QFile garbage(files.path() + QStringLiteral("/garbage.pem"));
        QVERIFY(garbage.open(QIODevice::WriteOnly));
        garbage.write("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
        garbage.close();
        auto resolve = [&](const QString &name) {
            if (name == QLatin1StringView("CERT"))
                return identity->certificatePath;
            if (name == QLatin1StringView("KEY"))
                return identity->privateKeyPath;
            if (name == QLatin1StringView("OTHERKEY"))
                return otherIdentity->privateKeyPath;
            if (name == QLatin1StringView("GARBAGE"))
                return garbage.fileName();
            return name;
        };
        QTemporaryDir data;
        QStringList arguments{QStringLiteral("--data-dir"), data.path(),
                              QStringLiteral("--listen"),   QStringLiteral("127.0.0.1:0"),
                              QStringLiteral("--tls-cert"), resolve(certificate)};
        if (!key.isEmpty())
            arguments << QStringLiteral("--tls-key") << resolve(key);
        const Run run = runServer(arguments);
        QVERIFY2(run.exitCode != 0, qPrintable(run.output));
        QVERIFY2(run.output.contains(expected), qPrintable(run.output));
        QVERIFY(!run.output.contains(QStringLiteral("listening on")));
    }

    void guardAnswers413OverTls()
    {
        const QByteArray answer = tlsExchange(m_server.port(), m_pin,
                                              "POST /api/v1/sessions HTTP/1.1\r\nHost: "
                                              "127.0.0.1\r\nContent-Type: application/json\r\n"
                                              "Content-Length: 50000000\r\n\r\n");
        QVERIFY2(answer.startsWith("HTTP/1.1 413"), answer.constData());
        QVERIFY(answer.contains("PAYLOAD_TOO_LARGE"));

        const QByteArray chunked = tlsExchange(m_server.port(), m_pin,
                                               "POST /api/v1/sessions HTTP/1.1\r\nHost: "
                                               "127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n");
        QVERIFY2(chunked.startsWith("HTTP/1.1 400"), chunked.constData());

        // And an ordinary request on the same kind of connection is answered normally.
        const QByteArray health = tlsExchange(
            m_server.port(), m_pin, "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        QVERIFY2(health.startsWith("HTTP/1.1 200"), health.constData());
    }

    void plainHttpOnTheTlsPortGetsNoAnswer()
    {
        TestClient plain(QStringLiteral("http://127.0.0.1:%1/api/v1").arg(m_server.port()));
        const HttpReply health = plain.get(QStringLiteral("/health"));
        QCOMPARE(health.status, 0);
        // The server is unharmed.
        QCOMPARE(m_clerk->get(QStringLiteral("/health")).status, 200);
    }

    void wssDeliversSeatChanges()
    {
        QWebSocket live;
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates({});
        live.setSslConfiguration(tls);
        connect(&live, &QWebSocket::sslErrors, &live, [&live, this](const QList<QSslError> &) {
            if (Core::certificateDigest(live.sslConfiguration().peerCertificate().toDer()) == m_pin)
                live.ignoreSslErrors();
        });
        QList<QJsonObject> messages;
        connect(&live, &QWebSocket::textMessageReceived, &live, [&messages](const QString &text) {
            messages.append(QJsonDocument::fromJson(text.toUtf8()).object());
        });
        QUrl url(QStringLiteral("wss://127.0.0.1:%1/api/v1/shows/seagull-1/live?token=%2")
                     .arg(m_server.port())
                     .arg(m_clerk->token()));
        live.open(url);
        QTRY_COMPARE_WITH_TIMEOUT(messages.size(), 1, kWaitMs);
        QCOMPARE(messages[0].value(QStringLiteral("type")).toString(), QStringLiteral("hello"));

        const QStringList seats = freeSeats(2);
        const HttpReply held = hold(seats);
        QVERIFY2(held.status == 201, qPrintable(held.describe()));
        QTRY_COMPARE_WITH_TIMEOUT(messages.size(), 2, kWaitMs);
        QCOMPARE(messages[1].value(QStringLiteral("type")).toString(), QStringLiteral("delta"));
        const QJsonArray changes = messages[1].value(QStringLiteral("changes")).toArray();
        QCOMPARE(changes.size(), 1);
        QCOMPARE(changes[0][QStringLiteral("status")].toString(), QStringLiteral("HELD"));
        QCOMPARE(sorted(stringList(changes[0][QStringLiteral("seatIds")])), sorted(seats));
        live.close();
    }

    void paysimCallbacksReachOnlyThePinnedServer()
    {
        // Pinned through the server's certificate file: the callback pays the order.
        PaysimProcess trusting;
        QVERIFY2(trusting.start({QStringLiteral("--server"), m_server.origin(),
                                 QStringLiteral("--server-cert"),
                                 m_server.dataDir() + QStringLiteral("/server-cert.pem"),
                                 QStringLiteral("--delay-ms"), QStringLiteral("10")},
                                m_server.options().paymentSecret),
                 qPrintable(trusting.output()));
        const QJsonObject paid = newOrder();
        QVERIFY(!paid.isEmpty());
        TestClient toTrusting(trusting.url().toString());
        const HttpReply charged = toTrusting.post(QStringLiteral("/charges"), paid);
        QVERIFY2(charged.status == 202, qPrintable(charged.describe()));
        QTRY_COMPARE_WITH_TIMEOUT(orderStatus(paid.value(QStringLiteral("orderId")).toString()),
                                  QStringLiteral("TICKETED"), kWaitMs);

        // Pinned to another certificate: the callback never reaches the server.
        QTemporaryDir other;
        auto stranger = Core::loadOrCreateServerIdentity(other.path(), {});
        QVERIFY(stranger);
        PaysimProcess wrong;
        QVERIFY2(wrong.start({QStringLiteral("--server"), m_server.origin(),
                              QStringLiteral("--server-fingerprint"), stranger->fingerprint(),
                              QStringLiteral("--delay-ms"), QStringLiteral("10")},
                             m_server.options().paymentSecret),
                 qPrintable(wrong.output()));
        const QJsonObject unpaid = newOrder();
        QVERIFY(!unpaid.isEmpty());
        TestClient toWrong(wrong.url().toString());
        const HttpReply started = toWrong.post(QStringLiteral("/charges"), unpaid);
        QVERIFY2(started.status == 202, qPrintable(started.describe()));
        const QString payment = started.json.value(QStringLiteral("paymentId")).toString();
        QTRY_COMPARE_WITH_TIMEOUT(toWrong.get(QStringLiteral("/charges/") + payment)
                                      .json.value(QStringLiteral("status"))
                                      .toString(),
                                  QStringLiteral("CALLBACK_FAILED"), kWaitMs);
        QVERIFY2(wrong.output().contains(QStringLiteral("certificate has changed")),
                 qPrintable(wrong.output()));
        QCOMPARE(orderStatus(unpaid.value(QStringLiteral("orderId")).toString()),
                 QStringLiteral("PENDING_PAY"));
    }

    void insecureHttpIsLoud()
    {
        TestServer::Options options;
        options.demo = false;
        TestServer insecure(options);
        QVERIFY2(insecure.start(), qPrintable(insecure.output()));
        QVERIFY2(insecure.output().contains(
                     QStringLiteral("INSECURE: plain HTTP, passwords and tokens travel in clear; "
                                    "development only")),
                 qPrintable(insecure.output()));
        QVERIFY(insecure.output().contains(QStringLiteral("listening on http://")));
        QVERIFY(insecure.fingerprint().isEmpty());
        TestClient client(insecure.baseUrl());
        const HttpReply health = client.get(QStringLiteral("/health"));
        QCOMPARE(health.status, 200);
        QCOMPARE(health.json.value(QStringLiteral("transport")).toString(),
                 QStringLiteral("insecure-http"));
        QVERIFY(!QFile::exists(insecure.dataDir() + QStringLiteral("/server-cert.pem")));
    }
};

QTEST_GUILESS_MAIN(TestTls)
#include "tst_tls.moc"

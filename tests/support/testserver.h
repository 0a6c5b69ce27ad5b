#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QString>
#include <QTemporaryDir>
#include <QVariantList>

#include <memory>
#include <optional>

namespace Boxoffice::Test {

// A real boxoffice-server process on a free loopback port with its own temporary data
// directory, for integration tests. The server's output is kept for failure messages.
class TestServer
{
public:
    struct Options
    {
        bool demo = true;
        QStringList extraArguments;
        QString dataDir; // empty: a fresh temporary directory owned by this object
        QByteArray paymentSecret = "integration-test-payment-secret";
        QString demoPassword = QStringLiteral("demo-password-for-tests");
        QString demoPin = QStringLiteral("246810"); // the demo supervisor's override PIN
        quint16 port = 0;                           // 0: a free port chosen by the system
        // HTTPS/WSS with the data directory's certificate (or extraArguments' --tls-cert);
        // false: --insecure-http, the plain HTTP most tests talk.
        bool tls = false;
        // Kiosk limits (--kiosk-max-seats, --kiosk-rate); negative: the server's defaults.
        int kioskMaxSeats = -1;
        int kioskRate = -1; // 0: no limit
    };

    TestServer();
    explicit TestServer(Options options);
    ~TestServer();

    // Starts the process and waits until it listens. False (with output()) on failure.
    [[nodiscard]] bool start(int timeoutMs = 60'000);
    // Starts the server again after stop() or kill(), on the same port and data directory, so
    // clients that knew it find it where it was.
    [[nodiscard]] bool restart(int timeoutMs = 60'000);
    void stop(); // SIGTERM, then wait
    void kill(); // SIGKILL: a crash
    [[nodiscard]] bool isRunning() const;

    [[nodiscard]] quint16 port() const { return m_port; }
    [[nodiscard]] QString baseUrl() const; // http(s)://127.0.0.1:PORT/api/v1
    [[nodiscard]] QString origin() const;  // http(s)://127.0.0.1:PORT
    // The certificate fingerprint the last start printed ("AB:CD:..."); empty without TLS.
    [[nodiscard]] QString fingerprint() const;
    [[nodiscard]] const QString &dataDir() const { return m_dataDir; }
    [[nodiscard]] const Options &options() const { return m_options; }
    [[nodiscard]] QString output() const { return QString::fromUtf8(m_output); }
    [[nodiscard]] qint64 pid() const;

    // Runs `boxoffice-server audit --data-dir DIR` and returns its exit code (0: invariants
    // hold); the report goes to *report.
    [[nodiscard]] int runAudit(QString *report) const;

    // One show's line of an audit report.
    struct AuditCounts
    {
        int available = 0;
        int held = 0;
        int sold = 0;
        int refundPending = 0;
        int total = 0;
    };
    [[nodiscard]] static std::optional<AuditCounts> auditCounts(const QString &report,
                                                                const QString &show);

    // Runs one SQL statement on the server's SQLite file from a connection of the test's own
    // (read-write, so tests can tamper or add rows the API cannot make yet). The rows a SELECT
    // returns; nullopt (with *why) when the statement failed.
    [[nodiscard]] std::optional<QList<QVariantList>>
    sql(const QString &statement, const QVariantList &values = {}, QString *why = nullptr) const;

private:
    [[nodiscard]] bool startOn(quint16 port, int timeoutMs);

    Options m_options;
    std::unique_ptr<QTemporaryDir> m_tempDir;
    QString m_dataDir;
    std::unique_ptr<QProcess> m_process;
    QByteArray m_output;
    quint16 m_port = 0;
};

struct HttpReply
{
    int status = 0; // 0: no HTTP answer (connection failed)
    QByteArray body;
    QJsonObject json; // the body, when it is a JSON object
    QList<QPair<QByteArray, QByteArray>> headers;
    QString networkError;

    [[nodiscard]] QString errorCode() const
    {
        return json.value(QStringLiteral("error"))
            .toObject()
            .value(QStringLiteral("code"))
            .toString();
    }
    [[nodiscard]] QString describe() const; // for QVERIFY2 messages
};

// The strings of a JSON array (seat ids, ticket codes).
inline QStringList stringList(const QJsonValue &value)
{
    QStringList list;
    for (const QJsonValue &item : value.toArray())
        list.append(item.toString());
    return list;
}

inline QStringList sorted(QStringList list)
{
    list.sort();
    return list;
}

// A synchronous HTTP client for tests (QNetworkAccessManager under a local event loop).
class TestClient
{
public:
    explicit TestClient(QString baseUrl);

    void setToken(const QString &token) { m_token = token; }
    // For https: accept exactly the certificate with this SHA-256 (32 bytes), nothing else.
    void setPinnedDigest(const QByteArray &sha256) { m_pinnedDigest = sha256; }
    [[nodiscard]] const QString &token() const { return m_token; }

    [[nodiscard]] HttpReply request(const QByteArray &method, const QString &path,
                                    const QByteArray &body = {},
                                    const QList<QPair<QByteArray, QByteArray>> &headers = {},
                                    int timeoutMs = 30'000);
    [[nodiscard]] HttpReply get(const QString &path) { return request("GET", path); }
    [[nodiscard]] HttpReply post(const QString &path, const QJsonObject &body,
                                 const QList<QPair<QByteArray, QByteArray>> &headers = {});

    // Logs in and keeps the token; returns the login reply. A non-empty `terminal` is sent as
    // the session's terminal name.
    HttpReply login(const QString &username, const QString &password, const QString &terminal = {});

private:
    QString m_baseUrl;
    QString m_token;
    QByteArray m_pinnedDigest;
    QNetworkAccessManager m_network;
};

} // namespace Boxoffice::Test

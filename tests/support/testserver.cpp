#include "testserver.h"

#include "listeningprocess.h"

#include "testpaths.h"

#include <QCryptographicHash>
#include <QEventLoop>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QSslConfiguration>
#include <QTimer>
#include <QUuid>

#include <csignal>

namespace Boxoffice::Test {

TestServer::TestServer()
    : TestServer(Options{})
{}

TestServer::TestServer(Options options)
    : m_options(std::move(options))
{
    if (m_options.dataDir.isEmpty()) {
        m_tempDir = std::make_unique<QTemporaryDir>();
        m_dataDir = m_tempDir->path();
    } else {
        m_dataDir = m_options.dataDir;
    }
}

TestServer::~TestServer()
{
    kill();
}

QString TestServer::baseUrl() const
{
    return origin() + QStringLiteral("/api/v1");
}

QString TestServer::origin() const
{
    return QStringLiteral("%1://127.0.0.1:%2")
        .arg(m_options.tls ? QStringLiteral("https") : QStringLiteral("http"))
        .arg(m_port);
}

QString TestServer::fingerprint() const
{
    static const QRegularExpression line(
        QStringLiteral("TLS certificate SHA-256 fingerprint: ([0-9A-F:]{95})"));
    QString last;
    auto matches = line.globalMatch(QString::fromUtf8(m_output));
    while (matches.hasNext())
        last = matches.next().captured(1);
    return last;
}

qint64 TestServer::pid() const
{
    return m_process ? m_process->processId() : 0;
}

bool TestServer::isRunning() const
{
    return m_process && m_process->state() == QProcess::Running;
}

bool TestServer::start(int timeoutMs)
{
    return startOn(m_options.port, timeoutMs);
}

bool TestServer::restart(int timeoutMs)
{
    if (isRunning())
        stop();
    return startOn(m_port, timeoutMs);
}

bool TestServer::startOn(quint16 port, int timeoutMs)
{
    m_output.clear();
    m_port = 0;
    m_process = std::make_unique<QProcess>();
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("BOXOFFICE_PAYMENT_SECRET"),
               QString::fromLatin1(m_options.paymentSecret));
    env.insert(QStringLiteral("BOXOFFICE_DEMO_PASSWORD"), m_options.demoPassword);
    env.insert(QStringLiteral("BOXOFFICE_DEMO_PIN"), m_options.demoPin);
    env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("boxoffice.*.info=true"));
    m_process->setProcessEnvironment(env);
    QStringList arguments{QStringLiteral("--data-dir"), m_dataDir, QStringLiteral("--listen"),
                          QStringLiteral("127.0.0.1:%1").arg(port)};
    if (m_options.demo)
        arguments.append(QStringLiteral("--demo"));
    if (!m_options.tls)
        arguments.append(QStringLiteral("--insecure-http"));
    if (m_options.kioskMaxSeats >= 0)
        arguments << QStringLiteral("--kiosk-max-seats")
                  << QString::number(m_options.kioskMaxSeats);
    if (m_options.kioskRate >= 0)
        arguments << QStringLiteral("--kiosk-rate") << QString::number(m_options.kioskRate);
    arguments.append(m_options.extraArguments);
    m_process->start(serverBinary(), arguments);
    if (!m_process->waitForStarted(10'000)) {
        m_output = "could not start " + serverBinary().toUtf8();
        return false;
    }
    const auto listening = waitUntilListening(*m_process, m_output, timeoutMs);
    if (!listening)
        return false;
    m_port = *listening;
    return true;
}

void TestServer::stop()
{
    if (!isRunning())
        return;
    ::kill(static_cast<pid_t>(m_process->processId()), SIGTERM);
    if (!m_process->waitForFinished(30'000))
        kill();
    m_output += m_process->readAll();
}

void TestServer::kill()
{
    if (!isRunning())
        return;
    m_process->kill();
    m_process->waitForFinished(10'000);
    m_output += m_process->readAll();
}

int TestServer::runAudit(QString *report) const
{
    QProcess audit;
    audit.setProcessChannelMode(QProcess::MergedChannels);
    audit.start(serverBinary(), {QStringLiteral("audit"), QStringLiteral("--data-dir"), m_dataDir});
    if (!audit.waitForFinished(120'000))
        return -1;
    if (report)
        *report = QString::fromUtf8(audit.readAll());
    return audit.exitStatus() == QProcess::NormalExit ? audit.exitCode() : -1;
}

std::optional<TestServer::AuditCounts> TestServer::auditCounts(const QString &report,
                                                               const QString &show)
{
    const QRegularExpression line(
        QStringLiteral("^%1: available (\\d+), held (\\d+), sold (\\d+), refund pending "
                       "(\\d+), total (\\d+)$")
            .arg(QRegularExpression::escape(show)),
        QRegularExpression::MultilineOption);
    const auto match = line.match(report);
    if (!match.hasMatch())
        return std::nullopt;
    return AuditCounts{match.captured(1).toInt(), match.captured(2).toInt(),
                       match.captured(3).toInt(), match.captured(4).toInt(),
                       match.captured(5).toInt()};
}

QString HttpReply::describe() const
{
    return QStringLiteral("HTTP %1 %2 %3")
        .arg(status)
        .arg(networkError, QString::fromUtf8(body.left(400)));
}

TestClient::TestClient(QString baseUrl)
    : m_baseUrl(std::move(baseUrl))
{}

std::optional<QList<QVariantList>> TestServer::sql(const QString &statement,
                                                   const QVariantList &values, QString *why) const
{
    const QString name = QStringLiteral("testserver-sql-") + QUuid::createUuid().toString();
    std::optional<QList<QVariantList>> rows;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(m_dataDir + QStringLiteral("/boxoffice.db"));
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000"));
        if (db.open()) {
            QSqlQuery query(db);
            query.prepare(statement);
            for (const QVariant &value : values)
                query.addBindValue(value);
            if (query.exec()) {
                rows.emplace();
                while (query.next()) {
                    QVariantList row;
                    for (int i = 0; i < query.record().count(); ++i)
                        row.append(query.value(i));
                    rows->append(row);
                }
            } else if (why) {
                *why = query.lastError().text();
            }
        } else if (why) {
            *why = db.lastError().text();
        }
    }
    QSqlDatabase::removeDatabase(name);
    return rows;
}

HttpReply TestClient::request(const QByteArray &method, const QString &path, const QByteArray &body,
                              const QList<QPair<QByteArray, QByteArray>> &headers, int timeoutMs)
{
    QNetworkRequest request(QUrl(m_baseUrl + path));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    if (!m_token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_token.toLatin1());
    for (const auto &[key, value] : headers)
        request.setRawHeader(key, value);
    if (!m_pinnedDigest.isEmpty()) {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates({});
        request.setSslConfiguration(tls);
    }
    QNetworkReply *reply = m_network.sendCustomRequest(request, method, body);
    if (!m_pinnedDigest.isEmpty()) {
        QObject::connect(reply, &QNetworkReply::sslErrors, reply,
                         [reply, pin = m_pinnedDigest](const QList<QSslError> &errors) {
                             const QByteArray der =
                                 reply->sslConfiguration().peerCertificate().toDer();
                             if (QCryptographicHash::hash(der, QCryptographicHash::Sha256) == pin)
                                 reply->ignoreSslErrors(errors);
                         });
    }
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    loop.exec();
    HttpReply result;
    if (!reply->isFinished()) {
        reply->abort();
        result.networkError = QStringLiteral("timed out");
    }
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    result.headers = reply->rawHeaderPairs();
    if (reply->error() != QNetworkReply::NoError && result.status == 0)
        result.networkError = reply->errorString();
    result.json = QJsonDocument::fromJson(result.body).object();
    reply->deleteLater();
    return result;
}

HttpReply TestClient::post(const QString &path, const QJsonObject &body,
                           const QList<QPair<QByteArray, QByteArray>> &headers)
{
    return request("POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact), headers);
}

HttpReply TestClient::login(const QString &username, const QString &password,
                            const QString &terminal)
{
    m_token.clear();
    QJsonObject body{{QStringLiteral("username"), username},
                     {QStringLiteral("password"), password}};
    if (!terminal.isEmpty())
        body.insert(QStringLiteral("terminal"), terminal);
    HttpReply reply = post(QStringLiteral("/sessions"), body);
    if (reply.status == 201)
        m_token = reply.json.value(QStringLiteral("token")).toString();
    return reply;
}

} // namespace Boxoffice::Test

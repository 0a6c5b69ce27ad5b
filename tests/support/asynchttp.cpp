#include "asynchttp.h"

#include <QJsonDocument>
#include <QTcpSocket>
#include <QTest>
#include <QUrl>

#include <optional>

namespace Boxoffice::Test {

namespace {

// Longest status line or header field accepted; anything longer is not a sane answer.
constexpr qsizetype kMaxLineBytes = 64 * 1024;

std::optional<QByteArray> takeLine(QByteArray &buffer)
{
    const qsizetype end = buffer.indexOf('\n');
    if (end < 0)
        return std::nullopt;
    QByteArray line = buffer.left(end);
    buffer.remove(0, end + 1);
    if (line.endsWith('\r'))
        line.chop(1);
    return line;
}

} // namespace

QByteArray AsyncReply::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

AsyncHttpClient::AsyncHttpClient(const QString &baseUrl, QObject *parent)
    : QObject(parent)
{
    const QUrl url(baseUrl);
    m_hostHeader = url.host();
    m_port = static_cast<quint16>(url.port(80));
    if (url.port() > 0)
        m_hostHeader += QStringLiteral(":%1").arg(m_port);
    m_host = QHostAddress(url.host());
    m_basePath = url.path();
    while (m_basePath.endsWith(u'/'))
        m_basePath.chop(1);
    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this,
            [this] { failCurrent(QStringLiteral("timed out after %1 ms").arg(m_timeoutMs)); });
}

AsyncHttpClient::~AsyncHttpClient()
{
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
    }
}

QByteArray AsyncHttpClient::toJson(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

int AsyncHttpClient::pending() const
{
    return static_cast<int>(m_queue.size()) + (m_current ? 1 : 0);
}

void AsyncHttpClient::request(const QByteArray &method, const QString &path, const QByteArray &body,
                              Callback done, const Headers &headers)
{
    auto pending = std::make_unique<Pending>();
    pending->method = method;
    pending->path = path;
    pending->body = body;
    pending->headers = headers;
    pending->done = std::move(done);
    m_queue.push_back(std::move(pending));
    // Sent from the event loop, so that a callback never runs inside request().
    if (!m_current && !m_sendScheduled) {
        m_sendScheduled = true;
        QMetaObject::invokeMethod(this, &AsyncHttpClient::sendNext, Qt::QueuedConnection);
    }
}

void AsyncHttpClient::post(const QString &path, const QJsonObject &body, Callback done,
                           const Headers &headers)
{
    request("POST", path, toJson(body), std::move(done), headers);
}

void AsyncHttpClient::sendNext()
{
    m_sendScheduled = false;
    if (m_current || m_queue.empty())
        return;
    m_current = std::move(m_queue.front());
    m_queue.pop_front();
    resetParser();
    m_sentAt.start();
    m_timeout.start(m_timeoutMs);

    if (m_socket && m_socket->state() == QAbstractSocket::ConnectedState) {
        writeCurrent();
        return;
    }
    if (m_socket && (m_socket->state() == QAbstractSocket::HostLookupState ||
                     m_socket->state() == QAbstractSocket::ConnectingState))
        return; // writeCurrent() runs on connected()
    dropConnection();
    auto *socket = new QTcpSocket(this);
    m_socket = socket;
    ++m_connectionsOpened;
    connect(socket, &QTcpSocket::connected, this, [this, socket] {
        if (socket != m_socket)
            return;
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        if (m_current)
            writeCurrent();
    });
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] {
        if (socket == m_socket)
            handleReadyRead();
    });
    connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
        if (socket == m_socket)
            handleClosed(QStringLiteral("the server closed the connection"));
    });
    connect(socket, &QTcpSocket::errorOccurred, this, [this, socket] {
        if (socket == m_socket)
            handleClosed(socket->errorString());
    });
    if (!m_host.isNull())
        socket->connectToHost(m_host, m_port);
    else
        socket->connectToHost(m_hostHeader.section(u':', 0, 0), m_port);
}

void AsyncHttpClient::writeCurrent()
{
    const Pending &p = *m_current;
    QByteArray out;
    out.reserve(256 + p.body.size());
    out.append(p.method)
        .append(' ')
        .append((m_basePath + p.path).toUtf8())
        .append(" HTTP/1.1\r\nHost: ")
        .append(m_hostHeader.toLatin1())
        .append("\r\n");
    if (!m_token.isEmpty())
        out.append("Authorization: Bearer ").append(m_token.toLatin1()).append("\r\n");
    if (!p.body.isEmpty())
        out.append("Content-Type: application/json\r\n");
    out.append("Content-Length: ").append(QByteArray::number(p.body.size())).append("\r\n");
    for (const auto &[key, value] : p.headers)
        out.append(key).append(": ").append(value).append("\r\n");
    out.append("\r\n").append(p.body);
    m_socket->write(out);
}

void AsyncHttpClient::handleReadyRead()
{
    if (!m_socket)
        return;
    m_buffer.append(m_socket->readAll());
    if (!m_current) {
        // Nothing was asked: bytes now mean the connection's framing is lost.
        if (!m_buffer.isEmpty()) {
            qWarning("AsyncHttpClient: %lld unexpected bytes from the server; reconnecting",
                     static_cast<long long>(m_buffer.size()));
            dropConnection();
        }
        return;
    }
    parse();
}

void AsyncHttpClient::handleClosed(const QString &why)
{
    if (!m_socket)
        return;
    // An answer may still sit in the socket's buffer.
    if (m_socket->bytesAvailable() > 0)
        handleReadyRead();
    if (!m_socket)
        return;
    if (m_current && m_state == ParseState::BodyToClose) {
        AsyncReply reply = m_reply;
        reply.body = m_buffer;
        reply.json = QJsonDocument::fromJson(reply.body).object();
        dropConnection();
        finishCurrent(std::move(reply));
        return;
    }
    const bool inFlight = m_current != nullptr;
    dropConnection();
    if (inFlight)
        failCurrent(why);
}

bool AsyncHttpClient::parse()
{
    auto malformed = [this](const QString &what) {
        dropConnection();
        failCurrent(QStringLiteral("malformed answer: ") + what);
        return false;
    };
    auto complete = [this] {
        AsyncReply reply = std::move(m_reply);
        reply.json = QJsonDocument::fromJson(reply.body).object();
        const bool leftover = !m_buffer.isEmpty();
        if (m_closeAfter || leftover)
            dropConnection(); // no pipelining, so extra bytes are a framing error
        finishCurrent(std::move(reply));
        return true;
    };

    for (;;) {
        switch (m_state) {
        case ParseState::StatusLine: {
            const auto line = takeLine(m_buffer);
            if (!line)
                return m_buffer.size() <= kMaxLineBytes || malformed(QStringLiteral("status line"));
            if (line->isEmpty())
                continue;
            // HTTP/1.1 201 Created
            const QList<QByteArray> parts = line->split(' ');
            bool ok = false;
            const int status = parts.size() >= 2 ? parts[1].toInt(&ok) : 0;
            if (!line->startsWith("HTTP/1.") || !ok || status < 100 || status > 999)
                return malformed(QString::fromLatin1(line->left(80)));
            m_reply.status = status;
            m_closeAfter = line->startsWith("HTTP/1.0");
            m_reply.headers.clear();
            m_state = ParseState::Headers;
            break;
        }
        case ParseState::Headers: {
            const auto line = takeLine(m_buffer);
            if (!line)
                return m_buffer.size() <= kMaxLineBytes || malformed(QStringLiteral("header"));
            if (!line->isEmpty()) {
                const qsizetype colon = line->indexOf(':');
                if (colon <= 0)
                    return malformed(QString::fromLatin1(line->left(80)));
                m_reply.headers.append(
                    {line->left(colon).trimmed(), line->mid(colon + 1).trimmed()});
                continue;
            }
            // The header block is complete.
            if (m_reply.status < 200) { // 1xx: an interim answer; the real one follows
                m_reply = AsyncReply{};
                m_state = ParseState::StatusLine;
                continue;
            }
            const QByteArray connection = m_reply.header("Connection").toLower();
            if (connection.contains("close"))
                m_closeAfter = true;
            else if (connection.contains("keep-alive"))
                m_closeAfter = false;
            const bool noBody =
                m_current->method == "HEAD" || m_reply.status == 204 || m_reply.status == 304;
            const QByteArray length = m_reply.header("Content-Length");
            if (noBody) {
                return complete();
            } else if (m_reply.header("Transfer-Encoding").toLower().contains("chunked")) {
                m_state = ParseState::ChunkSize;
            } else if (!length.isEmpty()) {
                bool ok = false;
                m_remaining = length.toLongLong(&ok);
                if (!ok || m_remaining < 0)
                    return malformed(QStringLiteral("Content-Length ") +
                                     QString::fromLatin1(length));
                m_state = ParseState::Body;
            } else {
                m_state = ParseState::BodyToClose;
            }
            break;
        }
        case ParseState::Body:
            if (m_buffer.size() < m_remaining)
                return true;
            m_reply.body = m_buffer.left(m_remaining);
            m_buffer.remove(0, m_remaining);
            return complete();
        case ParseState::ChunkSize: {
            const auto line = takeLine(m_buffer);
            if (!line)
                return m_buffer.size() <= kMaxLineBytes || malformed(QStringLiteral("chunk size"));
            const QByteArray hex = line->split(';').first().trimmed();
            bool ok = false;
            m_remaining = hex.toLongLong(&ok, 16);
            if (!ok || m_remaining < 0)
                return malformed(QStringLiteral("chunk size ") + QString::fromLatin1(hex));
            m_state = m_remaining == 0 ? ParseState::Trailers : ParseState::ChunkData;
            break;
        }
        case ParseState::ChunkData:
            if (m_buffer.size() < m_remaining + 2)
                return true;
            m_reply.body.append(m_buffer.left(m_remaining));
            m_buffer.remove(0, m_remaining + 2);
            m_state = ParseState::ChunkSize;
            break;
        case ParseState::Trailers: {
            const auto line = takeLine(m_buffer);
            if (!line)
                return m_buffer.size() <= kMaxLineBytes || malformed(QStringLiteral("trailer"));
            if (line->isEmpty())
                return complete();
            break;
        }
        case ParseState::BodyToClose:
            return true; // handleClosed() completes it
        }
    }
}

void AsyncHttpClient::finishCurrent(AsyncReply reply)
{
    m_timeout.stop();
    std::unique_ptr<Pending> done = std::move(m_current);
    resetParser();
    if (!done)
        return;
    reply.elapsedMs = m_sentAt.elapsed();
    reply.connectionIndex = m_connectionsOpened;
    QPointer<AsyncHttpClient> self(this);
    if (done->done)
        done->done(reply);
    if (!self)
        return;
    if (!m_queue.empty()) {
        if (!m_current && !m_sendScheduled) {
            m_sendScheduled = true;
            QMetaObject::invokeMethod(this, &AsyncHttpClient::sendNext, Qt::QueuedConnection);
        }
    } else if (!m_current) {
        emit idle();
    }
}

void AsyncHttpClient::failCurrent(const QString &why)
{
    if (!m_current)
        return;
    // The connection's state is unknown now: a late answer must not be taken for the next one.
    dropConnection();
    AsyncReply reply;
    reply.networkError = why;
    finishCurrent(std::move(reply));
}

void AsyncHttpClient::dropConnection()
{
    m_buffer.clear();
    if (!m_socket)
        return;
    QTcpSocket *socket = m_socket;
    m_socket = nullptr;
    socket->disconnect(this);
    socket->abort();
    socket->deleteLater();
}

void AsyncHttpClient::resetParser()
{
    m_state = ParseState::StatusLine;
    m_reply = AsyncReply{};
    m_remaining = 0;
    m_closeAfter = false;
}

bool waitUntilIdle(const QList<AsyncHttpClient *> &clients, int timeoutMs)
{
    auto allIdle = [&clients] {
        for (const AsyncHttpClient *client : clients) {
            if (!client->isIdle())
                return false;
        }
        return true;
    };
    return allIdle() || QTest::qWaitFor(allIdle, timeoutMs);
}

} // namespace Boxoffice::Test

#include "sync/server/guardedtcpserver.h"

#include "core/common/result.h"

#include <QBasicTimer>
#include <QByteArrayView>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QPointer>
#include <QSslCipher>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTimerEvent>

#include <algorithm>
#include <array>
#include <limits>

#if defined(Q_OS_UNIX)
#include <sys/socket.h>
#include <unistd.h>
#endif

namespace Boxoffice::Sync {

namespace {

Q_LOGGING_CATEGORY(lcGuard, "boxoffice.sync.guard")

using Core::ErrorCode;

// A rejected connection gets this long to read its error response and close.
constexpr int kClosingGraceMs = 1000;
// While guarding, the socket's read buffer holds at most one whole request (which QHttpServer
// keeps in its read transaction until complete) plus this much of what follows it. Beyond that
// the kernel applies back-pressure: even a framing bug here cannot make a connection cost more.
constexpr qint64 kReadBufferSlack = 16 * 1024;
// After a rejection nothing is read any more; the buffer only needs to be non-zero (0 means
// unlimited).
constexpr qint64 kClosingReadBufferBytes = 4096;
// More digits than this cannot be a Content-Length we accept, and would overflow qint64.
constexpr qsizetype kMaxContentLengthDigits = 18;

// RFC 9110 §5.6.2 tchar: what a method and a field name consist of.
bool isTokenChar(char c)
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return true;
    switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
        return true;
    default:
        return false;
    }
}

bool isControlChar(char c)
{
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
}

bool isToken(QByteArrayView text)
{
    return !text.isEmpty() && std::all_of(text.begin(), text.end(), isTokenChar);
}

QByteArrayView trimmedOws(QByteArrayView text)
{
    while (!text.isEmpty() && (text.front() == ' ' || text.front() == '\t'))
        text = text.sliced(1);
    while (!text.isEmpty() && (text.back() == ' ' || text.back() == '\t'))
        text.chop(1);
    return text;
}

bool equalsIgnoringCase(QByteArrayView a, QByteArrayView b)
{
    return a.compare(b, Qt::CaseInsensitive) == 0;
}

// True if the comma-separated list `value` contains `token` (case-insensitive).
bool listContainsToken(QByteArrayView value, QByteArrayView token)
{
    while (!value.isEmpty()) {
        const qsizetype comma = value.indexOf(',');
        const QByteArrayView item = comma < 0 ? value : value.first(comma);
        if (equalsIgnoringCase(trimmedOws(item), token))
            return true;
        if (comma < 0)
            break;
        value = value.sliced(comma + 1);
    }
    return false;
}

const char *reasonPhrase(int status)
{
    switch (status) {
    case 400:
        return "Bad Request";
    case 413:
        return "Payload Too Large";
    default:
        return "Error";
    }
}

// A complete HTTP/1.1 response in the error shape of DESIGN.md §3.4.
QByteArray errorResponse(ErrorCode code, const QString &message)
{
    const Core::ErrorCodeInfo info = Core::errorCodeInfo(code);
    const QJsonObject error{{QStringLiteral("code"), QString::fromLatin1(info.wireName)},
                            {QStringLiteral("message"), message}};
    const QByteArray body =
        QJsonDocument(QJsonObject{{QStringLiteral("error"), error}}).toJson(QJsonDocument::Compact);
    QByteArray response;
    response.reserve(160 + body.size());
    response.append("HTTP/1.1 ")
        .append(QByteArray::number(info.httpStatus))
        .append(' ')
        .append(reasonPhrase(info.httpStatus))
        .append("\r\nContent-Type: application/json\r\nContent-Length: ")
        .append(QByteArray::number(body.size()))
        .append("\r\nConnection: close\r\n\r\n")
        .append(body);
    return response;
}

// Closes a descriptor that no QTcpSocket took over; the server owns accepted descriptors.
void closeDescriptor(qintptr descriptor)
{
#if defined(Q_OS_UNIX)
    ::close(static_cast<int>(descriptor));
#else
    Q_UNUSED(descriptor);
#endif
}

// The result of feeding bytes to a RequestFramer.
struct Verdict
{
    enum class Kind
    {
        Continue, // all bytes accounted for; more may follow
        Reject,   // answer `code` with `message` and close
        Upgrade,  // a WebSocket upgrade header is complete; what follows is not HTTP
    };
    Kind kind = Kind::Continue;
    ErrorCode code = ErrorCode::BadRequest;
    QString message;

    static Verdict reject(ErrorCode code, QString message)
    {
        return Verdict{Kind::Reject, code, std::move(message)};
    }
};

// Follows the HTTP/1.1 request framing of one connection: header block (kept, at most
// maxHeaderBytes), then exactly Content-Length body bytes (only counted), then the next
// request. It accepts what QHttpServer's http_parser accepts for well-formed requests (empty
// lines before a request line, LF or CRLF line ends) and refuses anything whose framing could
// be read differently by the two parsers: field names with whitespace or non-token bytes,
// folded lines, control bytes, Transfer-Encoding, invalid or conflicting Content-Length.
class RequestFramer
{
public:
    enum class State
    {
        BetweenRequests,
        Header,
        Body,
        Upgraded, // terminal: the rest of the stream belongs to a WebSocket
        Rejected, // terminal
    };

    explicit RequestFramer(const ConnectionLimits &limits)
        : m_maxHeaderBytes(limits.maxHeaderBytes)
        , m_maxBodyBytes(limits.maxBodyBytes)
    {}

    [[nodiscard]] State state() const { return m_state; }
    [[nodiscard]] bool inRequest() const
    {
        return m_state == State::Header || m_state == State::Body;
    }
    // Increases with the first byte of every request; tells a new request from a running one.
    [[nodiscard]] quint64 requestsStarted() const { return m_requestsStarted; }
    // Whether the last complete request header asked for the connection to close after its
    // response (Connection: close, or HTTP/1.0 without keep-alive; RFC 9112 §9.3, §9.6).
    [[nodiscard]] bool closeRequested() const { return m_closeRequested; }
    [[nodiscard]] qint64 bodyRemaining() const { return m_state == State::Body ? m_bodyLeft : 0; }

    // Counts `count` body bytes without looking at them; count <= bodyRemaining().
    void consumeBody(qint64 count)
    {
        Q_ASSERT(m_state == State::Body && count <= m_bodyLeft);
        m_bodyLeft -= count;
        if (m_bodyLeft == 0)
            m_state = State::BetweenRequests;
    }

    [[nodiscard]] Verdict feed(QByteArrayView bytes)
    {
        while (!bytes.isEmpty()) {
            switch (m_state) {
            case State::BetweenRequests:
                startRequest();
                break;
            case State::Header: {
                const Verdict verdict = feedHeader(bytes);
                if (verdict.kind != Verdict::Kind::Continue)
                    return verdict;
                break;
            }
            case State::Body: {
                const qint64 count = std::min<qint64>(bytes.size(), m_bodyLeft);
                consumeBody(count);
                bytes = bytes.sliced(count);
                break;
            }
            case State::Upgraded:
            case State::Rejected:
                return {};
            }
        }
        return {};
    }

private:
    void startRequest()
    {
        ++m_requestsStarted;
        m_state = State::Header;
        m_header.resize(0); // keeps the capacity for the next request
        m_headerBytes = 0;
        m_inRequestLine = true;
        m_inMethod = true;
    }

    Verdict reject(ErrorCode code, QString message)
    {
        m_state = State::Rejected;
        return Verdict::reject(code, std::move(message));
    }

    // Consumes header bytes from the front of `bytes` until the header block is complete,
    // the bytes run out, or the request must be refused.
    Verdict feedHeader(QByteArrayView &bytes)
    {
        while (!bytes.isEmpty()) {
            const char c = bytes.front();
            bytes = bytes.sliced(1);
            if (++m_headerBytes > m_maxHeaderBytes) {
                return reject(
                    ErrorCode::PayloadTooLarge,
                    QStringLiteral("request header exceeds %1 bytes").arg(m_maxHeaderBytes));
            }
            // RFC 9112 §2.2: empty lines before a request line are to be ignored. They still
            // count against the header limit and the request timeout.
            if (m_header.isEmpty() && (c == '\r' || c == '\n'))
                continue;
            if (m_inRequestLine) {
                // Checked per byte so that a peer speaking something else (TLS, binary) is
                // refused at its first byte instead of after the timeout.
                if (c == '\n') {
                    m_inRequestLine = false;
                } else if (m_inMethod && c == ' ') {
                    m_inMethod = false;
                } else if ((m_inMethod && !isTokenChar(c)) || (isControlChar(c) && c != '\r')) {
                    return reject(ErrorCode::BadRequest,
                                  QStringLiteral("the request line is not HTTP"));
                }
            }
            m_header.append(c);
            if (c == '\n' && headerBlockEnds())
                return finishHeader();
        }
        return {};
    }

    // The block ends with an empty line: "\n\n" or "\n\r\n".
    [[nodiscard]] bool headerBlockEnds() const
    {
        const qsizetype n = m_header.size();
        return (n >= 2 && m_header[n - 2] == '\n') ||
               (n >= 3 && m_header[n - 2] == '\r' && m_header[n - 3] == '\n');
    }

    static QByteArrayView withoutCr(QByteArrayView line)
    {
        return line.endsWith('\r') ? line.chopped(1) : line;
    }

    static bool isRequestLine(QByteArrayView line)
    {
        const qsizetype firstSpace = line.indexOf(' ');
        const qsizetype lastSpace = line.lastIndexOf(' ');
        if (firstSpace <= 0 || lastSpace == firstSpace)
            return false;
        const QByteArrayView method = line.first(firstSpace);
        const QByteArrayView target = line.sliced(firstSpace + 1, lastSpace - firstSpace - 1);
        const QByteArrayView version = line.sliced(lastSpace + 1);
        const bool targetOk =
            !target.isEmpty() && std::none_of(target.begin(), target.end(),
                                              [](char c) { return c == ' ' || isControlChar(c); });
        const bool versionOk = version.size() == 8 && version.startsWith("HTTP/1.") &&
                               version.back() >= '0' && version.back() <= '9';
        return isToken(method) && targetOk && versionOk;
    }

    // Digits only (RFC 9110 §8.6); -1 if the value is not a Content-Length.
    static qint64 parseContentLength(QByteArrayView value)
    {
        if (value.isEmpty() ||
            !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; }))
            return -1;
        while (value.size() > 1 && value.front() == '0')
            value = value.sliced(1);
        if (value.size() > kMaxContentLengthDigits)
            return std::numeric_limits<qint64>::max(); // valid, and certainly too large
        qint64 length = 0;
        for (const char c : value)
            length = length * 10 + (c - '0');
        return length;
    }

    Verdict finishHeader()
    {
        QByteArrayView rest(m_header);
        const qsizetype requestLineEnd = rest.indexOf('\n');
        const QByteArrayView requestLine = withoutCr(rest.first(requestLineEnd));
        if (!isRequestLine(requestLine))
            return reject(ErrorCode::BadRequest, QStringLiteral("malformed request line"));
        const bool http10 = requestLine.endsWith("HTTP/1.0");
        bool connectionClose = false;
        bool connectionKeepAlive = false;
        rest = rest.sliced(requestLineEnd + 1);

        qint64 contentLength = -1;
        bool upgradeWebSocket = false;
        bool connectionUpgrade = false;
        for (;;) {
            const qsizetype end = rest.indexOf('\n');
            const QByteArrayView line = withoutCr(rest.first(end));
            rest = rest.sliced(end + 1);
            if (line.isEmpty())
                break; // the header block's closing empty line
            if (line.front() == ' ' || line.front() == '\t') {
                return reject(ErrorCode::BadRequest,
                              QStringLiteral("folded header lines are not accepted"));
            }
            const qsizetype colon = line.indexOf(':');
            if (colon < 0)
                return reject(ErrorCode::BadRequest, QStringLiteral("header line without colon"));
            const QByteArrayView name = line.first(colon);
            const QByteArrayView value = trimmedOws(line.sliced(colon + 1));
            if (!isToken(name)) {
                return reject(ErrorCode::BadRequest, QStringLiteral("malformed header field name"));
            }
            if (std::any_of(value.begin(), value.end(),
                            [](char c) { return isControlChar(c) && c != '\t'; })) {
                return reject(ErrorCode::BadRequest,
                              QStringLiteral("control character in header field value"));
            }
            if (equalsIgnoringCase(name, "Transfer-Encoding")) {
                return reject(ErrorCode::BadRequest,
                              QStringLiteral("Transfer-Encoding is not accepted; "
                                             "send the body with Content-Length"));
            }
            if (equalsIgnoringCase(name, "Content-Length")) {
                const qint64 length = parseContentLength(value);
                if (length < 0)
                    return reject(ErrorCode::BadRequest, QStringLiteral("invalid Content-Length"));
                if (contentLength >= 0 && length != contentLength) {
                    return reject(ErrorCode::BadRequest,
                                  QStringLiteral("conflicting Content-Length values"));
                }
                contentLength = length;
            } else if (equalsIgnoringCase(name, "Upgrade")) {
                upgradeWebSocket = upgradeWebSocket || listContainsToken(value, "websocket");
            } else if (equalsIgnoringCase(name, "Connection")) {
                connectionUpgrade = connectionUpgrade || listContainsToken(value, "upgrade");
                connectionClose = connectionClose || listContainsToken(value, "close");
                connectionKeepAlive = connectionKeepAlive || listContainsToken(value, "keep-alive");
            }
        }
        m_closeRequested = connectionClose || (http10 && !connectionKeepAlive);

        if (contentLength > m_maxBodyBytes) {
            return reject(ErrorCode::PayloadTooLarge,
                          contentLength == std::numeric_limits<qint64>::max()
                              ? QStringLiteral("request body exceeds %1 bytes").arg(m_maxBodyBytes)
                              : QStringLiteral("request body of %1 bytes exceeds %2 bytes")
                                    .arg(contentLength)
                                    .arg(m_maxBodyBytes));
        }
        if (upgradeWebSocket && connectionUpgrade) {
            if (contentLength > 0) {
                return reject(ErrorCode::BadRequest,
                              QStringLiteral("an upgrade request must not have a body"));
            }
            m_state = State::Upgraded;
            return Verdict{Verdict::Kind::Upgrade, ErrorCode::BadRequest, {}};
        }
        m_bodyLeft = std::max<qint64>(contentLength, 0);
        m_state = m_bodyLeft > 0 ? State::Body : State::BetweenRequests;
        return {};
    }

    const int m_maxHeaderBytes;
    const qint64 m_maxBodyBytes;
    State m_state = State::BetweenRequests;
    bool m_closeRequested = false;
    QByteArray m_header; // from the request line's first byte; leading empty lines dropped
    int m_headerBytes = 0;
    bool m_inRequestLine = true;
    bool m_inMethod = true;
    qint64 m_bodyLeft = 0;
    quint64 m_requestsStarted = 0;
};

} // namespace

// One accepted connection. It is created and wired before QAbstractHttpServer sees it, so its
// readyRead handler runs before QHttpServer's on every emission and can refuse a request before
// QHttpServer reads it. QHttpServer reparents the socket and deletes it after it disconnects;
// a TLS connection that never completes its handshake is deleted here.
//
// A QSslSocket that is never told to encrypt is a plain TCP socket, so one class serves both:
// with TLS its readyRead, peek and read see the decrypted stream.
class GuardedSocket : public QSslSocket
{
    Q_OBJECT

public:
    GuardedSocket(const ConnectionLimits &limits, GuardedTcpServer *server)
        : QSslSocket(server)
        , m_server(server)
        , m_limits(limits)
        , m_framer(limits)
    {}

    ~GuardedSocket() override
    {
        // ~QAbstractSocket may still emit disconnected(); this part of the object is gone then.
        // Only our own connections go: QHttpServer's have this socket as context too.
        for (const QMetaObject::Connection &connection : m_connections)
            QObject::disconnect(connection);
        releaseConnection();
    }

    // Takes over an accepted descriptor. Without `tls` the socket is ready for the HTTP server
    // at once; with it, the server is handed the socket once the handshake has completed.
    [[nodiscard]] bool start(qintptr descriptor, const std::optional<QSslConfiguration> &tls)
    {
        if (!setSocketDescriptor(descriptor))
            return false;
        m_peer = peerAddress();
        setReadBufferSize(m_limits.maxHeaderBytes + m_limits.maxBodyBytes + kReadBufferSlack);
        m_clock.start();
        m_readyReadConnection =
            connect(this, &QTcpSocket::readyRead, this, &GuardedSocket::handleReadyRead);
        m_connections = {
            m_readyReadConnection,
            connect(this, &QTcpSocket::bytesWritten, this, &GuardedSocket::handleBytesWritten),
            connect(this, &QSslSocket::encryptedBytesWritten, this,
                    &GuardedSocket::handleEncryptedBytesWritten),
            connect(this, &QTcpSocket::disconnected, this, &GuardedSocket::handleDisconnected),
            connect(this, &QSslSocket::encrypted, this, &GuardedSocket::handleEncrypted),
            connect(this, &QAbstractSocket::errorOccurred, this, &GuardedSocket::handleError),
        };
        m_released = false; // counted by the server from here
        if (tls) {
            m_phase = Phase::Handshaking;
            setSslConfiguration(*tls);
            m_timerDueMs = m_limits.requestTimeoutMs;
            m_timer.start(m_limits.requestTimeoutMs, Qt::CoarseTimer, this);
            startServerEncryption();
        } else {
            armTimer();
        }
        return true;
    }

    [[nodiscard]] bool handshaking() const { return m_phase == Phase::Handshaking; }

protected:
    // QIODevice calls readData() only once a reader has drained the read buffer (QHttpServer
    // reads with readAll()), so everything the framer has seen is gone from the buffer.
    // QHttpServer 6.4 reads on every readyRead, so the buffer holds only new bytes when our
    // handler runs; later versions stop reading while a handler holds its responder, and the
    // bytes left then must not be fed to the framer twice.
    qint64 readData(char *data, qint64 maxSize) override
    {
        m_seenUnread = 0;
        return QSslSocket::readData(data, maxSize);
    }

    void timerEvent(QTimerEvent *event) override
    {
        if (event->timerId() != m_timer.timerId()) {
            QTcpSocket::timerEvent(event);
            return;
        }
        m_timer.stop();
        const qint64 now = m_clock.elapsed();
        switch (m_phase) {
        case Phase::Handshaking:
            timeOut(QStringLiteral("TLS handshake not complete within %1 ms")
                        .arg(m_limits.requestTimeoutMs));
            deleteLater();
            return;
        case Phase::Closing:
            qCDebug(lcGuard) << "aborting" << m_peer << "after the closing grace period";
            abort();
            return;
        case Phase::Guarding:
            if (m_requestStartMs >= 0 && now - m_requestStartMs >= m_limits.requestTimeoutMs) {
                timeOut(QStringLiteral("request not complete within %1 ms")
                            .arg(m_limits.requestTimeoutMs));
            } else if (now - m_lastActivityMs >= m_limits.idleTimeoutMs) {
                timeOut(QStringLiteral("idle for %1 ms").arg(m_limits.idleTimeoutMs));
            } else {
                armTimer();
            }
            return;
        case Phase::HandingOver:
        case Phase::HandedOver:
            return;
        }
    }

private:
    enum class Phase
    {
        Handshaking, // TLS: not yet handed to the HTTP server
        Guarding,    // every byte passes the framer first
        HandingOver, // a WebSocket upgrade header is complete; QHttpServer should take it
        HandedOver,  // QHttpServer's QWebSocketServer owns the stream; we only count it
        Closing,     // refused or not taken over; waiting for the peer, then abort
    };

    void handleReadyRead()
    {
        if (m_phase == Phase::HandingOver) {
            // QHttpServer removes every readyRead connection when it takes an upgrade, so it
            // answered this request as plain HTTP.
            refuseUntakenUpgrade();
            return;
        }
        if (m_phase != Phase::Guarding)
            return;

        const qint64 available = bytesAvailable();
        m_seenUnread = std::min(m_seenUnread, available);
        const qint64 fresh = available - m_seenUnread;
        if (fresh <= 0)
            return; // a re-emitted readyRead without new bytes
        const qint64 now = m_clock.elapsed();
        m_lastActivityMs = now;

        Verdict verdict;
        if (m_framer.state() == RequestFramer::State::Body && fresh <= m_framer.bodyRemaining()) {
            m_framer.consumeBody(fresh); // body bytes are counted, never copied
        } else {
            const QByteArray buffered = peek(available);
            verdict = m_framer.feed(QByteArrayView(buffered).sliced(m_seenUnread));
        }
        m_seenUnread = available;

        switch (verdict.kind) {
        case Verdict::Kind::Reject:
            refuse(verdict.code, verdict.message);
            return;
        case Verdict::Kind::Upgrade:
            beginHandover();
            return;
        case Verdict::Kind::Continue:
            break;
        }
        setProperty(kCloseAfterResponseProperty, m_framer.closeRequested());

        if (!m_framer.inRequest()) {
            m_requestStartMs = -1;
        } else if (m_framer.requestsStarted() != m_timedRequest) {
            m_timedRequest = m_framer.requestsStarted();
            m_requestStartMs = now;
            armTimer();
        }
    }

    void handleBytesWritten()
    {
        if (m_phase == Phase::Guarding)
            m_lastActivityMs = m_clock.elapsed();
        else if (m_phase == Phase::Closing && m_shutdownPending && !isEncrypted() &&
                 nothingToWrite())
            shutdownWriting();
    }

    // With TLS, bytesWritten() comes when bytes are encrypted, before they leave for the
    // socket; only this one says the encrypted bytes are out.
    void handleEncryptedBytesWritten()
    {
        if (m_phase == Phase::Closing && m_shutdownPending && nothingToWrite())
            shutdownWriting();
    }

    // Nothing left to send: neither plain bytes nor, with TLS, encrypted ones.
    [[nodiscard]] bool nothingToWrite() const
    {
        return bytesToWrite() == 0 && encryptedBytesToWrite() == 0;
    }

    void handleDisconnected()
    {
        m_timer.stop();
        releaseConnection();
        if (m_phase == Phase::Handshaking) {
            m_phase = Phase::Closing;
            deleteLater(); // the HTTP server never saw it
        }
    }

    void handleEncrypted()
    {
        if (m_phase != Phase::Handshaking)
            return;
        m_phase = Phase::Guarding;
        m_timer.stop();
        m_lastActivityMs = m_clock.elapsed();
        armTimer();
        qCDebug(lcGuard) << "TLS session with" << m_peer << "using" << sessionCipher().name();
        if (m_server)
            m_server->handOver(this);
    }

    void handleError(QAbstractSocket::SocketError error)
    {
        if (m_phase != Phase::Handshaking)
            return;
        const QString reason =
            error == QAbstractSocket::SslHandshakeFailedError
                ? QStringLiteral("TLS handshake failed (%1)").arg(errorString())
                : QStringLiteral("connection failed during the TLS handshake (%1)")
                      .arg(errorString());
        m_phase = Phase::Closing;
        m_timer.stop();
        report(reason);
        abort();
        releaseConnection();
        deleteLater();
    }

    // Answers with an error and makes sure QHttpServer never reads another byte.
    void refuse(ErrorCode code, const QString &message)
    {
        QObject::disconnect(this, &QTcpSocket::readyRead, nullptr, nullptr);
        // The rest of the rejected request is dropped. QHttpServer's read transaction would
        // otherwise keep it buffered until the socket goes.
        if (isTransactionStarted())
            commitTransaction();
        skip(bytesAvailable());
        setReadBufferSize(kClosingReadBufferBytes);
        write(errorResponse(code, message));
        const int status = Core::errorCodeInfo(code).httpStatus;
        beginClosing(QStringLiteral("%1: %2").arg(status).arg(message));
        // Closing the socket while the peer's unread bytes sit in the kernel makes the kernel
        // send a reset, which can destroy the response before the peer reads it (a client that
        // is still sending its body always hits this). So only the sending side is shut down
        // once the response is out; the grace timer ends the rest.
        m_shutdownPending = true;
        flush();
        if (m_shutdownPending && nothingToWrite())
            shutdownWriting();
    }

    void refuseUntakenUpgrade()
    {
        QObject::disconnect(this, &QTcpSocket::readyRead, nullptr, nullptr);
        beginClosing(QStringLiteral("upgrade request not taken over as a WebSocket"));
        disconnectFromHost(); // after whatever QHttpServer answered is flushed
    }

    void timeOut(const QString &reason)
    {
        m_phase = Phase::Closing;
        report(reason);
        abort();
    }

    void beginClosing(const QString &reason)
    {
        m_phase = Phase::Closing;
        m_requestStartMs = -1;
        report(reason);
        m_timerDueMs = m_clock.elapsed() + kClosingGraceMs;
        m_timer.start(kClosingGraceMs, Qt::CoarseTimer, this);
    }

    void shutdownWriting()
    {
        m_shutdownPending = false;
#if defined(Q_OS_UNIX)
        if (::shutdown(static_cast<int>(socketDescriptor()), SHUT_WR) == 0)
            return;
#endif
        disconnectFromHost();
    }

    void beginHandover()
    {
        m_phase = Phase::HandingOver;
        m_timer.stop();
        m_requestStartMs = -1;
        // QHttpServer takes the upgrade within this very readyRead emission, after this
        // handler; look once it is over.
        QMetaObject::invokeMethod(
            this, [this] { checkHandover(); }, Qt::QueuedConnection);
    }

    void checkHandover()
    {
        if (m_phase != Phase::HandingOver)
            return;
        if (m_readyReadConnection) {
            refuseUntakenUpgrade();
            return;
        }
        m_phase = Phase::HandedOver;
        // From here the WebSocket's own frame and message size limits apply.
        setReadBufferSize(0);
        qCDebug(lcGuard) << "WebSocket upgrade from" << m_peer << "handed over";
    }

    void report(const QString &reason)
    {
        qCInfo(lcGuard).noquote() << "closing connection from" << m_peer.toString() << "-"
                                  << reason;
        if (m_server)
            emit m_server->connectionRejected(m_peer, reason);
    }

    // Arms the timer for the nearest deadline unless it already fires earlier; it re-arms
    // itself when it fires early, so traffic does not have to restart it.
    void armTimer()
    {
        qint64 due = m_lastActivityMs + m_limits.idleTimeoutMs;
        if (m_requestStartMs >= 0)
            due = std::min(due, m_requestStartMs + m_limits.requestTimeoutMs);
        if (m_timer.isActive() && m_timerDueMs <= due)
            return;
        m_timerDueMs = due;
        const qint64 wait = std::max<qint64>(due - m_clock.elapsed(), 0);
        m_timer.start(static_cast<int>(wait), Qt::CoarseTimer, this);
    }

    void releaseConnection()
    {
        if (m_released)
            return;
        m_released = true;
        if (m_server)
            m_server->releaseConnection();
    }

    const QPointer<GuardedTcpServer> m_server;
    const ConnectionLimits m_limits;
    RequestFramer m_framer;
    QHostAddress m_peer;
    Phase m_phase = Phase::Guarding;
    // Bytes at the front of the read buffer that the framer has already seen.
    qint64 m_seenUnread = 0;
    QElapsedTimer m_clock;
    qint64 m_lastActivityMs = 0;
    qint64 m_requestStartMs = -1; // -1: no request in progress
    quint64 m_timedRequest = 0;
    QBasicTimer m_timer;
    qint64 m_timerDueMs = 0;
    QMetaObject::Connection m_readyReadConnection;
    std::array<QMetaObject::Connection, 6> m_connections;
    bool m_shutdownPending = false; // shut down sending once the error response is flushed
    bool m_released = true;         // until start() succeeds there is nothing to release
};

GuardedTcpServer::GuardedTcpServer(ConnectionLimits limits, QObject *parent)
    : QTcpServer(parent)
    , m_limits(limits)
{}

GuardedTcpServer::~GuardedTcpServer() = default;

void GuardedTcpServer::setTlsConfiguration(const QSslConfiguration &configuration)
{
    QSslConfiguration tls = configuration;
    if (tls.protocol() != QSsl::TlsV1_3 && tls.protocol() != QSsl::TlsV1_3OrLater)
        tls.setProtocol(QSsl::TlsV1_2OrLater);
    tls.setPeerVerifyMode(QSslSocket::VerifyNone); // clients prove themselves with sessions
    m_tls = tls;
}

void GuardedTcpServer::handOver(GuardedSocket *socket)
{
    addPendingConnection(socket);
}

int GuardedTcpServer::openConnections() const
{
    return m_openConnections;
}

void GuardedTcpServer::incomingConnection(qintptr socketDescriptor)
{
    if (m_openConnections >= m_limits.maxConnections) {
        QHostAddress peer;
        QTcpSocket refused;
        if (refused.setSocketDescriptor(socketDescriptor)) {
            peer = refused.peerAddress();
            refused.abort();
        } else {
            closeDescriptor(socketDescriptor);
        }
        const QString reason =
            QStringLiteral("connection limit of %1 reached").arg(m_limits.maxConnections);
        qCInfo(lcGuard).noquote() << "refusing connection from" << peer.toString() << "-" << reason;
        emit connectionRejected(peer, reason);
        return;
    }

    auto *socket = new GuardedSocket(m_limits, this);
    if (!socket->start(socketDescriptor, m_tls)) {
        qCWarning(lcGuard).noquote()
            << "cannot take over an accepted connection:" << socket->errorString();
        delete socket;
        closeDescriptor(socketDescriptor);
        return;
    }
    ++m_openConnections;
    // QAbstractHttpServer picks the socket up from here, after our handlers are connected; a
    // TLS socket comes once its handshake is done (GuardedSocket::handleEncrypted).
    if (!socket->handshaking())
        addPendingConnection(socket);
}

void GuardedTcpServer::releaseConnection()
{
    --m_openConnections;
}

} // namespace Boxoffice::Sync

#include "guardedtcpserver.moc"

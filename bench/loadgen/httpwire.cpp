#include "httpwire.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>

namespace Boxoffice::Bench {

namespace {

bool equalsIgnoreCase(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i];
        char y = b[i];
        if (x >= 'A' && x <= 'Z')
            x = char(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = char(y - 'A' + 'a');
        if (x != y)
            return false;
    }
    return true;
}

std::string_view trimmed(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

} // namespace

std::expected<Endpoint, std::string> loopbackEndpoint(const std::string &host, int port)
{
    const std::string address = host == "localhost" ? std::string("127.0.0.1") : host;
    Endpoint endpoint;
    endpoint.address.sin_family = AF_INET;
    if (::inet_pton(AF_INET, address.c_str(), &endpoint.address.sin_addr) != 1)
        return std::unexpected("--host must be an IPv4 loopback address, not '" + host + "'");
    if ((ntohl(endpoint.address.sin_addr.s_addr) >> 24) != 127)
        return std::unexpected("load tests talk to loopback only (127.0.0.0/8), not " + host);
    if (port <= 0 || port > 65535)
        return std::unexpected("--port must be 1-65535");
    endpoint.address.sin_port = htons(static_cast<std::uint16_t>(port));
    endpoint.hostHeader = address + ':' + std::to_string(port);
    return endpoint;
}

ParseState parseResponseHead(std::string_view buffer, ResponseHead &head)
{
    const std::size_t end = buffer.find("\r\n\r\n");
    if (end == std::string_view::npos)
        return buffer.size() > 64 * 1024 ? ParseState::Malformed : ParseState::Incomplete;
    head = ResponseHead{};
    head.headerBytes = end + 4;
    std::string_view lines = buffer.substr(0, end);
    std::size_t eol = lines.find("\r\n");
    const std::string_view statusLine = lines.substr(0, eol);
    // "HTTP/1.1 201 Created"
    if (statusLine.size() < 12 || statusLine.substr(0, 5) != "HTTP/")
        return ParseState::Malformed;
    const std::size_t space = statusLine.find(' ');
    if (space == std::string_view::npos || space + 4 > statusLine.size())
        return ParseState::Malformed;
    const char *first = statusLine.data() + space + 1;
    if (std::from_chars(first, first + 3, head.status).ec != std::errc{})
        return ParseState::Malformed;
    while (eol != std::string_view::npos) {
        lines.remove_prefix(eol + 2);
        eol = lines.find("\r\n");
        const std::string_view line = lines.substr(0, eol);
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos)
            return ParseState::Malformed;
        const std::string_view name = trimmed(line.substr(0, colon));
        const std::string_view value = trimmed(line.substr(colon + 1));
        if (equalsIgnoreCase(name, "content-length")) {
            std::int64_t length = -1;
            if (std::from_chars(value.data(), value.data() + value.size(), length).ec !=
                    std::errc{} ||
                length < 0)
                return ParseState::Malformed;
            head.bodyBytes = length;
        } else if (equalsIgnoreCase(name, "connection")) {
            head.connectionClose = equalsIgnoreCase(value, "close");
        } else if (equalsIgnoreCase(name, "transfer-encoding")) {
            return ParseState::Malformed; // the server never chunks; we don't decode it
        }
    }
    if (head.bodyBytes < 0 && (head.status == 204 || head.status == 304 || head.status < 200))
        head.bodyBytes = 0;
    return ParseState::Complete;
}

int openConnection(const Endpoint &endpoint)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
    if (fd < 0)
        return -errno;
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (::connect(fd, reinterpret_cast<const sockaddr *>(&endpoint.address),
                  sizeof endpoint.address) < 0 &&
        errno != EINPROGRESS) {
        const int error = errno;
        ::close(fd);
        return -error;
    }
    return fd;
}

std::expected<SimpleResponse, std::string>
simpleRequest(const Endpoint &endpoint, std::string_view method, std::string_view path,
              std::string_view extraHeaders, std::string_view body, int timeoutMs)
{
    using Clock = std::chrono::steady_clock;
    const auto started = Clock::now();
    const auto deadline = started + std::chrono::milliseconds(timeoutMs);
    auto remainingMs = [&] {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        return static_cast<int>(left < 0 ? 0 : left);
    };
    const int fd = openConnection(endpoint);
    if (fd < 0)
        return std::unexpected(std::string("connect: ") + std::strerror(-fd));
    struct Closer
    {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};

    std::string request;
    request.append(method).append(" ").append(path).append(" HTTP/1.1\r\nHost: ");
    request.append(endpoint.hostHeader).append("\r\nConnection: close\r\n");
    request.append(extraHeaders);
    if (!body.empty() || method == "POST") {
        request.append("Content-Type: application/json\r\nContent-Length: ");
        request.append(std::to_string(body.size())).append("\r\n");
    }
    request.append("\r\n").append(body);

    std::size_t sent = 0;
    std::string in;
    ResponseHead head;
    bool haveHead = false;
    char chunk[65536];
    for (;;) {
        short events = POLLIN;
        if (sent < request.size())
            events |= POLLOUT;
        pollfd p{fd, events, 0};
        const int ready = ::poll(&p, 1, remainingMs());
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0)
            return std::unexpected(std::string("timed out after ") + std::to_string(timeoutMs) +
                                   " ms");
        if (p.revents & POLLOUT) {
            const ssize_t n =
                ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
            if (n < 0 && errno != EAGAIN && errno != EINTR)
                return std::unexpected(std::string("send: ") + std::strerror(errno));
            if (n > 0)
                sent += static_cast<std::size_t>(n);
        }
        if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
            const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
            if (n < 0 && errno != EAGAIN && errno != EINTR)
                return std::unexpected(std::string("recv: ") + std::strerror(errno));
            if (n > 0)
                in.append(chunk, static_cast<std::size_t>(n));
            if (!haveHead) {
                const ParseState state = parseResponseHead(in, head);
                if (state == ParseState::Malformed)
                    return std::unexpected(std::string("malformed response"));
                haveHead = state == ParseState::Complete;
            }
            const bool eof = n == 0;
            if (haveHead &&
                ((head.bodyBytes >= 0 &&
                  in.size() >= head.headerBytes + static_cast<std::size_t>(head.bodyBytes)) ||
                 (head.bodyBytes < 0 && eof))) {
                SimpleResponse response;
                response.status = head.status;
                response.body =
                    in.substr(head.headerBytes, head.bodyBytes >= 0 ? std::size_t(head.bodyBytes)
                                                                    : std::string::npos);
                response.milliseconds =
                    std::chrono::duration<double, std::milli>(Clock::now() - started).count();
                return response;
            }
            if (eof)
                return std::unexpected(std::string("connection closed before the response"));
        }
    }
}

void appendJsonEscaped(std::string &out, std::string_view text)
{
    static const char kHex[] = "0123456789abcdef";
    for (const char c : text) {
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(c);
        } else if (static_cast<unsigned char>(c) < 0x20) {
            out.append("\\u00");
            out.push_back(kHex[(c >> 4) & 0xf]);
            out.push_back(kHex[c & 0xf]);
        } else {
            out.push_back(c);
        }
    }
}

} // namespace Boxoffice::Bench

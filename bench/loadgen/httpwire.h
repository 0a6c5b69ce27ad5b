#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

namespace Boxoffice::Bench {

// Where the server listens. Only loopback addresses are accepted: load tests never leave the
// machine.
struct Endpoint
{
    sockaddr_in address{};
    std::string hostHeader; // "127.0.0.1:PORT"
};

[[nodiscard]] std::expected<Endpoint, std::string> loopbackEndpoint(const std::string &host,
                                                                    int port);

// The framing of one HTTP/1.1 response at the start of a buffer.
struct ResponseHead
{
    int status = 0;
    std::size_t headerBytes = 0;  // up to and including the blank line
    std::int64_t bodyBytes = -1;  // Content-Length; -1: none given (body runs until close)
    bool connectionClose = false; // "Connection: close"
};

enum class ParseState
{
    Incomplete, // need more bytes
    Complete,   // head parsed; the response is complete when headerBytes + bodyBytes arrived
    Malformed,
};

[[nodiscard]] ParseState parseResponseHead(std::string_view buffer, ResponseHead &head);

// Opens a non-blocking TCP connection (connect may still be in progress: EINPROGRESS) with
// TCP_NODELAY. Returns the descriptor or -errno.
[[nodiscard]] int openConnection(const Endpoint &endpoint);

// A blocking one-shot request on a fresh connection, for setup steps (login, seat list,
// readiness). Not for the measured load.
struct SimpleResponse
{
    int status = 0;
    std::string body;
    double milliseconds = 0; // connect to last body byte
};

[[nodiscard]] std::expected<SimpleResponse, std::string>
simpleRequest(const Endpoint &endpoint, std::string_view method, std::string_view path,
              std::string_view extraHeaders, std::string_view body, int timeoutMs);

// "a\"b" -> a\"b as it must appear between JSON quotes.
void appendJsonEscaped(std::string &out, std::string_view text);

} // namespace Boxoffice::Bench

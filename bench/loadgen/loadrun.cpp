#include "loadrun.h"

#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <ctime>
#include <deque>
#include <random>

namespace Boxoffice::Bench {

namespace {

using Ns = std::int64_t;
constexpr Ns kSecond = 1'000'000'000;

Ns nowNs()
{
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return Ns(ts.tv_sec) * kSecond + ts.tv_nsec;
}

double cpuSeconds()
{
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

struct Connection
{
    enum class State
    {
        Down,
        Connecting,
        Idle,
        Busy,
    };
    int fd = -1;
    State state = State::Down;
    bool wantWrite = false;
    bool retired = false; // out of seats or unable to connect: takes no more requests
    int connectFailures = 0;

    std::string out;
    std::size_t outSent = 0;
    std::string in;
    bool haveHead = false;
    ResponseHead head;

    Ns origin = 0; // latency is measured from here (send time, or scheduled time)
    Ns sentAt = 0; // for the request timeout
    bool measured = false;

    // Route::Holds: this connection's slice of the seat pool and the seats of its request.
    std::size_t cursor = 0;
    std::size_t sliceEnd = 0;
    std::array<std::uint32_t, 16> seats{};
    int seatCount = 0;
    bool collide = false;
};

class Runner
{
public:
    Runner(const RunConfig &config, const std::vector<std::string> &pool)
        : m_config(config)
        , m_pool(pool)
        , m_rng(config.seed ^ 0x9e3779b97f4a7c15ULL)
        , m_connections(static_cast<std::size_t>(config.connections))
    {}
    ~Runner()
    {
        for (Connection &c : m_connections)
            if (c.fd >= 0)
                ::close(c.fd);
        if (m_epoll >= 0)
            ::close(m_epoll);
    }

    RunResult run();

private:
    void prepareRequests();
    bool connect(std::size_t index);
    void reconnect(std::size_t index);
    void disconnect(Connection &c);
    void failRequest(std::size_t index, bool timeout);
    bool issue(std::size_t index, Ns origin);
    bool buildHold(Connection &c);
    void flush(std::size_t index);
    void onReadable(std::size_t index);
    void onAnswer(std::size_t index, std::string_view body);
    void becameIdle(std::size_t index, Ns now);
    void setWriteInterest(std::size_t index, bool want);
    void dispatchOpenLoop(Ns now);
    [[nodiscard]] int busyCount() const;

    const RunConfig &m_config;
    const std::vector<std::string> &m_pool;
    std::mt19937_64 m_rng;
    std::vector<Connection> m_connections;
    int m_epoll = -1;
    RunResult m_result;
    LatencyRecorder m_latency;
    LatencyRecorder m_sendLag;

    std::string m_healthRequest;
    std::string m_holdHead; // request line and headers up to "Content-Length: "
    std::vector<std::uint8_t> m_granted;
    std::vector<std::uint32_t> m_requested; // pool indexes sent in fresh holds so far

    Ns m_start = 0;
    Ns m_measureStart = 0;
    Ns m_windowEnd = 0;
    Ns m_lastMeasuredAnswer = 0;
    bool m_issuing = true;

    // Open loop.
    bool m_openLoop = false;
    double m_intervalNs = 0;
    std::uint64_t m_total = 0;      // requests to schedule over warm-up + window
    std::uint64_t m_due = 0;        // scheduled up to now
    std::uint64_t m_dispatched = 0; // handed to a connection (or dropped)
    std::deque<std::size_t> m_idle;
    [[nodiscard]] Ns scheduledAt(std::uint64_t i) const
    {
        return m_start + static_cast<Ns>(std::llround(double(i) * m_intervalNs));
    }
    [[nodiscard]] bool inWindow(Ns origin) const
    {
        return origin >= m_measureStart && origin < m_windowEnd;
    }
};

void Runner::prepareRequests()
{
    const std::string &host = m_config.endpoint.hostHeader;
    m_healthRequest = "GET /api/v1/health HTTP/1.1\r\nHost: " + host + "\r\n\r\n";
    m_holdHead = "POST /api/v1/shows/" + m_config.show + "/holds HTTP/1.1\r\nHost: " + host +
                 "\r\nAuthorization: Bearer " + m_config.token +
                 "\r\nContent-Type: application/json\r\nContent-Length: ";
    if (m_config.route == Route::Holds) {
        m_granted.assign(m_pool.size(), 0);
        m_requested.reserve(m_pool.size());
        const std::size_t n = m_connections.size();
        const std::size_t slice = m_pool.size() / n;
        for (std::size_t i = 0; i < n; ++i) {
            m_connections[i].cursor = i * slice;
            m_connections[i].sliceEnd = (i + 1 == n) ? m_pool.size() : (i + 1) * slice;
        }
    }
}

bool Runner::connect(std::size_t index)
{
    Connection &c = m_connections[index];
    const int fd = openConnection(m_config.endpoint);
    if (fd < 0) {
        ++c.connectFailures;
        return false;
    }
    c.fd = fd;
    c.state = Connection::State::Connecting;
    c.wantWrite = true;
    c.in.clear();
    c.haveHead = false;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT;
    ev.data.u64 = index;
    ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev);
    return true;
}

void Runner::disconnect(Connection &c)
{
    if (c.fd >= 0) {
        ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, c.fd, nullptr);
        ::close(c.fd);
    }
    c.fd = -1;
    c.state = Connection::State::Down;
    c.wantWrite = false;
}

// Closes the connection and opens a new one; after five failed attempts in a row the
// connection is retired (it takes no more requests).
void Runner::reconnect(std::size_t index)
{
    Connection &c = m_connections[index];
    disconnect(c);
    while (!c.retired && !connect(index)) {
        if (c.connectFailures >= 5) {
            c.retired = true;
            ++m_result.errors;
            if (m_result.sampleErrors.size() < 5)
                m_result.sampleErrors.push_back("connection " + std::to_string(index) +
                                                ": cannot connect, giving up");
        }
    }
}

void Runner::setWriteInterest(std::size_t index, bool want)
{
    Connection &c = m_connections[index];
    if (c.wantWrite == want)
        return;
    c.wantWrite = want;
    epoll_event ev{};
    ev.events = EPOLLIN | (want ? EPOLLOUT : 0u);
    ev.data.u64 = index;
    ::epoll_ctl(m_epoll, EPOLL_CTL_MOD, c.fd, &ev);
}

// A request failed without an answer: count it, reconnect; the connection carries on.
void Runner::failRequest(std::size_t index, bool timeout)
{
    Connection &c = m_connections[index];
    if (c.state == Connection::State::Busy && c.measured) {
        ++m_result.errors;
        if (timeout)
            ++m_result.timeouts;
    }
    if (c.state == Connection::State::Connecting)
        ++c.connectFailures;
    if (c.connectFailures >= 5 && !c.retired) {
        disconnect(c);
        c.retired = true;
        ++m_result.errors;
        if (m_result.sampleErrors.size() < 5)
            m_result.sampleErrors.push_back("connection " + std::to_string(index) +
                                            ": cannot connect, giving up");
        return;
    }
    reconnect(index);
}

bool Runner::buildHold(Connection &c)
{
    std::uniform_int_distribution<int> count(m_config.seatsPerHoldMin, m_config.seatsPerHoldMax);
    int k = count(m_rng);
    c.collide = false;
    if (m_config.collideFraction > 0 && !m_requested.empty() &&
        std::uniform_real_distribution<double>(0, 1)(m_rng) < m_config.collideFraction) {
        // Seats some earlier request asked for: the answer must be 409 (unless that earlier
        // request itself was refused).
        c.collide = true;
        k = std::min<int>(k, static_cast<int>(m_requested.size()));
        std::uniform_int_distribution<std::size_t> pick(0, m_requested.size() - 1);
        c.seatCount = 0;
        while (c.seatCount < k) {
            const std::uint32_t seat = m_requested[pick(m_rng)];
            if (std::find(c.seats.begin(), c.seats.begin() + c.seatCount, seat) ==
                c.seats.begin() + c.seatCount)
                c.seats[static_cast<std::size_t>(c.seatCount++)] = seat;
        }
        ++m_result.collideRequests;
    } else {
        const std::size_t left = c.sliceEnd - c.cursor;
        if (left == 0)
            return false;
        k = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(k), left));
        for (int i = 0; i < k; ++i) {
            c.seats[static_cast<std::size_t>(i)] = static_cast<std::uint32_t>(c.cursor);
            m_requested.push_back(static_cast<std::uint32_t>(c.cursor));
            ++c.cursor;
        }
        c.seatCount = k;
        m_result.seatsRequested += static_cast<std::uint64_t>(k);
    }
    std::string body = "{\"seatIds\":[";
    for (int i = 0; i < c.seatCount; ++i) {
        if (i > 0)
            body.push_back(',');
        body.push_back('"');
        appendJsonEscaped(body, m_pool[c.seats[static_cast<std::size_t>(i)]]);
        body.push_back('"');
    }
    body.append("],\"holdSeconds\":").append(std::to_string(m_config.holdSeconds)).append("}");
    c.out.assign(m_holdHead);
    c.out.append(std::to_string(body.size())).append("\r\n\r\n").append(body);
    return true;
}

bool Runner::issue(std::size_t index, Ns origin)
{
    Connection &c = m_connections[index];
    if (c.retired || c.state != Connection::State::Idle)
        return false;
    if (m_config.route == Route::Health) {
        c.out.assign(m_healthRequest);
    } else if (!buildHold(c)) {
        c.retired = true;
        m_result.seatsExhausted = true;
        return false;
    }
    c.outSent = 0;
    c.origin = origin;
    c.sentAt = nowNs();
    c.measured = inWindow(origin);
    c.state = Connection::State::Busy;
    flush(index);
    return true;
}

void Runner::flush(std::size_t index)
{
    Connection &c = m_connections[index];
    while (c.outSent < c.out.size()) {
        const ssize_t n =
            ::send(c.fd, c.out.data() + c.outSent, c.out.size() - c.outSent, MSG_NOSIGNAL);
        if (n > 0) {
            c.outSent += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            setWriteInterest(index, true);
            return;
        }
        failRequest(index, false);
        return;
    }
    setWriteInterest(index, false);
}

void Runner::onAnswer(std::size_t index, std::string_view body)
{
    Connection &c = m_connections[index];
    const Ns now = nowNs();
    const int status = c.head.status;
    ++m_result.answersAll;
    if (c.measured) {
        ++m_result.completed;
        ++m_result.byStatus[status];
        m_latency.record(now - c.origin);
        m_lastMeasuredAnswer = std::max(m_lastMeasuredAnswer, now);
        const auto second = static_cast<std::size_t>((now - m_measureStart) / kSecond);
        if (second >= m_result.perSecond.size())
            m_result.perSecond.resize(second + 1, 0);
        ++m_result.perSecond[second];
    }
    if (m_config.route == Route::Holds) {
        if (status == 201) {
            for (int i = 0; i < c.seatCount; ++i) {
                if (m_granted[c.seats[static_cast<std::size_t>(i)]]++ > 0)
                    ++m_result.doubleGranted;
            }
            m_result.seatsGranted += static_cast<std::uint64_t>(c.seatCount);
            if (c.collide)
                ++m_result.collideGranted;
        } else if (status == 409 && !c.collide) {
            ++m_result.freshRefused;
        }
    }
    const bool expected =
        m_config.route == Route::Health ? status == 200 : (status == 201 || status == 409);
    if (!expected && m_result.sampleErrors.size() < 5)
        m_result.sampleErrors.push_back("HTTP " + std::to_string(status) + ": " +
                                        std::string(body.substr(0, 300)));
    c.state = Connection::State::Idle;
    if (c.head.connectionClose) {
        reconnect(index);
        return;
    }
    becameIdle(index, now);
}

void Runner::onReadable(std::size_t index)
{
    Connection &c = m_connections[index];
    char chunk[16384];
    for (;;) {
        const ssize_t n = ::recv(c.fd, chunk, sizeof chunk, 0);
        if (n > 0) {
            c.in.append(chunk, static_cast<std::size_t>(n));
            if (static_cast<std::size_t>(n) == sizeof chunk)
                continue;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            // fall through to parsing
        } else {
            // EOF or error. A complete answer without Content-Length ends here.
            if (c.state == Connection::State::Busy && c.haveHead && c.head.bodyBytes < 0) {
                const std::string body = c.in.substr(c.head.headerBytes);
                c.head.connectionClose = true; // the server closed: onAnswer reconnects
                onAnswer(index, body);
                return;
            }
            failRequest(index, false);
            return;
        }
        break;
    }
    while (c.state == Connection::State::Busy && !c.in.empty()) {
        if (!c.haveHead) {
            const ParseState state = parseResponseHead(c.in, c.head);
            if (state == ParseState::Incomplete)
                return;
            if (state == ParseState::Malformed) {
                if (m_result.sampleErrors.size() < 5)
                    m_result.sampleErrors.push_back("malformed answer: " + c.in.substr(0, 200));
                failRequest(index, false);
                return;
            }
            c.haveHead = true;
        }
        if (c.head.bodyBytes < 0)
            return; // until the server closes
        const std::size_t total = c.head.headerBytes + static_cast<std::size_t>(c.head.bodyBytes);
        if (c.in.size() < total)
            return;
        const std::string answer = c.in.substr(c.head.headerBytes, total - c.head.headerBytes);
        c.in.erase(0, total);
        c.haveHead = false;
        onAnswer(index, answer);
        if (c.fd < 0)
            return;
    }
    if (c.state != Connection::State::Busy && !c.in.empty()) {
        // Bytes nobody asked for: the connection is out of step.
        if (m_result.sampleErrors.size() < 5)
            m_result.sampleErrors.push_back("unexpected bytes: " + c.in.substr(0, 200));
        ++m_result.errors;
        reconnect(index);
    }
}

void Runner::becameIdle(std::size_t index, Ns now)
{
    Connection &c = m_connections[index];
    if (c.retired)
        return;
    if (m_openLoop) {
        m_idle.push_back(index);
        dispatchOpenLoop(now);
    } else if (m_issuing && now < m_windowEnd) {
        issue(index, now);
    }
}

void Runner::dispatchOpenLoop(Ns now)
{
    while (m_due < m_total && scheduledAt(m_due) <= now)
        ++m_due;
    while (m_dispatched < m_due && !m_idle.empty()) {
        const std::size_t index = m_idle.front();
        m_idle.pop_front();
        Connection &c = m_connections[index];
        if (c.retired || c.state != Connection::State::Idle)
            continue;
        const Ns origin = scheduledAt(m_dispatched);
        if (!issue(index, origin))
            continue; // out of seats: this connection is retired, try the next one
        if (inWindow(origin))
            m_sendLag.record(now - origin);
        ++m_dispatched;
    }
}

int Runner::busyCount() const
{
    int busy = 0;
    for (const Connection &c : m_connections)
        busy += c.state == Connection::State::Busy ? 1 : 0;
    return busy;
}

RunResult Runner::run()
{
    m_epoll = ::epoll_create1(EPOLL_CLOEXEC);
    if (m_epoll < 0) {
        m_result.sampleErrors.push_back(std::string("epoll_create1: ") + std::strerror(errno));
        return m_result;
    }
    prepareRequests();
    m_openLoop = m_config.rate > 0;

    // Connect everything first; connecting is not part of the measurement.
    for (std::size_t i = 0; i < m_connections.size(); ++i)
        reconnect(i);
    std::array<epoll_event, 512> events{};
    const Ns connectDeadline = nowNs() + 5 * kSecond;
    for (;;) {
        int connecting = 0;
        for (const Connection &c : m_connections)
            connecting += (!c.retired && c.state != Connection::State::Idle) ? 1 : 0;
        if (connecting == 0 || nowNs() > connectDeadline)
            break;
        const int n = ::epoll_wait(m_epoll, events.data(), int(events.size()), 50);
        for (int e = 0; e < n; ++e) {
            const auto index =
                static_cast<std::size_t>(events[static_cast<std::size_t>(e)].data.u64);
            Connection &c = m_connections[index];
            if (c.state != Connection::State::Connecting)
                continue;
            int error = 0;
            socklen_t length = sizeof error;
            ::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &error, &length);
            if (error != 0 ||
                (events[static_cast<std::size_t>(e)].events & (EPOLLERR | EPOLLHUP))) {
                failRequest(index, false);
                continue;
            }
            c.state = Connection::State::Idle;
            c.connectFailures = 0;
            setWriteInterest(index, false);
        }
    }

    const double cpuBefore = cpuSeconds();
    m_start = nowNs();
    m_measureStart = m_start + static_cast<Ns>(m_config.warmupSeconds * double(kSecond));
    m_windowEnd = m_measureStart + static_cast<Ns>(m_config.durationSeconds * double(kSecond));
    const Ns drainEnd = m_windowEnd + static_cast<Ns>(m_config.drainSeconds * double(kSecond));
    if (m_openLoop) {
        m_intervalNs = double(kSecond) / m_config.rate;
        m_total = static_cast<std::uint64_t>(
            std::floor((m_config.warmupSeconds + m_config.durationSeconds) * m_config.rate));
    }
    for (std::size_t i = 0; i < m_connections.size(); ++i)
        if (m_connections[i].state == Connection::State::Idle)
            becameIdle(i, m_start);

    Ns nextTimeoutScan = m_start + 100'000'000;
    for (;;) {
        Ns now = nowNs();
        if (m_issuing && now >= m_windowEnd)
            m_issuing = false;
        if (m_openLoop)
            dispatchOpenLoop(now);
        const int busy = busyCount();
        bool allRetired = true;
        for (const Connection &c : m_connections)
            allRetired = allRetired && c.retired;
        const bool scheduleDone = !m_openLoop || m_dispatched >= m_total || allRetired;
        if (busy == 0 && (!m_issuing || allRetired) && scheduleDone)
            break;
        if (busy == 0 && allRetired)
            break;
        if (now >= drainEnd)
            break;
        if (now >= nextTimeoutScan) {
            nextTimeoutScan = now + 100'000'000;
            const Ns limit = static_cast<Ns>(m_config.requestTimeoutMs) * 1'000'000;
            for (std::size_t i = 0; i < m_connections.size(); ++i) {
                Connection &c = m_connections[i];
                if (c.state == Connection::State::Busy && now - c.sentAt > limit)
                    failRequest(i, true);
            }
        }
        // Sleep until the next scheduled send (open loop) or at most 10 ms.
        Ns wake = now + 10'000'000;
        if (m_openLoop && m_due < m_total && m_dispatched == m_due && !m_idle.empty())
            wake = std::min(wake, scheduledAt(m_due));
        if (m_issuing)
            wake = std::min(wake, m_windowEnd);
        const Ns wait = std::max<Ns>(0, wake - now);
        const timespec timeout{static_cast<time_t>(wait / kSecond),
                               static_cast<long>(wait % kSecond)};
        int n = ::epoll_pwait2(m_epoll, events.data(), int(events.size()), &timeout, nullptr);
        if (n < 0 && errno == ENOSYS)
            n = ::epoll_wait(m_epoll, events.data(), int(events.size()),
                             static_cast<int>((wait + 999'999) / 1'000'000));
        for (int e = 0; e < n; ++e) {
            const epoll_event &event = events[static_cast<std::size_t>(e)];
            const auto index = static_cast<std::size_t>(event.data.u64);
            Connection &c = m_connections[index];
            if (c.fd < 0)
                continue;
            if (c.state == Connection::State::Connecting) {
                int error = 0;
                socklen_t length = sizeof error;
                ::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &error, &length);
                if (error != 0 || (event.events & (EPOLLERR | EPOLLHUP))) {
                    failRequest(index, false);
                    continue;
                }
                c.state = Connection::State::Idle;
                c.connectFailures = 0;
                setWriteInterest(index, false);
                becameIdle(index, nowNs());
                continue;
            }
            if ((event.events & EPOLLOUT) && c.state == Connection::State::Busy &&
                c.outSent < c.out.size())
                flush(index);
            if (c.fd >= 0 && (event.events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
                onReadable(index);
        }
    }
    const Ns finished = nowNs();
    m_result.clientCpuSeconds = cpuSeconds() - cpuBefore;

    for (const Connection &c : m_connections)
        if (c.state == Connection::State::Busy && c.measured)
            ++m_result.unanswered;
    if (m_openLoop) {
        // Scheduled inside the window but never sent.
        for (std::uint64_t i = m_dispatched; i < m_total; ++i)
            if (inWindow(scheduledAt(i)))
                ++m_result.unsent;
    }
    const Ns end = std::max(m_windowEnd, m_lastMeasuredAnswer);
    m_result.elapsedSeconds = double(std::min(end, finished) - m_measureStart) / double(kSecond);
    if (m_result.seatsExhausted && m_lastMeasuredAnswer > m_measureStart &&
        m_lastMeasuredAnswer < m_windowEnd)
        m_result.elapsedSeconds = double(m_lastMeasuredAnswer - m_measureStart) / double(kSecond);
    m_result.latency = m_latency.summarize();
    const LatencySummary lag = m_sendLag.summarize();
    m_result.sendLagP99Ms = lag.p99Ms;
    m_result.sendLagMaxMs = lag.maxMs;
    const auto windowSeconds = static_cast<std::size_t>(std::ceil(m_config.durationSeconds));
    if (m_result.perSecond.size() > windowSeconds)
        m_result.perSecond.resize(windowSeconds); // drain-time answers are not a full second
    return m_result;
}

} // namespace

RunResult runLoad(const RunConfig &config, const std::vector<std::string> &seats)
{
    Runner runner(config, seats);
    return runner.run();
}

} // namespace Boxoffice::Bench

// boxoffice-loadgen: an HTTP/1.1 load generator for boxoffice-server (bench/README.md).
//
// One thread, non-blocking sockets and epoll, keep-alive connections with one request in
// flight each, so that the generator costs the shared 2-core machine as little CPU as possible.
// Besides the load runs it has small helper modes for bench/run_holds.sh (login, seat list,
// waiting for a server to serve, one timed GET).

#include "httpwire.h"
#include "loadrun.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace Boxoffice::Bench;

namespace {

constexpr int kMaxConnections = 512;
constexpr double kMaxDurationSeconds = 60;

const char kUsage[] = R"(usage: boxoffice-loadgen --port PORT [options]

Load runs (loopback only):
  --route health|holds      GET /api/v1/health, or POST /api/v1/shows/SHOW/holds
  --connections N           keep-alive connections, one request in flight each (1-512; 64)
  --duration S              measured window in seconds (at most 60; 5)
  --warmup S                load before the window that is not counted (at most 10; 0)
  --rate R                  open loop: R requests/s at fixed intervals, latency measured from
                            the scheduled send time; without it: closed loop
  --show ID                 show for holds (arena-rock)
  --token T | --token-file F  session token (Authorization: Bearer) for holds
  --seats-file F            seat ids, one a line (see --fetch-seats)
  --seed N                  shuffle seed for the seat list (42); the same seed gives the same
                            order, so phases with different --seat-offset never overlap
  --seat-offset N           skip the first N seats of the shuffled list (0)
  --seat-limit N            use at most N seats after the offset (all)
  --seats-per-hold A[-B]    seats per hold, uniformly A..B (1; at most 16)
  --collide-fraction F      fraction of holds that target already requested seats (0)
  --hold-seconds N          holdSeconds sent with each hold (600)
  --timeout-ms N            a request without an answer after this long is an error (10000)
  --drain S                 after the window, wait this long for answers (10)
  --kv-out FILE             also write the figures as NAME=value lines (shell-sourceable)
  --kv-prefix P             prefix for those names
  --host A                  server address, 127.x.x.x only (127.0.0.1)

Helpers:
  --login USER              log in (password: --password or $BOXOFFICE_DEMO_PASSWORD), print token
  --fetch-seats FILE        write the show's seat ids in layout order, one a line
  --get PATH                one timed GET; prints STATUS=, BYTES=, MS=
  --wait-ready LOG          wait for the server's "listening on" line in LOG, then for
                            GET /api/v1/health to answer 200; prints PORT=, SERVER_READY_MS=,
                            HEALTH_OK_EPOCH_NS=, and STARTUP_MS= when --since-ns T0 is given
                            (T0 = date +%s%N taken just before the server was started)
  --timeout S               for --wait-ready (30)

Exit status: 0 done; 1 no answers in the window, or a helper failed; 2 bad usage;
3 a seat was granted by two 201 answers (an oversell).
)";

struct Options
{
    std::string host = "127.0.0.1";
    int port = 0;
    RunConfig run;
    bool routeGiven = false;
    std::string seatsFile;
    std::uint64_t seatSeed = 42;
    std::size_t seatOffset = 0;
    std::size_t seatLimit = SIZE_MAX;
    std::string kvOut;
    std::string kvPrefix;
    // Helpers.
    std::string login;
    std::string password;
    std::string fetchSeats;
    std::string get;
    std::string waitReady;
    std::int64_t sinceNs = 0;
    double waitTimeoutSeconds = 30;
};

[[noreturn]] void die(const std::string &message)
{
    std::cerr << "boxoffice-loadgen: " << message << '\n';
    std::exit(2);
}

template <class T> T number(const std::string &name, const std::string &text, T min, T max)
{
    T value{};
    const char *end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc{} || ptr != end || value < min || value > max) {
        std::ostringstream why;
        why << name << " takes a number from " << min << " to " << max << ", not '" << text << "'";
        die(why.str());
    }
    return value;
}

std::string readFileTrimmed(const std::string &path)
{
    std::ifstream in(path);
    if (!in)
        die("cannot read " + path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
        text.pop_back();
    return text;
}

Options parse(int argc, char **argv)
{
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc)
                die(arg + " needs a value");
            return argv[++i];
        };
        if (arg == "--help" || arg == "-h") {
            std::cout << kUsage;
            std::exit(0);
        } else if (arg == "--host") {
            o.host = value();
        } else if (arg == "--port") {
            o.port = number<int>(arg, value(), 1, 65535);
        } else if (arg == "--route") {
            const std::string route = value();
            if (route == "health")
                o.run.route = Route::Health;
            else if (route == "holds")
                o.run.route = Route::Holds;
            else
                die("--route takes health or holds");
            o.routeGiven = true;
        } else if (arg == "--connections") {
            o.run.connections = number<int>(arg, value(), 1, kMaxConnections);
        } else if (arg == "--duration") {
            o.run.durationSeconds = number<double>(arg, value(), 0.1, kMaxDurationSeconds);
        } else if (arg == "--warmup") {
            o.run.warmupSeconds = number<double>(arg, value(), 0, 10);
        } else if (arg == "--rate") {
            o.run.rate = number<double>(arg, value(), 1, 200'000);
        } else if (arg == "--show") {
            o.run.show = value();
        } else if (arg == "--token") {
            o.run.token = value();
        } else if (arg == "--token-file") {
            o.run.token = readFileTrimmed(value());
        } else if (arg == "--seats-file") {
            o.seatsFile = value();
        } else if (arg == "--seed") {
            o.seatSeed = number<std::uint64_t>(arg, value(), 0, UINT64_MAX);
        } else if (arg == "--seat-offset") {
            o.seatOffset = number<std::size_t>(arg, value(), 0, 10'000'000);
        } else if (arg == "--seat-limit") {
            o.seatLimit = number<std::size_t>(arg, value(), 1, 10'000'000);
        } else if (arg == "--seats-per-hold") {
            const std::string text = value();
            const auto dash = text.find('-');
            o.run.seatsPerHoldMin = number<int>(arg, text.substr(0, dash), 1, 16);
            o.run.seatsPerHoldMax = dash == std::string::npos
                                        ? o.run.seatsPerHoldMin
                                        : number<int>(arg, text.substr(dash + 1), 1, 16);
            if (o.run.seatsPerHoldMax < o.run.seatsPerHoldMin)
                die("--seats-per-hold A-B needs A <= B");
        } else if (arg == "--collide-fraction") {
            o.run.collideFraction = number<double>(arg, value(), 0, 1);
        } else if (arg == "--hold-seconds") {
            o.run.holdSeconds = number<int>(arg, value(), 1, 86'400);
        } else if (arg == "--timeout-ms") {
            o.run.requestTimeoutMs = number<int>(arg, value(), 1, 60'000);
        } else if (arg == "--drain") {
            o.run.drainSeconds = number<double>(arg, value(), 0, 30);
        } else if (arg == "--kv-out") {
            o.kvOut = value();
        } else if (arg == "--kv-prefix") {
            o.kvPrefix = value();
        } else if (arg == "--login") {
            o.login = value();
        } else if (arg == "--password") {
            o.password = value();
        } else if (arg == "--fetch-seats") {
            o.fetchSeats = value();
        } else if (arg == "--get") {
            o.get = value();
        } else if (arg == "--wait-ready") {
            o.waitReady = value();
        } else if (arg == "--since-ns") {
            o.sinceNs = number<std::int64_t>(arg, value(), 0, INT64_MAX);
        } else if (arg == "--timeout") {
            o.waitTimeoutSeconds = number<double>(arg, value(), 0.1, 120);
        } else {
            die("unknown option '" + arg + "' (try --help)");
        }
    }
    return o;
}

Endpoint endpointOf(const Options &o, int port)
{
    auto endpoint = loopbackEndpoint(o.host, port);
    if (!endpoint)
        die(endpoint.error());
    return *endpoint;
}

std::string authorization(const std::string &token)
{
    return token.empty() ? std::string() : "Authorization: Bearer " + token + "\r\n";
}

// The string value of the first "key":"value" pair in a JSON text (no unescaping needed for
// tokens and seat ids).
std::string jsonString(std::string_view json, std::string_view key, std::size_t *from = nullptr)
{
    const std::string quoted = "\"" + std::string(key) + "\"";
    std::size_t at = json.find(quoted, from ? *from : 0);
    if (at == std::string_view::npos)
        return {};
    at += quoted.size();
    while (at < json.size() && (json[at] == ' ' || json[at] == ':' || json[at] == '\n' ||
                                json[at] == '\r' || json[at] == '\t'))
        ++at;
    if (at >= json.size() || json[at] != '"')
        return {};
    const std::size_t end = json.find('"', at + 1);
    if (end == std::string_view::npos)
        return {};
    if (from)
        *from = end + 1;
    return std::string(json.substr(at + 1, end - at - 1));
}

int runLogin(const Options &o)
{
    std::string password = o.password;
    if (password.empty())
        if (const char *env = std::getenv("BOXOFFICE_DEMO_PASSWORD"))
            password = env;
    std::string body = "{\"username\":\"";
    appendJsonEscaped(body, o.login);
    body += "\",\"password\":\"";
    appendJsonEscaped(body, password);
    body += "\"}";
    auto response =
        simpleRequest(endpointOf(o, o.port), "POST", "/api/v1/sessions", {}, body, 30'000);
    if (!response)
        die("login: " + response.error());
    if (response->status != 201)
        die("login: HTTP " + std::to_string(response->status) + " " + response->body);
    const std::string token = jsonString(response->body, "token");
    if (token.empty())
        die("login: no token in " + response->body);
    std::cout << token << '\n';
    return 0;
}

int runFetchSeats(const Options &o)
{
    auto response =
        simpleRequest(endpointOf(o, o.port), "GET", "/api/v1/shows/" + o.run.show + "/seats",
                      authorization(o.run.token), {}, 60'000);
    if (!response)
        die("seats: " + response.error());
    if (response->status != 200)
        die("seats: HTTP " + std::to_string(response->status) + " " +
            response->body.substr(0, 300));
    std::ofstream out(o.fetchSeats, std::ios::trunc);
    if (!out)
        die("cannot write " + o.fetchSeats);
    std::size_t from = 0;
    std::size_t count = 0;
    for (;;) {
        const std::string id = jsonString(response->body, "seatId", &from);
        if (id.empty())
            break;
        out << id << '\n';
        ++count;
    }
    out.close();
    if (!out)
        die("cannot write " + o.fetchSeats);
    std::cout << "SEATS=" << count << "\nMS=" << response->milliseconds << '\n';
    return count > 0 ? 0 : 1;
}

int runGet(const Options &o)
{
    auto response =
        simpleRequest(endpointOf(o, o.port), "GET", o.get, authorization(o.run.token), {}, 60'000);
    if (!response)
        die("GET " + o.get + ": " + response.error());
    std::cout << "STATUS=" << response->status << "\nBYTES=" << response->body.size()
              << "\nMS=" << response->milliseconds << '\n';
    return response->status / 100 == 2 ? 0 : 1;
}

std::int64_t realtimeNs()
{
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    return std::int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

int runWaitReady(const Options &o)
{
    using Clock = std::chrono::steady_clock;
    const auto deadline =
        Clock::now() + std::chrono::milliseconds(std::llround(o.waitTimeoutSeconds * 1000));
    int port = 0;
    long serverReadyMs = -1;
    while (port == 0) {
        if (Clock::now() > deadline)
            die("no 'listening on' line in " + o.waitReady + " in time");
        std::ifstream in(o.waitReady);
        std::string line;
        while (in && std::getline(in, line)) {
            const std::string marker = "listening on http://";
            const auto at = line.find(marker);
            if (at == std::string::npos)
                continue;
            const auto colon = line.find(':', at + marker.size());
            const auto slash = line.find('/', colon == std::string::npos ? at : colon);
            if (colon == std::string::npos || slash == std::string::npos)
                continue;
            port = number<int>("port", line.substr(colon + 1, slash - colon - 1), 1, 65535);
            if (const auto ready = line.find("ready in "); ready != std::string::npos)
                serverReadyMs = std::strtol(line.c_str() + ready + 9, nullptr, 10);
            break;
        }
        if (port == 0)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    const Endpoint endpoint = endpointOf(o, port);
    for (;;) {
        auto response = simpleRequest(endpoint, "GET", "/api/v1/health", {}, {}, 1000);
        if (response && response->status == 200)
            break;
        if (Clock::now() > deadline)
            die("GET /api/v1/health on port " + std::to_string(port) +
                " did not answer 200 in time; last attempt: " +
                (response ? "HTTP " + std::to_string(response->status) : response.error()));
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    const std::int64_t okNs = realtimeNs();
    std::cout << "PORT=" << port << "\nSERVER_READY_MS=" << serverReadyMs
              << "\nHEALTH_OK_EPOCH_NS=" << okNs << '\n';
    if (o.sinceNs > 0)
        std::cout << "STARTUP_MS=" << double(okNs - o.sinceNs) / 1e6 << '\n';
    return 0;
}

std::vector<std::string> loadSeats(const Options &o)
{
    std::ifstream in(o.seatsFile);
    if (!in)
        die("cannot read --seats-file " + o.seatsFile);
    std::vector<std::string> seats;
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (!line.empty())
            seats.push_back(line);
    }
    std::mt19937_64 rng(o.seatSeed);
    std::shuffle(seats.begin(), seats.end(), rng);
    if (o.seatOffset >= seats.size())
        die("--seat-offset " + std::to_string(o.seatOffset) + " leaves no seats (the file has " +
            std::to_string(seats.size()) + ")");
    seats.erase(seats.begin(), seats.begin() + static_cast<std::ptrdiff_t>(o.seatOffset));
    if (seats.size() > o.seatLimit)
        seats.resize(o.seatLimit);
    return seats;
}

std::string fixed(double value, int decimals = 2)
{
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    return text;
}

int runLoadMode(Options &o)
{
    if (o.port == 0)
        die("--port is required (try --help)");
    o.run.endpoint = endpointOf(o, o.port);
    std::vector<std::string> seats;
    if (o.run.route == Route::Holds) {
        if (o.run.token.empty())
            die("--route holds needs --token or --token-file");
        if (o.seatsFile.empty())
            die("--route holds needs --seats-file (see --fetch-seats)");
        seats = loadSeats(o);
        if (seats.size() < static_cast<std::size_t>(o.run.connections))
            die("fewer seats than connections");
    }
    o.run.seed = o.seatSeed;

    const RunResult r = runLoad(o.run, seats);

    auto count = [&](int status) {
        const auto it = r.byStatus.find(status);
        return it == r.byStatus.end() ? std::uint64_t(0) : it->second;
    };
    const bool holds = o.run.route == Route::Holds;
    const std::uint64_t n2xxOk = holds ? count(201) : count(200);
    const std::uint64_t n409 = holds ? count(409) : 0;
    const std::uint64_t nOther = r.completed - n2xxOk - n409;
    const double seconds = r.elapsedSeconds > 0 ? r.elapsedSeconds : 1;
    const double rps = double(r.completed) / seconds;
    const double okRps = double(n2xxOk) / seconds;
    const double decisionsRps = double(n2xxOk + n409) / seconds;
    std::uint32_t minSecond = 0;
    std::uint32_t maxSecond = 0;
    if (!r.perSecond.empty()) {
        minSecond = *std::min_element(r.perSecond.begin(), r.perSecond.end());
        maxSecond = *std::max_element(r.perSecond.begin(), r.perSecond.end());
    }
    const double clientCpuPercent =
        100.0 * r.clientCpuSeconds / std::max(0.001, o.run.warmupSeconds + r.elapsedSeconds);

    // Human summary.
    std::ostream &h = std::cout;
    h << "route "
      << (holds ? "holds (POST /api/v1/shows/" + o.run.show + "/holds)"
                : std::string("health (GET /api/v1/health)"))
      << ", " << o.run.connections << " connections, "
      << (o.run.rate > 0 ? "open loop at " + fixed(o.run.rate, 0) + " req/s" : "closed loop")
      << ", window " << fixed(r.elapsedSeconds, 2) << " s (warm-up "
      << fixed(o.run.warmupSeconds, 1) << " s)\n";
    h << "  requests/s         " << fixed(rps, 0) << "  (" << r.completed << " answers)\n";
    if (holds) {
        h << "  201 held           " << n2xxOk << "  -> successful holds/s " << fixed(okRps, 0)
          << '\n';
        h << "  409 unavailable    " << n409 << "  -> decisions/s (201+409) "
          << fixed(decisionsRps, 0) << '\n';
    } else {
        h << "  200 ok             " << n2xxOk << '\n';
    }
    h << "  other statuses     " << nOther;
    for (const auto &[status, n] : r.byStatus)
        if (status != 200 && status != 201 && status != 409)
            h << "  [" << status << ": " << n << "]";
    h << "\n  errors             " << r.errors << " (timeouts " << r.timeouts << ", unanswered "
      << r.unanswered << ", unsent " << r.unsent << ")\n";
    h << "  latency ms         p50 " << fixed(r.latency.p50Ms) << "  p90 " << fixed(r.latency.p90Ms)
      << "  p95 " << fixed(r.latency.p95Ms) << "  p99 " << fixed(r.latency.p99Ms) << "  p99.9 "
      << fixed(r.latency.p999Ms) << "  max " << fixed(r.latency.maxMs) << "  mean "
      << fixed(r.latency.meanMs) << '\n';
    if (o.run.rate > 0)
        h << "  send lag ms        p99 " << fixed(r.sendLagP99Ms) << "  max "
          << fixed(r.sendLagMaxMs) << "  (scheduled -> sent; >0 means all connections were busy)\n";
    h << "  answers per second";
    for (std::uint32_t n : r.perSecond)
        h << ' ' << n;
    h << '\n';
    if (holds) {
        h << "  seats              requested " << r.seatsRequested << ", granted " << r.seatsGranted
          << ", granted twice " << r.doubleGranted << (r.doubleGranted ? "  <-- OVERSELL" : "")
          << '\n';
        h << "  collisions         " << r.collideRequests << " sent, " << r.collideGranted
          << " granted (first request refused); fresh holds refused " << r.freshRefused << '\n';
        if (r.seatsExhausted)
            h << "  NOTE: some connections ran out of seats before the window ended\n";
    }
    h << "  load generator CPU " << fixed(clientCpuPercent, 1) << "% of one core\n";
    for (const std::string &sample : r.sampleErrors)
        h << "  sample: " << sample << '\n';

    // Machine-readable figures: one JSON line, and optionally a shell-sourceable file.
    struct Figure
    {
        const char *name;
        std::string value;
    };
    const std::vector<Figure> figures{
        {"route", holds ? "holds" : "health"},
        {"connections", std::to_string(o.run.connections)},
        {"rate_target", fixed(o.run.rate, 0)},
        {"elapsed_s", fixed(r.elapsedSeconds, 3)},
        {"answers", std::to_string(r.completed)},
        {"answers_all", std::to_string(r.answersAll)},
        {"rps", fixed(rps, 1)},
        {"ok", std::to_string(n2xxOk)},
        {"ok_rps", fixed(okRps, 1)},
        {"n409", std::to_string(n409)},
        {"decisions_rps", fixed(decisionsRps, 1)},
        {"other", std::to_string(nOther)},
        {"errors", std::to_string(r.errors)},
        {"timeouts", std::to_string(r.timeouts)},
        {"unanswered", std::to_string(r.unanswered)},
        {"unsent", std::to_string(r.unsent)},
        {"p50_ms", fixed(r.latency.p50Ms, 3)},
        {"p90_ms", fixed(r.latency.p90Ms, 3)},
        {"p95_ms", fixed(r.latency.p95Ms, 3)},
        {"p99_ms", fixed(r.latency.p99Ms, 3)},
        {"p999_ms", fixed(r.latency.p999Ms, 3)},
        {"max_ms", fixed(r.latency.maxMs, 3)},
        {"mean_ms", fixed(r.latency.meanMs, 3)},
        {"send_lag_p99_ms", fixed(r.sendLagP99Ms, 3)},
        {"per_second_min", std::to_string(minSecond)},
        {"per_second_max", std::to_string(maxSecond)},
        {"seats_requested", std::to_string(r.seatsRequested)},
        {"seats_granted", std::to_string(r.seatsGranted)},
        {"double_granted", std::to_string(r.doubleGranted)},
        {"fresh_refused", std::to_string(r.freshRefused)},
        {"collide_requests", std::to_string(r.collideRequests)},
        {"collide_granted", std::to_string(r.collideGranted)},
        {"seats_exhausted", r.seatsExhausted ? "1" : "0"},
        {"client_cpu_pct", fixed(clientCpuPercent, 1)},
    };
    std::string json = "{";
    for (std::size_t i = 0; i < figures.size(); ++i) {
        const Figure &f = figures[i];
        const bool text =
            f.value.empty() ||
            !(std::isdigit(static_cast<unsigned char>(f.value[0])) || f.value[0] == '-');
        json += (i ? ",\"" : "\"") + std::string(f.name) + "\":";
        json += text ? "\"" + f.value + "\"" : f.value;
    }
    json += "}";
    std::cout << "RESULT " << json << std::endl;
    if (!o.kvOut.empty()) {
        std::ofstream kv(o.kvOut, std::ios::trunc);
        for (const Figure &f : figures)
            kv << o.kvPrefix << f.name << '=' << f.value << '\n';
        if (!kv)
            die("cannot write " + o.kvOut);
    }
    if (r.doubleGranted > 0)
        return 3; // an oversell
    if (r.completed == 0) {
        std::cerr << "boxoffice-loadgen: no answers in the measured window\n";
        return 1;
    }
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    Options o = parse(argc, argv);
    const bool helper =
        !o.login.empty() || !o.fetchSeats.empty() || !o.get.empty() || !o.waitReady.empty();
    if (helper && o.routeGiven)
        die("--route does not combine with the helper modes");
    if (!o.waitReady.empty())
        return runWaitReady(o);
    if (o.port == 0)
        die("--port is required (try --help)");
    if (!o.login.empty())
        return runLogin(o);
    if (!o.fetchSeats.empty())
        return runFetchSeats(o);
    if (!o.get.empty())
        return runGet(o);
    return runLoadMode(o);
}

// boxoffice-syncbench: how long a sale on terminal A takes to show on terminal B's seat map
// (DESIGN.md §6: A→B p95 ≤ 100 ms).
//
// Terminal A is an ApiClient that sells one seat at a time (hold → order → cash). Terminal B is
// what the clerk terminal runs: its own ApiClient, TerminalCache, SeatMapModel and ShowSync
// following the show over the live channel. Both live in this process, so one monotonic clock
// times both ends: for each sale, from A sending its payment request to B's model reporting the
// seat SOLD (and from A sending the hold to B seeing HELD). Between sales, one GET /health
// round trip on A's client gives the transport baseline of the same run.
//
// The figures are printed as a table; --kv-out FILE also writes them as name=value lines.

#include "core/common/clock.h"
#include "core/seatmap/seatmapmodel.h"
#include "sync/client/apiclient.h"
#include "sync/client/showsync.h"
#include "sync/client/terminalcache.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QNetworkAccessManager>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

using namespace Boxoffice;
using namespace Boxoffice::Sync;

namespace {

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

struct Options
{
    QUrl server;
    QString user;
    QString password;
    Core::ShowId show;
    int samples = 250;
    int warmup = 10;
    int timeoutMs = 5000;
    QString kvOut;
};

// Exact percentiles of a sample (nearest rank on the sorted values).
struct Summary
{
    int n = 0;
    double p50 = 0, p95 = 0, p99 = 0, max = 0, mean = 0;
};

Summary summarize(std::vector<double> values)
{
    Summary s;
    s.n = int(values.size());
    if (values.empty())
        return s;
    std::sort(values.begin(), values.end());
    auto rank = [&values](double p) {
        const auto index = std::size_t(std::ceil(p * double(values.size()))) - 1;
        return values[std::min(index, values.size() - 1)];
    };
    s.p50 = rank(0.50);
    s.p95 = rank(0.95);
    s.p99 = rank(0.99);
    s.max = values.back();
    double total = 0;
    for (double v : values)
        total += v;
    s.mean = total / double(values.size());
    return s;
}

// One sale's timestamps, in ms of the bench's monotonic clock; -1 until they happen.
struct Sale
{
    int seat = -1;
    double holdSent = -1, holdAnswered = -1, heldSeenByB = -1;
    double orderSent = -1, orderAnswered = -1;
    double paySent = -1, payAnswered = -1, soldSeenByB = -1;
};

class Bench
{
public:
    explicit Bench(Options options)
        : m_options(std::move(options))
        , m_clientA(&m_networkA)
        , m_clientB(&m_networkB)
    {
        m_clock.start();
        m_timeout.setSingleShot(true);
        QObject::connect(&m_timeout, &QTimer::timeout, &m_context, [this] {
            fail(QStringLiteral("sale %1 (seat %2) did not complete within %3 ms")
                     .arg(m_done + 1)
                     .arg(m_sale.seat)
                     .arg(m_options.timeoutMs));
        });
    }

    // Runs the whole bench; the process exit code.
    int run()
    {
        for (ApiClient *client : {&m_clientA, &m_clientB}) {
            client->setServer(m_options.server);
            client->setTimeoutMs(m_options.timeoutMs);
        }
        if (!m_cacheDir.isValid())
            return fail(QStringLiteral("cannot create a temporary directory"));
        auto cache = TerminalCache::open(m_cacheDir.filePath(QStringLiteral("terminal-b.db")));
        if (!cache)
            return fail(cache.error().message);
        m_cache = std::move(*cache);
        m_sync = std::make_unique<ShowSync>(m_clientB, *m_cache, m_modelB, m_systemClock);
        QObject::connect(&m_modelB, &Core::SeatMapModel::seatsChanged, &m_context,
                         [this](const QList<int> &seats) { handleSeatsChanged(seats); });
        QObject::connect(m_sync.get(), &ShowSync::openFailed, &m_context,
                         [this](const Core::Error &error) {
                             fail(QStringLiteral("terminal B cannot open %1: %2")
                                      .arg(m_options.show.value(), error.message));
                         });
        QObject::connect(m_sync.get(), &ShowSync::stateChanged, &m_context,
                         [this](ShowSync::State state) { handleStateChanged(state); });

        login(m_clientA, [this] {
            login(m_clientB, [this] {
                out() << "terminals A and B logged in as " << m_options.user << "; B opens "
                      << m_options.show.value() << Qt::endl;
                m_sync->open(m_options.show);
            });
        });
        return QCoreApplication::exec();
    }

private:
    void login(ApiClient &client, std::function<void()> then)
    {
        client.login(m_options.user, m_options.password, &m_context,
                     [this, then = std::move(then)](const Result<Session> &session) {
                         if (!session)
                             return (void)fail(
                                 QStringLiteral("login failed: %1").arg(session.error().message));
                         then();
                     });
    }

    double nowMs() const { return double(m_clock.nsecsElapsed()) / 1e6; }

    int fail(const QString &why)
    {
        std::fprintf(stderr, "boxoffice-syncbench: %s\n", qPrintable(why));
        QCoreApplication::exit(1);
        return 1;
    }

    void handleStateChanged(ShowSync::State state)
    {
        if (state == ShowSync::State::Live && !m_started) {
            m_started = true;
            for (int i = 0; i < m_modelB.seatCount(); ++i) {
                if (m_modelB.isSelectable(i))
                    m_freeSeats.push_back(i);
            }
            const int needed = m_options.warmup + m_options.samples;
            if (int(m_freeSeats.size()) < needed)
                return (void)fail(QStringLiteral("%1 has %2 free seats; %3 are needed")
                                      .arg(m_options.show.value())
                                      .arg(m_freeSeats.size())
                                      .arg(needed));
            out() << "terminal B is live on " << m_options.show.value() << " ("
                  << m_modelB.seatCount() << " seats, version " << m_modelB.version() << "); "
                  << m_options.warmup << " warm-up sales, then " << m_options.samples << " measured"
                  << Qt::endl;
            nextSale();
        } else if (m_started && state != ShowSync::State::Live && !m_finished) {
            fail(QStringLiteral("terminal B left the live state in the middle of the run"));
        }
    }

    void nextSale()
    {
        if (m_done == m_options.warmup + m_options.samples)
            return finish();
        m_sale = Sale{};
        m_sale.seat = m_freeSeats[std::size_t(m_done)];
        m_timeout.start(m_options.timeoutMs);
        const Core::SeatId seat = m_modelB.layout().seats()[std::size_t(m_sale.seat)].id;
        m_sale.holdSent = nowMs();
        m_clientA.placeHold(m_options.show, {seat}, 120, &m_context,
                            [this](const Result<HoldInfo> &hold) { handleHold(hold); });
    }

    void handleHold(const Result<HoldInfo> &hold)
    {
        m_sale.holdAnswered = nowMs();
        if (!hold)
            return (void)fail(QStringLiteral("hold failed: %1").arg(hold.error().message));
        m_sale.orderSent = nowMs();
        m_clientA.createOrder(
            hold->id, {},
            QStringLiteral("syncbench-%1-%2").arg(QCoreApplication::applicationPid()).arg(m_done),
            &m_context, [this](const Result<OrderInfo> &order) {
                m_sale.orderAnswered = nowMs();
                if (!order)
                    return (void)fail(
                        QStringLiteral("order failed: %1").arg(order.error().message));
                pay(*order);
            });
    }

    void pay(const OrderInfo &order)
    {
        m_sale.paySent = nowMs();
        m_clientA.payCash(
            order.id, order.amountCents, &m_context, [this](const Result<TenderResult> &paid) {
                m_sale.payAnswered = nowMs();
                if (!paid)
                    return (void)fail(
                        QStringLiteral("payment failed: %1").arg(paid.error().message));
                maybeComplete();
            });
    }

    void handleSeatsChanged(const QList<int> &seats)
    {
        if (m_sale.seat < 0 || !seats.contains(m_sale.seat))
            return;
        const Core::SeatState state = m_modelB.status(m_sale.seat);
        if (state == Core::SeatState::Held && m_sale.heldSeenByB < 0)
            m_sale.heldSeenByB = nowMs();
        if (state == Core::SeatState::Sold && m_sale.soldSeenByB < 0) {
            m_sale.soldSeenByB = nowMs();
            maybeComplete();
        }
    }

    // A sale is done when A has its payment answer and B shows the seat sold, in either order.
    void maybeComplete()
    {
        if (m_sale.payAnswered < 0 || m_sale.soldSeenByB < 0)
            return;
        m_timeout.stop();
        if (m_done >= m_options.warmup) {
            m_soldAB.push_back(m_sale.soldSeenByB - m_sale.paySent);
            if (m_sale.heldSeenByB >= 0)
                m_heldAB.push_back(m_sale.heldSeenByB - m_sale.holdSent);
            m_holdRtt.push_back(m_sale.holdAnswered - m_sale.holdSent);
            m_orderRtt.push_back(m_sale.orderAnswered - m_sale.orderSent);
            m_payRtt.push_back(m_sale.payAnswered - m_sale.paySent);
        }
        ++m_done;
        // The baseline: one health round trip between sales, on A's connection.
        const double sent = nowMs();
        m_clientA.health(&m_context, [this, sent](const Result<> &ok) {
            if (!ok)
                return (void)fail(QStringLiteral("health failed: %1").arg(ok.error().message));
            if (m_done > m_options.warmup)
                m_health.push_back(nowMs() - sent);
            nextSale();
        });
    }

    void finish()
    {
        m_finished = true;
        const Summary sold = summarize(m_soldAB);
        const Summary held = summarize(m_heldAB);
        const Summary health = summarize(m_health);
        const Summary hold = summarize(m_holdRtt);
        const Summary order = summarize(m_orderRtt);
        const Summary pay = summarize(m_payRtt);
        auto line = [](const char *name, const Summary &s) {
            out() << QString::asprintf("%-52s %5d  %7.2f %7.2f %7.2f %7.2f %7.2f\n", name, s.n,
                                       s.p50, s.p95, s.p99, s.max, s.mean);
        };
        out() << Qt::endl
              << QString::asprintf("%-52s %5s  %7s %7s %7s %7s %7s\n", "figure (ms)", "n", "p50",
                                   "p95", "p99", "max", "mean");
        line("A pays -> B's map shows the seat SOLD", sold);
        line("A holds -> B's map shows the seat HELD", held);
        line("A's hold request, round trip", hold);
        line("A's order request, round trip", order);
        line("A's cash payment, round trip", pay);
        line("GET /health round trip (baseline, same run)", health);
        const double ratio50 = health.p50 > 0 ? sold.p50 / health.p50 : 0;
        const double ratio95 = health.p95 > 0 ? sold.p95 / health.p95 : 0;
        out() << QString::asprintf("ratio A->B sold / health: p50 %.1fx, p95 %.1fx\n", ratio50,
                                   ratio95);
        const bool pass = sold.n > 0 && sold.p95 <= 100.0;
        out() << QString::asprintf("target A->B p95 <= 100 ms: %.2f ms %s\n", sold.p95,
                                   pass ? "PASS" : "MISS")
              << Qt::flush;

        if (!m_options.kvOut.isEmpty()) {
            QFile file(m_options.kvOut);
            if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
                return (void)fail(QStringLiteral("cannot write %1").arg(m_options.kvOut));
            QTextStream kv(&file);
            auto write = [&kv](const char *prefix, const Summary &s) {
                kv << prefix << "_n=" << s.n << '\n';
                for (auto [name, value] :
                     {std::pair{"p50", s.p50}, std::pair{"p95", s.p95}, std::pair{"p99", s.p99},
                      std::pair{"max", s.max}, std::pair{"mean", s.mean}})
                    kv << prefix << '_' << name << "_ms=" << QString::number(value, 'f', 3) << '\n';
            };
            write("sold", sold);
            write("held", held);
            write("hold_rtt", hold);
            write("order_rtt", order);
            write("pay_rtt", pay);
            write("health", health);
            kv << "ratio_p50=" << QString::number(ratio50, 'f', 2) << '\n'
               << "ratio_p95=" << QString::number(ratio95, 'f', 2) << '\n';
        }
        m_sync->close();
        QCoreApplication::exit(0);
    }

    Options m_options;
    QElapsedTimer m_clock;
    Core::SystemClock m_systemClock;
    QObject m_context; // callbacks end with the bench
    // Two terminals: separate network managers, so separate connections.
    QNetworkAccessManager m_networkA;
    QNetworkAccessManager m_networkB;
    ApiClient m_clientA;
    ApiClient m_clientB;
    QTemporaryDir m_cacheDir;
    std::unique_ptr<TerminalCache> m_cache;
    Core::SeatMapModel m_modelB;
    std::unique_ptr<ShowSync> m_sync;
    QTimer m_timeout;

    bool m_started = false;
    bool m_finished = false;
    std::vector<int> m_freeSeats;
    int m_done = 0; // sales completed, warm-up included
    Sale m_sale;
    std::vector<double> m_soldAB, m_heldAB, m_holdRtt, m_orderRtt, m_payRtt, m_health;
};

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("boxoffice-syncbench"));
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Measures how long a sale on terminal A takes to show on terminal B."));
    parser.addHelpOption();
    const QCommandLineOption server(QStringLiteral("server"),
                                    QStringLiteral("Server address, e.g. http://127.0.0.1:8480."),
                                    QStringLiteral("URL"));
    const QCommandLineOption password(
        QStringLiteral("password"),
        QStringLiteral("Password of the user (default: $BOXOFFICE_DEMO_PASSWORD)."),
        QStringLiteral("P"));
    const QCommandLineOption user(QStringLiteral("user"),
                                  QStringLiteral("User both terminals log in as (clerk)."),
                                  QStringLiteral("NAME"), QStringLiteral("clerk"));
    const QCommandLineOption show(QStringLiteral("show"),
                                  QStringLiteral("Show to sell seats of (jazz-night)."),
                                  QStringLiteral("ID"), QStringLiteral("jazz-night"));
    const QCommandLineOption samples(QStringLiteral("samples"),
                                     QStringLiteral("Measured sales (250)."), QStringLiteral("N"),
                                     QStringLiteral("250"));
    const QCommandLineOption warmup(QStringLiteral("warmup"),
                                    QStringLiteral("Sales before measuring (10)."),
                                    QStringLiteral("N"), QStringLiteral("10"));
    const QCommandLineOption timeout(QStringLiteral("timeout-ms"),
                                     QStringLiteral("Longest a sale may take (5000)."),
                                     QStringLiteral("MS"), QStringLiteral("5000"));
    const QCommandLineOption kvOut(QStringLiteral("kv-out"),
                                   QStringLiteral("Also write the figures as name=value lines."),
                                   QStringLiteral("FILE"));
    parser.addOptions({server, password, user, show, samples, warmup, timeout, kvOut});
    parser.process(app);

    Options options;
    QString address = parser.value(server);
    while (address.endsWith(u'/'))
        address.chop(1);
    if (address.endsWith(QLatin1StringView("/api/v1")))
        address.chop(7);
    options.server = QUrl(address);
    options.user = parser.value(user);
    options.password = parser.isSet(password) ? parser.value(password)
                                              : qEnvironmentVariable("BOXOFFICE_DEMO_PASSWORD");
    options.show = Core::ShowId(parser.value(show));
    bool ok = true;
    auto number = [&ok, &parser](const QCommandLineOption &option, int min, int max) {
        bool valid = false;
        const int value = parser.value(option).toInt(&valid);
        if (!valid || value < min || value > max) {
            std::fprintf(stderr, "boxoffice-syncbench: --%s must be %d to %d\n",
                         qPrintable(option.names().first()), min, max);
            ok = false;
        }
        return value;
    };
    options.samples = number(samples, 1, 100'000);
    options.warmup = number(warmup, 0, 10'000);
    options.timeoutMs = number(timeout, 100, 600'000);
    options.kvOut = parser.value(kvOut);
    if (!options.server.isValid() || options.server.host().isEmpty()) {
        std::fprintf(stderr, "boxoffice-syncbench: --server URL is required\n");
        ok = false;
    }
    if (options.password.isEmpty()) {
        std::fprintf(stderr, "boxoffice-syncbench: --password (or BOXOFFICE_DEMO_PASSWORD) is "
                             "required\n");
        ok = false;
    }
    if (!ok)
        return 2;
    Bench bench(options);
    return bench.run();
}

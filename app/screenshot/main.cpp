// boxoffice-screenshot: takes the README's picture of the sale screen. It runs the real
// terminal (the same object graph as `boxoffice`) against a running server, opens a show, holds
// the best N seats and saves the window as PNG. scripts/screenshot.sh runs it under Xvfb.

#include "terminal.h"

#include "core/seatmap/bestavailable.h"
#include "ui/sale/salepage.h"
#include "ui/seatmap/seatmapview.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <QTextStream>

using namespace Boxoffice;

namespace {

int failWith(const QString &message)
{
    QTextStream(stderr) << "boxoffice-screenshot: " << message << Qt::endl;
    return 1;
}

bool waitFor(const std::function<bool()> &condition, int timeoutMs)
{
    return QTest::qWaitFor(condition, timeoutMs);
}

Core::Result<std::vector<int>> bestSeats(const Core::SeatMapModel &model,
                                         const Core::BestAvailableRequest &request)
{
    return Core::bestAvailable(model.layout(), model.selectableFlags(), request);
}

// Another customer's sale, straight through the API: hold, order, cash.
bool sellQuietly(Sync::ApiClient &client, const Core::ShowId &show,
                 const QList<Core::SeatId> &seats)
{
    std::optional<bool> ok;
    client.placeHold(show, seats, 120, nullptr, [&](Sync::Result<Sync::HoldInfo> hold) {
        if (!hold)
            return ok.emplace(false), void();
        client.createOrder(hold->id, {}, QStringLiteral("SHOT_") + hold->id.value(), nullptr,
                           [&](Sync::Result<Sync::OrderInfo> order) {
                               if (!order)
                                   return ok.emplace(false), void();
                               client.payCash(order->id, order->amountCents, nullptr,
                                              [&](Sync::Result<Sync::TenderResult> paid) {
                                                  ok = paid.has_value();
                                              });
                           });
    });
    return waitFor([&] { return ok.has_value(); }, 30'000) && *ok;
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption server(QStringLiteral("server"), QStringLiteral("Server URL."),
                                    QStringLiteral("url"), QStringLiteral("http://127.0.0.1:8480"));
    const QCommandLineOption user(QStringLiteral("user"),
                                  QStringLiteral("User (password in BOXOFFICE_PASSWORD)."),
                                  QStringLiteral("name"), QStringLiteral("clerk"));
    const QCommandLineOption show(QStringLiteral("show"), QStringLiteral("Show to open."),
                                  QStringLiteral("showId"), QStringLiteral("beethoven-9"));
    const QCommandLineOption seats(QStringLiteral("seats"), QStringLiteral("Seats to hold."),
                                   QStringLiteral("n"), QStringLiteral("4"));
    const QCommandLineOption out(QStringLiteral("out"), QStringLiteral("PNG to write."),
                                 QStringLiteral("file"));
    parser.addOptions({server, user, show, seats, out});
    parser.process(app);
    if (!parser.isSet(out))
        return failWith(QStringLiteral("--out is required"));
    bool numberOk = false;
    const int count = parser.value(seats).toInt(&numberOk);
    if (!numberOk || count < 1 || count > 10)
        return failWith(QStringLiteral("--seats must be 1 to 10"));

    QTemporaryDir cacheDir;
    App::TerminalOptions options;
    options.server = QUrl(parser.value(server));
    options.cachePath = cacheDir.filePath(QStringLiteral("cache.db"));
    options.terminalName = QStringLiteral("window-1");
    options.acquirer = QUrl(QStringLiteral("http://127.0.0.1:8490"));
    auto terminal = App::Terminal::create(options);
    if (!terminal)
        return failWith(terminal.error().message);
    App::Terminal &t = **terminal;

    bool loggedIn = false;
    QString loginError;
    bool done = false;
    t.client().login(parser.value(user), qEnvironmentVariable("BOXOFFICE_PASSWORD"), nullptr,
                     [&](Sync::Result<Sync::Session> s) {
                         loggedIn = s.has_value();
                         if (!s)
                             loginError = s.error().message;
                         done = true;
                     });
    if (!waitFor([&] { return done; }, 30'000) || !loggedIn)
        return failWith(QStringLiteral("login failed: %1").arg(loginError));

    Gui::MainWindow &window = t.window(parser.value(user));
    window.resize(1440, 880);
    window.show();
    window.start();
    window.openShow(Core::ShowId(parser.value(show)));
    if (!waitFor([&] { return t.model().freshness() == Core::Freshness::Live; }, 30'000))
        return failWith(QStringLiteral("the show did not open"));

    // A venue a week into its sale: other customers' blocks of 1-4 seats sold all over.
    QRandomGenerator random(20261125);
    const auto &layoutSeats = t.model().layout().seats();
    for (int sale = 0; sale < 150; ++sale) {
        const int first = int(random.bounded(t.model().seatCount()));
        const int size = 1 + int(random.bounded(4));
        QList<Core::SeatId> ids;
        for (int i = first; i < first + size && i < t.model().seatCount(); ++i) {
            if (!t.model().isSelectable(i) ||
                layoutSeats[std::size_t(i)].row != layoutSeats[std::size_t(first)].row)
                break;
            ids.append(layoutSeats[std::size_t(i)].id);
        }
        if (ids.isEmpty())
            continue;
        if (!sellQuietly(t.client(), t.model().show(), ids))
            return failWith(QStringLiteral("could not sell the other customers' seats"));
        waitFor([&] { return !t.model().isSelectable(first); }, 5'000);
    }

    Core::BestAvailableRequest request;
    request.count = count;
    auto best = bestSeats(t.model(), request);
    if (!best)
        return failWith(best.error().message);
    t.model().setSelection(*best);
    t.sale().holdSelection();
    if (!waitFor([&] { return t.sale().stage() == Sync::SaleController::Stage::Held; }, 30'000))
        return failWith(QStringLiteral("the hold was not placed"));
    window.salePage()->mapView()->centreOn(best->front(), true);
    window.salePage()->mapView()->zoomOut();
    QTest::qWait(1500); // let the countdown tick and the window settle
    if (!window.grab().save(parser.value(out)))
        return failWith(QStringLiteral("cannot write %1").arg(parser.value(out)));
    // Give the seats back.
    t.sale().cancel();
    waitFor([&] { return t.sale().stage() == Sync::SaleController::Stage::Idle; }, 10'000);
    QTextStream(stdout) << "wrote " << parser.value(out) << Qt::endl;
    return 0;
}

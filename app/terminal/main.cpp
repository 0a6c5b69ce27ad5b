// boxoffice: the clerk's terminal. The composition root: reads the command line, opens the local
// cache, logs in (dialog, or --user with BOXOFFICE_PASSWORD) and shows the main window.

#include "commandlinevalues.h"
#include "terminal.h"

#include "core/security/servercertificate.h"
#include "sync/client/doorscanner.h"
#include "ui/login/logindialog.h"
#include "ui/scan/scanscreen.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDateTime>
#include <QDir>
#include <QEventLoop>
#include <QHostInfo>
#include <QMessageBox>
#include <QScreen>
#include <QSettings>
#include <QStandardPaths>
#include <QTextStream>
#include <QTimer>

#include <memory>

using namespace Boxoffice;

namespace {

constexpr char kDefaultServer[] = "https://127.0.0.1:8480";

int failWith(const QString &message)
{
    QTextStream(stderr) << "boxoffice: " << message << Qt::endl;
    return 1;
}

QUrl parseServer(const QString &text)
{
    const QUrl url = QUrl::fromUserInput(text);
    if (!url.isValid() ||
        (url.scheme() != QLatin1StringView("http") && url.scheme() != QLatin1StringView("https")) ||
        url.host().isEmpty())
        return {};
    return url;
}

// Logs in without a dialog; false with a message on stderr when the server refuses.
bool loginQuietly(App::Terminal &terminal, const QString &user, const QString &password)
{
    QEventLoop loop;
    bool ok = false;
    terminal.client().login(user, password, &loop, [&](Sync::Result<Sync::Session> session) {
        if (!session && session.error().code == Core::ErrorCode::UntrustedServer)
            failWith(
                QStringLiteral("%1\nNot trusted: check the fingerprint, then start again with "
                               "--server-fingerprint %2")
                    .arg(session.error().message,
                         session.error().details.value(QStringLiteral("fingerprint")).toString()));
        else if (!session)
            failWith(QStringLiteral("login as %1 failed: %2").arg(user, session.error().message));
        ok = session.has_value();
        loop.quit();
    });
    loop.exec();
    return ok;
}

// Door scanning (boxoffice --scan): the scan screen alone, for a staff session. Returns the
// exit code once the screen is closed.
int runDoorScanning(App::Terminal &terminal, const QString &show, const QString &door)
{
    const QString role = terminal.client().session().role;
    // Not admin: the server takes verifies from an admin but not the upload of offline scans,
    // so an admin's door would keep its offline decisions to itself.
    if (role != QLatin1StringView("clerk") && role != QLatin1StringView("supervisor"))
        return failWith(QStringLiteral("door scanning needs a clerk or supervisor account, not %1")
                            .arg(role.isEmpty() ? QStringLiteral("no role") : role));
    static const Core::SystemClock clock;
    Sync::DoorScanner scanner(terminal.client(), terminal.cache(), clock);
    scanner.setShow(Core::ShowId(show));
    scanner.setDoor(door);
    Gui::ScanScreen screen(scanner);
    if (auto shows = terminal.cache().shows(); shows)
        screen.setShowTitles(*shows);
    // Fresh titles name the show of a WRONG_SHOW ticket even on a terminal that never sold.
    terminal.client().listShows(&screen, [&screen](Sync::Result<QList<Sync::ShowSummary>> shows) {
        if (shows)
            screen.setShowTitles(*shows);
    });
    // The whole screen also where no window manager maximizes (a bare X session at the door).
    if (const QScreen *display = QGuiApplication::primaryScreen())
        screen.setGeometry(display->availableGeometry());
    screen.showMaximized();
    scanner.start();
    return QApplication::exec();
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Boxoffice"));
    QApplication::setApplicationName(QStringLiteral("boxoffice"));
    QApplication::setApplicationVersion(QStringLiteral(BOXOFFICE_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QApplication::translate("main", "Boxoffice terminal: sell seats at the window."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption server(QStringLiteral("server"),
                                    QApplication::translate("main", "The server, e.g. %1.")
                                        .arg(QLatin1StringView(kDefaultServer)),
                                    QStringLiteral("url"));
    const QCommandLineOption user(
        QStringLiteral("user"),
        QApplication::translate("main", "Log in as this user without the dialog; the password "
                                        "comes from BOXOFFICE_PASSWORD."),
        QStringLiteral("name"));
    const QCommandLineOption show(QStringLiteral("show"),
                                  QApplication::translate("main", "Open this show after login."),
                                  QStringLiteral("showId"));
    const QCommandLineOption cache(QStringLiteral("cache"),
                                   QApplication::translate("main", "The local cache file."),
                                   QStringLiteral("file"));
    const QCommandLineOption tickets(
        QStringLiteral("ticket-dir"),
        QApplication::translate("main", "Also save every sale's tickets as PDF in this folder."),
        QStringLiteral("dir"));
    const QCommandLineOption acquirer(
        QStringLiteral("acquirer"),
        QApplication::translate("main", "The card acquirer, e.g. http://127.0.0.1:8490."),
        QStringLiteral("url"));
    const QCommandLineOption name(QStringLiteral("terminal-name"),
                                  QApplication::translate("main", "This terminal's name."),
                                  QStringLiteral("name"));
    const QCommandLineOption fingerprint(
        QStringLiteral("server-fingerprint"),
        QApplication::translate("main", "Trust the server whose certificate has this SHA-256 "
                                        "fingerprint (as boxoffice-server prints it)."),
        QStringLiteral("hex"));
    parser.addOptions({server, user, show, cache, tickets, acquirer, name, fingerprint});
    // Self-service kiosk mode (ui/kiosk): full screen, touch, no way out without a supervisor.
    const QCommandLineOption kiosk(
        QStringLiteral("kiosk"),
        QApplication::translate("main", "Run as a self-service kiosk (needs --user with a kiosk "
                                        "account); a supervisor's PIN ends it."));
    const QCommandLineOption kioskIdle(
        QStringLiteral("kiosk-idle-seconds"),
        QApplication::translate("main", "Kiosk: ask \"Still there?\" after this long without a "
                                        "touch (default 60)."),
        QStringLiteral("seconds"), QStringLiteral("60"));
    const QCommandLineOption kioskMaxSeats(
        QStringLiteral("kiosk-max-seats"),
        QApplication::translate("main", "Kiosk: the most seats one customer picks (default 6)."),
        QStringLiteral("n"), QStringLiteral("6"));
    parser.addOptions({kiosk, kioskIdle, kioskMaxSeats});
    // Door scanning (ui/scan).
    const QCommandLineOption scan(
        QStringLiteral("scan"),
        QApplication::translate("main", "Door scanning: open the scan screen after login "
                                        "(for the show given with --show)."));
    const QCommandLineOption door(
        QStringLiteral("door"),
        QApplication::translate("main", "The door's name for --scan (default: the terminal "
                                        "name)."),
        QStringLiteral("name"));
    parser.addOptions({scan, door});
    parser.process(app);
    if (!parser.positionalArguments().isEmpty())
        return failWith(QStringLiteral("unexpected argument %1; see --help")
                            .arg(parser.positionalArguments().first()));

    QSettings settings;
    App::TerminalOptions options;
    const QString serverText =
        parser.isSet(server)
            ? parser.value(server)
            : settings.value(QStringLiteral("server"), QLatin1StringView(kDefaultServer))
                  .toString();
    options.server = parseServer(serverText);
    if (!options.server.isValid())
        return failWith(QStringLiteral("--server: %1 is not an http(s) address").arg(serverText));
    if (parser.isSet(acquirer)) {
        options.acquirer = parseServer(parser.value(acquirer));
        if (!options.acquirer.isValid())
            return failWith(QStringLiteral("--acquirer: %1 is not an http(s) address")
                                .arg(parser.value(acquirer)));
    }
    options.cachePath =
        parser.isSet(cache)
            ? parser.value(cache)
            : QDir(QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation))
                  .filePath(QStringLiteral("terminal-cache.db"));
    if (parser.isSet(fingerprint)) {
        auto digest = Core::parseFingerprint(parser.value(fingerprint));
        if (!digest)
            return failWith(QStringLiteral("--server-fingerprint: %1").arg(digest.error().message));
        if (options.server.scheme() != QLatin1StringView("https"))
            return failWith(QStringLiteral("--server-fingerprint needs an https server address"));
        options.serverFingerprint = *digest;
    }
    options.ticketDir = parser.value(tickets);
    if (parser.isSet(kiosk) && parser.isSet(scan))
        return failWith(
            QStringLiteral("--kiosk and --scan are two different stations; choose one"));
    Gui::KioskSettings kioskSettings;
    if (parser.isSet(kiosk)) {
        auto idle = App::intOption(QStringLiteral("--kiosk-idle-seconds"), parser.value(kioskIdle),
                                   5, 3600);
        if (!idle)
            return failWith(idle.error().message);
        auto seats =
            App::intOption(QStringLiteral("--kiosk-max-seats"), parser.value(kioskMaxSeats), 1, 20);
        if (!seats)
            return failWith(seats.error().message);
        if (!parser.isSet(user))
            return failWith(QStringLiteral("--kiosk needs --user (a kiosk account) and "
                                           "BOXOFFICE_PASSWORD"));
        if (!options.acquirer.isValid())
            return failWith(QStringLiteral("--kiosk needs --acquirer: a kiosk takes cards only"));
        kioskSettings.idleSeconds = *idle;
        kioskSettings.maxSeats = *seats;
    }
    options.terminalName = parser.isSet(name) ? parser.value(name) : QHostInfo::localHostName();

    auto terminal = App::Terminal::create(options);
    if (!terminal)
        return failWith(terminal.error().message);

    QString username = settings.value(QStringLiteral("user")).toString();
    if (parser.isSet(user)) {
        username = parser.value(user);
        const QString password = qEnvironmentVariable("BOXOFFICE_PASSWORD");
        if (password.isEmpty())
            return failWith(QStringLiteral("--user needs the password in BOXOFFICE_PASSWORD"));
        if (!loginQuietly(**terminal, username, password))
            return 1;
    } else {
        Gui::LoginDialog login((*terminal)->client(), options.server, username);
        if (login.exec() != QDialog::Accepted)
            return 0;
        username = login.username();
        (*terminal)->client().setServer(login.server());
    }
    if (parser.isSet(kiosk)) {
        if ((*terminal)->client().session().role != QLatin1StringView("kiosk"))
            return failWith(QStringLiteral("--kiosk: %1 is a %2 account, not a kiosk account; "
                                           "a kiosk runs only with the kiosk role")
                                .arg(username, (*terminal)->client().session().role));
        kioskSettings.username = username;
        // Nobody is there to log in again when the server ends the session: the kiosk does.
        Sync::ApiClient &client = (*terminal)->client();
        auto loggingIn = std::make_shared<bool>(false);
        const auto logInAgain = [&client, loggingIn, username] {
            if (*loggingIn)
                return;
            *loggingIn = true;
            client.login(username, qEnvironmentVariable("BOXOFFICE_PASSWORD"), &client,
                         [loggingIn, username](Sync::Result<Sync::Session> session) {
                             *loggingIn = false;
                             if (!session)
                                 QTextStream(stderr)
                                     << "boxoffice: logging in again as " << username
                                     << " failed: " << session.error().message << Qt::endl;
                         });
        };
        QObject::connect(&client, &Sync::ApiClient::sessionExpired, &app, logInAgain);
        // A session ends at a fixed time after login: renew it well before, so that no
        // customer's hold or order is the request that finds it ended.
        QTimer renew;
        renew.setInterval(60'000);
        QObject::connect(&renew, &QTimer::timeout, &app, [&client, logInAgain] {
            const qint64 expires = client.session().expiresMs;
            if (expires > 0 && expires - QDateTime::currentMSecsSinceEpoch() < 30 * 60'000)
                logInAgain();
        });
        renew.start();
        Gui::KioskWindow &window = (*terminal)->kiosk(kioskSettings);
        QObject::connect(&window, &Gui::KioskWindow::unlocked, &app, [&app] { app.exit(0); });
        window.showFullScreen();
        window.start();
        return app.exec();
    }
    settings.setValue(QStringLiteral("server"), (*terminal)->client().server().toString());
    settings.setValue(QStringLiteral("user"), username);

    if (parser.isSet(scan)) {
        const QString doorName = parser.isSet(door) ? parser.value(door) : options.terminalName;
        if (doorName.trimmed().size() > 64)
            return failWith(QStringLiteral("--door: at most 64 characters"));
        return runDoorScanning(**terminal, parser.value(show), doorName);
    }

    Gui::MainWindow &window = (*terminal)->window(username);
    window.show();
    window.start();
    if (parser.isSet(show) && !(*terminal)->sale().savedSaleShow())
        window.openShow(Core::ShowId(parser.value(show)));
    return app.exec();
}

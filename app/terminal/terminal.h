#pragma once

#include "core/common/clock.h"
#include "core/common/result.h"
#include "core/seatmap/seatmapmodel.h"
#include "sync/client/apiclient.h"
#include "sync/client/cardacquirer.h"
#include "sync/client/outbox.h"
#include "sync/client/salecontroller.h"
#include "sync/client/servertrust.h"
#include "sync/client/showsync.h"
#include "sync/client/terminalcache.h"
#include "ui/kiosk/kioskwindow.h"
#include "ui/main/mainwindow.h"
#include "ui/printing/ticketprinter.h"

#include <QNetworkAccessManager>
#include <QUrl>

#include <memory>

namespace Boxoffice::App {

struct TerminalOptions
{
    QUrl server; // https://127.0.0.1:8480
    // Optional SHA-256 of the server's certificate (32 bytes), pinned for `server` at start
    // (scripted installs: boxoffice --server-fingerprint).
    QByteArray serverFingerprint;
    QString cachePath;    // the local SQLite cache file
    QString ticketDir;    // optional: save every sale's tickets here as PDF
    QUrl acquirer;        // optional: the card acquirer (boxoffice-paysim in development)
    QString terminalName; // printed on receipts
    // The clock for countdowns and ages; nullptr: the system clock. Tests pass a ManualClock.
    const Core::Clock *clock = nullptr;
};

// The terminal's object graph: network, API client, local cache, outbox, seat map model, show
// sync, sale controller, printer and — after login — the main window. Created in main() (and by
// the GUI tests, which run the same graph against a real server). Lives on the GUI thread.
class Terminal
{
public:
    // Opens the cache; fails with its StorageFailure when the file cannot be used.
    [[nodiscard]] static Core::Result<std::unique_ptr<Terminal>> create(TerminalOptions options);
    ~Terminal();

    [[nodiscard]] Sync::ApiClient &client() { return *m_client; }
    [[nodiscard]] Sync::ServerTrust &trust() { return *m_trust; }
    [[nodiscard]] Sync::TerminalCache &cache() { return *m_cache; }
    [[nodiscard]] Sync::Outbox &outbox() { return *m_outbox; }
    [[nodiscard]] Sync::ShowSync &sync() { return *m_sync; }
    [[nodiscard]] Sync::SaleController &sale() { return *m_sale; }
    [[nodiscard]] Core::SeatMapModel &model() { return *m_model; }
    [[nodiscard]] const TerminalOptions &options() const { return m_options; }

    // The window for the logged-in user (created once; owned by this object).
    Gui::MainWindow &window(const QString &username);
    // The self-service kiosk window instead (boxoffice --kiosk; created once, owned here). The
    // settings' terminal name and ticket folder come from the options.
    Gui::KioskWindow &kiosk(Gui::KioskSettings settings);

private:
    explicit Terminal(TerminalOptions options);

    TerminalOptions m_options;
    Core::SystemClock m_systemClock;
    const Core::Clock &m_clock;
    QNetworkAccessManager m_network;
    std::unique_ptr<Sync::ApiClient> m_client;
    std::unique_ptr<Sync::TerminalCache> m_cache;
    std::unique_ptr<Sync::ServerTrust> m_trust;
    std::unique_ptr<Sync::Outbox> m_outbox;
    std::unique_ptr<Sync::CardAcquirer> m_acquirer;
    std::unique_ptr<Core::SeatMapModel> m_model;
    std::unique_ptr<Sync::ShowSync> m_sync;
    std::unique_ptr<Sync::SaleController> m_sale;
    std::unique_ptr<Gui::TicketPrinter> m_printer;
    std::unique_ptr<Gui::MainWindow> m_window;
    std::unique_ptr<Gui::KioskWindow> m_kiosk;
};

} // namespace Boxoffice::App

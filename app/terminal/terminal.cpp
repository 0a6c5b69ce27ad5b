#include "terminal.h"

namespace Boxoffice::App {

Terminal::Terminal(TerminalOptions options)
    : m_options(std::move(options))
    , m_clock(m_options.clock ? *m_options.clock : m_systemClock)
{}

Terminal::~Terminal()
{
    // The window and the services that use the model and the cache go first.
    m_window.reset();
    m_kiosk.reset();
    m_sale.reset();
    m_sync.reset();
    m_outbox.reset();
}

Core::Result<std::unique_ptr<Terminal>> Terminal::create(TerminalOptions options)
{
    auto cache = Sync::TerminalCache::open(options.cachePath);
    if (!cache)
        return std::unexpected(cache.error());
    std::unique_ptr<Terminal> t(new Terminal(std::move(options)));
    t->m_cache = std::move(*cache);
    t->m_trust = std::make_unique<Sync::ServerTrust>(t->m_cache.get());
    if (auto loaded = t->m_trust->load(); !loaded)
        return std::unexpected(loaded.error());
    if (!t->m_options.serverFingerprint.isEmpty()) {
        if (auto pinned = t->m_trust->trust(Sync::ServerTrust::originOf(t->m_options.server),
                                            t->m_options.serverFingerprint);
            !pinned)
            return std::unexpected(pinned.error());
    }
    t->m_client = std::make_unique<Sync::ApiClient>(&t->m_network);
    t->m_client->setTrust(t->m_trust.get());
    t->m_client->setServer(t->m_options.server);
    t->m_client->setTerminalName(t->m_options.terminalName);
    t->m_outbox = std::make_unique<Sync::Outbox>(*t->m_cache, *t->m_client);
    t->m_acquirer = std::make_unique<Sync::CardAcquirer>(&t->m_network);
    if (t->m_options.acquirer.isValid())
        t->m_acquirer->setEndpoint(t->m_options.acquirer);
    t->m_model = std::make_unique<Core::SeatMapModel>();
    t->m_sync =
        std::make_unique<Sync::ShowSync>(*t->m_client, *t->m_cache, *t->m_model, t->m_clock);
    t->m_sale = std::make_unique<Sync::SaleController>(*t->m_client, *t->m_outbox, *t->m_cache,
                                                       *t->m_acquirer, *t->m_model, t->m_clock);
    t->m_printer = std::make_unique<Gui::TicketPrinter>();
    return t;
}

Gui::MainWindow &Terminal::window(const QString &username)
{
    if (!m_window) {
        Gui::TerminalServices services{*m_client,   *m_cache, *m_outbox,  *m_sync, *m_sale,
                                       *m_acquirer, *m_model, *m_printer, m_clock};
        m_window = std::make_unique<Gui::MainWindow>(
            services, Gui::TerminalSettings{username, m_options.terminalName, m_options.ticketDir});
    }
    return *m_window;
}

Gui::KioskWindow &Terminal::kiosk(Gui::KioskSettings settings)
{
    if (!m_kiosk) {
        settings.terminalName = m_options.terminalName;
        settings.ticketDir = m_options.ticketDir;
        Gui::KioskServices services{*m_client, *m_sync,    *m_sale, *m_acquirer,
                                    *m_model,  *m_printer, m_clock};
        m_kiosk = std::make_unique<Gui::KioskWindow>(services, std::move(settings));
    }
    return *m_kiosk;
}

} // namespace Boxoffice::App

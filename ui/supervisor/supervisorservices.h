#pragma once

#include <QString>

namespace Boxoffice::Core {
class Clock;
}

namespace Boxoffice::Sync {
class ApiClient;
class CardAcquirer;
class TerminalCache;
} // namespace Boxoffice::Sync

namespace Boxoffice::Gui {

class TicketPrinter;

// What the supervisor and shift screens work with; owned by the composition root.
struct SupervisorServices
{
    Sync::ApiClient &client;
    Sync::CardAcquirer &acquirer;
    Sync::TerminalCache &cache;
    TicketPrinter &printer;
    const Core::Clock &clock;
    QString ticketDir;    // when set, reprinted and exchanged tickets are also saved here (PDF)
    QString username;     // who is logged in (receipts)
    QString terminalName; // this terminal (receipts)
};

} // namespace Boxoffice::Gui

#include "sync/client/showsync.h"

namespace Boxoffice::Sync {

struct ShowSync::Private
{};

ShowSync::ShowSync(ApiClient &, TerminalCache &, Core::SeatMapModel &, const Core::Clock &,
                   QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>())
{}

ShowSync::~ShowSync() = default;

} // namespace Boxoffice::Sync

#pragma once

#include "core/booking/showstate.h"
#include "core/common/result.h"

#include <QMap>
#include <QStringList>

namespace Boxoffice::Core {

class Connection;

struct InvariantReport
{
    QMap<QString, SeatCounts> countsByShow;
    QStringList violations; // empty when every invariant holds
    [[nodiscard]] bool ok() const { return violations.isEmpty(); }
};

// Checks the invariants of DESIGN.md §3.1 against the database: every seat in exactly one
// state and consistent with its hold or order, counts adding up to capacity, expired or
// released holds never ordered and paid, at most one live ticket per seat, at most one applied
// payment per order. Read-only; run after every stress test and by `boxoffice-server audit`.
[[nodiscard]] Result<InvariantReport> auditInvariants(Connection &connection);

} // namespace Boxoffice::Core

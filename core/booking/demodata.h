#pragma once

#include "core/common/result.h"

#include <QStringList>

namespace Boxoffice::Core {

class AccountStore;
class Connection;

struct DemoReport
{
    QStringList venuesAdded;
    QStringList showsAdded;
    QStringList usersAdded;
};

// Seeds the demo of DESIGN.md §3.6: the venues whose layout files are given (theatre, concert
// hall, arena), shows on sale in each over the coming days, and the users clerk, supervisor,
// kiosk and admin with `password`. Idempotent: what already exists is left as it is.
[[nodiscard]] Result<DemoReport> seedDemo(Connection &connection, AccountStore &accounts,
                                          const QStringList &layoutFiles, const QString &password,
                                          qint64 nowMs);

} // namespace Boxoffice::Core

#pragma once

#include "core/common/clock.h"
#include "core/common/result.h"

#include <QJsonObject>

#include <functional>

namespace Boxoffice::Core {

class Connection;

// The append-only record of who did what: logins, rejected payment callbacks, denials.
// Thread-safe: each call writes through the connection the provider gives the calling thread.
class AuditLog
{
public:
    using ConnectionProvider = std::function<Result<Connection *>()>;
    AuditLog(ConnectionProvider connections, const Clock &clock);

    [[nodiscard]] Result<> record(const QString &actor, const QString &action,
                                  const QString &subject, const QJsonObject &detail = {});

private:
    ConnectionProvider m_connections;
    const Clock &m_clock;
};

} // namespace Boxoffice::Core

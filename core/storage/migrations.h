#pragma once

#include "core/storage/database.h"

namespace Boxoffice::Core {

// Brings the schema up to the newest version this build knows, one numbered migration per
// transaction, recorded in schema_migration. Refuses a database newer than the build.
// The schema follows seed §5 (event_show, seat_inventory, seat_hold, ticket_order,
// issued_ticket) plus venues, price tiers, users, sessions, payments, the change feed and the
// audit log. SQL is portable to PostgreSQL 15: times are BIGINT milliseconds since the epoch,
// partial indexes only where both support them.
[[nodiscard]] Result<int> migrateSchema(Connection &connection, qint64 nowMs);

[[nodiscard]] int latestSchemaVersion();

} // namespace Boxoffice::Core

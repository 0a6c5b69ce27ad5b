#pragma once

#include "sync/client/answerreader.h"
#include "sync/client/apitypes.h"

namespace Boxoffice::Sync {

// Readers of the seat-status answers shared by the HTTP feed and the live channel. Problems
// are recorded in the reader (BadRequest naming the field); the returned value is only
// meaningful when the reader is still ok().

// {showId, version, delta:false, seatCount, encoding:"status2", statuses:BASE64}; the show id
// must be `show`.
[[nodiscard]] SeatSnapshot readSnapshot(AnswerReader &json, const Core::ShowId &show);

// {showId, version, <sinceField>, changes:[{version, status, seatIndexes, ...}]}: "since" on
// the HTTP feed, "fromVersion" on the live channel. Change versions must rise, each within
// (since, version]; seat indexes must be whole numbers in range of the largest venue.
[[nodiscard]] SeatDelta readDelta(AnswerReader &json, const Core::ShowId &show,
                                  const QString &sinceField);

} // namespace Boxoffice::Sync

#include "core/common/clock.h"

#include <cstdio>

namespace Boxoffice::Core {

QString isoUtc(qint64 msSinceEpoch)
{
    // Written out by hand: this runs for every answer on the network thread, and QDateTime
    // formatting costs tens of microseconds. Civil date from days since 1970-01-01 after
    // Howard Hinnant's days_from_civil inverse (proleptic Gregorian calendar).
    qint64 days = msSinceEpoch / 86'400'000;
    qint64 msOfDay = msSinceEpoch % 86'400'000;
    if (msOfDay < 0) {
        msOfDay += 86'400'000;
        --days;
    }
    days += 719'468;
    const qint64 era = (days >= 0 ? days : days - 146'096) / 146'097;
    const qint64 dayOfEra = days - era * 146'097;
    const qint64 yearOfEra =
        (dayOfEra - dayOfEra / 1460 + dayOfEra / 36'524 - dayOfEra / 146'096) / 365;
    const qint64 dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    const qint64 mp = (5 * dayOfYear + 2) / 153;
    const qint64 day = dayOfYear - (153 * mp + 2) / 5 + 1;
    const qint64 month = mp < 10 ? mp + 3 : mp - 9;
    const qint64 year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
    char text[40];
    const int length = std::snprintf(
        text, sizeof text, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%03lldZ",
        static_cast<long long>(year), static_cast<long long>(month), static_cast<long long>(day),
        static_cast<long long>(msOfDay / 3'600'000), static_cast<long long>(msOfDay / 60'000 % 60),
        static_cast<long long>(msOfDay / 1000 % 60), static_cast<long long>(msOfDay % 1000));
    return QString::fromLatin1(text, length);
}

} // namespace Boxoffice::Core

#include "core/booking/demodata.h"

#include "core/auth/accountstore.h"
#include "core/booking/catalog.h"
#include "core/venue/venuelayout.h"

#include <QFile>
#include <QFileInfo>

namespace Boxoffice::Core {

namespace {

struct DemoShow
{
    const char *id;
    const char *title;
    const char *venue;
    int daysAhead;
    int startMinutes; // minutes after midnight UTC
};

constexpr DemoShow kShows[] = {
    {"seagull-1", "The Seagull", "theatre", 1, 19 * 60 + 30},
    {"seagull-2", "The Seagull (matinee)", "theatre", 3, 14 * 60},
    {"beethoven-9", "Beethoven: Symphony No. 9", "concert-hall", 2, 20 * 60},
    {"jazz-night", "Late Night Jazz", "concert-hall", 5, 21 * 60},
    {"arena-rock", "Arena Rock Live", "arena", 7, 19 * 60},
};

// Prices by the position of a category in the venue's list: the first is the best.
constexpr qint64 kPriceLadder[] = {9500, 7200, 5400, 3900, 2900, 1900, 1500, 1200};

} // namespace

Result<DemoReport> seedDemo(Connection &connection, AccountStore &accounts,
                            const QStringList &layoutFiles, const QString &password, qint64 nowMs)
{
    DemoReport report;
    QHash<QString, std::shared_ptr<VenueLayout>> layouts;
    for (const QString &path : layoutFiles) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return fail(
                ErrorCode::NotFound,
                QStringLiteral("cannot read venue layout %1: %2").arg(path, file.errorString()));
        const QByteArray json = file.readAll();
        auto layout = parseVenueLayout(json, QFileInfo(path).fileName());
        if (!layout)
            return std::unexpected(layout.error());
        auto known = venueExists(connection, layout->id());
        if (!known)
            return std::unexpected(known.error());
        if (!*known) {
            if (auto ok = addVenue(connection, *layout, json, nowMs); !ok)
                return std::unexpected(ok.error());
            report.venuesAdded.append(layout->id().value());
        }
        const QString id = layout->id().value();
        layouts.insert(id, std::make_shared<VenueLayout>(std::move(*layout)));
    }

    const qint64 dayMs = 24LL * 3600 * 1000;
    const qint64 today = nowMs - nowMs % dayMs;
    for (const DemoShow &demo : kShows) {
        const auto layout = layouts.value(QLatin1StringView(demo.venue));
        if (!layout)
            continue;
        const ShowId id(QLatin1StringView(demo.id));
        auto known = showExists(connection, id);
        if (!known)
            return std::unexpected(known.error());
        if (*known)
            continue;
        ShowSpec spec;
        spec.id = id;
        spec.title = QLatin1StringView(demo.title);
        spec.venue = layout->id();
        spec.startMs = today + demo.daysAhead * dayMs + demo.startMinutes * 60'000LL;
        spec.saleStartMs = nowMs - dayMs;
        spec.saleEndMs = spec.startMs;
        spec.currency = QStringLiteral("EUR");
        const auto &categories = layout->categories();
        for (qsizetype i = 0; i < categories.size(); ++i) {
            const qint64 price = kPriceLadder[std::min<qsizetype>(i, std::size(kPriceLadder) - 1)];
            spec.tiers.append(PriceTier{categories[i].id, categories[i].name, price});
        }
        if (auto ok = addShow(connection, spec, *layout, nowMs); !ok)
            return std::unexpected(ok.error());
        report.showsAdded.append(id.value());
    }

    for (const auto &[name, role] :
         {std::pair{"clerk", Role::Clerk}, std::pair{"supervisor", Role::Supervisor},
          std::pair{"kiosk", Role::Kiosk}, std::pair{"admin", Role::Admin}}) {
        const QString username = QLatin1StringView(name);
        auto existing = accounts.findUser(username);
        if (!existing)
            return std::unexpected(existing.error());
        if (*existing)
            continue;
        if (auto added = accounts.addUser(username, role, password); !added)
            return std::unexpected(added.error());
        report.usersAdded.append(username);
    }
    return report;
}

} // namespace Boxoffice::Core

#include "sync/client/showsync.h"

#include "sync/client/answerreader.h"
#include "sync/client/clientlogging.h"
#include "sync/client/seatupdates.h"
#include "sync/client/servertrust.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QRandomGenerator>
#include <QWebSocket>

namespace Boxoffice::Sync {

using namespace Core;

namespace {

// Availability reaches the cache at most this often while deltas stream in.
constexpr int kSaveDelayMs = 3000;
// The live channel is pinged this often and given up after this much silence, so a connection
// that died without a FIN (a pulled cable) does not keep the map "live".
constexpr int kHeartbeatMs = 5000;
constexpr qint64 kSilenceLimitMs = 15'000;
// Pushed deltas kept while a fetch is in flight; beyond this, the fetch is simply repeated.
constexpr qsizetype kMaxBufferedDeltas = 1000;

std::vector<qint64> categoryPrices(const VenueLayout &layout, const ShowDetail &detail)
{
    std::vector<qint64> prices(std::size_t(layout.categories().size()), -1);
    for (const PriceTierInfo &tier : detail.tiers) {
        const int index = layout.categoryIndex(tier.category);
        if (index >= 0)
            prices[std::size_t(index)] = tier.priceCents;
        else
            qCWarning(lcClient).noquote()
                << "show" << detail.summary.id.value() << "prices category" << tier.category
                << "that its venue layout does not have";
    }
    return prices;
}

bool samePricing(const ShowDetail &a, const ShowDetail &b)
{
    if (a.summary.venue != b.summary.venue || a.summary.currency != b.summary.currency ||
        a.tiers.size() != b.tiers.size())
        return false;
    for (qsizetype i = 0; i < a.tiers.size(); ++i) {
        if (a.tiers[i].category != b.tiers[i].category ||
            a.tiers[i].priceCents != b.tiers[i].priceCents)
            return false;
    }
    return true;
}

} // namespace

struct ShowSync::Private
{
    Private(ShowSync *owner, ApiClient &c, TerminalCache &store, SeatMapModel &m, const Clock &k)
        : q(owner)
        , client(c)
        , cache(store)
        , model(m)
        , clock(k)
    {}

    ShowSync *q;
    ApiClient &client;
    TerminalCache &cache;
    SeatMapModel &model;
    const Clock &clock;

    ShowId show;
    // The context of this open()'s callbacks: destroyed by close(), so late answers for a show
    // no longer followed are dropped by the client.
    std::unique_ptr<QObject> context;
    QPointer<QWebSocket> socket;
    QTimer reconnectTimer;
    QTimer saveTimer;
    QTimer heartbeatTimer;
    QElapsedTimer sinceLastMessage;
    int firstBackoffMs = 500;
    int maxBackoffMs = 15'000;
    int backoffMs = 500;

    std::shared_ptr<const VenueLayout> layout;
    bool opened = false;          // opened() was emitted
    bool detailConfirmed = false; // the server's show detail is applied
    bool hasStatuses = false;     // the model holds statuses (from the cache or the server)
    bool seatsConfirmed = false;  // the server confirmed them since the channel last dropped
    bool socketReady = false;     // the channel's hello arrived
    bool wasLive = false;         // Live at least once since open()
    bool offline = false;         // the last server request got no answer
    bool fetching = false;        // a seats request is in flight
    bool refetch = false;         // another one is needed after it
    bool refetchSnapshot = false; // ... and it must be a whole snapshot
    QList<SeatDelta> buffered;    // pushed while fetching, applied after it
    qint64 helloVersion = -1;     // the server's version when the channel opened
    bool dirty = false;           // statuses newer than the cache's
    qint64 confirmedMs = 0;       // when the server last confirmed the statuses

    // --- open / close ----------------------------------------------------------------------

    void loadFromCache();
    void closeChannel();
    void saveNow();

    // --- server side -----------------------------------------------------------------------

    void connectServer();
    void fetchDetail();
    void fetchLayout(const ShowDetail &detail);
    void applyDetail(const ShowDetail &detail, std::shared_ptr<const VenueLayout> venue);
    void fetchSeats(qint64 since);
    void handleSeats(const Result<SeatsUpdate> &update);
    // Applies the changes after the model's version; false on a gap or a bad change.
    bool applyChanges(const QList<SeatChangeInfo> &changes);
    void openChannel();
    void handleMessage(QWebSocket *from, const QString &text);
    void handleChannelGone(QWebSocket *from, const QString &why);
    void heartbeat();
    void serverFailed(const Error &error, const QString &what);
    void scheduleReconnect();
    void updateState();
    void setState(State state);
    void setModelFreshness(Freshness freshness);
};

// ---------------------------------------------------------------------------------------------

ShowSync::ShowSync(ApiClient &client, TerminalCache &cache, SeatMapModel &model, const Clock &clock,
                   QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>(this, client, cache, model, clock))
{
    d->reconnectTimer.setSingleShot(true);
    connect(&d->reconnectTimer, &QTimer::timeout, this, [this] { d->connectServer(); });
    d->saveTimer.setSingleShot(true);
    connect(&d->saveTimer, &QTimer::timeout, this, [this] { d->saveNow(); });
    d->heartbeatTimer.setInterval(kHeartbeatMs);
    connect(&d->heartbeatTimer, &QTimer::timeout, this, [this] { d->heartbeat(); });
    // The server answers again (any request of this terminal): stop waiting out the backoff.
    connect(&client, &ApiClient::reachabilityChanged, this, [this](bool reachable) {
        if (reachable && d->context && d->reconnectTimer.isActive())
            d->connectServer();
    });
}

ShowSync::~ShowSync()
{
    close();
}

void ShowSync::setBackoff(int firstMs, int maxMs)
{
    d->firstBackoffMs = std::max(1, firstMs);
    d->maxBackoffMs = std::max(d->firstBackoffMs, maxMs);
    d->backoffMs = d->firstBackoffMs;
}

void ShowSync::open(const ShowId &show)
{
    close();
    d->show = show;
    d->context = std::make_unique<QObject>();
    d->backoffMs = d->firstBackoffMs;
    d->setState(State::Connecting);
    d->loadFromCache();
    d->connectServer();
}

void ShowSync::close()
{
    if (!d->context)
        return;
    d->saveNow();
    d->closeChannel();
    d->context.reset();
    d->reconnectTimer.stop();
    d->saveTimer.stop();
    if (d->hasStatuses && d->model.show() == d->show)
        d->model.setFreshness(Freshness::Stale, d->confirmedMs);
    d->layout.reset();
    d->opened = d->detailConfirmed = d->hasStatuses = d->seatsConfirmed = false;
    d->socketReady = d->wasLive = d->offline = false;
    d->fetching = d->refetch = d->refetchSnapshot = false;
    d->buffered.clear();
    d->dirty = false;
    d->confirmedMs = 0;
    d->setState(State::Closed);
    d->show = ShowId();
    m_detail = ShowDetail();
}

void ShowSync::refresh()
{
    if (d->context && d->detailConfirmed)
        d->fetchSeats(-1);
}

// The state lives in the public class; Private sets it through here.
void ShowSync::Private::setState(State state)
{
    if (q->m_state == state)
        return;
    q->m_state = state;
    qCDebug(lcClient).noquote() << "show" << show.value() << "sync" << state;
    emit q->stateChanged(state);
}

// ---------------------------------------------------------------------------------------------

void ShowSync::Private::loadFromCache()
{
    auto detail = cache.showDetail(show);
    if (!detail) {
        qCWarning(lcClient).noquote() << "cache:" << detail.error().message;
        return;
    }
    if (!detail->has_value())
        return;
    auto json = cache.layout((*detail)->summary.venue);
    if (!json || !json->has_value()) {
        if (!json)
            qCWarning(lcClient).noquote() << "cache:" << json.error().message;
        return;
    }
    auto parsed = parseVenueLayout(
        **json, QStringLiteral("cached layout of %1").arg((*detail)->summary.venue.value()));
    if (!parsed) {
        // A damaged entry is fetched again from the server.
        qCWarning(lcClient).noquote() << parsed.error().message;
        return;
    }
    applyDetail(**detail, std::make_shared<const VenueLayout>(std::move(*parsed)));
    auto cached = cache.availability(show);
    if (!cached) {
        qCWarning(lcClient).noquote() << "cache:" << cached.error().message;
    } else if (cached->has_value()) {
        if (auto applied = model.applySnapshot((*cached)->statuses, (*cached)->version); applied) {
            hasStatuses = true;
            confirmedMs = (*cached)->confirmedMs;
        } else {
            qCWarning(lcClient).noquote() << "cached availability of" << show.value()
                                          << "ignored:" << applied.error().message;
        }
    }
    updateState();
}

void ShowSync::Private::applyDetail(const ShowDetail &detail,
                                    std::shared_ptr<const VenueLayout> venue)
{
    const bool first = !layout;
    const bool repriced = first || venue != layout || !samePricing(detail, q->m_detail);
    q->m_detail = detail;
    if (repriced) {
        // Statuses survive a new price list; a new layout starts from the next snapshot.
        const bool keep = !first && venue->seatCount() == model.seatCount() && hasStatuses;
        std::vector<quint8> statuses = keep ? model.statuses() : std::vector<quint8>();
        const qint64 version = model.version();
        layout = std::move(venue);
        model.setShow(show, layout, categoryPrices(*layout, detail), detail.summary.currency);
        if (keep)
            (void)model.applySnapshot(std::move(statuses), version);
        else
            hasStatuses = false;
    }
    if (!opened) {
        opened = true;
        emit q->opened(q->m_detail);
    }
}

void ShowSync::Private::closeChannel()
{
    heartbeatTimer.stop();
    socketReady = false;
    helloVersion = -1;
    if (QWebSocket *old = socket) {
        socket.clear();
        disconnect(old, nullptr, q, nullptr);
        old->abort();
        old->deleteLater();
    }
}

void ShowSync::Private::saveNow()
{
    saveTimer.stop();
    if (!dirty || !hasStatuses || model.show() != show)
        return;
    dirty = false;
    if (auto saved = cache.saveAvailability(
            show, CachedAvailability{model.statuses(), model.version(), confirmedMs});
        !saved)
        qCWarning(lcClient).noquote()
            << "cannot cache the availability of" << show.value() << ":" << saved.error().message;
}

// ---------------------------------------------------------------------------------------------

void ShowSync::Private::connectServer()
{
    reconnectTimer.stop();
    if (!context)
        return;
    if (!detailConfirmed)
        return fetchDetail();
    if (!seatsConfirmed)
        return fetchSeats(hasStatuses ? model.version() : -1);
    if (!socket)
        openChannel();
}

void ShowSync::Private::fetchDetail()
{
    client.showDetail(show, context.get(), [this](const Result<ShowDetail> &detail) {
        if (!detail)
            return serverFailed(detail.error(), QStringLiteral("show detail"));
        if (auto saved = cache.saveShowDetail(*detail); !saved)
            qCWarning(lcClient).noquote()
                << "cannot cache show" << show.value() << ":" << saved.error().message;
        if (!layout || layout->id() != detail->summary.venue)
            return fetchLayout(*detail);
        applyDetail(*detail, layout);
        detailConfirmed = true;
        connectServer();
    });
}

void ShowSync::Private::fetchLayout(const ShowDetail &detail)
{
    client.venueLayout(
        detail.summary.venue, context.get(), [this, detail](const Result<QByteArray> &json) {
            if (!json)
                return serverFailed(json.error(), QStringLiteral("venue layout"));
            auto parsed = parseVenueLayout(
                *json, QStringLiteral("layout of %1").arg(detail.summary.venue.value()));
            if (!parsed)
                return serverFailed(parsed.error(), QStringLiteral("venue layout"));
            if (auto saved = cache.saveLayout(detail.summary.venue, *json); !saved)
                qCWarning(lcClient).noquote()
                    << "cannot cache the layout of" << detail.summary.venue.value() << ":"
                    << saved.error().message;
            applyDetail(detail, std::make_shared<const VenueLayout>(std::move(*parsed)));
            detailConfirmed = true;
            connectServer();
        });
}

void ShowSync::Private::fetchSeats(qint64 since)
{
    if (fetching) {
        refetch = true;
        refetchSnapshot = refetchSnapshot || since < 0;
        return;
    }
    fetching = true;
    updateState();
    client.seats(show, since, context.get(),
                 [this](const Result<SeatsUpdate> &update) { handleSeats(update); });
}

void ShowSync::Private::handleSeats(const Result<SeatsUpdate> &update)
{
    fetching = false;
    if (!update) {
        buffered.clear();
        refetch = refetchSnapshot = false;
        return serverFailed(update.error(), QStringLiteral("seats"));
    }
    bool complete = true;
    if (const auto *snapshot = std::get_if<SeatSnapshot>(&*update)) {
        // Also when its version is below the model's: the server's database was restored.
        if (auto applied = model.applySnapshot(snapshot->statuses, snapshot->version); !applied) {
            // The venue changed under the show: start over with its detail and layout.
            qCWarning(lcClient).noquote()
                << "snapshot of" << show.value() << "does not fit:" << applied.error().message;
            detailConfirmed = false;
            layout.reset();
            buffered.clear();
            return serverFailed(applied.error(), QStringLiteral("seats"));
        }
        hasStatuses = true;
    } else {
        complete = applyChanges(std::get<SeatDelta>(*update).changes);
    }
    seatsConfirmed = true;
    offline = false;
    confirmedMs = clock.nowMs();
    dirty = true;
    saveNow();
    // What the channel pushed meanwhile follows the fetched state.
    const QList<SeatDelta> pushed = std::exchange(buffered, {});
    for (const SeatDelta &delta : pushed)
        complete = complete && applyChanges(delta.changes);
    // The channel opened at a later version than this fetch saw: fetch what lies between.
    if (socketReady && model.version() < helloVersion)
        complete = false;
    if (!complete || refetch) {
        const bool snapshot = refetchSnapshot;
        refetch = refetchSnapshot = false;
        return fetchSeats(snapshot ? -1 : model.version());
    }
    if (!socket)
        openChannel();
    updateState();
}

bool ShowSync::Private::applyChanges(const QList<SeatChangeInfo> &changes)
{
    for (const SeatChangeInfo &change : changes) {
        if (change.version <= model.version())
            continue; // already in the model
        if (change.version != model.version() + 1) {
            qCInfo(lcClient).noquote()
                << "show" << show.value() << "jumped from version" << model.version() << "to"
                << change.version << "; catching up";
            return false;
        }
        if (auto applied = model.applyChange(change.status, change.seatIndexes, change.version);
            !applied) {
            qCWarning(lcClient).noquote()
                << "change of" << show.value() << "refused:" << applied.error().message;
            refetchSnapshot = true;
            return false;
        }
        dirty = true;
    }
    if (dirty && !saveTimer.isActive())
        saveTimer.start(kSaveDelayMs);
    return true;
}

void ShowSync::Private::openChannel()
{
    closeChannel();
    auto *channel = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, q);
    socket = channel;
    connect(channel, &QWebSocket::textMessageReceived, q,
            [this, channel](const QString &text) { handleMessage(channel, text); });
    connect(channel, &QWebSocket::pong, q, [this, channel] {
        if (channel == socket)
            sinceLastMessage.restart();
    });
    connect(channel, &QWebSocket::disconnected, q, [this, channel] {
        handleChannelGone(channel, channel->closeReason().isEmpty() ? QStringLiteral("closed")
                                                                    : channel->closeReason());
    });
    connect(channel, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), q,
            [this, channel](QAbstractSocket::SocketError) {
                handleChannelGone(channel, channel->errorString());
            });
    sinceLastMessage.start();
    heartbeatTimer.start();
    const QUrl url = client.liveUrl(show);
    if (ServerTrust *trust = client.trust(); trust && url.scheme() == QLatin1StringView("wss"))
        trust->guard(channel, url); // the pinned certificate only, before the upgrade is sent
    channel->open(url);
}

void ShowSync::Private::handleMessage(QWebSocket *from, const QString &text)
{
    if (from != socket)
        return;
    sinceLastMessage.restart();
    const QString where = QStringLiteral("live channel of %1").arg(show.value());
    auto object = parseAnswer(text.toUtf8(), where);
    if (!object) {
        qCWarning(lcClient).noquote() << object.error().message;
        return fetchSeats(model.version());
    }
    AnswerReader json(*object, where);
    const QString type = json.string(QStringLiteral("type"), 32);
    if (type == QLatin1StringView("hello")) {
        const qint64 version =
            json.integer(QStringLiteral("version"), 0, std::numeric_limits<qint64>::max() / 2);
        if (!json.ok()) {
            qCWarning(lcClient).noquote() << json.result().error().message;
            return fetchSeats(model.version());
        }
        socketReady = true;
        helloVersion = version;
        confirmedMs = clock.nowMs();
        if (!fetching && version > model.version())
            fetchSeats(model.version()); // changes between our fetch and the subscription
        else if (!fetching && version < model.version())
            fetchSeats(-1); // the server went back in time: its database was restored
        updateState();
        return;
    }
    if (type == QLatin1StringView("delta")) {
        const SeatDelta delta = readDelta(json, show, QStringLiteral("fromVersion"));
        if (!json.ok()) {
            qCWarning(lcClient).noquote() << json.result().error().message;
            return fetchSeats(model.version());
        }
        confirmedMs = clock.nowMs();
        if (fetching) {
            if (buffered.size() < kMaxBufferedDeltas)
                buffered.append(delta);
            else
                refetch = true;
            return;
        }
        if (!applyChanges(delta.changes))
            fetchSeats(refetchSnapshot ? -1 : model.version());
        refetchSnapshot = false;
        return;
    }
    qCDebug(lcClient).noquote() << where << "sent an unknown message type" << type;
}

void ShowSync::Private::handleChannelGone(QWebSocket *from, const QString &why)
{
    if (from != socket)
        return;
    qCInfo(lcClient).noquote() << "live channel of" << show.value() << "lost:" << why;
    closeChannel();
    seatsConfirmed = false;
    updateState();
    scheduleReconnect();
}

void ShowSync::Private::heartbeat()
{
    if (!socket)
        return;
    if (sinceLastMessage.elapsed() > kSilenceLimitMs) {
        handleChannelGone(
            socket, QStringLiteral("no sign of life for %1 ms").arg(sinceLastMessage.elapsed()));
        return;
    }
    if (socket->state() == QAbstractSocket::ConnectedState)
        socket->ping();
}

void ShowSync::Private::serverFailed(const Error &error, const QString &what)
{
    qCInfo(lcClient).noquote() << "show" << show.value() << what << "failed:" << error.message;
    if (!opened || (error.code == ErrorCode::NotFound && !detailConfirmed)) {
        // Nothing to show: neither the cache nor the server has this show.
        ShowSync *owner = q;
        owner->close();
        emit owner->openFailed(error);
        return;
    }
    offline = error.code == ErrorCode::Unreachable;
    closeChannel();
    seatsConfirmed = false;
    updateState();
    scheduleReconnect();
}

void ShowSync::Private::scheduleReconnect()
{
    if (!context || reconnectTimer.isActive())
        return;
    // +-20 % so that many terminals do not come back in lockstep after a server restart.
    const double jitter = 0.8 + 0.4 * QRandomGenerator::global()->generateDouble();
    reconnectTimer.start(std::max(1, int(backoffMs * jitter)));
    backoffMs = std::min(backoffMs * 2, maxBackoffMs);
}

void ShowSync::Private::updateState()
{
    if (!context)
        return;
    const bool live = detailConfirmed && seatsConfirmed && socketReady && !fetching;
    if (live) {
        wasLive = true;
        offline = false;
        backoffMs = firstBackoffMs;
        setModelFreshness(Freshness::Live);
        setState(State::Live);
        return;
    }
    setModelFreshness(offline || wasLive ? Freshness::Stale : Freshness::Cached);
    setState(offline ? State::Offline : State::Connecting);
}

void ShowSync::Private::setModelFreshness(Freshness freshness)
{
    if (!hasStatuses || model.show() != show)
        return;
    // While live, the time it became live; once stale, the last confirmation.
    if (freshness == Freshness::Live && model.freshness() == Freshness::Live)
        return;
    model.setFreshness(freshness, confirmedMs);
}

} // namespace Boxoffice::Sync

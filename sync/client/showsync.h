#pragma once

#include "core/common/clock.h"
#include "core/seatmap/seatmapmodel.h"
#include "sync/client/apiclient.h"
#include "sync/client/terminalcache.h"

#include <QObject>
#include <QTimer>

#include <memory>

class QWebSocket;

namespace Boxoffice::Sync {

// Keeps a SeatMapModel in step with the server for one show (DESIGN.md §3.3, §4):
//  1. open(): the layout and last availability from the cache at once (Freshness::Cached),
//     the show detail and layout from the server when the cache lacks them;
//  2. a compact snapshot from the server (Freshness::Live), saved back to the cache;
//  3. the show's WebSocket channel; each pushed delta is applied when its fromVersion is the
//     model's version, skipped when already applied, and a gap fetches ?since=V (which may
//     answer with a snapshot);
//  4. when the server or the socket goes away: Freshness::Stale, reconnect with backoff
//     (0.5 s doubling to 15 s, with jitter), then catch up with ?since=V.
// Availability is saved to the cache after each snapshot and at most every few seconds.
//
// Lives on the GUI thread; does not own the client, cache or model.
class ShowSync : public QObject
{
    Q_OBJECT
public:
    enum class State
    {
        Closed,
        Connecting, // loading, or waiting to reconnect
        Live,       // snapshot applied and the WebSocket is open
        Offline,    // the server is unreachable; retrying
    };
    Q_ENUM(State)

    ShowSync(ApiClient &client, TerminalCache &cache, Core::SeatMapModel &model,
             const Core::Clock &clock, QObject *parent = nullptr);
    ~ShowSync() override;

    // Starts following `show`. Emits opened() once the model has a layout (from cache or
    // server), or openFailed() when neither has the show.
    void open(const Core::ShowId &show);
    void close();
    // Fetches a fresh snapshot now (e.g. after a refused hold).
    void refresh();

    [[nodiscard]] State state() const { return m_state; }
    [[nodiscard]] const ShowDetail &detail() const { return m_detail; }
    // Reconnect delays (for tests); defaults 500 ms and 15 s.
    void setBackoff(int firstMs, int maxMs);

signals:
    void opened(const ShowDetail &detail);
    void openFailed(const Error &error);
    void stateChanged(State state);

private:
    // Implementation details are the implementer's.
    struct Private;
    std::unique_ptr<Private> d;
    State m_state = State::Closed;
    ShowDetail m_detail;
};

} // namespace Boxoffice::Sync

#pragma once

#include "core/common/ids.h"
#include "core/security/ticketsigner.h"
#include "sync/client/apitypes.h"

#include <QObject>
#include <QTimer>

namespace Boxoffice::Core {
class Clock;
}

namespace Boxoffice::Sync {

class ApiClient;
class TerminalCache;
struct QueuedScan;

// What the door decided about one scan.
struct ScanOutcome
{
    int serial = 0;      // 1, 2, ... in the order scan() was called
    QString input;       // what was scanned or typed, trimmed
    bool decided = true; // false: nothing could be decided (problem says why), e.g. a typed
                         // ticket code while the server is unreachable
    TicketVerification verification; // verdict and the ticket's details
    bool offline = false; // decided from the cache, not by the server (and queued for upload)
    bool local = false;   // refused by the door's own checks (signature, show) without asking
    qint64 scannedMs = 0;
    QString door;
    QString problem; // why it is undecided, or what went wrong beside the verdict
};

// A ticket let in at this door while offline that, on upload, the server found used before
// (earlier*) or revoked (revoked*).
struct ScanConflict
{
    QString scanId;
    Core::TicketCode ticket;
    QString door; // this door
    qint64 scannedMs = 0;
    qint64 earlierUsedMs = 0; // the earlier use
    QString earlierDoor;
    QString earlierBy;
    qint64 revokedMs = 0;  // when it was revoked; 0 for a second use
    QString revokedReason; // REFUND, VOID, REPRINT or EXCHANGE; empty for a second use
};

// The door's scanning logic (docs/kiosk-and-door-api.md, "Door scanning"); no widgets.
//
// scan() takes what a keyboard-wedge scanner typed (a QR payload) or a typed ticket code and
// answers with scanned(). Local checks come first and never need the network: garbage, an
// unsigned or tampered payload or one from an unknown key is FORGED, another show's ticket is
// WRONG_SHOW — answered before scan() returns (and, when online, still sent to the server, only
// to be recorded). A genuine ticket for this door is then verified online (POST
// /tickets/verify, short timeout); when the server cannot be reached the door decides from its
// cache — the revocations and uses it has synced, the tickets it let in itself and those the
// server refused to it as revoked — and queues the scan in the cache (a crash loses nothing).
//
// The queue is uploaded in parts of 100 (what fits the server's body limit) whenever the server
// answers again; a flagged upload (the same ticket let in at two doors) is reported with
// conflictFound(). An entry the server refuses as malformed is marked refused in the cache and
// the rest of the queue goes on. Revocations are refreshed every refreshIntervalMs (30 s), and
// keys at start(); while offline the refresh is retried every retryIntervalMs (5 s) and is the
// probe that notices the server is back.
//
// Typed ticket codes (not "BX1." payloads) are looked up online (order search) and then
// checked like their payload; offline they stay undecided.
//
// Lives on the GUI thread; uses the client and the cache, which must outlive it.
class DoorScanner : public QObject
{
    Q_OBJECT
public:
    DoorScanner(ApiClient &client, TerminalCache &cache, const Core::Clock &clock,
                QObject *parent = nullptr);
    ~DoorScanner() override;

    // The show this door admits; empty admits any show (no WRONG_SHOW, no revocation sync).
    void setShow(const Core::ShowId &show);
    [[nodiscard]] const Core::ShowId &show() const { return m_show; }
    // Where the scans happen, stored with each use ("North 1"); cut to 64 characters.
    void setDoor(const QString &door);
    [[nodiscard]] const QString &door() const { return m_door; }

    // How long an online verify may take before the door decides offline (default 1.5 s).
    void setVerifyTimeoutMs(int ms) { m_verifyTimeoutMs = ms; }
    // The revocation refresh while online (default 30 s) and the probe while offline (5 s).
    void setRefreshIntervalMs(int ms);
    void setRetryIntervalMs(int ms);

    // Loads the cached keys, then fetches keys and revocations and uploads the queue.
    void start();

    // Decides about one scan; the outcome comes with scanned() (at once for local decisions).
    // Returns the outcome's serial, or 0 when the input was empty (ignored).
    int scan(const QString &input);

    // Uploads the queue now (also done on its own when the server answers again).
    void uploadQueue();
    // Fetches revocations (and keys, if none are known) now.
    void refresh();

    [[nodiscard]] bool isOnline() const { return m_online; }
    [[nodiscard]] int pendingScans() const { return m_pending; }
    [[nodiscard]] int keyCount() const;

signals:
    void scanned(const Boxoffice::Sync::ScanOutcome &outcome);
    void conflictFound(const Boxoffice::Sync::ScanConflict &conflict);
    // The number of scans waiting for upload changed.
    void queueChanged(int pending);
    void onlineChanged(bool online);
    // The show's revocations and uses were synced from the server, or keys were loaded.
    void revocationsSynced();
    void keysLoaded(int count);
    // Something the door staff should know that is not one scan's answer (cache trouble, a
    // refused upload entry).
    void problem(const QString &message);

private:
    void scanPayload(ScanOutcome outcome, const QString &payload);
    void lookUpTypedCode(ScanOutcome outcome);
    void recordRefusal(const QString &payload);
    void verifyOnline(ScanOutcome outcome, const QString &payload,
                      const Core::TicketClaims &claims);
    // `scanId` is the id the scan is queued and uploaded under.
    void decideOffline(ScanOutcome outcome, const QString &payload,
                       const Core::TicketClaims &claims, const QString &why, const QString &scanId);
    void finish(const ScanOutcome &outcome);
    void fetchKeys();
    void setKeys(const QList<TicketKey> &keys);
    void handleUploaded(const QList<QueuedScan> &part, const QList<UploadedScanResult> &results);
    void handleUploadFailed(const QList<QueuedScan> &part, const Core::Error &error);
    void setOnline(bool online);
    void updatePending();
    void report(const QString &message);
    // Remembers a use in the door's records (reported, not returned, when the cache fails).
    void cacheUse(const Core::ShowId &show, const UsedTicket &use);
    [[nodiscard]] Core::ShowId showFor(const Core::TicketClaims &claims) const;

    ApiClient &m_client;
    TerminalCache &m_cache;
    const Core::Clock &m_clock;
    Core::TicketVerifier m_verifier;
    int m_keyCount = 0;
    Core::ShowId m_show;
    QString m_door;
    QTimer m_refreshTimer;
    int m_refreshIntervalMs = 30'000;
    int m_retryIntervalMs = 5'000;
    int m_verifyTimeoutMs = 1'500;
    int m_partSize = 100;
    int m_serial = 0;
    int m_pending = 0;
    bool m_online = true;
    bool m_uploading = false;
    bool m_refreshing = false;
    bool m_fetchingKeys = false;
};

} // namespace Boxoffice::Sync

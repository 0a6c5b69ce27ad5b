#include "sync/client/doorscanner.h"

#include "core/common/clock.h"
#include "core/security/random.h"
#include "sync/client/apiclient.h"
#include "sync/client/clientlogging.h"
#include "sync/client/terminalcache.h"

#include <QRegularExpression>

namespace Boxoffice::Sync {

using namespace Core;

namespace {

// Scans per upload: the server takes at most 500, but its 64 KiB body limit fits about 100
// (docs/kiosk-and-door-api.md).
constexpr int kMaxUploadPart = 100;
constexpr int kMaxDoorLength = 64;

bool isPayload(const QString &input)
{
    return input.startsWith(QLatin1StringView("BX1."), Qt::CaseInsensitive);
}

// A ticket code as the server makes them ("T" and 24 characters of Crockford base32), typed
// from the print when a QR code does not scan.
bool looksLikeTicketCode(const QString &input)
{
    static const QRegularExpression pattern(QStringLiteral("^T[0-9A-Z]{8,40}$"),
                                            QRegularExpression::CaseInsensitiveOption);
    return pattern.match(input).hasMatch();
}

// The key id a well-formed payload names (the first field of its body); empty otherwise.
QString payloadKeyId(const QString &payload)
{
    const QStringList parts = payload.trimmed().split(u'.');
    if (parts.size() != 3)
        return {};
    const auto body = QByteArray::fromBase64Encoding(
        parts[1].toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals |
                                 QByteArray::AbortOnBase64DecodingErrors);
    if (!body)
        return {};
    return QString::fromUtf8(body.decoded.left(body.decoded.indexOf('|')));
}

TicketVerification forged(const QString &reason)
{
    TicketVerification v;
    v.verdict = ScanVerdict::Forged;
    v.reason = reason;
    return v;
}

TicketVerification fromClaims(const TicketClaims &claims, ScanVerdict verdict)
{
    TicketVerification v;
    v.verdict = verdict;
    v.ticket = claims.ticket;
    v.show = claims.show;
    v.seat = claims.seat;
    v.order = claims.order;
    return v;
}

} // namespace

DoorScanner::DoorScanner(ApiClient &client, TerminalCache &cache, const Clock &clock,
                         QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_cache(cache)
    , m_clock(clock)
{
    m_refreshTimer.setSingleShot(true);
    connect(&m_refreshTimer, &QTimer::timeout, this, &DoorScanner::refresh);
    // Any request of the terminal that gets an answer again means the queue can go.
    connect(&m_client, &ApiClient::reachabilityChanged, this, [this](bool reachable) {
        if (reachable)
            setOnline(true);
    });
}

DoorScanner::~DoorScanner() = default;

void DoorScanner::setShow(const ShowId &show)
{
    m_show = show;
}

void DoorScanner::setDoor(const QString &door)
{
    m_door = door.trimmed().left(kMaxDoorLength);
}

void DoorScanner::setRefreshIntervalMs(int ms)
{
    m_refreshIntervalMs = ms;
    if (m_online && m_refreshTimer.isActive())
        m_refreshTimer.start(ms);
}

void DoorScanner::setRetryIntervalMs(int ms)
{
    m_retryIntervalMs = ms;
    if (!m_online && m_refreshTimer.isActive())
        m_refreshTimer.start(ms);
}

int DoorScanner::keyCount() const
{
    return m_keyCount;
}

void DoorScanner::start()
{
    if (auto keys = m_cache.ticketKeys(); keys)
        setKeys(*keys);
    else
        report(tr("Cannot read the cached ticket keys: %1").arg(keys.error().message));
    updatePending();
    fetchKeys();
    refresh();
}

void DoorScanner::setKeys(const QList<TicketKey> &keys)
{
    TicketVerifier verifier;
    for (const TicketKey &key : keys)
        verifier.addKey(key.keyId, key.publicKey);
    m_verifier = verifier;
    m_keyCount = int(keys.size());
    emit keysLoaded(m_keyCount);
}

void DoorScanner::fetchKeys()
{
    if (m_fetchingKeys)
        return;
    m_fetchingKeys = true;
    m_client.ticketKeys(this, [this](Result<QList<TicketKey>> keys) {
        m_fetchingKeys = false;
        if (!keys) {
            if (keys.error().code == ErrorCode::Unreachable)
                setOnline(false);
            else
                report(tr("Cannot load the ticket keys: %1").arg(keys.error().message));
            return;
        }
        setOnline(true);
        if (auto saved = m_cache.saveTicketKeys(*keys); !saved)
            report(tr("Cannot cache the ticket keys: %1").arg(saved.error().message));
        setKeys(*keys);
    });
}

void DoorScanner::refresh()
{
    if (m_keyCount == 0)
        fetchKeys();
    if (m_show.isEmpty()) {
        // Nothing to sync; probe the server so the queue goes when it is back.
        m_client.health(this, [this](Result<> ok) {
            setOnline(ok || ok.error().code != ErrorCode::Unreachable);
            m_refreshTimer.start(m_online ? m_refreshIntervalMs : m_retryIntervalMs);
        });
        return;
    }
    if (m_refreshing)
        return;
    auto since = m_cache.revocationsAsOf(m_show);
    if (!since) {
        report(tr("Cannot read the revocation sync state: %1").arg(since.error().message));
        since = QString();
    }
    m_refreshing = true;
    const ShowId show = m_show;
    m_client.ticketRevocations(show, *since, this, [this, show](Result<TicketRevocations> list) {
        m_refreshing = false;
        if (!list) {
            if (list.error().code == ErrorCode::Unreachable) {
                setOnline(false);
            } else {
                report(tr("Cannot sync revocations: %1").arg(list.error().message));
                m_refreshTimer.start(m_refreshIntervalMs);
            }
            return;
        }
        if (auto applied = m_cache.applyRevocations(*list); !applied)
            report(tr("Cannot cache revocations: %1").arg(applied.error().message));
        setOnline(true);
        // The door was switched to another show while this answer was on its way: that
        // show's revocations are wanted now, not at the next refresh.
        m_refreshTimer.start(show == m_show ? m_refreshIntervalMs : 0);
        emit revocationsSynced();
    });
}

int DoorScanner::scan(const QString &input)
{
    const QString text = input.trimmed();
    if (text.isEmpty())
        return 0;
    ScanOutcome outcome;
    outcome.serial = ++m_serial;
    outcome.input = text.left(kTicketPayloadMaxLength + 1);
    outcome.scannedMs = m_clock.nowMs();
    outcome.door = m_door;
    if (!isPayload(text) && looksLikeTicketCode(text)) {
        lookUpTypedCode(outcome);
        return outcome.serial;
    }
    scanPayload(outcome, text);
    return outcome.serial;
}

void DoorScanner::scanPayload(ScanOutcome outcome, const QString &payload)
{
    auto claims = m_verifier.verify(payload);
    if (!claims) {
        const bool unknownKey = claims.error().code == ErrorCode::SignatureInvalid &&
                                !m_verifier.hasKey(payloadKeyId(payload));
        if (unknownKey && m_online) {
            // The server may have a key this door has not seen yet: let it decide, and
            // fetch the keys again.
            fetchKeys();
            m_client.verifyTicket(
                payload, m_show, m_door, {}, m_verifyTimeoutMs, this,
                [this, outcome, error = claims.error()](Result<TicketVerification> answer) mutable {
                    if (answer) {
                        outcome.verification = *answer;
                    } else {
                        outcome.verification = forged(error.message);
                        outcome.offline = true;
                        if (answer.error().code == ErrorCode::Unreachable)
                            setOnline(false);
                    }
                    finish(outcome);
                });
            return;
        }
        outcome.verification = forged(claims.error().message);
        outcome.local = true;
        finish(outcome);
        recordRefusal(payload);
        return;
    }
    if (!m_show.isEmpty() && claims->show != m_show) {
        outcome.verification = fromClaims(*claims, ScanVerdict::WrongShow);
        outcome.local = true;
        finish(outcome);
        recordRefusal(payload);
        return;
    }
    if (!m_online) {
        decideOffline(outcome, payload, *claims, tr("the server is unreachable"),
                      newSortableId(u"SCAN_", outcome.scannedMs));
        return;
    }
    verifyOnline(outcome, payload, *claims);
}

void DoorScanner::recordRefusal(const QString &payload)
{
    // The answer is already given; the server only records the attempt (forgeries at a door
    // are worth knowing about). Nothing is queued for it while offline.
    if (!m_online)
        return;
    m_client.verifyTicket(payload.left(kTicketPayloadMaxLength + 1), m_show, m_door, {},
                          m_verifyTimeoutMs, this, [this](Result<TicketVerification> answer) {
                              if (!answer && answer.error().code == ErrorCode::Unreachable)
                                  setOnline(false);
                          });
}

void DoorScanner::verifyOnline(ScanOutcome outcome, const QString &payload,
                               const TicketClaims &claims)
{
    // The verify carries the id the scan is queued under if the answer does not come in time:
    // a verify the server made but whose answer was lost then uploads as that same scan, not
    // as a second use at another door.
    const QString scanId = newSortableId(u"SCAN_", outcome.scannedMs);
    m_client.verifyTicket(
        payload, m_show, m_door, scanId, m_verifyTimeoutMs, this,
        [this, outcome, payload, claims, scanId](Result<TicketVerification> answer) mutable {
            if (!answer) {
                if (answer.error().code == ErrorCode::Unreachable)
                    setOnline(false);
                else if (answer.error().code == ErrorCode::Unauthenticated)
                    report(tr("The server ended this door's session: log in again. Until then "
                              "scans are decided from this door's records and wait for upload."));
                decideOffline(outcome, payload, claims, answer.error().message, scanId);
                return;
            }
            setOnline(true);
            outcome.verification = *answer;
            const ShowId show = answer->show.isEmpty() ? claims.show : answer->show;
            if (answer->verdict == ScanVerdict::Valid) {
                const qint64 usedMs = answer->usedMs > 0 ? answer->usedMs : outcome.scannedMs;
                const QString usedBy =
                    answer->usedBy.isEmpty() ? m_client.session().username : answer->usedBy;
                cacheUse(show, {claims.ticket, usedMs, m_door, usedBy});
            } else if (answer->verdict == ScanVerdict::AlreadyUsed && answer->usedMs > 0) {
                cacheUse(show, {claims.ticket, answer->usedMs, answer->usedDoor, answer->usedBy});
            } else if (answer->verdict == ScanVerdict::Revoked) {
                // Refused online, it must not get in offline before the next sync either.
                if (auto ok = m_cache.recordRevocation(
                        show, {claims.ticket, answer->revokedMs, answer->revokedReason});
                    !ok)
                    report(tr("Cannot cache a revocation: %1").arg(ok.error().message));
            }
            finish(outcome);
        });
}

void DoorScanner::decideOffline(ScanOutcome outcome, const QString &payload,
                                const TicketClaims &claims, const QString &why,
                                const QString &scanId)
{
    outcome.offline = true;
    outcome.problem = why;
    const ShowId show = claims.show;
    auto revoked = m_cache.revokedTicket(show, claims.ticket);
    auto used = revoked ? m_cache.usedTicket(show, claims.ticket)
                        : Result<std::optional<UsedTicket>>(std::unexpected(revoked.error()));
    if (!used) {
        // Without the cache the door cannot know; it must not let the holder in on a guess.
        outcome.decided = false;
        outcome.verification = fromClaims(claims, ScanVerdict::Valid);
        outcome.problem = tr("Cannot read the door's cache: %1").arg(used.error().message);
        report(outcome.problem);
        finish(outcome);
        return;
    }
    if (*revoked) {
        outcome.verification = fromClaims(claims, ScanVerdict::Revoked);
        outcome.verification.revokedMs = (*revoked)->revokedMs;
        outcome.verification.revokedReason = (*revoked)->reason;
    } else if (*used) {
        outcome.verification = fromClaims(claims, ScanVerdict::AlreadyUsed);
        outcome.verification.usedMs = (*used)->usedMs;
        outcome.verification.usedDoor = (*used)->usedDoor;
        outcome.verification.usedBy = (*used)->usedBy;
    } else {
        outcome.verification = fromClaims(claims, ScanVerdict::Valid);
        outcome.verification.usedMs = outcome.scannedMs;
        outcome.verification.usedDoor = m_door;
        outcome.verification.usedBy = m_client.session().username;
    }
    // Queued before the use is cached: a crash in between must lose the door's record of the
    // use (a second scan here is then flagged on upload), never the server's.
    OfflineScan queued;
    queued.scanId = scanId;
    queued.qrPayload = payload;
    queued.show = showFor(claims);
    queued.door = m_door;
    queued.scannedMs = outcome.scannedMs;
    queued.offlineVerdict = outcome.verification.verdict;
    if (auto ok = m_cache.queueScan(queued); !ok)
        report(tr("Cannot queue the scan for upload: %1").arg(ok.error().message));
    if (outcome.verification.verdict == ScanVerdict::Valid)
        cacheUse(show, {claims.ticket, outcome.scannedMs, m_door, outcome.verification.usedBy});
    updatePending();
    finish(outcome);
}

void DoorScanner::lookUpTypedCode(ScanOutcome outcome)
{
    const QString code = outcome.input.toUpper();
    if (!m_online) {
        outcome.decided = false;
        outcome.offline = true;
        outcome.verification = forged(QString());
        outcome.verification.ticket = TicketCode(code);
        outcome.problem = tr("A typed ticket code can only be checked online; scan the QR code.");
        finish(outcome);
        return;
    }
    auto undecided = [this](ScanOutcome outcome, const QString &why) {
        outcome.decided = false;
        outcome.verification.ticket = TicketCode(outcome.input.toUpper());
        outcome.problem = why;
        finish(outcome);
    };
    m_client.findOrders(code, 1, this, [this, outcome, code, undecided](Result<OrderSearch> found) {
        if (!found) {
            if (found.error().code == ErrorCode::Unreachable)
                setOnline(false);
            return undecided(outcome,
                             tr("Cannot look the ticket code up: %1").arg(found.error().message));
        }
        if (found->orders.isEmpty() || found->matchedBy != QLatin1StringView("TICKET_CODE")) {
            ScanOutcome unknown = outcome;
            unknown.verification = forged(tr("no ticket has the code %1").arg(code));
            unknown.verification.ticket = TicketCode(code);
            return finish(unknown);
        }
        m_client.order(
            found->orders.first().order, this,
            [this, outcome, code, undecided](Result<OrderInfo> order) {
                if (!order && order.error().code == ErrorCode::Unreachable)
                    setOnline(false);
                if (!order)
                    return undecided(
                        outcome,
                        tr("Cannot read the ticket's order: %1").arg(order.error().message));
                for (const TicketInfo &ticket : order->tickets) {
                    if (ticket.code.value().compare(code, Qt::CaseInsensitive) == 0)
                        return scanPayload(outcome, ticket.qrPayload);
                }
                ScanOutcome unknown = outcome;
                unknown.verification = forged(tr("no ticket has the code %1").arg(code));
                unknown.verification.ticket = TicketCode(code);
                finish(unknown);
            });
    });
}

void DoorScanner::finish(const ScanOutcome &outcome)
{
    qCInfo(lcClient).noquote() << "door" << m_door << "scan" << outcome.serial
                               << (outcome.decided ? Core::wireName(outcome.verification.verdict)
                                                   : QStringLiteral("UNDECIDED"))
                               << outcome.verification.ticket.value()
                               << (outcome.local     ? "local"
                                   : outcome.offline ? "offline"
                                                     : "online");
    emit scanned(outcome);
}

ShowId DoorScanner::showFor(const TicketClaims &claims) const
{
    return m_show.isEmpty() ? claims.show : m_show;
}

void DoorScanner::uploadQueue()
{
    if (m_uploading)
        return;
    auto part = m_cache.pendingScans(m_partSize);
    if (!part) {
        report(tr("Cannot read the scan queue: %1").arg(part.error().message));
        return;
    }
    if (part->isEmpty()) {
        m_partSize = kMaxUploadPart;
        return;
    }
    m_uploading = true;
    QList<OfflineScan> scans;
    for (const QueuedScan &queued : *part)
        scans.append(queued.scan);
    m_client.uploadScans(scans, this,
                         [this, part = *part](Result<QList<UploadedScanResult>> results) {
                             m_uploading = false;
                             if (!results)
                                 return handleUploadFailed(part, results.error());
                             handleUploaded(part, *results);
                         });
}

void DoorScanner::handleUploaded(const QList<QueuedScan> &part,
                                 const QList<UploadedScanResult> &results)
{
    QStringList done;
    for (qsizetype i = 0; i < results.size(); ++i) {
        const UploadedScanResult &result = results[i];
        const QueuedScan &queued = part[i];
        if (result.scanId != queued.scan.scanId) {
            report(tr("The server answered scan %1 for scan %2; the queue is kept")
                       .arg(result.scanId, queued.scan.scanId));
            break;
        }
        done.append(result.scanId);
        const TicketVerification &v = result.verification;
        if (v.verdict == ScanVerdict::AlreadyUsed && v.usedMs > 0 && !v.ticket.isEmpty()) {
            cacheUse(queued.scan.show, {v.ticket, v.usedMs, v.usedDoor, v.usedBy});
        }
        if (v.verdict == ScanVerdict::Revoked && !v.ticket.isEmpty()) {
            if (auto ok = m_cache.recordRevocation(queued.scan.show,
                                                   {v.ticket, v.revokedMs, v.revokedReason});
                !ok)
                report(tr("Cannot cache a revocation: %1").arg(ok.error().message));
        }
        if (result.flagged) {
            ScanConflict conflict;
            conflict.scanId = result.scanId;
            conflict.ticket = v.ticket;
            conflict.door = queued.scan.door;
            conflict.scannedMs = queued.scan.scannedMs;
            if (v.verdict == ScanVerdict::Revoked) {
                conflict.revokedMs = v.revokedMs;
                conflict.revokedReason = v.revokedReason;
                qCWarning(lcClient).noquote()
                    << "scan" << conflict.scanId << "of ticket" << conflict.ticket.value() << "at"
                    << conflict.door << "let in a revoked ticket (" << conflict.revokedReason
                    << ")";
            } else {
                conflict.earlierUsedMs = result.conflictUsedMs ? result.conflictUsedMs : v.usedMs;
                conflict.earlierDoor =
                    result.conflictDoor.isEmpty() ? v.usedDoor : result.conflictDoor;
                conflict.earlierBy = result.conflictBy.isEmpty() ? v.usedBy : result.conflictBy;
                qCWarning(lcClient).noquote()
                    << "scan" << conflict.scanId << "of ticket" << conflict.ticket.value() << "at"
                    << conflict.door << "was used before at" << conflict.earlierDoor;
            }
            emit conflictFound(conflict);
        }
    }
    if (auto ok = m_cache.removeScans(done); !ok) {
        report(tr("Cannot remove uploaded scans from the queue: %1").arg(ok.error().message));
        return;
    }
    updatePending();
    if (!m_online)
        setOnline(true); // uploads the next part too
    else if (done.size() == part.size())
        uploadQueue(); // the next part, if any
}

void DoorScanner::handleUploadFailed(const QList<QueuedScan> &part, const Error &error)
{
    QStringList ids;
    for (const QueuedScan &queued : part)
        ids.append(queued.scan.scanId);
    if (auto ok = m_cache.recordScanAttempt(ids, error.message); !ok)
        report(tr("Cannot record an upload attempt: %1").arg(ok.error().message));
    if (error.code == ErrorCode::Unreachable) {
        setOnline(false);
        return;
    }
    if (error.code != ErrorCode::BadRequest) {
        // Refused as a whole (session, role, server trouble): try again at the next refresh.
        report(tr("The scan queue was not accepted: %1").arg(error.message));
        return;
    }
    // One entry spoils the whole part. Take out the one the server names; if it names none,
    // send one at a time to find it. Either way the rest of the queue goes on.
    const QJsonValue index = error.details.value(QStringLiteral("index"));
    const int bad = index.isDouble() ? index.toInt(-1) : -1;
    if (bad >= 0 && bad < part.size()) {
        if (auto ok = m_cache.refuseScan(part[bad].scan.scanId, error.message); !ok)
            report(tr("Cannot mark a refused scan: %1").arg(ok.error().message));
        report(
            tr("The server refused queued scan %1: %2").arg(part[bad].scan.scanId, error.message));
        m_partSize = kMaxUploadPart; // also when it was found sending one at a time
    } else if (part.size() == 1) {
        if (auto ok = m_cache.refuseScan(part.first().scan.scanId, error.message); !ok)
            report(tr("Cannot mark a refused scan: %1").arg(ok.error().message));
        report(tr("The server refused queued scan %1: %2")
                   .arg(part.first().scan.scanId, error.message));
        m_partSize = kMaxUploadPart; // found it: the rest goes in full parts again
    } else {
        m_partSize = 1;
    }
    updatePending();
    QTimer::singleShot(0, this, &DoorScanner::uploadQueue);
}

void DoorScanner::setOnline(bool online)
{
    if (online == m_online) {
        if (online && m_pending > 0)
            uploadQueue();
        if (!online && !m_refreshTimer.isActive())
            m_refreshTimer.start(m_retryIntervalMs);
        return;
    }
    m_online = online;
    qCInfo(lcClient) << "door" << m_door << (online ? "online" : "offline");
    m_refreshTimer.start(online ? m_refreshIntervalMs : m_retryIntervalMs);
    emit onlineChanged(online);
    if (online) {
        if (m_keyCount == 0)
            fetchKeys();
        uploadQueue();
    }
}

void DoorScanner::updatePending()
{
    auto count = m_cache.pendingScanCount();
    if (!count) {
        report(tr("Cannot read the scan queue: %1").arg(count.error().message));
        return;
    }
    if (*count == m_pending)
        return;
    m_pending = *count;
    emit queueChanged(m_pending);
}

void DoorScanner::cacheUse(const ShowId &show, const UsedTicket &use)
{
    if (auto ok = m_cache.recordUse(show, use); !ok)
        report(tr("Cannot cache a use: %1").arg(ok.error().message));
}

void DoorScanner::report(const QString &message)
{
    qCWarning(lcClient).noquote() << "door" << m_door << message;
    emit problem(message);
}

} // namespace Boxoffice::Sync

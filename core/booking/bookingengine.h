#pragma once

#include "core/booking/bookingtypes.h"
#include "core/booking/showstate.h"
#include "core/common/clock.h"
#include "core/common/result.h"
#include "core/security/ticketsigner.h"
#include "core/storage/database.h"

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

namespace Boxoffice::Core {

struct EngineOptions
{
    DatabaseConfig database;
    int maxSeatsPerHold = 10;
    int minHoldSeconds = 30;
    int maxHoldSeconds = 1800;
    // How long an order may wait for payment. Its hold is kept at least that long.
    int paymentWindowSeconds = 600;
    // Tickets stay valid this long after the show starts.
    qint64 ticketGraceMs = 6LL * 3600 * 1000;
    // The scheduled expiry: the writer wakes at the next hold expiry and expires due holds at
    // the start of every batch. Off only in tests that prove the other expiry paths work on
    // their own (the periodic scan, sweepNow, the checks inside order and payment).
    bool expiryTimerEnabled = true;
    // The compensating scan of (expiry_time, status) of seed §13.3 runs this often.
    int sweepIntervalMs = 5'000;
    // Group commit: at most this many commands share one transaction.
    int maxBatch = 512;
    // Beyond this many queued commands new ones are refused as Overloaded (back-pressure).
    int maxQueuedCommands = 20'000;
    // A paid order may be voided (all money back, tickets revoked) this long after payment.
    int voidWindowSeconds = 30 * 60;
};

class ReadConnections;
class ShowRegistry;
class WriterContext;

// The server-side booking rules over the database (seed §7–§9, DESIGN.md §3.1–§3.2).
//
// Commands are queued and applied by one writer thread that commits many of them in one
// transaction (group commit); each command runs inside its own savepoint with guarded
// conditional updates, so one refused command never disturbs the others. A command's
// completion runs on the writer thread after its transaction committed (or failed): it must be
// quick and thread-safe, typically posting the result to the caller's thread.
//
// Reads are thread-safe and use a connection of the calling thread. Seat maps are cached in
// ShowState objects that follow every commit.
class BookingEngine
{
public:
    using CommittedChanges = std::vector<std::pair<ShowId, SeatChange>>;
    using ChangeListener = std::function<void(const CommittedChanges &)>;

    BookingEngine(EngineOptions options, const Clock &clock, TicketSigner signer);
    ~BookingEngine();
    BookingEngine(const BookingEngine &) = delete;
    BookingEngine &operator=(const BookingEngine &) = delete;

    // Called on the writer thread after each commit with the seat changes it made, in version
    // order per show. Set before open(); must be quick (post the changes to another thread).
    void setChangeListener(ChangeListener listener);

    // Brings the schema up to date, releases holds that expired while the server was down,
    // tickets paid orders that were not ticketed yet, and starts the writer thread.
    [[nodiscard]] Result<> open();
    // Finishes queued commands and stops the writer. Also done by the destructor.
    void close();

    void hold(HoldCommand command, Completion<HoldConfirmation> done);
    void release(ReleaseCommand command, Completion<ReleaseOutcome> done);
    void createOrder(OrderCommand command, Completion<OrderCreated> done);
    void tender(TenderCommand command, Completion<PaymentOutcome> done);
    void paymentCallback(CallbackCommand command, Completion<PaymentOutcome> done);
    // A scan at the door; every scan is recorded (ticket_scan), a VALID one marks the ticket
    // used at its door.
    void verifyTicket(VerifyCommand command, Completion<VerifyOutcome> done);
    // Offline scans of a door, decided in order in one savepoint: all are recorded or none.
    // The outcomes are in the order of command.scans.
    void uploadScans(ScanUploadCommand command, Completion<QList<VerifyOutcome>> done);
    // PENDING_PAY -> CANCELLED, its hold released; Conflict (details status) once paid,
    // Forbidden for another user's order unless the command may cancel any.
    void cancelOrder(CancelOrderCommand command, Completion<CancelOrderOutcome> done);
    // Money operations (docs/supervisor-api.md). The caller checks roles; the engine checks
    // the order, ticket and hold states and answers with the audit's before and after.
    void refund(RefundCommand command, Completion<RefundOutcome> done);
    void refundCallback(RefundCallbackCommand command, Completion<RefundCallbackOutcome> done);
    void voidOrder(VoidCommand command, Completion<VoidOutcome> done);
    void reprint(ReprintCommand command, Completion<ReprintOutcome> done);
    void exchange(ExchangeCommand command, Completion<ExchangeOutcome> done);
    // Runs the compensating expiry scan now; completes with the number of holds expired.
    void sweepNow(Completion<int> done);
    // Makes the writer look at the clock again (after a ManualClock moved).
    void wake();

    [[nodiscard]] Result<std::shared_ptr<ShowState>> showState(const ShowId &show);
    [[nodiscard]] Result<QList<std::shared_ptr<ShowState>>> allShows();
    [[nodiscard]] Result<OrderView> order(const OrderId &order);
    // ACTIVE holds of `show` created at or before `createdUpToMs`, oldest first.
    [[nodiscard]] Result<QList<ActiveHold>> activeHolds(const ShowId &show, qint64 createdUpToMs,
                                                        int limit);
    // The venue layout document as it was added (docs/venue-layout-format.md); terminals cache
    // it per venue. NotFound for an unknown venue.
    [[nodiscard]] Result<QByteArray> venueLayoutJson(const VenueId &venue);

    [[nodiscard]] const EngineOptions &options() const { return m_options; }
    [[nodiscard]] const TicketSigner &signer() const { return m_signer; }
    [[nodiscard]] const Clock &clock() const { return m_clock; }
    // A connection of the calling thread for other stores sharing the database.
    [[nodiscard]] Result<Connection *> readConnection();
    [[nodiscard]] int queuedCommands() const;

    struct Command;

private:
    void enqueue(std::unique_ptr<Command> command);
    [[nodiscard]] Result<> prepareWriter();
    void writerMain();
    void checkpointerMain();
    void boundWriteAheadLog();
    // True when the batch committed as one transaction.
    bool runBatch(std::vector<std::unique_ptr<Command>> &commands);

    EngineOptions m_options;
    const Clock &m_clock;
    TicketSigner m_signer;
    ChangeListener m_listener;

    std::unique_ptr<ReadConnections> m_reads;
    std::unique_ptr<ShowRegistry> m_registry;
    std::unique_ptr<WriterContext> m_writer; // touched by the writer thread only once open

    mutable std::mutex m_queueMutex;
    std::condition_variable m_queueChanged;
    std::deque<std::unique_ptr<Command>> m_queue;
    bool m_stopping = false;
    bool m_wakeRequested = false;
    std::thread m_thread;
    // SQLite only: copies the write-ahead log into the database beside the writer, so the
    // writer's commits never pay for a checkpoint.
    std::thread m_checkpointer;
    std::condition_variable m_checkpointerWake; // its own: the writer's wake-ups are not shared
    int m_batchesSinceLogCheck = 0;
};

} // namespace Boxoffice::Core

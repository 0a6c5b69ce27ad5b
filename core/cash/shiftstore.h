#pragma once

#include "core/common/clock.h"
#include "core/common/ids.h"
#include "core/common/result.h"

#include <QDate>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <functional>
#include <optional>

namespace Boxoffice::Core {

class Connection;

// One cashier's drawer on one terminal, from the float to the counted cash.
struct Shift
{
    QString id;
    UserId user;
    QString username;
    QString terminal;
    bool open = true;
    qint64 floatCents = 0;
    qint64 openedMs = 0;
    qint64 closedMs = 0;                // 0 while open
    std::optional<qint64> countedCents; // set when closed
};

// Money that moved, by tender. Integer cents throughout.
struct TenderTotals
{
    int count = 0;   // sales: payments; refunds: refund records
    int tickets = 0; // seats sold or handed back
    qint64 cashCents = 0;
    qint64 cardCents = 0;

    [[nodiscard]] qint64 totalCents() const { return cashCents + cardCents; }
    TenderTotals &operator+=(const TenderTotals &other);
};

// Exchanges: money the customer paid on top (in) or got back (out).
struct ExchangeTotals
{
    int count = 0;
    qint64 cashInCents = 0;
    qint64 cashOutCents = 0;
    qint64 cardInCents = 0;
    qint64 cardOutCents = 0;

    ExchangeTotals &operator+=(const ExchangeTotals &other);
};

struct ShiftFigures
{
    TenderTotals sales;   // APPLIED CASH/CARD payments, exchange top-ups excepted
    TenderTotals refunds; // refunds and voids that moved money (COMPLETED or CARD_PENDING)
    ExchangeTotals exchanges;
    qint64 floatCents = 0;

    // Cash sales - cash refunds + exchange cash in - exchange cash out.
    [[nodiscard]] qint64 netCashCents() const;
    // What the drawer should hold: the float plus the net cash.
    [[nodiscard]] qint64 expectedCashCents() const { return floatCents + netCashCents(); }
    ShiftFigures &operator+=(const ShiftFigures &other);
};

// An X report (the figures so far) or a Z report (at closing, with the counted cash).
struct ShiftReport
{
    bool closing = false; // Z
    Shift shift;
    ShiftFigures figures;
    qint64 generatedMs = 0;
};

// The day's shifts summed per cashier or per terminal (or all of them).
struct ShiftGroupTotals
{
    QString key;      // user id, terminal name, or "" for the whole day
    QString username; // per cashier
    int shifts = 0;
    int openShifts = 0;
    ShiftFigures figures;
    qint64 countedCents = 0;    // over the closed shifts
    qint64 differenceCents = 0; // counted - expected, over the closed shifts
};

struct DayReport
{
    QDate date; // UTC
    QList<ShiftGroupTotals> byCashier;
    QList<ShiftGroupTotals> byTerminal;
    ShiftGroupTotals total;
};

struct ShiftFilter
{
    QString user;                 // user id; "" for all
    QString terminal;             // "" for all
    std::optional<qint64> fromMs; // opened at or after
    std::optional<qint64> toMs;   // opened at or before
    std::optional<bool> open;     // OPEN or CLOSED; nullopt for both
};

[[nodiscard]] QJsonObject shiftJson(const Shift &shift);
[[nodiscard]] QJsonObject shiftReportJson(const ShiftReport &report);
[[nodiscard]] QJsonObject dayReportJson(const DayReport &report);

// Cash shifts (table cash_shift) and their X/Z reports, over the payments and refunds stamped
// with a shift id. At most one open shift per user and per terminal (unique indexes back the
// check). Opening and closing are guarded updates inside a write transaction; closing stores the
// Z report in the row, and payments recorded afterwards no longer join the closed shift (the
// engine stamps only open shifts). Thread-safe like AccountStore.
class ShiftStore
{
public:
    using ConnectionProvider = std::function<Result<Connection *>()>;

    ShiftStore(ConnectionProvider connections, const Clock &clock);

    // ShiftAlreadyOpen when the user or the terminal has an open shift; BadRequest without a
    // terminal or with a negative float.
    [[nodiscard]] Result<Shift> open(const UserId &user, const QString &terminal,
                                     qint64 floatCents);
    // The user's open shift, or NoOpenShift.
    [[nodiscard]] Result<Shift> current(const UserId &user);
    // The id of the shift open for `user` at `terminal`, or "" when there is none.
    [[nodiscard]] Result<QString> openShiftId(const UserId &user, const QString &terminal);
    [[nodiscard]] Result<Shift> find(const QString &shiftId); // NotFound
    [[nodiscard]] Result<QList<Shift>> list(const ShiftFilter &filter, int limit = 500);
    // X report of an open shift; the stored Z report of a closed one.
    [[nodiscard]] Result<QJsonObject> report(const QString &shiftId);
    // Closes the shift with the counted cash and returns (and stores) its Z report.
    // ShiftClosed if it is closed already.
    [[nodiscard]] Result<QJsonObject> close(const QString &shiftId, qint64 countedCents);
    [[nodiscard]] Result<DayReport> day(const QDate &date);

private:
    ConnectionProvider m_connections;
    const Clock &m_clock;
};

} // namespace Boxoffice::Core

#include "ui/scan/scanstyle.h"

#include <QDateTime>

namespace Boxoffice::Gui {

using Sync::ScanVerdict;

QString ScanStyle::reasonText(const QString &reason)
{
    if (reason == QLatin1StringView("REFUND"))
        return tr("refunded");
    if (reason == QLatin1StringView("VOID"))
        return tr("voided");
    if (reason == QLatin1StringView("REPRINT"))
        return tr("replaced by a reprint");
    if (reason == QLatin1StringView("EXCHANGE"))
        return tr("exchanged");
    return reason.isEmpty() ? tr("revoked") : reason;
}

ScanLook ScanStyle::look(const Sync::ScanOutcome &outcome)
{
    if (!outcome.decided)
        return {tr("NOT CHECKED"), QColor(0x55, 0x5b, 0x66), Qt::white};
    switch (outcome.verification.verdict) {
    case ScanVerdict::Valid:
        return {tr("VALID"), QColor(0x1b, 0x8a, 0x3a), Qt::white};
    case ScanVerdict::AlreadyUsed:
        return {tr("ALREADY USED"), QColor(0xf2, 0xa9, 0x00), Qt::black};
    case ScanVerdict::Revoked:
        return {tr("REVOKED"), QColor(0xd3, 0x2f, 0x2f), Qt::white};
    case ScanVerdict::Forged:
        return {tr("FORGED"), QColor(0x3a, 0x08, 0x0c), QColor(0xff, 0x8a, 0x80)};
    case ScanVerdict::WrongShow:
        return {tr("WRONG SHOW"), QColor(0x4a, 0x3a, 0xb5), Qt::white};
    }
    return {tr("UNKNOWN"), Qt::gray, Qt::black};
}

QString ScanStyle::time(qint64 ms)
{
    if (ms <= 0)
        return tr("an unknown time");
    const QDateTime time = QDateTime::fromMSecsSinceEpoch(ms).toLocalTime();
    if (time.date() == QDate::currentDate())
        return time.toString(QStringLiteral("HH:mm:ss"));
    return time.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

QString ScanStyle::detail(const Sync::ScanOutcome &outcome, const QString &otherShowTitle)
{
    const Sync::TicketVerification &v = outcome.verification;
    if (!outcome.decided)
        return outcome.problem;
    const QString seat = v.seat.isEmpty() ? QString() : tr("Seat %1").arg(v.seat.value());
    switch (v.verdict) {
    case ScanVerdict::Valid:
        return seat.isEmpty() ? tr("Let the holder in") : tr("%1 — let the holder in").arg(seat);
    case ScanVerdict::AlreadyUsed: {
        QString text = tr("Used at %1").arg(time(v.usedMs));
        // A scanner that read the same ticket twice shows this for the holder just let in: how
        // long ago says which it is.
        const qint64 ago = (outcome.scannedMs - v.usedMs) / 1000;
        if (v.usedMs > 0 && ago >= 0 && ago < 60)
            text += tr(" (%n s ago)", nullptr, int(ago));
        else if (v.usedMs > 0 && ago >= 60 && ago < 3600)
            text += tr(" (%n min ago)", nullptr, int(ago / 60));
        if (!v.usedDoor.isEmpty())
            text += tr(" at %1").arg(v.usedDoor);
        if (!v.usedBy.isEmpty())
            text += tr(" by %1").arg(v.usedBy);
        return seat.isEmpty() ? text : seat + QStringLiteral(" · ") + text;
    }
    case ScanVerdict::Revoked: {
        QString text = reasonText(v.revokedReason);
        text[0] = text[0].toUpper();
        if (v.revokedMs > 0)
            text += tr(" at %1").arg(time(v.revokedMs));
        return seat.isEmpty() ? text : seat + QStringLiteral(" · ") + text;
    }
    case ScanVerdict::Forged:
        // The attendant needs what to do; the reason is for the record and the curious.
        return v.reason.isEmpty() ? tr("Not a Boxoffice ticket: do not let the holder in")
                                  : tr("Do not let the holder in (%1)").arg(v.reason);
    case ScanVerdict::WrongShow:
        return tr("This ticket is for %1")
            .arg(otherShowTitle.isEmpty()
                     ? v.show.value()
                     : QStringLiteral("%1 (%2)").arg(otherShowTitle, v.show.value()));
    }
    return {};
}

} // namespace Boxoffice::Gui

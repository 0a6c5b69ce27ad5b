#include "core/booking/bookingtypes.h"

namespace Boxoffice::Core {

QString wireName(PaymentResult result)
{
    switch (result) {
    case PaymentResult::Applied:
        return QStringLiteral("APPLIED");
    case PaymentResult::Duplicate:
        return QStringLiteral("DUPLICATE");
    case PaymentResult::FailureRecorded:
        return QStringLiteral("FAILURE_RECORDED");
    case PaymentResult::RefundRequired:
        return QStringLiteral("REFUND_REQUIRED");
    }
    return {};
}

QString wireName(ScanResult result)
{
    switch (result) {
    case ScanResult::Valid:
        return QStringLiteral("VALID");
    case ScanResult::AlreadyUsed:
        return QStringLiteral("ALREADY_USED");
    case ScanResult::Revoked:
        return QStringLiteral("REVOKED");
    case ScanResult::Forged:
        return QStringLiteral("FORGED");
    }
    return {};
}

QString wireName(PaymentMethod method)
{
    return method == PaymentMethod::Cash ? QStringLiteral("CASH") : QStringLiteral("CARD");
}

} // namespace Boxoffice::Core

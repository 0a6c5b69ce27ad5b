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
    case ScanResult::WrongShow:
        return QStringLiteral("WRONG_SHOW");
    }
    return {};
}

std::optional<ScanResult> scanResultFromWireName(QStringView name)
{
    for (ScanResult result : {ScanResult::Valid, ScanResult::AlreadyUsed, ScanResult::Revoked,
                              ScanResult::Forged, ScanResult::WrongShow}) {
        if (name == wireName(result))
            return result;
    }
    return std::nullopt;
}

QString wireName(PaymentMethod method)
{
    return method == PaymentMethod::Cash ? QStringLiteral("CASH") : QStringLiteral("CARD");
}

QString wireName(RefundKind kind)
{
    switch (kind) {
    case RefundKind::Refund:
        return QStringLiteral("REFUND");
    case RefundKind::Void:
        return QStringLiteral("VOID");
    case RefundKind::Exchange:
        return QStringLiteral("EXCHANGE");
    }
    return {};
}

QString wireName(RefundMethod method)
{
    return method == RefundMethod::Cash ? QStringLiteral("CASH") : QStringLiteral("CARD");
}

QString wireName(RefundStatus status)
{
    switch (status) {
    case RefundStatus::Completed:
        return QStringLiteral("COMPLETED");
    case RefundStatus::CardPending:
        return QStringLiteral("CARD_PENDING");
    case RefundStatus::CardFailed:
        return QStringLiteral("CARD_FAILED");
    }
    return {};
}

std::optional<RefundKind> refundKindFromWireName(QStringView name)
{
    for (RefundKind kind : {RefundKind::Refund, RefundKind::Void, RefundKind::Exchange}) {
        if (name == wireName(kind))
            return kind;
    }
    return std::nullopt;
}

std::optional<RefundMethod> refundMethodFromWireName(QStringView name)
{
    for (RefundMethod method : {RefundMethod::Cash, RefundMethod::Card}) {
        if (name == wireName(method))
            return method;
    }
    return std::nullopt;
}

std::optional<RefundStatus> refundStatusFromWireName(QStringView name)
{
    for (RefundStatus status :
         {RefundStatus::Completed, RefundStatus::CardPending, RefundStatus::CardFailed}) {
        if (name == wireName(status))
            return status;
    }
    return std::nullopt;
}

} // namespace Boxoffice::Core

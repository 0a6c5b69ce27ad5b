#pragma once

#include "core/common/result.h"

#include <QString>

namespace Boxoffice::Core {

// An amount of money in integer minor units (cents) of one currency. Never a double.
// Arithmetic that could overflow or mix currencies returns a Result.
class Money
{
public:
    Money() = default;
    // currency is an ISO 4217 code ("EUR"); amounts of different currencies never mix.
    [[nodiscard]] static Result<Money> fromMinor(qint64 minorUnits, const QString &currency);
    // Parses "12", "12.5", "12.50", "-3.05" (a dot, at most two decimals) into minor units.
    [[nodiscard]] static Result<Money> parse(QStringView text, const QString &currency);
    [[nodiscard]] static Money zero(const QString &currency) { return Money(0, currency); }

    [[nodiscard]] qint64 minorUnits() const { return m_minor; }
    [[nodiscard]] const QString &currency() const { return m_currency; }
    [[nodiscard]] bool isNegative() const { return m_minor < 0; }

    [[nodiscard]] Result<Money> plus(const Money &other) const;
    [[nodiscard]] Result<Money> minus(const Money &other) const;
    [[nodiscard]] Result<Money> times(qint64 factor) const;

    // "12.50 EUR"; negative amounts as "-12.50 EUR".
    [[nodiscard]] QString toString() const;
    // "12.50": the amount alone, for receipts that print the currency once.
    [[nodiscard]] QString amountText() const;

    friend bool operator==(const Money &, const Money &) = default;

private:
    Money(qint64 minor, QString currency)
        : m_minor(minor)
        , m_currency(std::move(currency))
    {}
    [[nodiscard]] Result<> checkSameCurrency(const Money &other) const;

    qint64 m_minor = 0;
    QString m_currency;
};

// The largest amount the system accepts anywhere (one hundred million in major units): far above
// any real ticket total, far below overflow of sums of many such amounts.
inline constexpr qint64 kMaxMinorUnits = 10'000'000'000LL;

} // namespace Boxoffice::Core

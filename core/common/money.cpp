#include "core/common/money.h"

#include <limits>

namespace Boxoffice::Core {

namespace {

bool isCurrencyCode(const QString &code)
{
    if (code.size() != 3)
        return false;
    for (QChar c : code) {
        if (c < u'A' || c > u'Z')
            return false;
    }
    return true;
}

} // namespace

Result<Money> Money::fromMinor(qint64 minorUnits, const QString &currency)
{
    if (!isCurrencyCode(currency))
        return fail(ErrorCode::BadRequest,
                    QStringLiteral("'%1' is not a three-letter currency code").arg(currency));
    if (minorUnits > kMaxMinorUnits || minorUnits < -kMaxMinorUnits)
        return fail(ErrorCode::BadRequest,
                    QStringLiteral("amount %1 is outside the accepted range").arg(minorUnits));
    return Money(minorUnits, currency);
}

Result<Money> Money::parse(QStringView text, const QString &currency)
{
    const QStringView trimmed = text.trimmed();
    QStringView digits = trimmed;
    bool negative = false;
    if (digits.startsWith(u'-')) {
        negative = true;
        digits = digits.mid(1);
    }
    const qsizetype dot = digits.indexOf(u'.');
    const QStringView whole = dot < 0 ? digits : digits.left(dot);
    const QStringView fraction = dot < 0 ? QStringView() : digits.mid(dot + 1);
    auto allDigits = [](QStringView part) {
        for (QChar c : part) {
            if (!c.isDigit() || c.unicode() > 127)
                return false;
        }
        return true;
    };
    if (whole.isEmpty() || whole.size() > 12 || !allDigits(whole) || fraction.size() > 2 ||
        (dot >= 0 && fraction.isEmpty()) || !allDigits(fraction)) {
        return fail(ErrorCode::BadRequest,
                    QStringLiteral("'%1' is not an amount like 12.50").arg(trimmed));
    }
    qint64 minor = whole.toLongLong() * 100;
    if (fraction.size() == 1)
        minor += fraction.toLongLong() * 10;
    else if (fraction.size() == 2)
        minor += fraction.toLongLong();
    return fromMinor(negative ? -minor : minor, currency);
}

Result<> Money::checkSameCurrency(const Money &other) const
{
    if (m_currency != other.m_currency)
        return fail(ErrorCode::BadRequest,
                    QStringLiteral("cannot combine %1 with %2").arg(m_currency, other.m_currency));
    return {};
}

Result<Money> Money::plus(const Money &other) const
{
    if (auto same = checkSameCurrency(other); !same)
        return std::unexpected(same.error());
    return fromMinor(m_minor + other.m_minor, m_currency);
}

Result<Money> Money::minus(const Money &other) const
{
    if (auto same = checkSameCurrency(other); !same)
        return std::unexpected(same.error());
    return fromMinor(m_minor - other.m_minor, m_currency);
}

Result<Money> Money::times(qint64 factor) const
{
    qint64 product = 0;
    if (__builtin_mul_overflow(m_minor, factor, &product))
        return fail(ErrorCode::BadRequest, QStringLiteral("amount overflows"));
    return fromMinor(product, m_currency);
}

QString Money::amountText() const
{
    const qint64 magnitude = m_minor < 0 ? -m_minor : m_minor;
    return QStringLiteral("%1%2.%3")
        .arg(m_minor < 0 ? QStringLiteral("-") : QString())
        .arg(magnitude / 100)
        .arg(magnitude % 100, 2, 10, QLatin1Char('0'));
}

QString Money::toString() const
{
    return amountText() + QLatin1Char(' ') + m_currency;
}

} // namespace Boxoffice::Core

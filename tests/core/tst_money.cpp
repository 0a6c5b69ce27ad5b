#include "core/common/money.h"
#include "core/common/result.h"

#include <QRegularExpression>
#include <QSet>
#include <QTest>

#include <limits>
#include <utility>

namespace Boxoffice::Core {
// Readable QCOMPARE failures.
char *toString(const Money &money)
{
    return QTest::toString(money.toString());
}
} // namespace Boxoffice::Core

using namespace Boxoffice::Core;
using namespace Qt::StringLiterals;

namespace {

const QString kEur = u"EUR"_s;
const QString kUsd = u"USD"_s;

Money eur(qint64 minor)
{
    auto money = Money::fromMinor(minor, kEur);
    Q_ASSERT(money);
    return *money;
}

QList<ErrorCode> allErrorCodes()
{
    QList<ErrorCode> codes;
    for (int i = 0; i <= std::to_underlying(ErrorCode::Internal); ++i)
        codes.append(static_cast<ErrorCode>(i));
    return codes;
}

} // namespace

class TestMoney : public QObject
{
    Q_OBJECT

private slots:
    void fromMinor_data()
    {
        QTest::addColumn<qint64>("minor");
        QTest::addColumn<QString>("currency");
        QTest::addColumn<bool>("ok");

        QTest::newRow("zero") << qint64(0) << kEur << true;
        QTest::newRow("one cent") << qint64(1) << kEur << true;
        QTest::newRow("negative") << qint64(-305) << kEur << true;
        QTest::newRow("largest") << kMaxMinorUnits << kEur << true;
        QTest::newRow("smallest") << -kMaxMinorUnits << kEur << true;
        QTest::newRow("above largest") << kMaxMinorUnits + 1 << kEur << false;
        QTest::newRow("below smallest") << -kMaxMinorUnits - 1 << kEur << false;
        QTest::newRow("int64 max") << std::numeric_limits<qint64>::max() << kEur << false;
        QTest::newRow("int64 min") << std::numeric_limits<qint64>::min() << kEur << false;
        QTest::newRow("other currency") << qint64(100) << kUsd << true;
        QTest::newRow("lower-case currency") << qint64(100) << u"eur"_s << false;
        QTest::newRow("two letters") << qint64(100) << u"EU"_s << false;
        QTest::newRow("four letters") << qint64(100) << u"EURO"_s << false;
        QTest::newRow("digit in code") << qint64(100) << u"E1R"_s << false;
        QTest::newRow("empty currency") << qint64(100) << QString() << false;
    }

    void fromMinor()
    {
        QFETCH(qint64, minor);
        QFETCH(QString, currency);
        QFETCH(bool, ok);

        const auto money = Money::fromMinor(minor, currency);
        QCOMPARE(money.has_value(), ok);
        if (ok) {
            QCOMPARE(money->minorUnits(), minor);
            QCOMPARE(money->currency(), currency);
            QCOMPARE(money->isNegative(), minor < 0);
        } else {
            QCOMPARE(money.error().code, ErrorCode::BadRequest);
            QVERIFY(!money.error().message.isEmpty());
        }
    }

    void parse_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<qint64>("minor");

        QTest::newRow("whole") << u"12"_s << true << qint64(1200);
        QTest::newRow("one decimal") << u"12.5"_s << true << qint64(1250);
        QTest::newRow("two decimals") << u"12.50"_s << true << qint64(1250);
        QTest::newRow("negative") << u"-3.05"_s << true << qint64(-305);
        QTest::newRow("one cent") << u"0.01"_s << true << qint64(1);
        QTest::newRow("zero") << u"0"_s << true << qint64(0);
        QTest::newRow("negative half") << u"-0.5"_s << true << qint64(-50);
        QTest::newRow("leading zeros") << u"007.10"_s << true << qint64(710);
        QTest::newRow("surrounding spaces are trimmed") << u" 12 "_s << true << qint64(1200);
        QTest::newRow("tab and newline trimmed") << u"\t1.99\n"_s << true << qint64(199);
        QTest::newRow("largest") << u"100000000"_s << true << kMaxMinorUnits;
        QTest::newRow("smallest") << u"-100000000.00"_s << true << -kMaxMinorUnits;

        QTest::newRow("empty") << QString() << false << qint64(0);
        QTest::newRow("only spaces") << u"   "_s << false << qint64(0);
        QTest::newRow("trailing dot") << u"12."_s << false << qint64(0);
        QTest::newRow("leading dot") << u".5"_s << false << qint64(0);
        QTest::newRow("three decimals") << u"1.234"_s << false << qint64(0);
        QTest::newRow("letters") << u"abc"_s << false << qint64(0);
        QTest::newRow("exponent") << u"1e3"_s << false << qint64(0);
        QTest::newRow("comma") << u"1,50"_s << false << qint64(0);
        QTest::newRow("plus sign") << u"+5"_s << false << qint64(0);
        QTest::newRow("only minus") << u"-"_s << false << qint64(0);
        QTest::newRow("double minus") << u"--1"_s << false << qint64(0);
        QTest::newRow("minus in fraction") << u"1.-5"_s << false << qint64(0);
        QTest::newRow("two dots") << u"1.2.3"_s << false << qint64(0);
        QTest::newRow("inner space") << u"12 .5"_s << false << qint64(0);
        QTest::newRow("non-ASCII digit") << u"\u0663"_s << false << qint64(0);
        QTest::newRow("one cent over the limit") << u"100000000.01"_s << false << qint64(0);
        QTest::newRow("huge, 12 digits") << u"999999999999"_s << false << qint64(0);
        QTest::newRow("huge, 30 digits")
            << u"123456789012345678901234567890"_s << false << qint64(0);
    }

    void parse()
    {
        QFETCH(QString, text);
        QFETCH(bool, ok);
        QFETCH(qint64, minor);

        const auto money = Money::parse(text, kEur);
        QCOMPARE(money.has_value(), ok);
        if (ok) {
            QCOMPARE(money->minorUnits(), minor);
            QCOMPARE(money->currency(), kEur);
        } else {
            QCOMPARE(money.error().code, ErrorCode::BadRequest);
        }
    }

    void parseChecksTheCurrency()
    {
        const auto money = Money::parse(u"12.50", u"euro"_s);
        QVERIFY(!money);
        QCOMPARE(money.error().code, ErrorCode::BadRequest);
    }

    void zeroAndEquality()
    {
        QCOMPARE(Money::zero(kEur), eur(0));
        QCOMPARE(Money::zero(kEur).minorUnits(), 0);
        QVERIFY(!Money::zero(kEur).isNegative());
        QVERIFY(eur(100) != *Money::fromMinor(100, kUsd));
        QVERIFY(eur(100) != eur(101));
    }

    void plusAndMinus()
    {
        const auto sum = eur(1250).plus(eur(305));
        QVERIFY(sum);
        QCOMPARE(*sum, eur(1555));

        const auto difference = eur(305).minus(eur(1250));
        QVERIFY(difference);
        QCOMPARE(*difference, eur(-945));
        QVERIFY(difference->isNegative());

        const auto upToLimit = eur(kMaxMinorUnits - 1).plus(eur(1));
        QVERIFY(upToLimit);
        QCOMPARE(upToLimit->minorUnits(), kMaxMinorUnits);
    }

    void currencyMismatch()
    {
        const Money dollars = *Money::fromMinor(100, kUsd);
        for (const auto &result : {eur(100).plus(dollars), eur(100).minus(dollars),
                                   Money().plus(eur(1)), eur(1).minus(Money())}) {
            QVERIFY(!result);
            QCOMPARE(result.error().code, ErrorCode::BadRequest);
        }
    }

    void overflow()
    {
        const auto overPlus = eur(kMaxMinorUnits).plus(eur(1));
        QVERIFY(!overPlus);
        QCOMPARE(overPlus.error().code, ErrorCode::BadRequest);

        const auto overMinus = eur(-kMaxMinorUnits).minus(eur(1));
        QVERIFY(!overMinus);
        QCOMPARE(overMinus.error().code, ErrorCode::BadRequest);

        // Beyond the accepted range but no machine overflow.
        const auto overTimes = eur(kMaxMinorUnits).times(2);
        QVERIFY(!overTimes);
        QCOMPARE(overTimes.error().code, ErrorCode::BadRequest);

        // The product itself overflows 64 bits.
        for (qint64 factor :
             {std::numeric_limits<qint64>::max(), std::numeric_limits<qint64>::min()}) {
            const auto product = eur(kMaxMinorUnits).times(factor);
            QVERIFY(!product);
            QCOMPARE(product.error().code, ErrorCode::BadRequest);
        }
        const auto minTimesMinusOne =
            eur(-1).times(std::numeric_limits<qint64>::min()); // -1 × min overflows
        QVERIFY(!minTimesMinusOne);
    }

    void times_data()
    {
        QTest::addColumn<qint64>("minor");
        QTest::addColumn<qint64>("factor");
        QTest::addColumn<qint64>("product");

        QTest::newRow("three tickets") << qint64(1250) << qint64(3) << qint64(3750);
        QTest::newRow("by zero") << qint64(1250) << qint64(0) << qint64(0);
        QTest::newRow("by one") << qint64(1250) << qint64(1) << qint64(1250);
        QTest::newRow("negative factor") << qint64(1250) << qint64(-2) << qint64(-2500);
        QTest::newRow("negative amount") << qint64(-305) << qint64(-2) << qint64(610);
        QTest::newRow("up to the limit") << kMaxMinorUnits / 4 << qint64(4) << kMaxMinorUnits;
    }

    void times()
    {
        QFETCH(qint64, minor);
        QFETCH(qint64, factor);
        QFETCH(qint64, product);

        const auto result = eur(minor).times(factor);
        QVERIFY(result);
        QCOMPARE(result->minorUnits(), product);
        QCOMPARE(result->currency(), kEur);
    }

    void text_data()
    {
        QTest::addColumn<qint64>("minor");
        QTest::addColumn<QString>("amount");

        QTest::newRow("two decimals") << qint64(1250) << u"12.50"_s;
        QTest::newRow("zero") << qint64(0) << u"0.00"_s;
        QTest::newRow("one cent") << qint64(1) << u"0.01"_s;
        QTest::newRow("ten cents") << qint64(10) << u"0.10"_s;
        QTest::newRow("negative") << qint64(-305) << u"-3.05"_s;
        QTest::newRow("negative cents") << qint64(-5) << u"-0.05"_s;
        QTest::newRow("largest") << kMaxMinorUnits << u"100000000.00"_s;
        QTest::newRow("smallest") << -kMaxMinorUnits << u"-100000000.00"_s;
    }

    void text()
    {
        QFETCH(qint64, minor);
        QFETCH(QString, amount);

        const Money money = eur(minor);
        QCOMPARE(money.amountText(), amount);
        QCOMPARE(money.toString(), amount + u" EUR"_s);
        // What is printed parses back to the same amount.
        const auto parsed = Money::parse(money.amountText(), kEur);
        QVERIFY(parsed);
        QCOMPARE(*parsed, money);
    }

    void everyErrorCodeHasAUniqueWireNameAndStatus()
    {
        static const QRegularExpression screamingSnake(u"^[A-Z]+(_[A-Z]+)*$"_s);
        QSet<QString> names;
        for (ErrorCode code : allErrorCodes()) {
            const ErrorCodeInfo info = errorCodeInfo(code);
            QVERIFY(info.wireName);
            const QString name = QString::fromLatin1(info.wireName);
            QVERIFY2(screamingSnake.match(name).hasMatch(), qPrintable(name));
            QVERIFY2(!names.contains(name), qPrintable(u"duplicate wire name "_s + name));
            names.insert(name);
            QVERIFY2(info.httpStatus >= 400 && info.httpStatus <= 599, qPrintable(name));
            QCOMPARE(errorCodeFromWireName(name), code);
        }
        QCOMPARE(int(names.size()), std::to_underlying(ErrorCode::Internal) + 1);
    }

    // Only server faults are 5xx: bad input must never answer 500 (DESIGN.md §3.4).
    void statuses_data()
    {
        QTest::addColumn<ErrorCode>("code");
        QTest::addColumn<int>("status");

        QTest::newRow("BadRequest") << ErrorCode::BadRequest << 400;
        QTest::newRow("Unauthenticated") << ErrorCode::Unauthenticated << 401;
        QTest::newRow("InvalidCredentials") << ErrorCode::InvalidCredentials << 401;
        QTest::newRow("SignatureInvalid") << ErrorCode::SignatureInvalid << 401;
        QTest::newRow("Forbidden") << ErrorCode::Forbidden << 403;
        QTest::newRow("NotFound") << ErrorCode::NotFound << 404;
        QTest::newRow("MethodNotAllowed") << ErrorCode::MethodNotAllowed << 405;
        QTest::newRow("SeatUnavailable") << ErrorCode::SeatUnavailable << 409;
        QTest::newRow("Conflict") << ErrorCode::Conflict << 409;
        QTest::newRow("IdempotencyInFlight") << ErrorCode::IdempotencyInFlight << 409;
        QTest::newRow("HoldExpired") << ErrorCode::HoldExpired << 410;
        QTest::newRow("HoldReleased") << ErrorCode::HoldReleased << 410;
        QTest::newRow("OrderExpired") << ErrorCode::OrderExpired << 410;
        QTest::newRow("PayloadTooLarge") << ErrorCode::PayloadTooLarge << 413;
        QTest::newRow("IdempotencyMismatch") << ErrorCode::IdempotencyMismatch << 422;
        QTest::newRow("AmountMismatch") << ErrorCode::AmountMismatch << 400;
        QTest::newRow("TicketNotFound") << ErrorCode::TicketNotFound << 404;
        QTest::newRow("TicketUsed") << ErrorCode::TicketUsed << 409;
        QTest::newRow("AlreadyRefunded") << ErrorCode::AlreadyRefunded << 409;
        QTest::newRow("TicketNotValid") << ErrorCode::TicketNotValid << 409;
        QTest::newRow("OrderNotRefundable") << ErrorCode::OrderNotRefundable << 409;
        QTest::newRow("OrderNotVoidable") << ErrorCode::OrderNotVoidable << 409;
        QTest::newRow("NoCardPayment") << ErrorCode::NoCardPayment << 409;
        QTest::newRow("CurrencyMismatch") << ErrorCode::CurrencyMismatch << 409;
        QTest::newRow("RateLimited") << ErrorCode::RateLimited << 429;
        QTest::newRow("BadCredentials") << ErrorCode::BadCredentials << 401;
        QTest::newRow("OverrideRejected") << ErrorCode::OverrideRejected << 403;
        QTest::newRow("ShiftAlreadyOpen") << ErrorCode::ShiftAlreadyOpen << 409;
        QTest::newRow("NoOpenShift") << ErrorCode::NoOpenShift << 404;
        QTest::newRow("ShiftClosed") << ErrorCode::ShiftClosed << 409;
        QTest::newRow("KioskSeatLimit") << ErrorCode::KioskSeatLimit << 403;
        QTest::newRow("Overloaded") << ErrorCode::Overloaded << 503;
        QTest::newRow("Unreachable") << ErrorCode::Unreachable << 503;
        QTest::newRow("StorageFailure") << ErrorCode::StorageFailure << 500;
        QTest::newRow("Internal") << ErrorCode::Internal << 500;
    }

    void statuses()
    {
        QFETCH(ErrorCode, code);
        QFETCH(int, status);
        QCOMPARE(errorCodeInfo(code).httpStatus, status);
    }

    void unknownWireNameIsInternal_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("empty") << QString();
        QTest::newRow("unknown") << u"NO_SUCH_CODE"_s;
        QTest::newRow("lower case") << u"bad_request"_s;
        QTest::newRow("padded") << u" BAD_REQUEST"_s;
        QTest::newRow("prefix") << u"BAD_REQ"_s;
    }

    void unknownWireNameIsInternal()
    {
        QFETCH(QString, name);
        QCOMPARE(errorCodeFromWireName(name), ErrorCode::Internal);
    }

    void failCarriesCodeMessageAndDetails()
    {
        const Result<int> result =
            fail(ErrorCode::SeatUnavailable, u"taken"_s, QJsonObject{{u"seatIds"_s, 1}});
        QVERIFY(!result);
        QCOMPARE(result.error().code, ErrorCode::SeatUnavailable);
        QCOMPARE(result.error().message, u"taken"_s);
        QCOMPARE(result.error().details.value(u"seatIds"_s).toInt(), 1);
    }
};

QTEST_APPLESS_MAIN(TestMoney)
#include "tst_money.moc"

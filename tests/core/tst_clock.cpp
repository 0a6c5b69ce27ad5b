#include "core/common/clock.h"

#include <QTest>

using namespace Boxoffice::Core;

// isoUtc is written by hand for speed; QDateTime is the reference it must agree with.
class TestClock : public QObject
{
    Q_OBJECT

private slots:
    void isoUtcMatchesQDateTime_data()
    {
        QTest::addColumn<qint64>("ms");
        QTest::newRow("epoch") << qint64(0);
        QTest::newRow("one ms before epoch") << qint64(-1);
        QTest::newRow("1969-07-20") << qint64(-14182940000);
        QTest::newRow("2000-02-29 leap day") << qint64(951782400123);
        QTest::newRow("2000-03-01") << qint64(951868800000);
        QTest::newRow("2026-02-23T10:10") << qint64(1771841400000);
        QTest::newRow("2024-12-31 end of leap year") << qint64(1735689599999);
        QTest::newRow("2100-02-28 not a leap year") << qint64(4107456000000);
        QTest::newRow("2100-03-01") << qint64(4107542400000);
        QTest::newRow("9999-12-31") << qint64(253402300799999);
        for (qint64 ms = 0; ms < 400LL * 366 * 86400000; ms += 997LL * 86400000 + 12345678)
            QTest::addRow("sweep %lld", static_cast<long long>(ms)) << ms;
    }
    void isoUtcMatchesQDateTime()
    {
        QFETCH(qint64, ms);
        QCOMPARE(isoUtc(ms),
                 QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs));
    }

    void manualClockMoves()
    {
        ManualClock clock(1000);
        QCOMPARE(clock.nowMs(), 1000);
        clock.advanceMs(500);
        QCOMPARE(clock.nowMs(), 1500);
        clock.setNowMs(42);
        QCOMPARE(clock.now(), QDateTime::fromMSecsSinceEpoch(42, Qt::UTC));
    }
};

QTEST_APPLESS_MAIN(TestClock)
#include "tst_clock.moc"

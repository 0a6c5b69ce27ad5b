#include "core/security/random.h"

#include <QSet>
#include <QTest>

using namespace Boxoffice::Core;

class TestIds : public QObject
{
    Q_OBJECT

private slots:
    void sortableIdsSortByTime()
    {
        QStringList ids;
        for (qint64 ms : {0LL, 1LL, 31LL, 32LL, 1790000000000LL, 1790000000001LL, 1790000086400LL,
                          35184372088831LL})
            ids.append(newSortableId(u"HOLD_", ms));
        QStringList sorted = ids;
        sorted.sort();
        QCOMPARE(sorted, ids);
        for (const QString &id : ids) {
            QVERIFY(id.startsWith(QLatin1StringView("HOLD_")));
            QCOMPARE(id.size(), 5 + 9 + 12);
        }
    }

    void sortableIdsAreUniqueWithinOneMillisecond()
    {
        QSet<QString> seen;
        for (int i = 0; i < 20000; ++i)
            seen.insert(newSortableId(u"T", 1790000000000LL));
        QCOMPARE(seen.size(), 20000);
    }

    void randomIdsAreUnique()
    {
        QSet<QString> seen;
        for (int i = 0; i < 20000; ++i) {
            const QString id = newId(u"U_");
            QCOMPARE(id.size(), 2 + 20);
            seen.insert(id);
        }
        QCOMPARE(seen.size(), 20000);
    }
};

QTEST_APPLESS_MAIN(TestIds)
#include "tst_ids.moc"

// Door scanning over HTTP against the real server (docs/kiosk-and-door-api.md, Door scanning):
// every verify result with where and when a ticket was used, the keys a scanner checks
// signatures with offline, the revocations a door downloads, offline scans uploaded (valid,
// replayed, flagged when two doors let one ticket in, malformed ones refused whole) and the
// supervisor's listing of flagged scans.

#include "moneydesk.h"
#include "testserver.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <QUrl>

using namespace Boxoffice::Test;
using namespace Qt::StringLiterals;

namespace {

constexpr int kWaitMs = 30'000;

QString isoAgo(int seconds)
{
    return QDateTime::currentDateTimeUtc().addSecs(-seconds).toString(Qt::ISODateWithMs);
}

QJsonObject offlineScan(const QString &scanId, const QString &payload, const QString &show,
                        const QString &door, const QString &scannedAt,
                        const QString &offlineResult = u"VALID"_s)
{
    return QJsonObject{{u"scanId"_s, scanId},       {u"qrPayload"_s, payload},
                       {u"showId"_s, show},         {u"door"_s, door},
                       {u"scannedAt"_s, scannedAt}, {u"offlineResult"_s, offlineResult}};
}

QString payloadOf(const QJsonObject &ticket)
{
    return ticket.value(u"qrPayload"_s).toString();
}

QString codeOf(const QJsonObject &ticket)
{
    return ticket.value(u"ticketCode"_s).toString();
}

QStringList codesIn(const QJsonArray &entries)
{
    QStringList codes;
    for (const QJsonValue &entry : entries)
        codes.append(entry[u"ticketCode"_s].toString());
    return codes;
}

} // namespace

class TestDoorScans : public QObject
{
    Q_OBJECT

private:
    TestServer m_server;
    MoneyDesk m_desk{m_server};

    HttpReply verify(const QString &role, const QJsonObject &body)
    {
        return m_desk.as(role).post(u"/tickets/verify"_s, body);
    }
    HttpReply upload(const QString &role, const QJsonArray &scans)
    {
        return m_desk.as(role).post(u"/tickets/scans"_s, QJsonObject{{u"scans"_s, scans}});
    }
    int scanRows(const QString &where = u"1 = 1"_s)
    {
        const auto rows = m_server.sql(u"SELECT COUNT(*) FROM ticket_scan WHERE "_s + where);
        return rows && !rows->isEmpty() ? rows->first().first().toInt() : -1;
    }
    int ticketStatus(const QString &code)
    {
        const auto rows =
            m_server.sql(u"SELECT status FROM issued_ticket WHERE ticket_code = ?"_s, {code});
        return rows && !rows->isEmpty() ? rows->first().first().toInt() : -1;
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(m_server.start(), qPrintable(m_server.output()));
        QString why;
        QVERIFY2(m_desk.loginAll(&why), qPrintable(why));
    }

    void cleanup()
    {
        QString report;
        QVERIFY2(m_server.runAudit(&report) == 0, qPrintable(report));
    }

    void verifyTellsEveryResult()
    {
        QString why;
        const auto sale = m_desk.paidSale(3, u"seagull-1"_s, &why);
        QVERIFY2(sale, qPrintable(why));
        const int scansBefore = scanRows(u"offline = 0"_s);

        // VALID: let in, marked used at this door by this user.
        const HttpReply valid = verify(u"clerk"_s, {{u"qrPayload"_s, payloadOf(sale->tickets[0])},
                                                    {u"showId"_s, u"seagull-1"_s},
                                                    {u"door"_s, u"North 1"_s}});
        QVERIFY2(valid.status == 200, qPrintable(valid.describe()));
        QCOMPARE(valid.json[u"result"_s].toString(), u"VALID"_s);
        QCOMPARE(valid.json[u"ticketCode"_s].toString(), codeOf(sale->tickets[0]));
        QCOMPARE(valid.json[u"usedDoor"_s].toString(), u"North 1"_s);
        QCOMPARE(valid.json[u"usedBy"_s].toString(), u"clerk"_s);
        const QString usedAt = valid.json[u"usedAt"_s].toString();
        QVERIFY(QDateTime::fromString(usedAt, Qt::ISODateWithMs).isValid());

        // ALREADY_USED at another door: when, where and by whom it was used.
        const HttpReply again =
            verify(u"supervisor"_s, {{u"qrPayload"_s, payloadOf(sale->tickets[0])},
                                     {u"showId"_s, u"seagull-1"_s},
                                     {u"door"_s, u"South 2"_s}});
        QVERIFY2(again.status == 200, qPrintable(again.describe()));
        QCOMPARE(again.json[u"result"_s].toString(), u"ALREADY_USED"_s);
        QCOMPARE(again.json[u"usedAt"_s].toString(), usedAt);
        QCOMPARE(again.json[u"usedDoor"_s].toString(), u"North 1"_s);
        QCOMPARE(again.json[u"usedBy"_s].toString(), u"clerk"_s);

        // WRONG_SHOW: genuine, for another show; it stays unused.
        const HttpReply wrong = verify(u"clerk"_s, {{u"qrPayload"_s, payloadOf(sale->tickets[1])},
                                                    {u"showId"_s, u"seagull-2"_s},
                                                    {u"door"_s, u"North 1"_s}});
        QVERIFY2(wrong.status == 200, qPrintable(wrong.describe()));
        QCOMPARE(wrong.json[u"result"_s].toString(), u"WRONG_SHOW"_s);
        QCOMPARE(wrong.json[u"showId"_s].toString(), u"seagull-1"_s);
        QVERIFY(!wrong.json.contains(u"usedAt"_s));
        QCOMPARE(ticketStatus(codeOf(sale->tickets[1])), 1);
        // Without a door show any show is admitted.
        const HttpReply anyShow =
            verify(u"admin"_s, {{u"qrPayload"_s, payloadOf(sale->tickets[1])}});
        QCOMPARE(anyShow.json[u"result"_s].toString(), u"VALID"_s);
        QCOMPARE(anyShow.json[u"usedBy"_s].toString(), u"admin"_s);
        QCOMPARE(anyShow.json[u"usedDoor"_s].toString(), QString());

        // REVOKED: refunded, with when and why.
        const HttpReply refund =
            m_desk.as(u"supervisor"_s)
                .post(u"/orders/%1/refunds"_s.arg(sale->order),
                      {{u"reason"_s, u"cannot come"_s},
                       {u"ticketCodes"_s, QJsonArray{codeOf(sale->tickets[2])}},
                       {u"method"_s, u"CASH"_s}});
        QVERIFY2(refund.status == 201, qPrintable(refund.describe()));
        const HttpReply revoked = verify(u"clerk"_s, {{u"qrPayload"_s, payloadOf(sale->tickets[2])},
                                                      {u"showId"_s, u"seagull-1"_s}});
        QCOMPARE(revoked.json[u"result"_s].toString(), u"REVOKED"_s);
        QCOMPARE(revoked.json[u"revokedReason"_s].toString(), u"REFUND"_s);
        QVERIFY(QDateTime::fromString(revoked.json[u"revokedAt"_s].toString(), Qt::ISODateWithMs)
                    .isValid());

        // FORGED: garbage, an unsigned payload, a tampered signature; each says why.
        const QString genuine = payloadOf(sale->tickets[1]);
        const QString unsigned_ = genuine.section(u'.', 0, 1);
        QString tampered = genuine;
        tampered[tampered.size() - 3] = tampered[tampered.size() - 3] == u'A' ? u'B' : u'A';
        for (const QString &payload : {u"hello door"_s, unsigned_, tampered}) {
            const HttpReply forged =
                verify(u"clerk"_s, {{u"qrPayload"_s, payload}, {u"showId"_s, u"seagull-1"_s}});
            QVERIFY2(forged.status == 200, qPrintable(forged.describe()));
            QCOMPARE(forged.json[u"result"_s].toString(), u"FORGED"_s);
            QVERIFY(!forged.json[u"reason"_s].toString().isEmpty());
        }

        // Every verify above is a recorded scan.
        QCOMPARE(scanRows(u"offline = 0"_s), scansBefore + 8);
        QCOMPARE(scanRows(u"result = 'FORGED' AND show_id = 'seagull-1'"_s), 3);
        // Their ids cannot be a client's (no '.' in those), so no upload replays them.
        QCOMPARE(scanRows(u"offline = 0 AND scan_id NOT LIKE 'SCAN.%'"_s), 0);

        // Bad input is refused.
        QCOMPARE(
            verify(u"clerk"_s, {{u"qrPayload"_s, genuine}, {u"door"_s, QString(65, u'x')}}).status,
            400);
        QCOMPARE(verify(u"clerk"_s, {{u"qrPayload"_s, genuine}, {u"showId"_s, u"a b"_s}}).status,
                 400);
        QCOMPARE(verify(u"kiosk"_s, {{u"qrPayload"_s, genuine}}).status, 403);
    }

    void keysCheckPayloadsOffline()
    {
        QString why;
        const auto sale = m_desk.paidSale(1, u"seagull-1"_s, &why);
        QVERIFY2(sale, qPrintable(why));
        const HttpReply keys = m_desk.as(u"clerk"_s).get(u"/tickets/keys"_s);
        QVERIFY2(keys.status == 200, qPrintable(keys.describe()));
        const QJsonArray list = keys.json[u"keys"_s].toArray();
        QCOMPARE(list.size(), 1);
        const QJsonObject key = list.first().toObject();
        QCOMPARE(key[u"algorithm"_s].toString(), u"Ed25519"_s);
        const QString publicKey = key[u"publicKey"_s].toString();
        QVERIFY(!publicKey.contains(u'=') && !publicKey.contains(u'+') &&
                !publicKey.contains(u'/'));
        QCOMPARE(QByteArray::fromBase64(publicKey.toLatin1(), QByteArray::Base64UrlEncoding).size(),
                 32);
        // The payload names the key by its id.
        const QByteArray body =
            QByteArray::fromBase64(payloadOf(sale->tickets[0]).section(u'.', 1, 1).toLatin1(),
                                   QByteArray::Base64UrlEncoding);
        QCOMPARE(QString::fromUtf8(body).section(u'|', 0, 0), key[u"keyId"_s].toString());
        QCOMPARE(m_desk.as(u"kiosk"_s).get(u"/tickets/keys"_s).status, 403);
    }

    void revocationsSinceTheLastAsk()
    {
        QString why;
        const auto sale = m_desk.paidSale(3, u"beethoven-9"_s, &why);
        QVERIFY2(sale, qPrintable(why));
        TestClient &door = m_desk.as(u"clerk"_s);
        const QString path = u"/tickets/revocations?showId=beethoven-9"_s;

        const HttpReply first = door.get(path);
        QVERIFY2(first.status == 200, qPrintable(first.describe()));
        QCOMPARE(first.json[u"showId"_s].toString(), u"beethoven-9"_s);
        const QString asOf = first.json[u"asOf"_s].toString();
        QVERIFY(QDateTime::fromString(asOf, Qt::ISODateWithMs).isValid());
        QVERIFY(!codesIn(first.json[u"used"_s].toArray()).contains(codeOf(sale->tickets[0])));

        // A use online, a refund, and an offline use dated an hour ago but uploaded now.
        QCOMPARE(verify(u"clerk"_s,
                        {{u"qrPayload"_s, payloadOf(sale->tickets[0])}, {u"door"_s, u"Hall A"_s}})
                     .json[u"result"_s]
                     .toString(),
                 u"VALID"_s);
        const HttpReply refund =
            m_desk.as(u"supervisor"_s)
                .post(u"/orders/%1/refunds"_s.arg(sale->order),
                      {{u"reason"_s, u"ill"_s},
                       {u"ticketCodes"_s, QJsonArray{codeOf(sale->tickets[1])}},
                       {u"method"_s, u"CASH"_s}});
        QVERIFY2(refund.status == 201, qPrintable(refund.describe()));
        const HttpReply uploaded =
            upload(u"clerk"_s, {offlineScan(u"revoc-offline-1"_s, payloadOf(sale->tickets[2]),
                                            u"beethoven-9"_s, u"Hall B"_s, isoAgo(3600))});
        QVERIFY2(uploaded.status == 200, qPrintable(uploaded.describe()));

        const HttpReply since =
            door.get(path + u"&since="_s + QString::fromLatin1(QUrl::toPercentEncoding(asOf)));
        QVERIFY2(since.status == 200, qPrintable(since.describe()));
        const QJsonArray used = since.json[u"used"_s].toArray();
        QVERIFY(codesIn(used).contains(codeOf(sale->tickets[0])));
        QVERIFY2(codesIn(used).contains(codeOf(sale->tickets[2])),
                 "an offline use uploaded late is still reported");
        for (const QJsonValue &entry : used) {
            if (entry[u"ticketCode"_s].toString() == codeOf(sale->tickets[0]))
                QCOMPARE(entry[u"usedDoor"_s].toString(), u"Hall A"_s);
        }
        const QJsonArray revoked = since.json[u"revoked"_s].toArray();
        QCOMPARE(codesIn(revoked), QStringList{codeOf(sale->tickets[1])});
        QCOMPARE(revoked.first()[u"reason"_s].toString(), u"REFUND"_s);

        // `since` is read 5 s early: a use committed just after the last answer is not missed.
        QDateTime usedAt;
        for (const QJsonValue &entry : used) {
            if (entry[u"ticketCode"_s].toString() == codeOf(sale->tickets[0]))
                usedAt = QDateTime::fromString(entry[u"usedAt"_s].toString(), Qt::ISODateWithMs);
        }
        QVERIFY(usedAt.isValid());
        auto usedSince = [&](qint64 afterUseMs) {
            const QString since = usedAt.addMSecs(afterUseMs).toString(Qt::ISODateWithMs);
            return codesIn(
                door.get(path + u"&since="_s + QString::fromLatin1(QUrl::toPercentEncoding(since)))
                    .json[u"used"_s]
                    .toArray());
        };
        QVERIFY(usedSince(4'000).contains(codeOf(sale->tickets[0])));
        QVERIFY(!usedSince(6'000).contains(codeOf(sale->tickets[0])));

        // Nothing after a time to come; all without since.
        const HttpReply future = door.get(path + u"&since=2100-01-01T00:00:00.000Z"_s);
        QVERIFY(future.json[u"used"_s].toArray().isEmpty());
        QVERIFY(future.json[u"revoked"_s].toArray().isEmpty());
        QVERIFY(
            codesIn(door.get(path).json[u"used"_s].toArray()).contains(codeOf(sale->tickets[2])));

        QCOMPARE(door.get(u"/tickets/revocations?showId=no-such-show"_s).status, 404);
        QCOMPARE(door.get(path + u"&since=yesterday"_s).status, 400);
        QCOMPARE(door.get(u"/tickets/revocations"_s).status, 400);
        QCOMPARE(m_desk.as(u"kiosk"_s).get(path).status, 403);
    }

    void offlineScansAreUploadedOnceAndConflictsFlagged()
    {
        QString why;
        const auto sale = m_desk.paidSale(2, u"seagull-2"_s, &why);
        QVERIFY2(sale, qPrintable(why));
        const QString scannedAt = isoAgo(120);

        // Door North let the holder in while offline: the ticket is used then and there.
        const HttpReply first =
            upload(u"clerk"_s, {offlineScan(u"north-scan-0001"_s, payloadOf(sale->tickets[0]),
                                            u"seagull-2"_s, u"North"_s, scannedAt)});
        QVERIFY2(first.status == 200, qPrintable(first.describe()));
        const QJsonObject valid = first.json[u"results"_s].toArray().first().toObject();
        QCOMPARE(valid[u"scanId"_s].toString(), u"north-scan-0001"_s);
        QCOMPARE(valid[u"result"_s].toString(), u"VALID"_s);
        QCOMPARE(valid[u"flagged"_s].toBool(), false);
        QCOMPARE(valid[u"usedAt"_s].toString(), scannedAt);
        QCOMPARE(valid[u"usedDoor"_s].toString(), u"North"_s);
        QVERIFY(!valid.contains(u"replayed"_s));

        // The same upload again (its answer was lost): the stored answer, nothing changes.
        const int rows = scanRows();
        const HttpReply replay =
            upload(u"clerk"_s, {offlineScan(u"north-scan-0001"_s, payloadOf(sale->tickets[0]),
                                            u"seagull-2"_s, u"North"_s, scannedAt)});
        QVERIFY2(replay.status == 200, qPrintable(replay.describe()));
        const QJsonObject replayed = replay.json[u"results"_s].toArray().first().toObject();
        QCOMPARE(replayed[u"replayed"_s].toBool(), true);
        QCOMPARE(replayed[u"result"_s].toString(), u"VALID"_s);
        QCOMPARE(replayed[u"usedAt"_s].toString(), scannedAt);
        QCOMPARE(scanRows(), rows);

        // Door South let the same ticket in too: flagged with the earlier use. A door that
        // refused it offline is not flagged.
        const HttpReply second =
            upload(u"supervisor"_s,
                   {offlineScan(u"south-scan-0001"_s, payloadOf(sale->tickets[0]), u"seagull-2"_s,
                                u"South"_s, isoAgo(60)),
                    offlineScan(u"south-scan-0002"_s, payloadOf(sale->tickets[0]), u"seagull-2"_s,
                                u"South"_s, isoAgo(50), u"ALREADY_USED"_s)});
        QVERIFY2(second.status == 200, qPrintable(second.describe()));
        const QJsonArray results = second.json[u"results"_s].toArray();
        QCOMPARE(results.size(), 2);
        const QJsonObject conflict = results[0].toObject();
        QCOMPARE(conflict[u"result"_s].toString(), u"ALREADY_USED"_s);
        QCOMPARE(conflict[u"flagged"_s].toBool(), true);
        QCOMPARE(conflict[u"conflict"_s][u"usedDoor"_s].toString(), u"North"_s);
        QCOMPARE(conflict[u"conflict"_s][u"usedAt"_s].toString(), scannedAt);
        QCOMPARE(conflict[u"conflict"_s][u"usedBy"_s].toString(), u"clerk"_s);
        QCOMPARE(results[1][u"result"_s].toString(), u"ALREADY_USED"_s);
        QCOMPARE(results[1][u"flagged"_s].toBool(), false);
        QTRY_COMPARE_WITH_TIMEOUT(
            m_desk.auditDetails(u"ticket.scan.conflict"_s, codeOf(sale->tickets[0])).size(), 1,
            kWaitMs);
        const QJsonObject audited =
            m_desk.auditDetails(u"ticket.scan.conflict"_s, codeOf(sale->tickets[0])).first();
        QCOMPARE(audited[u"scanId"_s].toString(), u"south-scan-0001"_s);
        QCOMPARE(audited[u"door"_s].toString(), u"South"_s);
        QCOMPARE(audited[u"conflict"_s][u"usedDoor"_s].toString(), u"North"_s);

        // Forged and wrong-show scans are told as online.
        const HttpReply odd =
            upload(u"clerk"_s, {offlineScan(u"odd-scan-0001"_s, u"BX1.garbage.garbage"_s,
                                            u"seagull-2"_s, u"North"_s, isoAgo(0)),
                                offlineScan(u"odd-scan-0002"_s, payloadOf(sale->tickets[1]),
                                            u"seagull-1"_s, u"North"_s, isoAgo(30))});
        QCOMPARE(odd.json[u"results"_s][0][u"result"_s].toString(), u"FORGED"_s);
        QCOMPARE(odd.json[u"results"_s][1][u"result"_s].toString(), u"WRONG_SHOW"_s);
        QCOMPARE(ticketStatus(codeOf(sale->tickets[1])), 1);

        // The supervisor's list of flagged scans, newest first.
        TestClient &supervisor = m_desk.as(u"supervisor"_s);
        const HttpReply flagged = supervisor.get(u"/tickets/scans?showId=seagull-2&flagged=true"_s);
        QVERIFY2(flagged.status == 200, qPrintable(flagged.describe()));
        const QJsonArray list = flagged.json[u"scans"_s].toArray();
        QCOMPARE(list.size(), 1);
        const QJsonObject entry = list.first().toObject();
        QCOMPARE(entry[u"scanId"_s].toString(), u"south-scan-0001"_s);
        QCOMPARE(entry[u"ticketCode"_s].toString(), codeOf(sale->tickets[0]));
        QCOMPARE(entry[u"door"_s].toString(), u"South"_s);
        QCOMPARE(entry[u"user"_s].toString(), u"supervisor"_s);
        QCOMPARE(entry[u"result"_s].toString(), u"ALREADY_USED"_s);
        QCOMPARE(entry[u"offline"_s].toBool(), true);
        QCOMPARE(entry[u"flagged"_s].toBool(), true);
        const HttpReply all = supervisor.get(u"/tickets/scans?showId=seagull-2"_s);
        QVERIFY(all.json[u"scans"_s].toArray().size() >= 5);
        const QJsonArray newest =
            supervisor.get(u"/tickets/scans?showId=seagull-2&limit=1"_s).json[u"scans"_s].toArray();
        QCOMPARE(newest.size(), 1);
        QCOMPARE(newest.first()[u"scanId"_s].toString(), u"odd-scan-0001"_s);
        QCOMPARE(supervisor.get(u"/tickets/scans?showId=seagull-2&limit=0"_s).status, 400);
        QCOMPARE(supervisor.get(u"/tickets/scans?showId=seagull-2&flagged=yes"_s).status, 400);
        QCOMPARE(supervisor.get(u"/tickets/scans?showId=no-such-show"_s).status, 404);
        QCOMPARE(m_desk.as(u"clerk"_s).get(u"/tickets/scans?showId=seagull-2"_s).status, 403);
        QCOMPARE(upload(u"admin"_s, {}).status, 403);
        QCOMPARE(upload(u"kiosk"_s, {}).status, 403);
    }

    // A door that turned the holder away offline (its cache knew no better) spends nothing:
    // the ticket is still good at the next door.
    void refusedOfflineScanLeavesTheTicketUnused()
    {
        QString why;
        const auto sale = m_desk.paidSale(1, u"seagull-2"_s, &why);
        QVERIFY2(sale, qPrintable(why));
        const QString code = codeOf(sale->tickets[0]);
        const HttpReply refused = upload(
            u"clerk"_s, {offlineScan(u"west-refused-0001"_s, payloadOf(sale->tickets[0]),
                                     u"seagull-2"_s, u"West"_s, isoAgo(30), u"ALREADY_USED"_s)});
        QVERIFY2(refused.status == 200, qPrintable(refused.describe()));
        const QJsonObject result = refused.json[u"results"_s].toArray().first().toObject();
        QCOMPARE(result[u"result"_s].toString(), u"VALID"_s);
        QCOMPARE(result[u"flagged"_s].toBool(), false);
        QVERIFY2(!result.contains(u"usedAt"_s), qPrintable(refused.describe()));
        QCOMPARE(ticketStatus(code), 1);
        QCOMPARE(scanRows(u"scan_id = 'west-refused-0001'"_s), 1);
        QVERIFY(!codesIn(m_desk.as(u"clerk"_s)
                             .get(u"/tickets/revocations?showId=seagull-2"_s)
                             .json[u"used"_s]
                             .toArray())
                     .contains(code));

        // The holder comes back to a door that is online: let in.
        const HttpReply later = verify(u"clerk"_s, {{u"qrPayload"_s, payloadOf(sale->tickets[0])},
                                                    {u"showId"_s, u"seagull-2"_s},
                                                    {u"door"_s, u"East"_s}});
        QCOMPARE(later.json[u"result"_s].toString(), u"VALID"_s);
        QCOMPARE(later.json[u"usedDoor"_s].toString(), u"East"_s);
        QCOMPARE(ticketStatus(code), 2);
    }

    // A door that let a holder in offline on a ticket refunded meanwhile: flagged for the box
    // office, as a second use is. A door that turned the holder away is not.
    void revokedTicketLetInOfflineIsFlagged()
    {
        QString why;
        const auto sale = m_desk.paidSale(2, u"seagull-2"_s, &why);
        QVERIFY2(sale, qPrintable(why));
        const HttpReply refund =
            m_desk.as(u"supervisor"_s)
                .post(u"/orders/%1/refunds"_s.arg(sale->order),
                      {{u"reason"_s, u"changed plans"_s},
                       {u"ticketCodes"_s,
                        QJsonArray{codeOf(sale->tickets[0]), codeOf(sale->tickets[1])}},
                       {u"method"_s, u"CASH"_s}});
        QVERIFY2(refund.status == 201, qPrintable(refund.describe()));

        const HttpReply uploaded =
            upload(u"clerk"_s, {offlineScan(u"west-revoked-0001"_s, payloadOf(sale->tickets[0]),
                                            u"seagull-2"_s, u"West"_s, isoAgo(5)),
                                offlineScan(u"west-revoked-0002"_s, payloadOf(sale->tickets[1]),
                                            u"seagull-2"_s, u"West"_s, isoAgo(4), u"REVOKED"_s)});
        QVERIFY2(uploaded.status == 200, qPrintable(uploaded.describe()));
        const QJsonArray results = uploaded.json[u"results"_s].toArray();
        const QJsonObject letIn = results[0].toObject();
        QCOMPARE(letIn[u"result"_s].toString(), u"REVOKED"_s);
        QCOMPARE(letIn[u"flagged"_s].toBool(), true);
        QCOMPARE(letIn[u"revokedReason"_s].toString(), u"REFUND"_s);
        QVERIFY(!letIn.contains(u"conflict"_s));
        const QJsonObject turnedAway = results[1].toObject();
        QCOMPARE(turnedAway[u"result"_s].toString(), u"REVOKED"_s);
        QCOMPARE(turnedAway[u"flagged"_s].toBool(), false);

        const HttpReply flagged =
            m_desk.as(u"supervisor"_s).get(u"/tickets/scans?showId=seagull-2&flagged=true"_s);
        QVERIFY2(flagged.status == 200, qPrintable(flagged.describe()));
        QStringList ids;
        for (const QJsonValue &scan : flagged.json[u"scans"_s].toArray())
            ids.append(scan[u"scanId"_s].toString());
        QVERIFY2(ids.contains(u"west-revoked-0001"_s), qPrintable(ids.join(u", "_s)));
        QVERIFY(!ids.contains(u"west-revoked-0002"_s));
        // The audit record is written beside the answer, not before it.
        QTRY_COMPARE_WITH_TIMEOUT(
            m_desk.auditDetails(u"ticket.scan.conflict"_s, codeOf(sale->tickets[0])).size(), 1,
            kWaitMs);
        const QJsonObject detail =
            m_desk.auditDetails(u"ticket.scan.conflict"_s, codeOf(sale->tickets[0])).first();
        QCOMPARE(detail[u"result"_s].toString(), u"REVOKED"_s);
        QCOMPARE(detail[u"revokedReason"_s].toString(), u"REFUND"_s);
        QVERIFY(m_desk.auditDetails(u"ticket.scan.conflict"_s, codeOf(sale->tickets[1])).isEmpty());
    }

    // The door gave up waiting for a verify the server did make, decided offline and queued the
    // scan under the id it had sent: the upload is that same scan, not a second entry.
    void verifyAnswerLostThenUploadedIsOneScan()
    {
        QString why;
        const auto sale = m_desk.paidSale(1, u"seagull-2"_s, &why);
        QVERIFY2(sale, qPrintable(why));
        const QString payload = payloadOf(sale->tickets[0]);
        const int rows = scanRows();
        const HttpReply online = verify(u"clerk"_s, {{u"qrPayload"_s, payload},
                                                     {u"showId"_s, u"seagull-2"_s},
                                                     {u"door"_s, u"North"_s},
                                                     {u"scanId"_s, u"north-lost-0001"_s}});
        QVERIFY2(online.status == 200, qPrintable(online.describe()));
        QCOMPARE(online.json[u"result"_s].toString(), u"VALID"_s);
        QCOMPARE(scanRows(u"scan_id = 'north-lost-0001' AND offline = 0"_s), 1);

        const HttpReply uploaded = upload(
            u"clerk"_s,
            {offlineScan(u"north-lost-0001"_s, payload, u"seagull-2"_s, u"North"_s, isoAgo(1))});
        QVERIFY2(uploaded.status == 200, qPrintable(uploaded.describe()));
        const QJsonObject result = uploaded.json[u"results"_s].toArray().first().toObject();
        QCOMPARE(result[u"replayed"_s].toBool(), true);
        QCOMPARE(result[u"result"_s].toString(), u"VALID"_s);
        QCOMPARE(result[u"flagged"_s].toBool(), false);
        QCOMPARE(result[u"usedAt"_s].toString(), online.json[u"usedAt"_s].toString());
        QCOMPARE(scanRows(), rows + 1);
        QCOMPARE(scanRows(u"flagged = 1 AND ticket_code = '"_s + codeOf(sale->tickets[0]) + u"'"_s),
                 0);

        // The verify repeated under its id: the same answer, nothing spent again.
        const HttpReply repeated = verify(u"clerk"_s, {{u"qrPayload"_s, payload},
                                                       {u"showId"_s, u"seagull-2"_s},
                                                       {u"door"_s, u"North"_s},
                                                       {u"scanId"_s, u"north-lost-0001"_s}});
        QCOMPARE(repeated.json[u"result"_s].toString(), u"VALID"_s);
        QCOMPARE(repeated.json[u"replayed"_s].toBool(), true);
        QCOMPARE(scanRows(), rows + 1);

        // A scan id of the wrong shape is refused before anything is decided.
        const HttpReply bad =
            verify(u"clerk"_s, {{u"qrPayload"_s, payload}, {u"scanId"_s, u"has.dot.in.it"_s}});
        QCOMPARE(bad.status, 400);
        QCOMPARE(scanRows(), rows + 1);
    }

    void malformedUploadAppliesNothing()
    {
        QString why;
        const auto sale = m_desk.paidSale(1, u"seagull-2"_s, &why);
        QVERIFY2(sale, qPrintable(why));
        const int rows = scanRows();
        const QJsonObject good = offlineScan(u"batch-good-0001"_s, payloadOf(sale->tickets[0]),
                                             u"seagull-2"_s, u"East"_s, isoAgo(10));
        const QList<QJsonObject> bad{
            offlineScan(u"short"_s, payloadOf(sale->tickets[0]), u"seagull-2"_s, u"East"_s,
                        isoAgo(10)),
            offlineScan(u"batch-bad-0002"_s, payloadOf(sale->tickets[0]), u"seagull-2"_s, u"East"_s,
                        u"at ten"_s),
            offlineScan(u"batch-bad-0003"_s, payloadOf(sale->tickets[0]), u"seagull-2"_s, u"East"_s,
                        isoAgo(10), u"MAYBE"_s),
            QJsonObject{{u"scanId"_s, u"batch-bad-0004"_s}},
        };
        for (const QJsonObject &entry : bad) {
            const HttpReply refused = upload(u"clerk"_s, {good, entry});
            QCOMPARE(refused.status, 400);
            QCOMPARE(refused.errorCode(), u"BAD_REQUEST"_s);
            QVERIFY2(refused.json[u"error"_s][u"message"_s].toString().contains(u"scans[1]"_s),
                     qPrintable(refused.describe()));
            QCOMPARE(refused.json[u"error"_s][u"index"_s].toInt(-1), 1);
        }
        QCOMPARE(upload(u"clerk"_s, {good, u"not an object"_s}).status, 400);
        QCOMPARE(m_desk.as(u"clerk"_s).post(u"/tickets/scans"_s, {{u"scans"_s, 3}}).status, 400);
        // Nothing of the good entry was applied.
        QCOMPARE(scanRows(), rows);
        QCOMPARE(ticketStatus(codeOf(sale->tickets[0])), 1);

        // More than 500 at once is refused before any is looked at.
        QJsonArray tooMany;
        for (int i = 0; i < 501; ++i)
            tooMany.append(QJsonObject{});
        const HttpReply many = upload(u"clerk"_s, tooMany);
        QCOMPARE(many.status, 400);
        QVERIFY2(many.json[u"error"_s][u"message"_s].toString().contains(u"500"_s),
                 qPrintable(many.describe()));
        QCOMPARE(scanRows(), rows);
    }
};

QTEST_GUILESS_MAIN(TestDoorScans)
#include "tst_doorscans.moc"

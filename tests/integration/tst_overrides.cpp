// Sessions name their terminal, and a clerk's terminal gets a supervisor's override for exactly
// one action on one subject: against a real server. A token is used once; another hold, another
// action, another session or an expired token is refused; wrong supervisor credentials are a 401
// that counts toward the supervisor's lockout; a clerk cannot vouch for a clerk. Everything is
// in the audit log.

#include "testserver.h"

#include <QJsonArray>
#include <QTest>

#include <memory>

using namespace Boxoffice::Test;
using namespace Qt::StringLiterals;

namespace {

const QString kShow = u"seagull-1"_s;

} // namespace

class TestOverrides : public QObject
{
    Q_OBJECT

private:
    TestServer m_server;
    std::unique_ptr<TestClient> m_clerkClient;
    std::unique_ptr<TestClient> m_kioskClient;
    int m_nextSeat = 0;

    TestClient &clerk() { return *m_clerkClient; }
    TestClient &kiosk() { return *m_kioskClient; }

    QString password() const { return m_server.options().demoPassword; }
    QString pin() const { return m_server.options().demoPin; }

    // A hold of one fresh seat by `client`; "" (with a failure message) when it fails.
    QString holdOneSeat(TestClient &client)
    {
        const QString seat = u"STALLS-C-%1"_s.arg(++m_nextSeat);
        const HttpReply hold =
            client.post(u"/shows/%1/holds"_s.arg(kShow), {{u"seatIds"_s, QJsonArray{seat}}});
        if (hold.status != 201) {
            qWarning().noquote() << "hold failed:" << hold.describe();
            return {};
        }
        return hold.json.value(u"holdId"_s).toString();
    }

    HttpReply requestOverride(TestClient &client, const QJsonObject &body)
    {
        return client.post(u"/overrides"_s, body);
    }

    QJsonObject byPassword(const QString &action, const QString &subject,
                           const QString &supervisor = u"supervisor"_s) const
    {
        return {{u"supervisor"_s, supervisor},
                {u"password"_s, password()},
                {u"action"_s, action},
                {u"subject"_s, subject}};
    }

    HttpReply release(TestClient &client, const QString &hold, const QString &token = {})
    {
        QList<QPair<QByteArray, QByteArray>> headers;
        if (!token.isEmpty())
            headers.append({"X-Override-Token", token.toLatin1()});
        return client.request("DELETE", u"/holds/"_s + hold, {}, headers);
    }

    int auditCount(const QString &action, const QString &subject)
    {
        auto rows =
            m_server.sql(u"SELECT COUNT(*) FROM audit_log WHERE action = ? AND subject = ?"_s,
                         {action, subject});
        return rows && !rows->isEmpty() ? rows->first().value(0).toInt() : -1;
    }

    int failedLogins(const QString &user)
    {
        auto rows =
            m_server.sql(u"SELECT failed_logins FROM app_user WHERE username = ?"_s, {user});
        return rows && !rows->isEmpty() ? rows->first().value(0).toInt() : -1;
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(m_server.start(), qPrintable(m_server.output()));
        m_clerkClient = std::make_unique<TestClient>(m_server.baseUrl());
        m_kioskClient = std::make_unique<TestClient>(m_server.baseUrl());
        const HttpReply clerkLogin = clerk().login(u"clerk"_s, password(), u"Window 1"_s);
        QVERIFY2(clerkLogin.status == 201, qPrintable(clerkLogin.describe()));
        const HttpReply kioskLogin = kiosk().login(u"kiosk"_s, password(), u"Kiosk-Lobby"_s);
        QVERIFY2(kioskLogin.status == 201, qPrintable(kioskLogin.describe()));
    }

    void loginNamesTheTerminal()
    {
        TestClient client(m_server.baseUrl());
        const HttpReply login = client.login(u"clerk"_s, password(), u"Window 7.b_x-1"_s);
        QVERIFY2(login.status == 201, qPrintable(login.describe()));
        QCOMPARE(login.json.value(u"terminal"_s).toString(), u"Window 7.b_x-1"_s);
        // The audit record of the login names it too.
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                auto rows = m_server.sql(u"SELECT COUNT(*) FROM audit_log WHERE action = 'login'"
                                         " AND actor = 'clerk' AND terminal = ?"_s,
                                         {u"Window 7.b_x-1"_s});
                return rows && !rows->isEmpty() && rows->first().value(0).toInt() == 1;
            }(),
            10'000);
        // Without one, the terminal is empty.
        const HttpReply plain = client.login(u"clerk"_s, password());
        QCOMPARE(plain.status, 201);
        QCOMPARE(plain.json.value(u"terminal"_s).toString(), QString());
    }

    void badTerminalNamesAreRefused_data()
    {
        QTest::addColumn<QJsonValue>("terminal");
        QTest::newRow("slash") << QJsonValue(u"Window/1"_s);
        QTest::newRow("too long") << QJsonValue(QString(65, u'T'));
        QTest::newRow("not text") << QJsonValue(42);
        QTest::newRow("control character") << QJsonValue(u"Window\n1"_s);
    }

    void badTerminalNamesAreRefused()
    {
        QFETCH(QJsonValue, terminal);
        TestClient client(m_server.baseUrl());
        const HttpReply login = client.post(
            u"/sessions"_s,
            {{u"username"_s, u"clerk"_s}, {u"password"_s, password()}, {u"terminal"_s, terminal}});
        QCOMPARE(login.status, 400);
        QCOMPARE(login.errorCode(), u"BAD_REQUEST"_s);
    }

    void passwordOverrideReleasesAnotherUsersHoldOnce()
    {
        const QString hold = holdOneSeat(kiosk());
        QVERIFY(!hold.isEmpty());
        // Without an override a clerk may not release the kiosk's hold.
        const HttpReply refused = release(clerk(), hold);
        QCOMPARE(refused.status, 403);
        QCOMPARE(refused.errorCode(), u"FORBIDDEN"_s);

        const HttpReply granted = requestOverride(clerk(), byPassword(u"release"_s, hold));
        QVERIFY2(granted.status == 201, qPrintable(granted.describe()));
        QCOMPARE(granted.json.value(u"action"_s).toString(), u"release"_s);
        QCOMPARE(granted.json.value(u"subject"_s).toString(), hold);
        QCOMPARE(granted.json.value(u"supervisor"_s).toString(), u"supervisor"_s);
        QVERIFY(!granted.json.value(u"overrideId"_s).toString().isEmpty());
        QVERIFY(!granted.json.value(u"expiresAt"_s).toString().isEmpty());
        const QString token = granted.json.value(u"token"_s).toString();
        QVERIFY(token.size() >= 32);

        const HttpReply released = release(clerk(), hold, token);
        QVERIFY2(released.status == 200, qPrintable(released.describe()));
        QCOMPARE(released.json.value(u"status"_s).toString(), u"RELEASED"_s);

        // The same token again: refused, however harmless the action would be now.
        const HttpReply replay = release(clerk(), hold, token);
        QCOMPARE(replay.status, 403);
        QCOMPARE(replay.errorCode(), u"OVERRIDE_REJECTED"_s);
        QCOMPARE(replay.json[u"error"_s][u"reason"_s].toString(), u"USED"_s);

        QTRY_COMPARE_WITH_TIMEOUT(auditCount(u"override.granted"_s, hold), 1, 10'000);
        QTRY_COMPARE_WITH_TIMEOUT(auditCount(u"override.used"_s, hold), 1, 10'000);
        QTRY_COMPARE_WITH_TIMEOUT(auditCount(u"override.rejected"_s, hold), 1, 10'000);
        QTRY_COMPARE_WITH_TIMEOUT(auditCount(u"hold.release.forced"_s, hold), 1, 10'000);
        auto forced = m_server.sql(u"SELECT detail, terminal, actor FROM audit_log"
                                   " WHERE action = 'hold.release.forced' AND subject = ?"_s,
                                   {hold});
        QVERIFY(forced && forced->size() == 1);
        QVERIFY2(forced->first().value(0).toString().contains(u"\"authorizedBy\":\"supervisor\""_s),
                 qPrintable(forced->first().value(0).toString()));
        QCOMPARE(forced->first().value(1).toString(), u"Window 1"_s);
        QCOMPARE(forced->first().value(2).toString(), u"clerk"_s);
    }

    void tokenForAnotherSubjectOrActionIsRefused()
    {
        const QString hold = holdOneSeat(kiosk());
        const QString other = holdOneSeat(kiosk());
        QVERIFY(!hold.isEmpty() && !other.isEmpty());

        const HttpReply forHold = requestOverride(clerk(), byPassword(u"release"_s, hold));
        QVERIFY2(forHold.status == 201, qPrintable(forHold.describe()));
        const QString token = forHold.json.value(u"token"_s).toString();
        const HttpReply wrongHold = release(clerk(), other, token);
        QCOMPARE(wrongHold.status, 403);
        QCOMPARE(wrongHold.errorCode(), u"OVERRIDE_REJECTED"_s);
        QCOMPARE(wrongHold.json[u"error"_s][u"reason"_s].toString(), u"OTHER_SUBJECT"_s);

        const HttpReply forRefund = requestOverride(clerk(), byPassword(u"refund"_s, hold));
        QVERIFY2(forRefund.status == 201, qPrintable(forRefund.describe()));
        const HttpReply wrongAction =
            release(clerk(), hold, forRefund.json.value(u"token"_s).toString());
        QCOMPARE(wrongAction.status, 403);
        QCOMPARE(wrongAction.errorCode(), u"OVERRIDE_REJECTED"_s);
        QCOMPARE(wrongAction.json[u"error"_s][u"reason"_s].toString(), u"OTHER_ACTION"_s);

        // A refused attempt does not use the token up: it still releases its own hold.
        const HttpReply right = release(clerk(), hold, token);
        QVERIFY2(right.status == 200, qPrintable(right.describe()));
        // ... and the other hold is still the kiosk's.
        QCOMPARE(release(clerk(), other).status, 403);
        QTRY_VERIFY_WITH_TIMEOUT(auditCount(u"override.rejected"_s, other) == 1, 10'000);
    }

    void anotherSessionCannotUseTheToken()
    {
        const QString hold = holdOneSeat(kiosk());
        QVERIFY(!hold.isEmpty());
        const HttpReply granted = requestOverride(clerk(), byPassword(u"release"_s, hold));
        QVERIFY2(granted.status == 201, qPrintable(granted.describe()));
        // The same clerk at another terminal is another session.
        TestClient elsewhere(m_server.baseUrl());
        QCOMPARE(elsewhere.login(u"clerk"_s, password(), u"Window 2"_s).status, 201);
        const HttpReply stolen =
            release(elsewhere, hold, granted.json.value(u"token"_s).toString());
        QCOMPARE(stolen.status, 403);
        QCOMPARE(stolen.errorCode(), u"OVERRIDE_REJECTED"_s);
        QCOMPARE(stolen.json[u"error"_s][u"reason"_s].toString(), u"OTHER_SESSION"_s);
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                auto rows = m_server.sql(u"SELECT COUNT(*) FROM audit_log WHERE action ="
                                         " 'override.rejected' AND subject = ? AND terminal = ?"_s,
                                         {hold, u"Window 2"_s});
                return rows && !rows->isEmpty() && rows->first().value(0).toInt() == 1;
            }(),
            10'000);
    }

    void anUnknownTokenIsRefused()
    {
        const QString hold = holdOneSeat(kiosk());
        QVERIFY(!hold.isEmpty());
        const HttpReply made = release(clerk(), hold, u"not-a-token-anyone-was-given"_s);
        QCOMPARE(made.status, 403);
        QCOMPARE(made.errorCode(), u"OVERRIDE_REJECTED"_s);
        QCOMPARE(made.json[u"error"_s][u"reason"_s].toString(), u"UNKNOWN"_s);
    }

    void wrongSupervisorCredentialsCountTowardLockout()
    {
        const QString hold = holdOneSeat(kiosk());
        QVERIFY(!hold.isEmpty());
        QCOMPARE(failedLogins(u"supervisor"_s), 0);
        QJsonObject wrong = byPassword(u"release"_s, hold);
        wrong.insert(u"password"_s, u"not-the-password"_s);
        const HttpReply badPassword = requestOverride(clerk(), wrong);
        QCOMPARE(badPassword.status, 401);
        QCOMPARE(badPassword.errorCode(), u"BAD_CREDENTIALS"_s);
        QCOMPARE(failedLogins(u"supervisor"_s), 1);

        const HttpReply badPin = requestOverride(clerk(), {{u"supervisor"_s, u"supervisor"_s},
                                                           {u"pin"_s, u"0000"_s},
                                                           {u"action"_s, u"release"_s},
                                                           {u"subject"_s, hold}});
        QCOMPARE(badPin.status, 401);
        QCOMPARE(badPin.errorCode(), u"BAD_CREDENTIALS"_s);
        QCOMPARE(failedLogins(u"supervisor"_s), 2);
        QTRY_VERIFY_WITH_TIMEOUT(auditCount(u"override.rejected"_s, hold) == 2, 10'000);

        // The right PIN works, and resets the count like a right password.
        const HttpReply byPin = requestOverride(clerk(), {{u"supervisor"_s, u"supervisor"_s},
                                                          {u"pin"_s, pin()},
                                                          {u"action"_s, u"release"_s},
                                                          {u"subject"_s, hold}});
        QVERIFY2(byPin.status == 201, qPrintable(byPin.describe()));
        QCOMPARE(failedLogins(u"supervisor"_s), 0);
        const HttpReply released = release(clerk(), hold, byPin.json.value(u"token"_s).toString());
        QVERIFY2(released.status == 200, qPrintable(released.describe()));
    }

    void onlyASupervisorCanAuthorise()
    {
        const QString hold = holdOneSeat(kiosk());
        QVERIFY(!hold.isEmpty());
        const HttpReply asClerk =
            requestOverride(clerk(), byPassword(u"release"_s, hold, u"clerk"_s));
        QCOMPARE(asClerk.status, 403);
        QCOMPARE(asClerk.errorCode(), u"FORBIDDEN"_s);
        const HttpReply asAdmin =
            requestOverride(clerk(), byPassword(u"release"_s, hold, u"admin"_s));
        QCOMPARE(asAdmin.status, 403);
        const HttpReply nobody =
            requestOverride(clerk(), byPassword(u"release"_s, hold, u"nobody"_s));
        QCOMPARE(nobody.status, 401);
        QCOMPARE(nobody.errorCode(), u"BAD_CREDENTIALS"_s);
        QCOMPARE(release(clerk(), hold).status, 403);
    }

    void badOverrideRequests_data()
    {
        QTest::addColumn<QJsonObject>("body");
        const QJsonObject good{{u"supervisor"_s, u"supervisor"_s},
                               {u"password"_s, u"x"_s},
                               {u"action"_s, u"release"_s},
                               {u"subject"_s, u"HOLD_1"_s}};
        QJsonObject both = good;
        both.insert(u"pin"_s, u"1234"_s);
        QTest::newRow("password and pin") << both;
        QJsonObject neither = good;
        neither.remove(u"password"_s);
        QTest::newRow("neither password nor pin") << neither;
        QJsonObject action = good;
        action.insert(u"action"_s, u"delete-everything"_s);
        QTest::newRow("unknown action") << action;
        QJsonObject subject = good;
        subject.insert(u"subject"_s, u"../etc"_s);
        QTest::newRow("subject not an id") << subject;
        QJsonObject noSupervisor = good;
        noSupervisor.remove(u"supervisor"_s);
        QTest::newRow("no supervisor") << noSupervisor;
    }

    void badOverrideRequests()
    {
        QFETCH(QJsonObject, body);
        const HttpReply reply = requestOverride(clerk(), body);
        QCOMPARE(reply.status, 400);
        QCOMPARE(reply.errorCode(), u"BAD_REQUEST"_s);
        QCOMPARE(failedLogins(u"supervisor"_s), 0);
    }

    void aSupervisorReleasesWithoutOverride()
    {
        const QString hold = holdOneSeat(kiosk());
        QVERIFY(!hold.isEmpty());
        TestClient supervisor(m_server.baseUrl());
        QCOMPARE(supervisor.login(u"supervisor"_s, password(), u"Office"_s).status, 201);
        const HttpReply released = release(supervisor, hold);
        QVERIFY2(released.status == 200, qPrintable(released.describe()));
        QTRY_COMPARE_WITH_TIMEOUT(auditCount(u"hold.release.forced"_s, hold), 1, 10'000);
    }

    void anExpiredTokenIsRefused()
    {
        // A server whose overrides expire the moment they are granted.
        TestServer::Options options;
        options.extraArguments = {u"--override-seconds"_s, u"0"_s};
        TestServer server(options);
        QVERIFY2(server.start(), qPrintable(server.output()));
        TestClient lateClerk(server.baseUrl());
        TestClient lateKiosk(server.baseUrl());
        QCOMPARE(lateClerk.login(u"clerk"_s, password(), u"Window 1"_s).status, 201);
        QCOMPARE(lateKiosk.login(u"kiosk"_s, password()).status, 201);
        const HttpReply hold = lateKiosk.post(u"/shows/%1/holds"_s.arg(kShow),
                                              {{u"seatIds"_s, QJsonArray{u"STALLS-A-1"_s}}});
        QVERIFY2(hold.status == 201, qPrintable(hold.describe()));
        const QString holdId = hold.json.value(u"holdId"_s).toString();
        const HttpReply granted = lateClerk.post(u"/overrides"_s, byPassword(u"release"_s, holdId));
        QVERIFY2(granted.status == 201, qPrintable(granted.describe()));
        const HttpReply late =
            release(lateClerk, holdId, granted.json.value(u"token"_s).toString());
        QCOMPARE(late.status, 403);
        QCOMPARE(late.errorCode(), u"OVERRIDE_REJECTED"_s);
        QCOMPARE(late.json[u"error"_s][u"reason"_s].toString(), u"EXPIRED"_s);
    }
};

QTEST_GUILESS_MAIN(TestOverrides)
#include "tst_overrides.moc"

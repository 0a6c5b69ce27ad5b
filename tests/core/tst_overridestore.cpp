// Supervisor overrides in the store: a grant is used once, by its own session, for its own
// action and subject, before it expires (to the millisecond, on a manual clock); a refusal
// names its reason and does not use the grant up. PINs: 4-12 digits, checked like passwords,
// wrong ones counting toward the same lockout.

#include "core/auth/accountstore.h"
#include "core/auth/overridestore.h"
#include "core/storage/database.h"
#include "core/storage/migrations.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Boxoffice::Core;
using namespace Qt::StringLiterals;

class TestOverrideStore : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Connection> m_connection;
    ManualClock m_clock{1'790'000'000'000};
    std::unique_ptr<AccountStore> m_accounts;
    std::unique_ptr<OverrideStore> m_overrides;
    Account m_supervisor;
    Account m_clerk;
    int m_run = 0;

    OverrideRequest request(const QString &action, const QString &subject) const
    {
        OverrideRequest r;
        r.supervisor = m_supervisor.id;
        r.supervisorName = m_supervisor.username;
        r.requestedBy = m_clerk.id;
        r.sessionHash = u"session-a"_s;
        r.terminal = u"Window 1"_s;
        r.action = action;
        r.subject = subject;
        return r;
    }

    static QString reason(const Result<OverrideUse> &use)
    {
        return use ? u"USED OK"_s : use.error().details.value(u"reason"_s).toString();
    }

private slots:
    void init()
    {
        m_overrides.reset();
        m_accounts.reset();
        m_connection.reset();
        auto connection = Connection::open(
            DatabaseConfig{SqlDialect::Sqlite, m_dir.filePath(u"o%1.db"_s.arg(++m_run))},
            u"overrides"_s);
        QVERIFY(connection);
        m_connection = std::move(*connection);
        QVERIFY(migrateSchema(*m_connection, m_clock.nowMs()));
        auto provider = [this]() -> Result<Connection *> { return m_connection.get(); };
        m_accounts =
            std::make_unique<AccountStore>(provider, m_clock, PasswordHashParams{10, 8, 1});
        m_overrides = std::make_unique<OverrideStore>(provider, m_clock, 120'000);
        auto supervisor = m_accounts->addUser(u"sue"_s, Role::Supervisor, u"sue-password"_s);
        QVERIFY(supervisor);
        m_supervisor = *supervisor;
        auto clerk = m_accounts->addUser(u"carl"_s, Role::Clerk, u"carl-password"_s);
        QVERIFY(clerk);
        m_clerk = *clerk;
    }

    void usedOnceOnly()
    {
        auto grant = m_overrides->grant(request(u"refund"_s, u"ORD_1"_s));
        QVERIFY(grant);
        QCOMPARE(grant->expiresMs, m_clock.nowMs() + 120'000);
        auto first = m_overrides->consume(grant->token, u"session-a"_s, u"refund"_s, u"ORD_1"_s);
        QVERIFY2(first, qPrintable(reason(first)));
        QCOMPARE(first->supervisorName, u"sue"_s);
        QCOMPARE(first->overrideId, grant->overrideId);
        auto second = m_overrides->consume(grant->token, u"session-a"_s, u"refund"_s, u"ORD_1"_s);
        QVERIFY(!second);
        QCOMPARE(second.error().code, ErrorCode::OverrideRejected);
        QCOMPARE(reason(second), u"USED"_s);
    }

    void refusals_data()
    {
        QTest::addColumn<QString>("session");
        QTest::addColumn<QString>("action");
        QTest::addColumn<QString>("subject");
        QTest::addColumn<qint64>("later");
        QTest::addColumn<QString>("why");
        QTest::newRow("other session")
            << u"session-b"_s << u"refund"_s << u"ORD_1"_s << qint64(0) << u"OTHER_SESSION"_s;
        QTest::newRow("other action")
            << u"session-a"_s << u"void"_s << u"ORD_1"_s << qint64(0) << u"OTHER_ACTION"_s;
        QTest::newRow("other subject")
            << u"session-a"_s << u"refund"_s << u"ORD_2"_s << qint64(0) << u"OTHER_SUBJECT"_s;
        QTest::newRow("at expiry")
            << u"session-a"_s << u"refund"_s << u"ORD_1"_s << qint64(120'000) << u"EXPIRED"_s;
        QTest::newRow("after expiry")
            << u"session-a"_s << u"refund"_s << u"ORD_1"_s << qint64(500'000) << u"EXPIRED"_s;
    }

    void refusals()
    {
        QFETCH(QString, session);
        QFETCH(QString, action);
        QFETCH(QString, subject);
        QFETCH(qint64, later);
        QFETCH(QString, why);
        auto grant = m_overrides->grant(request(u"refund"_s, u"ORD_1"_s));
        QVERIFY(grant);
        m_clock.advanceMs(later);
        auto refused = m_overrides->consume(grant->token, session, action, subject);
        QVERIFY(!refused);
        QCOMPARE(reason(refused), why);
        if (later == 0) {
            // Not used up by the refusal.
            auto right =
                m_overrides->consume(grant->token, u"session-a"_s, u"refund"_s, u"ORD_1"_s);
            QVERIFY2(right, qPrintable(reason(right)));
        }
    }

    void lastMillisecondStillCounts()
    {
        auto grant = m_overrides->grant(request(u"release"_s, u"HOLD_1"_s));
        QVERIFY(grant);
        m_clock.advanceMs(119'999);
        QVERIFY(m_overrides->consume(grant->token, u"session-a"_s, u"release"_s, u"HOLD_1"_s));
    }

    void unknownTokensAndActions()
    {
        QCOMPARE(reason(m_overrides->consume(u"nope"_s, u"session-a"_s, u"refund"_s, u"ORD_1"_s)),
                 u"UNKNOWN"_s);
        QCOMPARE(reason(m_overrides->consume({}, u"session-a"_s, u"refund"_s, u"ORD_1"_s)),
                 u"UNKNOWN"_s);
        auto bad = m_overrides->grant(request(u"launch"_s, u"ORD_1"_s));
        QVERIFY(!bad);
        QCOMPARE(bad.error().code, ErrorCode::BadRequest);
    }

    void pins()
    {
        QVERIFY(!m_accounts->setPin(u"sue"_s, u"123"_s));
        QVERIFY(!m_accounts->setPin(u"sue"_s, u"1234567890123"_s));
        QVERIFY(!m_accounts->setPin(u"sue"_s, u"12a4"_s));
        QCOMPARE(m_accounts->setPin(u"nobody"_s, u"1234"_s).error().code, ErrorCode::NotFound);
        QCOMPARE(*m_accounts->hasPin(u"sue"_s), false);
        // Without a PIN, no PIN is right.
        QCOMPARE(
            m_accounts->checkCredentials(u"sue"_s, u"1234"_s, CredentialKind::Pin).error().code,
            ErrorCode::InvalidCredentials);
        QVERIFY(m_accounts->setPin(u"sue"_s, u"4711"_s));
        QCOMPARE(*m_accounts->hasPin(u"sue"_s), true);
        auto right = m_accounts->checkCredentials(u"sue"_s, u"4711"_s, CredentialKind::Pin);
        QVERIFY(right);
        QCOMPARE(right->role, Role::Supervisor);
        // The PIN is no password, nor the password a PIN.
        QVERIFY(!m_accounts->checkCredentials(u"sue"_s, u"4711"_s, CredentialKind::Password));
        QVERIFY(!m_accounts->checkCredentials(u"sue"_s, u"sue-password"_s, CredentialKind::Pin));
        QVERIFY(!m_accounts->login(u"sue"_s, u"4711"_s));
    }

    void wrongPinsLockTheAccount()
    {
        QVERIFY(m_accounts->setPin(u"sue"_s, u"4711"_s));
        for (int i = 0; i < AccountStore::kMaxFailedLogins; ++i)
            QCOMPARE(
                m_accounts->checkCredentials(u"sue"_s, u"0000"_s, CredentialKind::Pin).error().code,
                ErrorCode::InvalidCredentials);
        // Locked: the right PIN and the right password are refused alike.
        QCOMPARE(
            m_accounts->checkCredentials(u"sue"_s, u"4711"_s, CredentialKind::Pin).error().code,
            ErrorCode::RateLimited);
        QCOMPARE(m_accounts->login(u"sue"_s, u"sue-password"_s).error().code,
                 ErrorCode::RateLimited);
    }

    void sessionsKeepTheirTerminal()
    {
        auto session = m_accounts->login(u"carl"_s, u"carl-password"_s, u"Window 4"_s);
        QVERIFY(session);
        QCOMPARE(session->terminal, u"Window 4"_s);
        QCOMPARE(session->tokenHash, AccountStore::sessionHash(session->token));
        // A fresh store reads it from the database, not from its cache.
        AccountStore fresh([this]() -> Result<Connection *> { return m_connection.get(); }, m_clock,
                           PasswordHashParams{10, 8, 1});
        auto found = fresh.sessionForToken(session->token);
        QVERIFY(found);
        QCOMPARE(found->terminal, u"Window 4"_s);
        QCOMPARE(found->tokenHash, session->tokenHash);
        QCOMPARE(m_accounts->login(u"carl"_s, u"carl-password"_s, u"Window/4"_s).error().code,
                 ErrorCode::BadRequest);
    }
};

QTEST_GUILESS_MAIN(TestOverrideStore)
#include "tst_overridestore.moc"

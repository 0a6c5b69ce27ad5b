// Login lockout: ten wrong passwords in a row lock an account for thirty minutes, whatever
// password comes next; a right password resets the count; other accounts are not affected.

#include "core/auth/accountstore.h"
#include "core/storage/database.h"
#include "core/storage/migrations.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Boxoffice::Core;
using namespace Qt::StringLiterals;

class TestAccountLockout : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Connection> m_connection;
    ManualClock m_clock{1'790'000'000'000};
    std::unique_ptr<AccountStore> m_accounts;
    const QString m_password = u"right-password-1"_s;

    [[nodiscard]] ErrorCode attempt(const QString &user, const QString &password)
    {
        auto session = m_accounts->login(user, password);
        return session ? ErrorCode::Internal : session.error().code; // Internal: logged in
    }

private slots:
    void init()
    {
        m_accounts.reset();
        m_connection.reset();
        QFile::remove(m_dir.filePath(u"accounts.db"_s));
        auto connection = Connection::open(
            DatabaseConfig{SqlDialect::Sqlite, m_dir.filePath(u"accounts.db"_s)}, u"lockout"_s);
        QVERIFY2(connection, qPrintable(connection ? QString() : connection.error().message));
        m_connection = std::move(*connection);
        QVERIFY(migrateSchema(*m_connection, m_clock.nowMs()));
        // Fast hashing parameters: the lockout, not scrypt, is under test here.
        m_accounts = std::make_unique<AccountStore>(
            [this]() -> Result<Connection *> { return m_connection.get(); }, m_clock,
            PasswordHashParams{10, 8, 1});
        QVERIFY(m_accounts->addUser(u"ann"_s, Role::Clerk, m_password));
        QVERIFY(m_accounts->addUser(u"bob"_s, Role::Clerk, m_password));
    }

    void tenWrongPasswordsLockTheAccount()
    {
        for (int i = 0; i < AccountStore::kMaxFailedLogins; ++i)
            QCOMPARE(attempt(u"ann"_s, u"guess-%1"_s.arg(i)), ErrorCode::InvalidCredentials);
        // Locked: the right password is refused too, and the message says for how long.
        auto locked = m_accounts->login(u"ann"_s, m_password);
        QVERIFY(!locked);
        QCOMPARE(locked.error().code, ErrorCode::RateLimited);
        QVERIFY2(locked.error().message.contains(u"30 min"_s), qPrintable(locked.error().message));
        // Other accounts are not affected.
        QCOMPARE(attempt(u"bob"_s, m_password), ErrorCode::Internal);

        m_clock.advanceMs(AccountStore::kLockoutMs - 1'000);
        QCOMPARE(attempt(u"ann"_s, m_password), ErrorCode::RateLimited);
        m_clock.advanceMs(2'000);
        QCOMPARE(attempt(u"ann"_s, m_password), ErrorCode::Internal);
    }

    void nineWrongPasswordsDoNotLock()
    {
        for (int i = 0; i < AccountStore::kMaxFailedLogins - 1; ++i)
            QCOMPARE(attempt(u"ann"_s, u"guess"_s), ErrorCode::InvalidCredentials);
        QCOMPARE(attempt(u"ann"_s, m_password), ErrorCode::Internal);
    }

    void aRightPasswordResetsTheCount()
    {
        for (int round = 0; round < 3; ++round) {
            for (int i = 0; i < AccountStore::kMaxFailedLogins - 1; ++i)
                QCOMPARE(attempt(u"ann"_s, u"guess"_s), ErrorCode::InvalidCredentials);
            QCOMPARE(attempt(u"ann"_s, m_password), ErrorCode::Internal);
        }
    }

    void theCountStartsAgainAfterALock()
    {
        for (int i = 0; i < AccountStore::kMaxFailedLogins; ++i)
            QCOMPARE(attempt(u"ann"_s, u"guess"_s), ErrorCode::InvalidCredentials);
        m_clock.advanceMs(AccountStore::kLockoutMs + 1);
        // One wrong guess after the lock is not a new lock.
        QCOMPARE(attempt(u"ann"_s, u"guess"_s), ErrorCode::InvalidCredentials);
        QCOMPARE(attempt(u"ann"_s, m_password), ErrorCode::Internal);
    }

    void unknownUsersFailLikeWrongPasswords()
    {
        for (int i = 0; i < AccountStore::kMaxFailedLogins + 2; ++i)
            QCOMPARE(attempt(u"nobody"_s, u"guess"_s), ErrorCode::InvalidCredentials);
    }
};

QTEST_GUILESS_MAIN(TestAccountLockout)
#include "tst_accountlockout.moc"

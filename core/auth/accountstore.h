#pragma once

#include "core/common/clock.h"
#include "core/common/ids.h"
#include "core/common/result.h"
#include "core/security/passwordhasher.h"

#include <QHash>
#include <QString>

#include <functional>
#include <mutex>
#include <optional>

namespace Boxoffice::Core {

class Connection;

enum class Role
{
    Clerk,
    Supervisor,
    Kiosk,
    Admin
};

[[nodiscard]] QString wireName(Role role);
[[nodiscard]] std::optional<Role> roleFromWireName(QStringView name);

struct Account
{
    UserId id;
    QString username;
    Role role = Role::Clerk;
};

struct Session
{
    QString token; // the bearer token; only known when the session is created
    Account account;
    qint64 expiresMs = 0;
    QString terminal;  // the terminal's name given at login; "" when none
    QString tokenHash; // hex SHA-256 of the token: names the session in stored records
};

// How a supervisor proves who they are at a clerk's terminal.
enum class CredentialKind
{
    Password,
    Pin
};

// Users and login sessions. Passwords are stored as scrypt hashes; session tokens are random
// and only their SHA-256 is stored. Thread-safe: each call uses the connection the provider
// returns for the calling thread. Password checks are slow on purpose: call login() off the
// network thread.
class AccountStore
{
public:
    using ConnectionProvider = std::function<Result<Connection *>()>;

    AccountStore(ConnectionProvider connections, const Clock &clock,
                 PasswordHashParams hashParams = {}, qint64 sessionLifetimeMs = 12LL * 3600 * 1000);

    [[nodiscard]] Result<Account> addUser(const QString &username, Role role,
                                          const QString &password);
    [[nodiscard]] Result<std::optional<Account>> findUser(const QString &username);
    // After kMaxFailedLogins wrong passwords in a row an account is locked for kLockoutMs:
    // every login, even with the right password, fails with RateLimited until then. A right
    // password resets the count. Unknown users and wrong passwords fail alike
    // (InvalidCredentials), after the same slow password check.
    // `terminal` names the terminal the session works at (isValidTerminal; "" for none); it is
    // stored with the session and returned by sessionForToken.
    [[nodiscard]] Result<Session> login(const QString &username, const QString &password,
                                        const QString &terminal = {});
    // Checks a user's password or PIN without opening a session: the same slow check, the same
    // lockout (wrong PINs count with wrong passwords) and the same InvalidCredentials for an
    // unknown user, a wrong secret or a user without a PIN. RateLimited while locked.
    [[nodiscard]] Result<Account> checkCredentials(const QString &username, const QString &secret,
                                                   CredentialKind kind);
    // Sets (or replaces) a user's PIN: 4–12 digits, hashed like a password. NotFound for an
    // unknown user.
    [[nodiscard]] Result<> setPin(const QString &username, const QString &pin);
    [[nodiscard]] Result<bool> hasPin(const QString &username);
    static constexpr int kMaxFailedLogins = 10;
    static constexpr qint64 kLockoutMs = 30LL * 60 * 1000;
    // The session a bearer token names; Unauthenticated when unknown, expired or revoked.
    [[nodiscard]] Result<Session> sessionForToken(const QString &token);
    [[nodiscard]] Result<> logout(const QString &token);

    // Usernames: 1–64 characters of letters, digits, '.', '_' and '-'.
    [[nodiscard]] static bool isValidUsername(const QString &username);
    // Terminal names: 1–64 characters of letters, digits, '-', '_', '.' and ' '.
    [[nodiscard]] static bool isValidTerminal(const QString &terminal);
    [[nodiscard]] static bool isValidPin(const QString &pin);
    // The hex SHA-256 of a session token, as stored.
    [[nodiscard]] static QString sessionHash(const QString &token);

private:
    ConnectionProvider m_connections;
    const Clock &m_clock;
    PasswordHashParams m_hashParams;
    qint64 m_sessionLifetimeMs;

    // The shared part of login() and checkCredentials().
    [[nodiscard]] Result<Account> verify(Connection &connection, const QString &username,
                                         const QString &secret, CredentialKind kind);
    // Counts a failed login and locks the account at the limit.
    [[nodiscard]] Result<> recordFailedLogin(Connection &connection, const UserId &user);

    std::mutex m_cacheMutex;
    QHash<QByteArray, Session> m_sessionCache; // by token hash
};

} // namespace Boxoffice::Core

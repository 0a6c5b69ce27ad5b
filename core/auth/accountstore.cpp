#include "core/auth/accountstore.h"

#include "core/common/logging.h"
#include "core/security/random.h"
#include "core/storage/database.h"

#include <QRegularExpression>
#include <QSqlQuery>

namespace Boxoffice::Core {

namespace {

constexpr std::array kRoleNames{"clerk", "supervisor", "kiosk", "admin"};

QByteArray tokenHash(const QString &token)
{
    return sha256(token.toUtf8()).toHex();
}

// A hash to compare against when the user does not exist, so that a login for an unknown
// name costs as much as one with a wrong password.
const QString &decoyHash(const PasswordHashParams &params)
{
    static const QString hash = hashPassword(randomToken(16), params).value_or(QString());
    return hash;
}

} // namespace

QString wireName(Role role)
{
    return QLatin1StringView(kRoleNames[static_cast<std::size_t>(role)]);
}

std::optional<Role> roleFromWireName(QStringView name)
{
    for (std::size_t i = 0; i < kRoleNames.size(); ++i) {
        if (name == QLatin1StringView(kRoleNames[i]))
            return static_cast<Role>(i);
    }
    return std::nullopt;
}

AccountStore::AccountStore(ConnectionProvider connections, const Clock &clock,
                           PasswordHashParams hashParams, qint64 sessionLifetimeMs)
    : m_connections(std::move(connections))
    , m_clock(clock)
    , m_hashParams(hashParams)
    , m_sessionLifetimeMs(sessionLifetimeMs)
{}

bool AccountStore::isValidUsername(const QString &username)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9._-]{1,64}$"));
    return pattern.match(username).hasMatch();
}

bool AccountStore::isValidTerminal(const QString &terminal)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9._ -]{1,64}$"));
    return pattern.match(terminal).hasMatch();
}

bool AccountStore::isValidPin(const QString &pin)
{
    static const QRegularExpression pattern(QStringLiteral("^[0-9]{4,12}$"));
    return pattern.match(pin).hasMatch();
}

QString AccountStore::sessionHash(const QString &token)
{
    return QString::fromLatin1(tokenHash(token));
}

Result<Account> AccountStore::addUser(const QString &username, Role role, const QString &password)
{
    if (!isValidUsername(username))
        return fail(ErrorCode::BadRequest,
                    QStringLiteral("user names are 1-64 letters, digits, '.', '_' or '-'"));
    if (password.size() < 8)
        return fail(ErrorCode::BadRequest,
                    QStringLiteral("a password needs at least 8 characters"));
    auto hash = hashPassword(password, m_hashParams);
    if (!hash)
        return std::unexpected(hash.error());
    auto connection = m_connections();
    if (!connection)
        return std::unexpected(connection.error());
    auto existing = findUser(username);
    if (!existing)
        return std::unexpected(existing.error());
    if (*existing)
        return fail(ErrorCode::Conflict, QStringLiteral("user %1 already exists").arg(username));
    Account account{UserId(newId(u"U_")), username, role};
    auto insert =
        (*connection)
            ->prepare(QStringLiteral(
                "INSERT INTO app_user (user_id, username, password_hash, role, created_at)"
                " VALUES (?, ?, ?, ?, ?)"));
    if (!insert)
        return std::unexpected(insert.error());
    QSqlQuery &q = **insert;
    q.bindValue(0, account.id.value());
    q.bindValue(1, username);
    q.bindValue(2, *hash);
    q.bindValue(3, wireName(role));
    q.bindValue(4, m_clock.nowMs());
    if (auto ok = Connection::run(q); !ok)
        return std::unexpected(ok.error());
    q.finish();
    qCInfo(lcCore).noquote() << "added user" << username << "with role" << wireName(role);
    return account;
}

Result<std::optional<Account>> AccountStore::findUser(const QString &username)
{
    auto connection = m_connections();
    if (!connection)
        return std::unexpected(connection.error());
    auto query =
        (*connection)
            ->prepare(QStringLiteral("SELECT user_id, role FROM app_user WHERE username = ?"));
    if (!query)
        return std::unexpected(query.error());
    (*query)->bindValue(0, username);
    if (auto ok = Connection::run(**query); !ok)
        return std::unexpected(ok.error());
    std::optional<Account> account;
    if ((*query)->next()) {
        account = Account{UserId((*query)->value(0).toString()), username,
                          roleFromWireName((*query)->value(1).toString()).value_or(Role::Kiosk)};
    }
    (*query)->finish();
    return account;
}

Result<Account> AccountStore::verify(Connection &connection, const QString &username,
                                     const QString &secret, CredentialKind kind)
{
    auto query = connection.prepare(
        QStringLiteral("SELECT user_id, password_hash, role, disabled, locked_until, pin_hash"
                       " FROM app_user WHERE username = ?"));
    if (!query)
        return std::unexpected(query.error());
    (*query)->bindValue(0, username);
    if (auto ok = Connection::run(**query); !ok)
        return std::unexpected(ok.error());
    std::optional<Account> account;
    QString storedHash = decoyHash(m_hashParams);
    bool disabled = false;
    qint64 lockedUntil = 0;
    if ((*query)->next()) {
        account = Account{UserId((*query)->value(0).toString()), username,
                          roleFromWireName((*query)->value(2).toString()).value_or(Role::Kiosk)};
        const QString stored = (*query)->value(kind == CredentialKind::Pin ? 5 : 1).toString();
        // A user without a PIN is checked against the decoy: as slow, and never right.
        if (!stored.isEmpty())
            storedHash = stored;
        disabled = (*query)->value(3).toInt() != 0;
        lockedUntil = (*query)->value(4).toLongLong();
    }
    (*query)->finish();
    const bool secretOk = verifyPassword(secret, storedHash);
    const qint64 now = m_clock.nowMs();
    if (account && lockedUntil > now)
        return fail(ErrorCode::RateLimited,
                    QStringLiteral("account locked after %1 failed logins; try again in %2 min")
                        .arg(kMaxFailedLogins)
                        .arg((lockedUntil - now + 59'999) / 60'000));
    if (account && !secretOk) {
        if (auto counted = recordFailedLogin(connection, account->id); !counted)
            return std::unexpected(counted.error());
    }
    if (!account || !secretOk || disabled)
        return fail(ErrorCode::InvalidCredentials,
                    kind == CredentialKind::Pin ? QStringLiteral("wrong user name or PIN")
                                                : QStringLiteral("wrong user name or password"));
    auto reset = connection.prepare(
        QStringLiteral("UPDATE app_user SET failed_logins = 0 WHERE user_id = ?"));
    if (!reset)
        return std::unexpected(reset.error());
    (*reset)->bindValue(0, account->id.value());
    if (auto ok = Connection::run(**reset); !ok)
        return std::unexpected(ok.error());
    (*reset)->finish();
    return *account;
}

Result<Account> AccountStore::checkCredentials(const QString &username, const QString &secret,
                                               CredentialKind kind)
{
    auto connection = m_connections();
    if (!connection)
        return std::unexpected(connection.error());
    return verify(**connection, username, secret, kind);
}

Result<Session> AccountStore::login(const QString &username, const QString &password,
                                    const QString &terminal)
{
    if (!terminal.isEmpty() && !isValidTerminal(terminal))
        return fail(
            ErrorCode::BadRequest,
            QStringLiteral("terminal names are 1-64 letters, digits, '-', '_', '.' or ' '"));
    auto connection = m_connections();
    if (!connection)
        return std::unexpected(connection.error());
    auto account = verify(**connection, username, password, CredentialKind::Password);
    if (!account)
        return std::unexpected(account.error());

    Session session;
    session.token = randomToken(32);
    session.account = *account;
    session.expiresMs = m_clock.nowMs() + m_sessionLifetimeMs;
    session.terminal = terminal;
    session.tokenHash = sessionHash(session.token);
    auto insert = (*connection)
                      ->prepare(QStringLiteral(
                          "INSERT INTO user_session (token_hash, user_id, created_at, expires_at,"
                          " terminal) VALUES (?, ?, ?, ?, ?)"));
    if (!insert)
        return std::unexpected(insert.error());
    (*insert)->bindValue(0, session.tokenHash);
    (*insert)->bindValue(1, account->id.value());
    (*insert)->bindValue(2, m_clock.nowMs());
    (*insert)->bindValue(3, session.expiresMs);
    // Not a null QString: Qt SQL binds a null string as NULL.
    (*insert)->bindValue(4, terminal.isNull() ? QStringLiteral("") : terminal);
    if (auto ok = Connection::run(**insert); !ok)
        return std::unexpected(ok.error());
    (*insert)->finish();
    {
        std::lock_guard lock(m_cacheMutex);
        Session cached = session;
        cached.token.clear();
        m_sessionCache.insert(tokenHash(session.token), cached);
    }
    return session;
}

Result<> AccountStore::setPin(const QString &username, const QString &pin)
{
    if (!isValidPin(pin))
        return fail(ErrorCode::BadRequest, QStringLiteral("a PIN is 4-12 digits"));
    auto hash = hashPassword(pin, m_hashParams);
    if (!hash)
        return std::unexpected(hash.error());
    auto connection = m_connections();
    if (!connection)
        return std::unexpected(connection.error());
    auto update =
        (*connection)
            ->prepare(QStringLiteral("UPDATE app_user SET pin_hash = ? WHERE username = ?"));
    if (!update)
        return std::unexpected(update.error());
    (*update)->bindValue(0, *hash);
    (*update)->bindValue(1, username);
    if (auto ok = Connection::run(**update); !ok)
        return std::unexpected(ok.error());
    const int rows = (*update)->numRowsAffected();
    (*update)->finish();
    if (rows != 1)
        return fail(ErrorCode::NotFound, QStringLiteral("no user %1").arg(username));
    qCInfo(lcCore).noquote() << "set the PIN of" << username;
    return {};
}

Result<bool> AccountStore::hasPin(const QString &username)
{
    auto connection = m_connections();
    if (!connection)
        return std::unexpected(connection.error());
    auto query =
        (*connection)->prepare(QStringLiteral("SELECT pin_hash FROM app_user WHERE username = ?"));
    if (!query)
        return std::unexpected(query.error());
    (*query)->bindValue(0, username);
    if (auto ok = Connection::run(**query); !ok)
        return std::unexpected(ok.error());
    if (!(*query)->next()) {
        (*query)->finish();
        return fail(ErrorCode::NotFound, QStringLiteral("no user %1").arg(username));
    }
    const bool has = !(*query)->value(0).toString().isEmpty();
    (*query)->finish();
    return has;
}

Result<> AccountStore::recordFailedLogin(Connection &connection, const UserId &user)
{
    // One statement, so concurrent wrong guesses are all counted: the tenth locks the account
    // and starts the count again.
    auto update = connection.prepare(QStringLiteral(
        "UPDATE app_user SET"
        " locked_until = CASE WHEN failed_logins + 1 >= ? THEN ? ELSE locked_until END,"
        " failed_logins = CASE WHEN failed_logins + 1 >= ? THEN 0 ELSE failed_logins + 1 END"
        " WHERE user_id = ?"));
    if (!update)
        return std::unexpected(update.error());
    (*update)->bindValue(0, kMaxFailedLogins);
    (*update)->bindValue(1, m_clock.nowMs() + kLockoutMs);
    (*update)->bindValue(2, kMaxFailedLogins);
    (*update)->bindValue(3, user.value());
    if (auto ok = Connection::run(**update); !ok)
        return std::unexpected(ok.error());
    (*update)->finish();
    return {};
}

Result<Session> AccountStore::sessionForToken(const QString &token)
{
    if (token.isEmpty() || token.size() > 256)
        return fail(ErrorCode::Unauthenticated,
                    QStringLiteral("a valid session token is required"));
    const QByteArray hash = tokenHash(token);
    const qint64 now = m_clock.nowMs();
    {
        std::lock_guard lock(m_cacheMutex);
        if (auto it = m_sessionCache.constFind(hash); it != m_sessionCache.cend()) {
            if (it->expiresMs > now)
                return *it;
            m_sessionCache.erase(it);
            return fail(ErrorCode::Unauthenticated, QStringLiteral("the session has expired"));
        }
    }
    auto connection = m_connections();
    if (!connection)
        return std::unexpected(connection.error());
    auto query = (*connection)
                     ->prepare(QStringLiteral(
                         "SELECT s.user_id, u.username, u.role, s.expires_at, s.terminal"
                         " FROM user_session s"
                         " JOIN app_user u ON u.user_id = s.user_id"
                         " WHERE s.token_hash = ? AND s.revoked_at IS NULL AND u.disabled = 0"));
    if (!query)
        return std::unexpected(query.error());
    (*query)->bindValue(0, QString::fromLatin1(hash));
    if (auto ok = Connection::run(**query); !ok)
        return std::unexpected(ok.error());
    if (!(*query)->next()) {
        (*query)->finish();
        return fail(ErrorCode::Unauthenticated, QStringLiteral("unknown session token"));
    }
    Session session;
    session.account =
        Account{UserId((*query)->value(0).toString()), (*query)->value(1).toString(),
                roleFromWireName((*query)->value(2).toString()).value_or(Role::Kiosk)};
    session.expiresMs = (*query)->value(3).toLongLong();
    session.terminal = (*query)->value(4).toString();
    session.tokenHash = QString::fromLatin1(hash);
    (*query)->finish();
    if (session.expiresMs <= now)
        return fail(ErrorCode::Unauthenticated, QStringLiteral("the session has expired"));
    std::lock_guard lock(m_cacheMutex);
    m_sessionCache.insert(hash, session);
    return session;
}

Result<> AccountStore::logout(const QString &token)
{
    const QByteArray hash = tokenHash(token);
    {
        std::lock_guard lock(m_cacheMutex);
        m_sessionCache.remove(hash);
    }
    auto connection = m_connections();
    if (!connection)
        return std::unexpected(connection.error());
    auto query = (*connection)
                     ->prepare(QStringLiteral(
                         "UPDATE user_session SET revoked_at = ? WHERE token_hash = ?"));
    if (!query)
        return std::unexpected(query.error());
    (*query)->bindValue(0, m_clock.nowMs());
    (*query)->bindValue(1, QString::fromLatin1(hash));
    auto ok = Connection::run(**query);
    (*query)->finish();
    return ok;
}

} // namespace Boxoffice::Core

#pragma once

#include "testserver.h"

#include <QHash>
#include <QJsonObject>
#include <QSet>
#include <QString>
#include <QStringList>

#include <map>
#include <memory>
#include <optional>

namespace Boxoffice::Test {

// A sale as the tests of supervisor money operations need it.
struct TestSale
{
    QString show;
    QString hold;
    QString order;
    QStringList seats;
    qint64 amountCents = 0;
    QString currency;
    QList<QJsonObject> tickets; // ticketJson of the paid order, in seat order
};

// The box office around a TestServer for refund, void, reprint and exchange tests: a session
// per role ("clerk", "supervisor", "kiosk", "admin"; "anonymous" has none), sales in a few
// calls, seat statuses, ticket scans and the audit records the server wrote.
class MoneyDesk
{
public:
    explicit MoneyDesk(TestServer &server);

    // Logs every role in (each login costs a scrypt). False with *why on failure.
    [[nodiscard]] bool loginAll(QString *why);
    [[nodiscard]] TestClient &as(const QString &role) { return *m_clients.at(role); }

    // `count` AVAILABLE seats of `show` that no earlier call handed out (of that price, if
    // priceCents is not negative).
    [[nodiscard]] QStringList freeSeats(const QString &show, int count, qint64 priceCents = -1);
    // The prices of `show`'s seats, lowest first.
    [[nodiscard]] QList<qint64> prices(const QString &show);
    // A hold by `role` on `seats`; its id, or empty with *why.
    [[nodiscard]] QString hold(const QString &role, const QString &show, const QStringList &seats,
                               QString *why);
    // An order of `count` fresh seats awaiting payment, placed by the clerk.
    [[nodiscard]] std::optional<TestSale> unpaidSale(int count, const QString &show, QString *why,
                                                     qint64 priceCents = -1);
    // The same, paid in cash (exact amount) and ticketed.
    [[nodiscard]] std::optional<TestSale> paidSale(int count, const QString &show, QString *why,
                                                   qint64 priceCents = -1);

    [[nodiscard]] QStringList seatStatuses(const QString &show, const QStringList &seats);
    [[nodiscard]] QJsonObject order(const QString &orderId);
    // The scan result of a QR payload ("VALID", "REVOKED", ...). VALID marks the ticket USED.
    [[nodiscard]] QString scan(const QString &qrPayload);

    // Audit records the server wrote for `action` on `subject`, newest last (detail objects).
    [[nodiscard]] QList<QJsonObject> auditDetails(const QString &action, const QString &subject);

private:
    TestServer &m_server;
    std::map<QString, std::unique_ptr<TestClient>> m_clients;
    QSet<QString> m_handedOut; // show/seat
    int m_keys = 0;
};

} // namespace Boxoffice::Test

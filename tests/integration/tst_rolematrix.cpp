// Who may call what: every endpoint × anonymous, clerk, supervisor, kiosk and admin, against a
// real server. A denial is 401 (no session) or 403 (role), and every denial is in the audit log.

#include "testserver.h"

#include <QJsonArray>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

using namespace Boxoffice::Test;
using namespace Qt::StringLiterals;

namespace {

const QStringList kRoles{u"anonymous"_s, u"clerk"_s, u"supervisor"_s, u"kiosk"_s, u"admin"_s};

} // namespace

class TestRoleMatrix : public QObject
{
    Q_OBJECT

private:
    TestServer m_server;
    QHash<QString, QString> m_tokens;              // role -> token
    QString m_order;                               // an order a clerk created
    QHash<QPair<QString, QString>, int> m_denials; // (actor, path) -> denials seen

    HttpReply call(const QString &role, const QByteArray &method, const QString &path,
                   const QByteArray &body)
    {
        TestClient client(m_server.baseUrl());
        client.setToken(m_tokens.value(role));
        return client.request(method, path, body,
                              {{"X-Idempotency-Key", "matrix-" + role.toLatin1()},
                               {"Content-Type", "application/json"}});
    }

    int auditedDenials(const QString &actor, const QString &path)
    {
        const QString name = u"matrix-audit"_s;
        int count = 0;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
            db.setDatabaseName(m_server.dataDir() + u"/boxoffice.db"_s);
            db.setConnectOptions(u"QSQLITE_OPEN_READONLY"_s);
            if (db.open()) {
                QSqlQuery query(db);
                query.prepare(u"SELECT COUNT(*) FROM audit_log WHERE action = 'access.denied'"
                              " AND actor = ? AND subject = ?"_s);
                query.addBindValue(actor);
                query.addBindValue(path);
                if (query.exec() && query.next())
                    count = query.value(0).toInt();
            }
        }
        QSqlDatabase::removeDatabase(name);
        return count;
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(m_server.start(), qPrintable(m_server.output()));
        for (const QString &role : kRoles.mid(1)) {
            TestClient client(m_server.baseUrl());
            const HttpReply login = client.login(role, m_server.options().demoPassword);
            QVERIFY2(login.status == 201, qPrintable(login.describe()));
            m_tokens.insert(role, client.token());
        }
        // A real order, created by the clerk, for the order routes.
        TestClient clerk(m_server.baseUrl());
        clerk.setToken(m_tokens[u"clerk"_s]);
        const HttpReply hold =
            clerk.post(u"/shows/seagull-2/holds"_s, {{u"seatIds"_s, QJsonArray{u"STALLS-A-1"_s}}});
        QVERIFY2(hold.status == 201, qPrintable(hold.describe()));
        const HttpReply order =
            clerk.post(u"/orders"_s, {{u"holdId"_s, hold.json.value(u"holdId"_s)}},
                       {{"X-Idempotency-Key", "matrix-order"}});
        QVERIFY2(order.status == 201, qPrintable(order.describe()));
        m_order = order.json.value(u"orderId"_s).toString();
    }

    void matrix_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("role");
        // 0: allowed (any answer but 401/403); else the status of the denial.
        QTest::addColumn<int>("denial");

        struct Endpoint
        {
            QByteArray method;
            QString path;
            // Expected per role, in kRoles order.
            std::array<int, 5> denial;
        };
        const QString order = u"ORDER"_s; // replaced by the real order id in matrix()
        const std::vector<Endpoint> endpoints{
            {"GET", u"/health"_s, {0, 0, 0, 0, 0}},
            {"GET", u"/shows"_s, {401, 0, 0, 0, 0}},
            {"GET", u"/shows/seagull-2"_s, {401, 0, 0, 0, 0}},
            {"GET", u"/shows/seagull-2/seats"_s, {401, 0, 0, 0, 0}},
            {"GET", u"/venues/theatre/layout"_s, {401, 0, 0, 0, 0}},
            {"POST", u"/shows/seagull-2/holds"_s, {401, 0, 0, 0, 403}},
            {"DELETE", u"/holds/HOLD_NOT_THERE"_s, {401, 0, 0, 0, 403}},
            {"POST", u"/orders"_s, {401, 0, 0, 0, 403}},
            {"GET", u"/orders/"_s + order, {401, 0, 0, 403, 0}},
            {"POST", u"/orders/"_s + order + u"/payments"_s, {401, 0, 0, 403, 403}},
            {"POST", u"/tickets/verify"_s, {401, 0, 0, 403, 0}},
            {"POST", u"/overrides"_s, {401, 0, 403, 403, 403}},
            {"GET", u"/orders"_s, {401, 0, 0, 403, 0}},
            {"GET", u"/audit"_s, {401, 403, 0, 403, 0}},
            {"GET", u"/audit/verify"_s, {401, 403, 0, 403, 0}},
            {"POST", u"/shifts"_s, {401, 0, 0, 403, 403}},
            {"GET", u"/shifts/current"_s, {401, 0, 0, 403, 403}},
            {"GET", u"/shifts"_s, {401, 403, 0, 403, 0}},
            {"GET", u"/shifts/SHIFT_NOT_THERE/report"_s, {401, 0, 0, 403, 0}},
            {"POST", u"/shifts/SHIFT_NOT_THERE/close"_s, {401, 0, 0, 403, 403}},
            {"GET", u"/reports/day"_s, {401, 403, 0, 403, 0}},
            // Money operations: supervisors only (clerks with an override come later).
            {"POST", u"/orders/"_s + order + u"/refunds"_s, {401, 403, 0, 403, 403}},
            {"POST", u"/orders/"_s + order + u"/void"_s, {401, 403, 0, 403, 403}},
            {"POST", u"/orders/"_s + order + u"/exchanges"_s, {401, 403, 0, 403, 403}},
            {"POST", u"/tickets/T_NOT_THERE/reprint"_s, {401, 403, 0, 403, 403}},
            {"GET", u"/holds?showId=seagull-2"_s, {401, 403, 0, 403, 0}},
            // Door scanning and kiosks (docs/kiosk-and-door-api.md).
            {"GET", u"/tickets/keys"_s, {401, 0, 0, 403, 0}},
            {"GET", u"/tickets/revocations"_s, {401, 0, 0, 403, 0}},
            {"POST", u"/tickets/scans"_s, {401, 0, 0, 403, 403}},
            {"GET", u"/tickets/scans"_s, {401, 403, 0, 403, 0}},
            {"POST", u"/kiosk/unlock"_s, {401, 403, 403, 0, 403}},
            // Last: the clerk cancels its own order here; the kiosk may not (not its order).
            {"POST", u"/orders/"_s + order + u"/cancel"_s, {401, 0, 0, 403, 403}},
        };
        for (const Endpoint &endpoint : endpoints) {
            for (int r = 0; r < kRoles.size(); ++r)
                QTest::addRow("%s %s as %s", endpoint.method.constData(), qPrintable(endpoint.path),
                              qPrintable(kRoles[r]))
                    << endpoint.method << endpoint.path << kRoles[r] << endpoint.denial[r];
        }
    }

    void matrix()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        QFETCH(QString, role);
        QFETCH(int, denial);
        path.replace(u"ORDER"_s, m_order);
        // An empty object: the allowed calls answer 400 or 404, which changes nothing.
        const HttpReply reply = call(role, method, path, method == "GET" ? QByteArray() : "{}");
        QVERIFY2(reply.status != 0 && reply.status < 500, qPrintable(reply.describe()));
        if (denial == 0) {
            QVERIFY2(reply.status != 401 && reply.status != 403, qPrintable(reply.describe()));
            return;
        }
        QCOMPARE(reply.status, denial);
        QCOMPARE(reply.errorCode(), denial == 401 ? u"UNAUTHENTICATED"_s : u"FORBIDDEN"_s);
        m_denials[{role, path}] += 1;
    }

    void everyDenialIsAudited()
    {
        QVERIFY(!m_denials.isEmpty());
        for (auto it = m_denials.cbegin(); it != m_denials.cend(); ++it) {
            const QString &actor = it.key().first;
            // The audit names the path without its query.
            const QString path = u"/api/v1"_s + it.key().second.section(u'?', 0, 0);
            // Audit records are written off the network thread: wait for them.
            QTRY_VERIFY2_WITH_TIMEOUT(auditedDenials(actor, path) >= it.value(),
                                      qPrintable(u"%1 %2"_s.arg(actor, path)), 10'000);
        }
    }

    void logoutEndsTheSession()
    {
        TestClient client(m_server.baseUrl());
        QCOMPARE(client.login(u"clerk"_s, m_server.options().demoPassword).status, 201);
        QCOMPARE(client.get(u"/shows"_s).status, 200);
        QCOMPARE(client.request("DELETE", u"/sessions"_s).status, 200);
        const HttpReply after = client.get(u"/shows"_s);
        QCOMPARE(after.status, 401);
        QCOMPARE(after.errorCode(), u"UNAUTHENTICATED"_s);
    }
};

QTEST_GUILESS_MAIN(TestRoleMatrix)
#include "tst_rolematrix.moc"

// The login dialog over TLS, offscreen against the real server: the first connection shows the
// server's fingerprint and a trust button (nothing is sent before); trusting pins it and logs
// in; a changed certificate is explained without any way to accept it; plain HTTP is labelled
// INSECURE.

#include "testserver.h"

#include "core/security/servercertificate.h"
#include "sync/client/apiclient.h"
#include "sync/client/servertrust.h"
#include "ui/login/logindialog.h"

#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QPushButton>
#include <QTest>

using namespace Boxoffice;
using namespace Boxoffice::Test;

namespace {

// A demo server speaking TLS, with `extra` arguments.
TestServer::Options tlsOptions(const QStringList &extra = {})
{
    TestServer::Options options;
    options.tls = true;
    options.extraArguments = extra;
    return options;
}
constexpr int kWaitMs = 30'000;
} // namespace

class TestLoginTrust : public QObject
{
    Q_OBJECT

    TestServer m_server{tlsOptions()};
    QNetworkAccessManager m_network;

    static void fillIn(Gui::LoginDialog &dialog, const QString &password)
    {
        auto *field = dialog.findChild<QLineEdit *>(QStringLiteral("password"));
        QVERIFY(field);
        field->setText(password);
    }

private slots:
    void initTestCase() { QVERIFY2(m_server.start(), qPrintable(m_server.output())); }

    void firstConnectionAsksThenTrustIsStored()
    {
        Sync::ServerTrust trust;
        Sync::ApiClient client(&m_network);
        client.setTrust(&trust);
        Gui::LoginDialog dialog(client, QUrl(m_server.origin()), QStringLiteral("clerk"));
        dialog.show();
        auto *transport = dialog.findChild<QLabel *>(QStringLiteral("transport"));
        QVERIFY(transport);
        QVERIFY(transport->text().contains(QStringLiteral("TLS")));
        fillIn(dialog, m_server.options().demoPassword);
        auto *trustButton = dialog.findChild<QPushButton *>(QStringLiteral("trustServer"));
        auto *error = dialog.findChild<QLabel *>(QStringLiteral("error"));
        QVERIFY(trustButton && error);
        QVERIFY(!trustButton->isVisible());

        QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("login")), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(trustButton->isVisible(), kWaitMs);
        QVERIFY(error->text().startsWith(QStringLiteral("First connection to ")));
        QVERIFY2(error->text().contains(QStringLiteral("SHA-256 ") + m_server.fingerprint()),
                 qPrintable(error->text()));
        QVERIFY(!trust.pin(m_server.origin()));
        QVERIFY(dialog.isVisible()); // not accepted

        QTest::mouseClick(trustButton, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(dialog.result(), int(QDialog::Accepted), kWaitMs);
        QCOMPARE(dialog.role(), QStringLiteral("clerk"));
        QCOMPARE(trust.pin(m_server.origin()).value_or(QByteArray()),
                 Core::parseFingerprint(m_server.fingerprint()).value());
    }

    void changedCertificateOffersNoWayIn()
    {
        Sync::ServerTrust trust;
        QVERIFY(trust.trust(m_server.origin(), QByteArray(32, '\x5a')));
        Sync::ApiClient client(&m_network);
        client.setTrust(&trust);
        Gui::LoginDialog dialog(client, QUrl(m_server.origin()), QStringLiteral("clerk"));
        dialog.show();
        fillIn(dialog, m_server.options().demoPassword);
        auto *error = dialog.findChild<QLabel *>(QStringLiteral("error"));
        auto *trustButton = dialog.findChild<QPushButton *>(QStringLiteral("trustServer"));
        QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("login")), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(error->isVisible(), kWaitMs);
        QVERIFY2(error->text().contains(QStringLiteral("certificate has changed")),
                 qPrintable(error->text()));
        QVERIFY(error->text().contains(QStringLiteral("administrator")));
        QVERIFY(!trustButton->isVisible());
        QVERIFY(dialog.isVisible()); // not accepted
        QCOMPARE(trust.pin(m_server.origin()).value_or(QByteArray()), QByteArray(32, '\x5a'));
    }

    void plainHttpIsLabelledInsecure()
    {
        Sync::ApiClient client(&m_network);
        Gui::LoginDialog dialog(client, QUrl(QStringLiteral("http://127.0.0.1:8480")),
                                QStringLiteral("clerk"));
        auto *transport = dialog.findChild<QLabel *>(QStringLiteral("transport"));
        QVERIFY(transport->text().startsWith(QStringLiteral("INSECURE")));
        dialog.findChild<QLineEdit *>(QStringLiteral("server"))
            ->setText(QStringLiteral("https://127.0.0.1:8480"));
        QVERIFY(!transport->text().contains(QStringLiteral("INSECURE")));
    }
};

QTEST_MAIN(TestLoginTrust)
#include "tst_logintrust.moc"

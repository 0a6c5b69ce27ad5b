#include "sync/server/servertls.h"

#include <QDir>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslSocket>

namespace Boxoffice::Sync {

using Core::ErrorCode;
using Core::fail;

Core::Result<QSslConfiguration> serverTlsConfiguration(const Core::ServerIdentity &identity)
{
    if (!QSslSocket::supportsSsl()) {
        return fail(ErrorCode::Internal,
                    QStringLiteral("this build of Qt has no working TLS backend (%1); start with "
                                   "--insecure-http only for development")
                        .arg(QSslSocket::sslLibraryVersionString()));
    }
    const QList<QSslCertificate> chain =
        QSslCertificate::fromData(identity.certificatePem, QSsl::Pem);
    if (chain.isEmpty() || chain.first().toDer() != identity.certificateDer) {
        return fail(ErrorCode::Internal,
                    QStringLiteral("the TLS layer cannot read certificate %1")
                        .arg(QDir::toNativeSeparators(identity.certificatePath)));
    }
    const QSsl::KeyAlgorithm algorithm =
        identity.keyType == QLatin1StringView("RSA") ? QSsl::Rsa : QSsl::Ec;
    const QSslKey key(identity.privateKeyPem, algorithm, QSsl::Pem, QSsl::PrivateKey);
    if (key.isNull()) {
        return fail(ErrorCode::Internal,
                    QStringLiteral("the TLS layer cannot read key %1")
                        .arg(QDir::toNativeSeparators(identity.privateKeyPath)));
    }
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setLocalCertificateChain(chain);
    configuration.setPrivateKey(key);
    configuration.setProtocol(QSsl::TlsV1_2OrLater);
    configuration.setPeerVerifyMode(QSslSocket::VerifyNone);
    return configuration;
}

} // namespace Boxoffice::Sync

#pragma once

#include "core/common/result.h"
#include "core/security/servercertificate.h"

#include <QSslConfiguration>

namespace Boxoffice::Sync {

// The server side of TLS for ApiServer (ServerConfig::tls): the identity's certificate (and
// any chain after it) and key, TLS 1.2 or later, no client certificates. Internal when Qt's TLS
// backend is missing or cannot read the certificate or key.
[[nodiscard]] Core::Result<QSslConfiguration>
serverTlsConfiguration(const Core::ServerIdentity &identity);

} // namespace Boxoffice::Sync

#include "core/security/opensslutil.h"

#include <openssl/err.h>

namespace Boxoffice::Core::OpenSsl {

QString takeErrors()
{
    QStringList parts;
    while (const unsigned long code = ERR_get_error()) {
        char buffer[256];
        ERR_error_string_n(code, buffer, sizeof buffer);
        parts.append(QString::fromLatin1(buffer));
    }
    return parts.join(QLatin1String("; "));
}

} // namespace Boxoffice::Core::OpenSsl

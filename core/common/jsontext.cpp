#include "core/common/jsontext.h"

#include <QString>

#include <cstdio>

namespace Boxoffice::Core {

void appendJsonString(QByteArray &out, QStringView text)
{
    out.append('"');
    const QByteArray utf8 = text.toUtf8();
    for (char c : utf8) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out.append('\\').append(c);
        } else if (byte < 0x20) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\u%04x", byte);
            out.append(escaped);
        } else {
            out.append(c);
        }
    }
    out.append('"');
}

} // namespace Boxoffice::Core

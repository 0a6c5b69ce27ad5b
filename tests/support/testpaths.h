#pragma once

#include <QString>

namespace Boxoffice::Test {

inline QString sourcePath(const QString &relative)
{
    return QStringLiteral(BOXOFFICE_SOURCE_DIR "/") + relative;
}

inline QString serverBinary()
{
    return QStringLiteral(BOXOFFICE_SERVER_BINARY);
}

} // namespace Boxoffice::Test

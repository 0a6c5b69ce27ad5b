#pragma once

#include <QByteArray>
#include <QStringView>

namespace Boxoffice::Core {

// Appends `text` as a JSON string literal (UTF-8, quotes, escapes). For JSON written directly
// on hot paths (seat lists of holds, full seat maps) where QJsonDocument would cost too much.
void appendJsonString(QByteArray &out, QStringView text);

} // namespace Boxoffice::Core

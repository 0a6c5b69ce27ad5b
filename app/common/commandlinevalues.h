#pragma once

#include "core/common/result.h"

#include <QHostAddress>
#include <QString>

namespace Boxoffice::App {

// Values of command-line options shared by the Boxoffice programs. Errors are BadRequest and
// name the option and the text, e.g. "--listen takes ADDR:PORT, e.g. 127.0.0.1:8480, not 'x'".

[[nodiscard]] Core::Result<int> intOption(const QString &option, const QString &text, int min,
                                          int max);

struct ListenAddress
{
    QHostAddress address;
    quint16 port = 0; // 0: any free port
};

// "127.0.0.1:8480", "[::1]:8480", "localhost:0". `examplePort` appears in the error message.
[[nodiscard]] Core::Result<ListenAddress> listenOption(const QString &text, int examplePort);

} // namespace Boxoffice::App

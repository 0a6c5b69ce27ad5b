#include "commandlinevalues.h"

namespace Boxoffice::App {

using Core::ErrorCode;
using Core::fail;

Core::Result<int> intOption(const QString &option, const QString &text, int min, int max)
{
    bool ok = false;
    const int value = text.toInt(&ok);
    if (!ok || value < min || value > max)
        return fail(ErrorCode::BadRequest,
                    QStringLiteral("%1 takes a whole number from %2 to %3, not '%4'")
                        .arg(option)
                        .arg(min)
                        .arg(max)
                        .arg(text));
    return value;
}

Core::Result<ListenAddress> listenOption(const QString &text, int examplePort)
{
    const qsizetype colon = text.lastIndexOf(u':');
    if (colon <= 0)
        return fail(ErrorCode::BadRequest,
                    QStringLiteral("--listen takes ADDR:PORT, e.g. 127.0.0.1:%1, not '%2'")
                        .arg(examplePort)
                        .arg(text));
    QString host = text.left(colon);
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    ListenAddress listen;
    if (host == QLatin1StringView("localhost"))
        listen.address = QHostAddress::LocalHost;
    else if (!listen.address.setAddress(host))
        return fail(ErrorCode::BadRequest,
                    QStringLiteral("--listen: '%1' is not an IP address").arg(host));
    auto port = intOption(QStringLiteral("--listen"), text.mid(colon + 1), 0, 65535);
    if (!port)
        return std::unexpected(port.error());
    listen.port = static_cast<quint16>(*port);
    return listen;
}

} // namespace Boxoffice::App

#pragma once

#include "core/common/result.h"

#include <QTest>

#include <optional>

namespace Boxoffice::Test {

// Runs one asynchronous client call and waits for its callback (the event loop keeps
// running meanwhile). `start` gets the callback to pass on, e.g.
//   auto shows = awaitResult<QList<ShowSummary>>([&](auto done) { client.listShows(&ctx, done); });
// A callback that never comes within timeoutMs yields an Internal error saying so, so the
// test fails on it rather than hanging.
template <class T, class Start> Core::Result<T> awaitResult(Start start, int timeoutMs = 30'000)
{
    auto out = std::make_shared<std::optional<Core::Result<T>>>();
    start([out](Core::Result<T> result) { *out = std::move(result); });
    if (!QTest::qWaitFor([&out] { return out->has_value(); }, timeoutMs))
        return Core::fail(Core::ErrorCode::Internal,
                          QStringLiteral("the callback did not come within %1 ms").arg(timeoutMs));
    return std::move(**out);
}

// "CODE: message" of an error, for QVERIFY2 messages.
inline QByteArray describe(const Core::Error &error)
{
    return (QString::fromLatin1(Core::errorCodeInfo(error.code).wireName) + QStringLiteral(": ") +
            error.message)
        .toUtf8();
}

template <class T> QByteArray describe(const Core::Result<T> &result)
{
    return result ? QByteArrayLiteral("ok") : describe(result.error());
}

} // namespace Boxoffice::Test

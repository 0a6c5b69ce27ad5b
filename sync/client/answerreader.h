#pragma once

#include "core/common/result.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace Boxoffice::Sync {

// Reads the fields of one JSON object of a server answer, strictly: a missing field or one of
// the wrong type records a BadRequest error naming the answer and the field, and every later
// read returns a neutral value. The caller reads all it needs, then checks error() once, so
// garbage from the server never reaches the terminal's values half-read.
//
// Nested objects are read with child readers that report into the same error slot.
class AnswerReader
{
public:
    // `where` names the answer in errors, e.g. "GET /shows".
    AnswerReader(QJsonObject object, QString where);

    // Text of at most `maxLength` characters; required ones must not be empty.
    [[nodiscard]] QString string(const QString &field, int maxLength = 256);
    [[nodiscard]] QString optionalString(const QString &field, int maxLength = 256);
    [[nodiscard]] qint64 integer(const QString &field, qint64 min, qint64 max);
    [[nodiscard]] qint64 optionalInteger(const QString &field, qint64 min, qint64 max,
                                         qint64 fallback = 0);
    [[nodiscard]] bool optionalBool(const QString &field, bool fallback = false);
    // An ISO-8601 UTC time such as "2026-02-23T10:10:00.000Z", as ms since the epoch.
    [[nodiscard]] qint64 time(const QString &field);
    [[nodiscard]] qint64 optionalTime(const QString &field);
    [[nodiscard]] QJsonArray array(const QString &field, int maxItems);
    [[nodiscard]] QJsonArray optionalArray(const QString &field, int maxItems);
    [[nodiscard]] QStringList stringArray(const QString &field, int maxItems, int maxLength = 256);
    [[nodiscard]] QStringList optionalStringArray(const QString &field, int maxItems,
                                                  int maxLength = 256);
    // A reader for an object nested in a field, or for item `index` of an array read before.
    [[nodiscard]] AnswerReader object(const QString &field);
    [[nodiscard]] AnswerReader optionalObject(const QString &field);
    [[nodiscard]] AnswerReader item(const QString &arrayField, const QJsonArray &array,
                                    qsizetype index);

    // Whether the field is present and not null (for optional objects).
    [[nodiscard]] bool has(const QString &field) const
    {
        return m_object.contains(field) && !m_object.value(field).isNull();
    }
    [[nodiscard]] bool ok() const { return !m_error->has_value(); }
    // Records a problem the caller found itself (e.g. an unknown status name).
    void invalid(const QString &field, const QString &problem);
    // The first problem, or {} when every read succeeded.
    [[nodiscard]] Core::Result<> result() const;

private:
    AnswerReader(QJsonObject object, QString where, QString prefix,
                 std::shared_ptr<std::optional<Core::Error>> error);
    void record(const Core::Error &error);
    [[nodiscard]] QString path(const QString &field) const;

    QJsonObject m_object;
    QString m_where;
    QString m_prefix; // "shows[2]." inside nested readers
    std::shared_ptr<std::optional<Core::Error>> m_error;
};

// Parses a whole answer body into an object, or BadRequest naming the answer.
[[nodiscard]] Core::Result<QJsonObject> parseAnswer(const QByteArray &body, const QString &where);

} // namespace Boxoffice::Sync

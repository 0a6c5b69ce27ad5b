#include "sync/client/answerreader.h"

#include "sync/protocol/wire.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonParseError>

namespace Boxoffice::Sync {

using namespace Core;

AnswerReader::AnswerReader(QJsonObject object, QString where)
    : AnswerReader(std::move(object), std::move(where), QString(),
                   std::make_shared<std::optional<Error>>())
{}

AnswerReader::AnswerReader(QJsonObject object, QString where, QString prefix,
                           std::shared_ptr<std::optional<Error>> error)
    : m_object(std::move(object))
    , m_where(std::move(where))
    , m_prefix(std::move(prefix))
    , m_error(std::move(error))
{}

QString AnswerReader::path(const QString &field) const
{
    return m_prefix + field;
}

void AnswerReader::invalid(const QString &field, const QString &problem)
{
    if (m_error->has_value())
        return;
    *m_error = Error::make(
        ErrorCode::BadRequest,
        QStringLiteral("malformed answer to %1: %2: %3").arg(m_where, path(field), problem),
        QJsonObject{{QStringLiteral("field"), path(field)}});
}

void AnswerReader::record(const Error &error)
{
    // The wire helpers say "field: problem"; the prefix places the field in the answer.
    if (!m_error->has_value())
        *m_error = Error::make(
            ErrorCode::BadRequest,
            QStringLiteral("malformed answer to %1: %2%3").arg(m_where, m_prefix, error.message),
            QJsonObject{{QStringLiteral("field"),
                         m_prefix + error.details.value(QStringLiteral("field")).toString()}});
}

Result<> AnswerReader::result() const
{
    if (m_error->has_value())
        return std::unexpected(**m_error);
    return {};
}

QString AnswerReader::string(const QString &field, int maxLength)
{
    if (!ok())
        return {};
    auto text = requiredString(m_object, field, maxLength);
    if (!text) {
        record(text.error());
        return {};
    }
    return *text;
}

QString AnswerReader::optionalString(const QString &field, int maxLength)
{
    if (!ok())
        return {};
    auto text = Sync::optionalString(m_object, field, maxLength);
    if (!text) {
        record(text.error());
        return {};
    }
    return *text;
}

qint64 AnswerReader::integer(const QString &field, qint64 min, qint64 max)
{
    if (!ok())
        return min;
    auto number = requiredInteger(m_object, field, min, max);
    if (!number) {
        record(number.error());
        return min;
    }
    return *number;
}

qint64 AnswerReader::optionalInteger(const QString &field, qint64 min, qint64 max, qint64 fallback)
{
    if (!ok())
        return fallback;
    auto number = Sync::optionalInteger(m_object, field, min, max);
    if (!number) {
        record(number.error());
        return fallback;
    }
    return number->value_or(fallback);
}

bool AnswerReader::optionalBool(const QString &field, bool fallback)
{
    if (!ok())
        return fallback;
    const QJsonValue value = m_object.value(field);
    if (value.isUndefined() || value.isNull())
        return fallback;
    if (!value.isBool()) {
        invalid(field, QStringLiteral("expected true or false"));
        return fallback;
    }
    return value.toBool();
}

qint64 AnswerReader::time(const QString &field)
{
    if (!ok())
        return 0;
    if (!m_object.contains(field)) {
        invalid(field, QStringLiteral("is required"));
        return 0;
    }
    return optionalTime(field);
}

qint64 AnswerReader::optionalTime(const QString &field)
{
    const QString text = optionalString(field, 64);
    if (!ok() || text.isEmpty())
        return 0;
    const QDateTime when = QDateTime::fromString(text, Qt::ISODateWithMs);
    // The server writes UTC with a 'Z'; an offset is accepted, a local time is not.
    if (!when.isValid() || when.timeSpec() == Qt::LocalTime) {
        invalid(field, QStringLiteral("expected an ISO-8601 UTC time, got \"%1\"").arg(text));
        return 0;
    }
    return when.toMSecsSinceEpoch();
}

QJsonArray AnswerReader::array(const QString &field, int maxItems)
{
    if (!ok())
        return {};
    if (!m_object.contains(field)) {
        invalid(field, QStringLiteral("is required"));
        return {};
    }
    return optionalArray(field, maxItems);
}

QJsonArray AnswerReader::optionalArray(const QString &field, int maxItems)
{
    if (!ok())
        return {};
    const QJsonValue value = m_object.value(field);
    if (value.isUndefined() || value.isNull())
        return {};
    if (!value.isArray()) {
        invalid(field, QStringLiteral("expected an array"));
        return {};
    }
    const QJsonArray list = value.toArray();
    if (list.size() > maxItems) {
        invalid(field, QStringLiteral("more than %1 entries").arg(maxItems));
        return {};
    }
    return list;
}

QStringList AnswerReader::stringArray(const QString &field, int maxItems, int maxLength)
{
    if (!ok())
        return {};
    if (!m_object.contains(field)) {
        invalid(field, QStringLiteral("is required"));
        return {};
    }
    return optionalStringArray(field, maxItems, maxLength);
}

QStringList AnswerReader::optionalStringArray(const QString &field, int maxItems, int maxLength)
{
    const QJsonArray list = optionalArray(field, maxItems);
    QStringList items;
    items.reserve(list.size());
    for (qsizetype i = 0; i < list.size() && ok(); ++i) {
        const QJsonValue value = list.at(i);
        const QString place = QStringLiteral("%1[%2]").arg(field).arg(i);
        if (!value.isString() || value.toString().isEmpty())
            invalid(place, QStringLiteral("expected a non-empty string"));
        else if (value.toString().size() > maxLength)
            invalid(place, QStringLiteral("longer than %1 characters").arg(maxLength));
        else
            items.append(value.toString());
    }
    return ok() ? items : QStringList();
}

AnswerReader AnswerReader::object(const QString &field)
{
    if (ok() && !m_object.value(field).isObject())
        invalid(field, QStringLiteral("expected an object"));
    return AnswerReader(m_object.value(field).toObject(), m_where, path(field) + u'.', m_error);
}

AnswerReader AnswerReader::optionalObject(const QString &field)
{
    const QJsonValue value = m_object.value(field);
    if (ok() && !value.isUndefined() && !value.isNull() && !value.isObject())
        invalid(field, QStringLiteral("expected an object"));
    return AnswerReader(value.toObject(), m_where, path(field) + u'.', m_error);
}

AnswerReader AnswerReader::item(const QString &arrayField, const QJsonArray &array, qsizetype index)
{
    const QString place = QStringLiteral("%1[%2]").arg(arrayField).arg(index);
    const QJsonValue value = array.at(index);
    if (ok() && !value.isObject())
        invalid(place, QStringLiteral("expected an object"));
    return AnswerReader(value.toObject(), m_where, path(place) + u'.', m_error);
}

Result<QJsonObject> parseAnswer(const QByteArray &body, const QString &where)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError)
        return fail(ErrorCode::BadRequest, QStringLiteral("malformed answer to %1: not JSON (%2 "
                                                          "at byte %3)")
                                               .arg(where, error.errorString())
                                               .arg(error.offset));
    if (!document.isObject())
        return fail(ErrorCode::BadRequest,
                    QStringLiteral("malformed answer to %1: expected a JSON object").arg(where));
    return document.object();
}

} // namespace Boxoffice::Sync

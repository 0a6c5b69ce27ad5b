#pragma once

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcCore)    // boxoffice.core
Q_DECLARE_LOGGING_CATEGORY(lcStorage) // boxoffice.core.storage

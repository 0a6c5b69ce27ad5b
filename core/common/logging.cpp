#include "core/common/logging.h"

Q_LOGGING_CATEGORY(lcCore, "boxoffice.core")
Q_LOGGING_CATEGORY(lcStorage, "boxoffice.core.storage")

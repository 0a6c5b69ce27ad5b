#include "core/security/securitylogging.h"

Q_LOGGING_CATEGORY(lcSecurity, "boxoffice.core.security")

#include "sync/server/serverlogging.h"

Q_LOGGING_CATEGORY(lcServer, "boxoffice.sync.server")

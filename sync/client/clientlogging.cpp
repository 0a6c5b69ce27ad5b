#include "sync/client/clientlogging.h"

Q_LOGGING_CATEGORY(lcClient, "boxoffice.sync.client")

#include "ui/printing/printinglogging.h"

Q_LOGGING_CATEGORY(lcPrinting, "boxoffice.ui.printing")

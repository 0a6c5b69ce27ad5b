#include "servercommandline.h"

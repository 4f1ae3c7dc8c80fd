#include "aidflow/version.h"

const char *af_version(void) { return AF_VERSION; }

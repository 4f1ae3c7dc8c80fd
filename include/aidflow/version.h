#ifndef AIDFLOW_VERSION_H
#define AIDFLOW_VERSION_H

#include "aidflow/export.h"

/* The library's version string ("0.1.0"), from meson's project version. */
AF_API const char *af_version(void);

#endif

/* aidflow — finding a scenario by name.
 *
 * `aidflow run default` names a bundled scenario instead of a file. af_scenario_find turns such
 * a name into a path: a name that is an existing file, an absolute path, or ends in .yaml or
 * .yml is taken as it is; any other is looked for as NAME.yaml in, in order,
 *   1. the current directory,
 *   2. each directory of `search_path` (colon-separated, like PATH; the command line passes
 *      $AIDFLOW_SCENARIO_PATH), empty entries skipped,
 *   3. the installed scenarios, af_scenario_install_dir() (DATADIR/aidflow/scenarios of the
 *      prefix the library was configured for).
 * A name may have folders in it: "examples/small_network" finds examples/small_network.yaml
 * under any of these. The first match wins.
 */
#ifndef AIDFLOW_SCENARIO_PATH_H
#define AIDFLOW_SCENARIO_PATH_H

#include <stddef.h>

#include "aidflow/error.h"
#include "aidflow/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The directory the bundled scenarios are installed in (compiled in; it need not exist). */
AF_API const char *af_scenario_install_dir(void);

/* Writes the path of the scenario `name` into buf[size] and returns AF_OK; see above. When
 * nothing matches: AF_NOTFOUND, and err's message lists every place looked. AF_RANGE when the
 * path does not fit in buf; AF_INVAL for a NULL or empty name. */
AF_API af_status af_scenario_find(const char *name, const char *search_path, char *buf,
                                  size_t size, af_error *err);

#ifdef __cplusplus
}
#endif
#endif

/* aidflow — the replications of `aidflow run`, kept as they finish.
 *
 * Each finished replication (its daily tables and metrics) is committed to DIR/run.sqlite in a
 * transaction of its own, so an interrupted run (Ctrl-C, kill -9, power loss) keeps every
 * finished replication, and the same command run again computes only the missing ones. The
 * store is tied to one resolved scenario, seed and build: opened for anything else, it is
 * emptied first. Results read back are bit-identical to those saved.
 */
#ifndef AIDFLOW_RUN_STORE_H
#define AIDFLOW_RUN_STORE_H

#include <stdint.h>

#include "aidflow/error.h"
#include "aidflow/export.h"
#include "aidflow/model.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct af_run_store af_run_store;

/* Opens (creating DIR and the store if needed) the store of DIR for this scenario hash and
 * seed. Not thread-safe: callers serialise access. */
AF_API af_status af_run_store_open(af_run_store **out, const char *dir, uint64_t scenario_hash,
                                   uint64_t seed, af_error *err);
AF_API void af_run_store_close(af_run_store *s);
/* The replication if it was saved: AF_OK with *out set, AF_NOTFOUND, or an error. */
AF_API af_status af_run_store_load(af_run_store *s, unsigned replication, af_result **out,
                                   af_error *err);
/* Saves a finished replication (with its daily tables) durably. */
AF_API af_status af_run_store_save(af_run_store *s, const af_result *r, af_error *err);

#ifdef __cplusplus
}
#endif
#endif

/* aidflow — writing the output of `aidflow run`: daily.csv, stations.csv and summary.json, in
 * the formats of docs/OUTPUTS.md, each written atomically. */
#ifndef AIDFLOW_RUN_OUTPUT_H
#define AIDFLOW_RUN_OUTPUT_H

#include <stddef.h>
#include <stdint.h>

#include "aidflow/error.h"
#include "aidflow/export.h"
#include "aidflow/model.h"
#include "aidflow/scenario.h"
#include "aidflow/stats.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct af_provenance {
    const char *command;       /* the command line, as typed */
    const char *scenario_file; /* path of the scenario file */
} af_provenance;

/* Writes the three files into `dir` (created with its parents if missing), summary.json last
 * (its presence says the others are complete). results[i] must be replication i, with its
 * daily tables kept. */
AF_API af_status af_write_run_outputs(const char *dir, const af_scenario *scn,
                                      af_result *const *results, size_t n,
                                      const af_provenance *prov, af_error *err);

/* The id of a run in every table: "HASH-SEED", the resolved scenario's hash (16 hex digits,
 * `aidflow show --hash`) and the seed, into buf (AF_RUN_ID_SIZE bytes). */
#define AF_RUN_ID_SIZE 48
AF_API void af_run_id(char buf[AF_RUN_ID_SIZE], const char *hash_hex, uint64_t seed);

/* The ISO date (YYYY-MM-DD) `days` after the scenario's start date, into buf[11]. */
AF_API void af_scenario_date(const af_scenario *scn, int days, char buf[11]);

/* Mean, sd and confidence interval of metric `k` across results (af_summarise over the
 * replications' values: the non-finite ones are left out). */
AF_API af_summary af_summarise_metric(af_result *const *results, size_t n, size_t k,
                                      double confidence);

/* The binding constraint of a run: the index of the `KIND.NAME.binding_share` metric (KIND
 * station, leg or gaza_side) with the largest mean over the replications (the first on
 * ties), or (size_t)-1 when nothing bound on any day. The kind and name are written to
 * kind[16] and name[256] when not NULL. */
AF_API size_t af_binding_metric(af_result *const *results, size_t n, char kind[16], char name[256]);

#ifdef __cplusplus
}
#endif
#endif

/* Reporting mistakes found in a scenario: the loader's side of af_diagnostics. */
#ifndef AF_SCENARIO_DIAG_H
#define AF_SCENARIO_DIAG_H

#include <stdbool.h>

#include "aidflow/scenario.h"
#include "scenario/source.h"

typedef struct scn_report {
    af_diagnostics *diags;
    const scn_sources *src;
    size_t errors; /* errors reported through this report (including dropped ones) */
    bool nomem;    /* an allocation failed somewhere: the load fails with AF_NOMEM */
    bool no_warnings; /* binding again (a dated change): the warnings were given once */
} scn_report;

/* Adds an error at `m` (printf-style). Errors past the limit are dropped. */
void scn_error(scn_report *r, scn_mark m, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Adds a note to the error just reported (dropped with it when past the limit). */
void scn_note(scn_report *r, scn_mark m, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Adds a warning: something legal that is probably not meant. It does not fail the load. */
void scn_warning(scn_report *r, scn_mark m, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* True once the error limit is reached: the loader may stop looking. */
bool scn_full(const scn_report *r);

/* Adds a diagnostic with an explicit place (for libyaml errors in a named text). */
void diag_add(af_diagnostics *d, af_diag_severity sev, const char *file, int line, int col,
              const char *source_line, size_t source_len, const char *message);

/* Drops the quoted source lines of diagnostics first.. (their places and messages stay): a
 * base file that is not YAML may be anything, /etc/shadow included, and is not quoted. */
void diag_forget_lines(af_diagnostics *d, size_t first);

#endif

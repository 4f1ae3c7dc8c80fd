/* aidflow — the HTML report: one self-contained file with inline SVG charts.
 *
 * af_report_write reads the output directories of `aidflow run` (summary.json, daily.csv,
 * stations.csv), `aidflow compare` (compare.csv), `aidflow sweep` (sweep.csv) and
 * `aidflow target` (target.csv) — the kind of each directory is recognised from the files in
 * it — and writes one HTML file: a summary table with provenance at the top, then the charts.
 * Several run directories are drawn overlaid, one colour each.
 *
 * The file needs nothing else to be read: no script, no network request, no font or image
 * from elsewhere; it prints on A4 with no chart split across pages. Every text taken from the
 * inputs is escaped. The same inputs give a byte-identical file. It is written atomically:
 * on any error the previous file at out_path, if any, is left as it was.
 */
#ifndef AIDFLOW_REPORT_H
#define AIDFLOW_REPORT_H

#include <stddef.h>

#include "aidflow/error.h"
#include "aidflow/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Writes the report of the n_dirs directories to out_path.
 *   AF_INVAL     no directory, or a directory holding none of the files above;
 *   AF_IO        a file that cannot be read, or out_path that cannot be written;
 *   AF_PARSE     a malformed input file: err->file and err->line say where, and
 *                err->message reads "FILE:LINE: what is wrong";
 *   AF_NOMEM. */
AF_API af_status af_report_write(const char *const *dirs, size_t n_dirs, const char *out_path,
                                 af_error *err);

/* The same, with labels for the directories' runs in legends, tables and titles: labels[i]
 * names the run in dirs[i] (NULL, or labels itself NULL, for the default: the scenario's name
 * with the --set overrides of its command). */
AF_API af_status af_report_write_labelled(const char *const *dirs, const char *const *labels, size_t n_dirs,
                                          const char *out_path, af_error *err);

#ifdef __cplusplus
}
#endif
#endif

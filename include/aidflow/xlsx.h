/* aidflow — an Excel workbook of an output folder, for planners.
 *
 * af_xlsx_write reads the tables a command has just written into `dir` and puts them into one
 * .xlsx workbook: numbers as numbers, a frozen and filterable header row on every sheet, units
 * in the headers (or, where they vary by row, in a `unit` column), fractions shown as
 * percentages. The file is written atomically (temporary file beside it, fsync, rename).
 *
 * An `aidflow run` folder (summary.json) gives the sheets
 *   Summary   metric, mean, the confidence interval's low and high, n, unit (summary.json)
 *   Need met  per region and category: need, delivered, consumed and unmet tonnes over the
 *             horizon, mean over replications, and need met = consumed / need (daily.csv)
 *   Daily     daily.csv as it is, with units in the headers
 *   Stations  stations.csv likewise
 *   About     the scenario, seed, replications, version and command (summary.json)
 * A sweep, compare or target folder (provenance.json) gives one sheet for each of compare.csv,
 * target.csv, sweep.csv and replications.csv that is there (a `unit` column after `metric`),
 * and About (provenance.json).
 *
 * Cells hold the CSV's numbers; the workbook stores 16 significant digits (the CSV tables of a
 * run have 10, so they are exact; the 17-digit numbers of replications.csv may differ in the
 * last digit).
 */
#ifndef AIDFLOW_XLSX_H
#define AIDFLOW_XLSX_H

#include <stdbool.h>

#include "aidflow/error.h"
#include "aidflow/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* True when the library was built with libxlsxwriter; otherwise af_xlsx_write says so. */
AF_API bool af_xlsx_available(void);

/* Writes the workbook of output folder `dir` to `path`. AF_NOTFOUND when `dir` holds neither
 * summary.json nor provenance.json; AF_PARSE (with "FILE:LINE: what") for a malformed table;
 * AF_LIMIT for a table longer than a worksheet (1,048,575 rows); AF_IO, AF_NOMEM. */
AF_API af_status af_xlsx_write(const char *dir, const char *path, af_error *err);

#ifdef __cplusplus
}
#endif
#endif

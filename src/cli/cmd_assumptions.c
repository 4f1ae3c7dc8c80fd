/* aidflow assumptions — list the values a scenario marks as assumptions, with their ranges:
 * a table on the terminal, or CSV / JSON for tools. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aidflow/scenario.h"
#include "base/buf.h"
#include "base/num.h"
#include "cli/cli_util.h"
#include "cli/commands.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: aidflow assumptions FILE [--set PATH=VALUE]... [--format table|csv|json]\n\n"
            "Lists the values FILE marks as assumptions ({value: V, assumption: [LO, HI]}):\n"
            "the --set path of each, its value and range in the key's resolved unit, the\n"
            "prior, the source and where the mark is written.\n"
            "Example: aidflow assumptions spring_2024 --format csv\n");
}

static const char *n(double x, char buf[AF_NUM_SIZE])
{
    if (x == 0) x = 0;
    return af_fmt_num(buf, AF_NUM_SIZE, x);
}

static void table(const af_scenario *s, af_buf *b)
{
    size_t w = 4;
    for (size_t i = 0; i < s->n_assumptions; i++)
        if (strlen(s->assumptions[i].path) > w) w = strlen(s->assumptions[i].path);
    af_buf_printf(b, "%-*s  %12s  %12s  %12s  %-5s  %-11s  %s\n", (int)w, "path", "value", "low",
                  "high", "unit", "prior", "source");
    char x[AF_NUM_SIZE], y[AF_NUM_SIZE], z[AF_NUM_SIZE];
    for (size_t i = 0; i < s->n_assumptions; i++) {
        const af_scn_assumption *a = &s->assumptions[i];
        af_buf_printf(b, "%-*s  %12s  %12s  %12s  %-5s  %-11s  %s\n", (int)w, a->path,
                      n(a->value, x), n(a->lo, y), n(a->hi, z), a->unit, af_prior_name(a->prior),
                      a->source);
    }
    af_buf_printf(b, "%zu assumption%s\n", s->n_assumptions, s->n_assumptions == 1 ? "" : "s");
}

static void csv(const af_scenario *s, af_buf *b)
{
    af_buf_put(b, "path,value,low,high,unit,integer,prior,source,file,line,column\n");
    char x[AF_NUM_SIZE], y[AF_NUM_SIZE], z[AF_NUM_SIZE];
    for (size_t i = 0; i < s->n_assumptions; i++) {
        const af_scn_assumption *a = &s->assumptions[i];
        af_buf_csv(b, a->path);
        af_buf_printf(b, ",%s,%s,%s,", n(a->value, x), n(a->lo, y), n(a->hi, z));
        af_buf_csv(b, a->unit);
        af_buf_printf(b, ",%s,%s,", a->integer ? "true" : "false", af_prior_name(a->prior));
        af_buf_csv(b, a->source);
        af_buf_put(b, ",");
        af_buf_csv(b, a->file);
        af_buf_printf(b, ",%d,%d\n", a->line, a->column);
    }
}

static void json(const af_scenario *s, af_buf *b)
{
    af_buf_put(b, "{\"scenario\": ");
    af_buf_json(b, s->name);
    af_buf_put(b, ", \"assumptions\": [");
    char x[AF_NUM_SIZE], y[AF_NUM_SIZE], z[AF_NUM_SIZE];
    for (size_t i = 0; i < s->n_assumptions; i++) {
        const af_scn_assumption *a = &s->assumptions[i];
        af_buf_put(b, i ? ",\n  {\"path\": " : "\n  {\"path\": ");
        af_buf_json(b, a->path);
        af_buf_printf(b, ", \"value\": %s, \"low\": %s, \"high\": %s, \"unit\": ", n(a->value, x),
                      n(a->lo, y), n(a->hi, z));
        af_buf_json(b, a->unit);
        af_buf_printf(b, ", \"integer\": %s, \"prior\": \"%s\", \"source\": ",
                      a->integer ? "true" : "false", af_prior_name(a->prior));
        af_buf_json(b, a->source);
        af_buf_put(b, ", \"file\": ");
        af_buf_json(b, a->file);
        af_buf_printf(b, ", \"line\": %d, \"column\": %d}", a->line, a->column);
    }
    af_buf_put(b, s->n_assumptions ? "\n]}\n" : "]}\n");
}

int af_cmd_assumptions(int argc, char **argv)
{
    const char **sets = calloc((size_t)argc, sizeof *sets);
    if (!sets) {
        fprintf(stderr, "aidflow assumptions: out of memory\n");
        return AF_EXIT_FAIL;
    }
    size_t n_sets = 0;
    const char *file = NULL, *format = "table";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            free(sets);
            return AF_EXIT_OK;
        } else if (!strcmp(a, "--set") && i + 1 < argc) {
            sets[n_sets++] = argv[++i];
        } else if (!strncmp(a, "--set=", 6)) {
            sets[n_sets++] = a + 6;
        } else if (!strcmp(a, "--format") && i + 1 < argc) {
            format = argv[++i];
        } else if (!strncmp(a, "--format=", 9)) {
            format = a + 9;
        } else if ((a[0] == '-' && a[1]) || file) {
            fprintf(stderr, "aidflow assumptions: unexpected argument '%s'\n", a);
            usage(stderr);
            free(sets);
            return AF_EXIT_USAGE;
        } else {
            file = a;
        }
    }
    if (strcmp(format, "table") && strcmp(format, "csv") && strcmp(format, "json")) {
        fprintf(stderr, "aidflow assumptions: --format: expected table, csv or json, found '%s'\n",
                format);
        free(sets);
        return AF_EXIT_USAGE;
    }
    if (!file) {
        usage(stderr);
        free(sets);
        return AF_EXIT_USAGE;
    }
    char file_buf[4096];
    if (!(file = af_cli_find_scenario("assumptions", file, file_buf, sizeof file_buf))) {
        free(sets);
        return AF_EXIT_USAGE;
    }
    af_diagnostics *d = af_diagnostics_create(0);
    af_scenario *s = NULL;
    af_status st = d ? af_scenario_load(file, sets, n_sets, &s, d) : AF_NOMEM;
    af_diagnostics_print(d, stderr);
    af_diagnostics_destroy(d);
    free(sets);
    if (st != AF_OK) {
        if (st == AF_NOMEM) fprintf(stderr, "aidflow assumptions: out of memory\n");
        return st == AF_NOMEM ? AF_EXIT_FAIL : AF_EXIT_USAGE;
    }
    af_buf b = {0};
    if (!strcmp(format, "csv"))
        csv(s, &b);
    else if (!strcmp(format, "json"))
        json(s, &b);
    else
        table(s, &b);
    af_scenario_free(s);
    int status = AF_EXIT_OK;
    if (b.failed) {
        fprintf(stderr, "aidflow assumptions: out of memory\n");
        status = AF_EXIT_FAIL;
    } else if (fwrite(af_buf_str(&b), 1, b.len, stdout) != b.len || fflush(stdout) != 0) {
        status = AF_EXIT_FAIL;
    }
    af_buf_free(&b);
    return status;
}

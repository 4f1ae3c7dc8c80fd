#include "cli/cli_util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aidflow/model.h"
#include "aidflow/scenario_path.h"
#include "aidflow/xlsx.h"
#include "cli/commands.h"

int af_cli_overrides_add(af_cli_overrides *o, const char *item)
{
    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 8;
        const char **items = realloc(o->items, cap * sizeof *items);
        if (!items) {
            fprintf(stderr, "aidflow: out of memory\n");
            return -1;
        }
        o->items = items;
        o->cap = cap;
    }
    o->items[o->n++] = item;
    return 0;
}

void af_cli_overrides_free(af_cli_overrides *o)
{
    free(o->items);
    o->items = NULL;
    o->n = o->cap = 0;
}

int af_cli_parse_int(const char *cmd, const char *opt, const char *text, long long lo,
                     long long hi, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (end == text || *end != '\0' || errno == ERANGE || v < lo || v > hi) {
        fprintf(stderr, "aidflow %s: %s expects a whole number from %lld to %lld, got '%s'\n", cmd,
                opt, lo, hi, text);
        return -1;
    }
    *out = v;
    return 0;
}

int af_cli_load_scenario(const char *path, const af_cli_overrides *o, af_scenario **out)
{
    af_diagnostics *d = af_diagnostics_create(0);
    if (!d) {
        fprintf(stderr, "aidflow: out of memory\n");
        return AF_EXIT_FAIL;
    }
    af_status st = af_scenario_load(path, o->items, o->n, out, d);
    af_diagnostics_print(d, stderr);
    af_diagnostics_destroy(d);
    if (st == AF_OK) return AF_EXIT_OK;
    if (st == AF_NOMEM) {
        fprintf(stderr, "aidflow: out of memory loading %s\n", path);
        return AF_EXIT_FAIL;
    }
    return AF_EXIT_USAGE;
}

const char *af_cli_find_scenario(const char *cmd, const char *name, char *buf, size_t size)
{
    af_error err;
    af_error_clear(&err);
    if (af_scenario_find(name, getenv("AIDFLOW_SCENARIO_PATH"), buf, size, &err) == AF_OK)
        return buf;
    fprintf(stderr, "aidflow %s: %s\n", cmd, err.message);
    return NULL;
}

int af_cli_write_xlsx(const char *cmd, const char *dir, const char *path)
{
    if (!path) return AF_EXIT_OK;
    af_error err;
    af_error_clear(&err);
    if (af_xlsx_write(dir, path, &err) == AF_OK) return AF_EXIT_OK;
    fprintf(stderr, "aidflow %s: the tables are written, but not the workbook: %s\n", cmd, err.message);
    return AF_EXIT_FAIL;
}

void af_cli_default_out_dir(const char *path, char *buf, size_t size)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t len = strlen(base);
    if (len > 5 && !strcmp(base + len - 5, ".yaml")) len -= 5;
    else if (len > 4 && !strcmp(base + len - 4, ".yml")) len -= 4;
    snprintf(buf, size, "out/%.*s", (int)len, base);
}

int af_cli_parse_size(const char *cmd, const char *opt, const char *text, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    double mult = 1;
    if (end != text) {
        switch (*end) {
        case 'k': case 'K': mult = 1024.0; end++; break;
        case 'm': case 'M': mult = 1024.0 * 1024; end++; break;
        case 'g': case 'G': mult = 1024.0 * 1024 * 1024; end++; break;
        case 't': case 'T': mult = 1024.0 * 1024 * 1024 * 1024; end++; break;
        default: break;
        }
        if (*end == 'B' || *end == 'b') end++;
    }
    if (end == text || *end != '\0' || errno == ERANGE || !(v > 0) || v * mult > 1e18) {
        fprintf(stderr, "aidflow %s: %s expects a size such as 512M or 8G, got '%s'\n", cmd, opt, text);
        return -1;
    }
    *out = v * mult;
    return 0;
}

/* Four buffers in turn, so that one message can format several values. */
static char *scratch(void)
{
    static char bufs[4][64];
    static unsigned next;
    return bufs[next++ % 4];
}

const char *af_cli_format_bytes(double b)
{
    char *buf = scratch();
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    int u = 0;
    while (b >= 1024 && u < 6) {
        b /= 1024;
        u++;
    }
    snprintf(buf, 64, "%.3g %s", b, units[u]);
    return buf;
}

const char *af_cli_format_seconds(double s)
{
    char *buf = scratch();
    if (s < 120)
        snprintf(buf, 64, "%.2g s", s);
    else if (s < 7200)
        snprintf(buf, 64, "%.2g min", s / 60);
    else if (s < 172800)
        snprintf(buf, 64, "%.2g h", s / 3600);
    else
        snprintf(buf, 64, "%.2g days", s / 86400);
    return buf;
}

double af_cli_daily_table_bytes(const af_scenario *scn)
{
    double stations = (double)(scn->n_inspections + 2 * scn->n_crossings);
    return (double)scn->horizon_days *
           ((double)(scn->n_regions * scn->n_categories) * sizeof(af_daily_cell) +
            stations * sizeof(af_station_day));
}

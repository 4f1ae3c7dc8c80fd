#include "cli/cli_util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

void af_cli_default_out_dir(const char *path, char *buf, size_t size)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t len = strlen(base);
    if (len > 5 && !strcmp(base + len - 5, ".yaml")) len -= 5;
    else if (len > 4 && !strcmp(base + len - 4, ".yml")) len -= 4;
    snprintf(buf, size, "out/%.*s", (int)len, base);
}

static char command_line[8192];

void af_cli_set_command_line(int argc, char **argv)
{
    size_t used = 0;
    command_line[0] = '\0';
    for (int i = 0; i < argc && used + 1 < sizeof command_line; i++) {
        int n = snprintf(command_line + used, sizeof command_line - used, "%s%s", i ? " " : "",
                         i == 0 ? "aidflow" : argv[i]);
        if (n < 0) break;
        used += (size_t)n;
    }
}

const char *af_cli_command_line(void) { return command_line; }

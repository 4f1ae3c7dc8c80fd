/* Shared parts of the experiment subcommands (run, sweep, compare, target, merge). */
#include "cli/exp_cli.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli_util.h"
#include "cli/commands.h"

volatile int exp_cli_interrupted;

static void on_signal(int sig)
{
    (void)sig;
    exp_cli_interrupted = 1;
}

void exp_cli_catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void format_duration(double s, char *buf, size_t size)
{
    if (!isfinite(s) || s < 0) {
        snprintf(buf, size, "?");
        return;
    }
    long t = lround(s);
    if (t < 60)
        snprintf(buf, size, "%lds", t);
    else if (t < 3600)
        snprintf(buf, size, "%ldm%02lds", t / 60, t % 60);
    else
        snprintf(buf, size, "%ldh%02ldm", t / 3600, (t % 3600) / 60);
}

void exp_cli_progress_init(exp_cli_progress_state *s, const char *cmd, bool quiet)
{
    memset(s, 0, sizeof *s);
    s->cmd = cmd;
    s->quiet = quiet;
    s->tty = isatty(STDERR_FILENO);
    s->last = -1e9;
}

void exp_cli_progress_break(exp_cli_progress_state *s)
{
    if (s->open_line) {
        fputc('\n', stderr);
        s->open_line = false;
    }
}

void exp_cli_progress(void *ctx, const af_exp_progress *p)
{
    exp_cli_progress_state *s = ctx;
    if (s->quiet) return;
    double t = now();
    size_t ran = p->done - p->resumed;
    double rate = p->elapsed > 0 ? (double)ran / p->elapsed : 0;
    double eta = rate > 0 ? (double)(p->total - p->done) / rate : NAN;
    char eta_s[32], el_s[32];
    format_duration(eta, eta_s, sizeof eta_s);
    format_duration(p->elapsed, el_s, sizeof el_s);
    if (s->tty) {
        if (!p->finished && t - s->last < 0.1 && p->done != p->resumed) return;
        s->last = t;
        const int width = 30;
        int fill = p->total ? (int)((double)p->done / (double)p->total * width) : width;
        char bar[64];
        for (int i = 0; i < width; i++) bar[i] = i < fill ? '#' : '.';
        bar[width] = '\0';
        fprintf(stderr, "\r%s [%s] %zu/%zu jobs  %.2f/s  %s %s   ", s->cmd, bar, p->done,
                p->total, rate, p->finished ? "took" : "ETA", p->finished ? el_s : eta_s);
        s->open_line = true;
        if (p->finished) exp_cli_progress_break(s);
        fflush(stderr);
        return;
    }
    /* Plain lines: the start, then at most one a second when another 10% is done or every
     * 10 s, and the end. */
    size_t decile = p->total ? p->done * 10 / p->total : 10;
    bool first = s->last < 0;
    bool due = first || p->finished || (decile != s->last_decile && t - s->last >= 1.0) ||
               t - s->last >= 10;
    if (!due) return;
    s->last = t;
    s->last_decile = decile;
    if (first && p->finished && p->done == p->resumed)
        fprintf(stderr, "%s: all %zu jobs already in the store\n", s->cmd, p->total);
    else if (first && p->resumed)
        fprintf(stderr, "%s: %zu of %zu jobs already in the store; running the other %zu\n",
                s->cmd, p->resumed, p->total, p->total - p->resumed);
    else if (first)
        fprintf(stderr, "%s: %zu jobs to run\n", s->cmd, p->total);
    else if (p->finished)
        fprintf(stderr, "%s: %zu/%zu jobs, %.2f jobs/s, took %s\n", s->cmd, p->done, p->total,
                rate, el_s);
    else
        fprintf(stderr, "%s: %zu/%zu jobs (%zu%%), %.2f jobs/s, about %s left\n", s->cmd,
                p->done, p->total, p->total ? p->done * 100 / p->total : 100, rate, eta_s);
}

/* ---- the command line for provenance ---- */

static bool needs_quotes(const char *s)
{
    if (!*s) return true;
    for (const char *p = s; *p; p++)
        if (!(isalnum((unsigned char)*p) || strchr("-_./=:,+%@", *p))) return true;
    return false;
}

const char *exp_cli_command(int argc, char **argv, const char *cmd)
{
    static char buf[8192];
    static const char *const skip_arg[] = {"--jobs", "--out", "--shard", "--stop-after",
                                           "--max-memory", "--xlsx", "-j", "-o"};
    static const char *const skip_flag[] = {"--quiet", "--fresh", "--force", "--report", "-q",
                                            "--check-conservation"};
    size_t used = (size_t)snprintf(buf, sizeof buf, "aidflow %s", cmd);
    for (int i = 1; i < argc && used < sizeof buf; i++) {
        const char *a = argv[i];
        bool skip = false;
        for (size_t k = 0; k < sizeof skip_flag / sizeof *skip_flag; k++)
            if (!strcmp(a, skip_flag[k])) skip = true;
        for (size_t k = 0; k < sizeof skip_arg / sizeof *skip_arg; k++) {
            size_t n = strlen(skip_arg[k]);
            if (!strcmp(a, skip_arg[k])) {
                skip = true;
                i++; /* and its value */
            } else if (!strncmp(a, skip_arg[k], n) && a[n] == '=') {
                skip = true;
            }
        }
        if (skip) continue;
        if (needs_quotes(a)) {
            used += (size_t)snprintf(buf + used, sizeof buf - used, " '");
            for (const char *p = a; *p && used < sizeof buf - 5; p++) {
                if (*p == '\'')
                    used += (size_t)snprintf(buf + used, sizeof buf - used, "'\\''");
                else
                    buf[used++] = *p;
            }
            used += (size_t)snprintf(buf + used, sizeof buf - used, "'");
        } else {
            used += (size_t)snprintf(buf + used, sizeof buf - used, " %s", a);
        }
    }
    if (used >= sizeof buf) buf[sizeof buf - 1] = '\0';
    return buf;
}

int exp_cli_parse_u64(const char *cmd, const char *opt, const char *text, uint64_t lo,
                      uint64_t hi, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (end == text || *end || errno == ERANGE || text[0] == '-' || v < lo || v > hi) {
        fprintf(stderr, "aidflow %s: %s expects a whole number from %llu to %llu, got '%s'\n", cmd,
                opt, (unsigned long long)lo, (unsigned long long)hi, text);
        return -1;
    }
    *out = v;
    return 0;
}

int exp_cli_parse_shard(const char *cmd, const char *text, unsigned *shard, unsigned *shards)
{
    unsigned long i, k;
    char *end;
    i = strtoul(text, &end, 10);
    if (end != text && *end == '/' && text[0] != '-') {
        const char *kt = end + 1;
        k = strtoul(kt, &end, 10);
        if (end != kt && !*end && *kt != '-' && k >= 1 && k <= 1000000 && i < k) {
            *shard = (unsigned)i;
            *shards = (unsigned)k;
            return 0;
        }
    }
    fprintf(stderr, "aidflow %s: --shard expects I/K with 0 <= I < K (e.g. 0/4), got '%s'\n", cmd,
            text);
    return -1;
}

int exp_cli_exit(af_status st)
{
    switch (st) {
    case AF_OK: return AF_EXIT_OK;
    case AF_INVAL:
    case AF_PARSE:
    case AF_RANGE: return AF_EXIT_USAGE;
    case AF_INTERRUPTED: return AF_EXIT_INTERRUPTED;
    default: return AF_EXIT_FAIL;
    }
}

int exp_cli_fail(const char *cmd, af_status st, const af_error *err, const char *out_dir)
{
    if (st == AF_INTERRUPTED) {
        fprintf(stderr,
                "aidflow %s: interrupted; every finished job is kept in %s/results.sqlite: run "
                "the same command again to resume\n",
                cmd, out_dir);
    } else if (st == AF_PARSE && strchr(err->message, '\n')) {
        /* Compiler-style diagnostics: print them as they are. */
        fprintf(stderr, "%s\n", err->message);
    } else {
        fprintf(stderr, "aidflow %s: %s\n", cmd, err->message[0] ? err->message : af_strerror(st));
    }
    return exp_cli_exit(st);
}

bool exp_cli_mpi_start(int *argc, char ***argv, const af_exp_model *model, int *size,
                       int *status)
{
    int rank = 0;
    af_error err;
    af_error_clear(&err);
    *size = 1;
    if (af_exp_mpi_init(argc, argv, &rank, size, &err) != AF_OK) {
        fprintf(stderr, "aidflow: %s\n", err.message);
        *status = AF_EXIT_FAIL;
        return true;
    }
    if (rank == 0) return false;
    af_status st = af_exp_mpi_serve(model, &err);
    if (st != AF_OK) fprintf(stderr, "aidflow (rank %d): %s\n", rank, err.message);
    af_exp_mpi_finalize();
    *status = st == AF_OK ? AF_EXIT_OK : AF_EXIT_FAIL;
    return true;
}

const char *exp_cli_num(char *buf, size_t size, double v)
{
    if (isnan(v))
        snprintf(buf, size, "-");
    else if (fabs(v) >= 1e4)
        snprintf(buf, size, "%.0f", v);
    else
        snprintf(buf, size, "%.4g", v);
    return buf;
}

const char *exp_cli_path_unit(const char *path)
{
    return af_design_path_unit(path);
}

void exp_cli_default_out(const char *scenario, const char *suffix, char *buf, size_t size)
{
    char base[4096];
    af_cli_default_out_dir(scenario, base, sizeof base);
    snprintf(buf, size, "%s-%s", base, suffix);
}

int exp_cli_common_option(const char *cmd, int c, const char *arg, const exp_cli_common *co)
{
    uint64_t v = 0;
    int bad = 0;
    switch (c) {
    case 's': bad = af_cli_overrides_add(co->sets, arg); break;
    case 'r':
        bad = exp_cli_parse_u64(cmd, "--replications", arg, 1, 1000000, &v);
        *co->replications = (unsigned)v;
        break;
    case 'S':
        bad = exp_cli_parse_u64(cmd, "--seed", arg, 0, UINT64_MAX, co->seed);
        *co->has_seed = true;
        break;
    case 'j':
        bad = exp_cli_parse_u64(cmd, "--jobs", arg, 1, 4096, &v);
        co->opts->jobs = (unsigned)v;
        *co->jobs_given = true;
        break;
    case 'o': *co->out = arg; break;
    case 'k': bad = exp_cli_parse_shard(cmd, arg, &co->opts->shard, &co->opts->shards); break;
    case 'F': co->opts->fresh = true; break;
    case 'q': *co->quiet = true; break;
    case 'X': *co->xlsx = arg; break;
    case 'x':
        bad = exp_cli_parse_u64(cmd, "--stop-after", arg, 1, SIZE_MAX, &v);
        co->opts->stop_after = (size_t)v;
        break;
    default: return 0;
    }
    return bad ? -1 : 1;
}

bool exp_cli_begin(const char *cmd, int *argc, char ***argv, af_exp_model *model, int *mpi_size,
                   int *status)
{
    exp_cli_catch_signals();
    af_error err;
    af_error_clear(&err);
    if (af_exp_model_scenario(model, &exp_cli_interrupted, &err) != AF_OK) {
        fprintf(stderr, "aidflow %s: %s\n", cmd, err.message);
        *status = AF_EXIT_FAIL;
        return true;
    }
    *mpi_size = 1;
    *status = AF_EXIT_USAGE;
    if (exp_cli_mpi_start(argc, argv, model, mpi_size, status)) {
        af_exp_model_destroy(model);
        return true;
    }
    return false;
}

bool exp_cli_one_scenario(const char *cmd, int argc, char **argv, int optind)
{
    if (optind + 1 == argc) return true;
    if (optind >= argc) fprintf(stderr, "aidflow %s: no scenario given\n", cmd);
    else fprintf(stderr, "aidflow %s: one scenario only (got '%s' too)\n", cmd, argv[optind + 1]);
    return false;
}

/* `aidflow calibrate SCENARIO --observed FILE --fit PATH=LO:HI... [--hold-out ID|FROM..TO]...`
 *
 * Fits the chosen parameters, each within its range, to the observed figures on their
 * counting bases (include/aidflow/calibrate.h has the method), prints the fitted values with
 * their standard errors and the observed-against-simulated table, and writes DIR/
 * calibration.csv, parameters.csv, evaluations.csv, calibrated.yaml (extends: base.yaml, the
 * scenario as resolved) and the store's files; resumable. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aidflow/calibrate.h"
#include "aidflow/scenario.h"
#include "cli/cli_util.h"
#include "cli/commands.h"
#include "cli/exp_cli.h"

#define MAX_HOLD_OUT 64

static void usage(FILE *out)
{
    fprintf(out,
            "usage: aidflow calibrate SCENARIO.yaml --observed FILE --fit PATH=LO:HI...\n"
            "                     [--hold-out ID|FROM..TO]... [--max-evaluations N]\n"
            "                     [--set PATH=VALUE]... [--replications N] [--seed N]\n"
            "                     [--jobs N] [--out DIR] [--fresh] [--quiet]\n"
            "  Fits each PATH (a --set path holding a number) within [LO, HI] (in the path's\n"
            "  documented unit) to the observed figures of FILE on their counting bases:\n"
            "  Nelder-Mead (GSL nmsimplex2) on the weighted sum of squared residuals, each\n"
            "  figure weighted by its stated uncertainty (10%% of it when none), every\n"
            "  evaluation on common random numbers. Standard errors from the Jacobian at the\n"
            "  optimum: (J'WJ)^-1, W from each figure's and the simulation's variance.\n"
            "  Writes DIR/calibration.csv (each figure observed and simulated, with its\n"
            "  interval and residual, in the fit or held out), DIR/parameters.csv,\n"
            "  DIR/evaluations.csv, DIR/calibrated.yaml (extends: DIR/base.yaml, the scenario\n"
            "  as resolved, and holds only the fitted values), DIR/replications.csv,\n"
            "  DIR/metrics.csv, DIR/provenance.json. Default DIR: out/NAME-calibrate.\n"
            "  --observed FILE      observed figures (docs/OUTPUTS.md; scenarios/observed/)\n"
            "  --fit PATH=LO:HI     a parameter and its range; repeat for several (at most %d);\n"
            "                       PATH alone: a value the scenario marks as an assumption,\n"
            "                       over its marked range (aidflow assumptions lists them)\n"
            "  --hold-out X         keep figures out of the fit and report their error: the\n"
            "                       figure with id X, or those within the period FROM..TO\n"
            "  --max-evaluations N  of the simplex (default 40 + 20 per parameter)\n"
            "  --replications N     per evaluation, at least 2 (default: the scenario's)\n"
            "  --seed, --set, --jobs, --fresh, --quiet as for aidflow sweep; rerunning resumes.\n"
            "  Example: aidflow calibrate scenarios/spring_2024.yaml \\\n"
            "             --observed scenarios/observed/spring_2024.csv \\\n"
            "             --fit inspections.nitzana.service.lognormal.mean=25:60\n",
            AF_CALIBRATE_MAX_PARAMS);
}

typedef struct printer {
    bool quiet;
    size_t K;
    const char *const *fit;
    exp_cli_progress_state *prog;
} printer;

static void on_eval(void *ctx, const af_calibrate_eval *e)
{
    printer *p = ctx;
    if (p->quiet) return;
    exp_cli_progress_break(p->prog);
    printf("  %-4zu %-8s", e->index + 1, e->why);
    for (size_t k = 0; k < p->K; k++) printf(" %12.6g", e->values[k]);
    printf("   objective %.6g\n", e->objective);
    fflush(stdout);
}

static const char *num(char *buf, size_t size, double v)
{
    if (isnan(v))
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%.4g", v);
    return buf;
}

int af_cmd_calibrate(int argc, char **argv)
{
    af_exp_model model;
    int mpi_size, status;
    if (exp_cli_begin("calibrate", &argc, &argv, &model, &mpi_size, &status)) return status;
    af_error err;
    af_error_clear(&err);
    const char *command = exp_cli_command(argc, argv, "calibrate");
    af_cli_overrides sets = {0};
    af_calibrate_config cfg;
    memset(&cfg, 0, sizeof cfg);
    af_exp_options opts;
    af_exp_options_init(&opts);
    const char *out = NULL, *xlsx = NULL;
    const char *fit[AF_CALIBRATE_MAX_PARAMS];
    const char *hold[MAX_HOLD_OUT];
    size_t n_fit = 0, n_hold = 0;
    bool quiet = false, jobs_given = false;
    uint64_t v;
    af_diagnostics *diags = NULL;
    static const struct option longopts[] = {
        EXP_CLI_COMMON_OPTIONS,
        {"observed", required_argument, NULL, 'b'},
        {"fit", required_argument, NULL, 'f'},
        {"hold-out", required_argument, NULL, 'H'},
        {"max-evaluations", required_argument, NULL, 'm'},
        {NULL, 0, NULL, 0}};
    int c;
    const exp_cli_common co = {&sets, &cfg.replications, &cfg.seed, &cfg.has_seed, &opts,
                               &jobs_given, &out, &quiet, &xlsx};
    optind = 1;
    while ((c = getopt_long(argc, argv, EXP_CLI_SHORT_OPTIONS, longopts, NULL)) != -1) {
        int bad = 0;
        switch (c) {
        case 'b': cfg.observed = optarg; break;
        case 'f':
            if (n_fit == AF_CALIBRATE_MAX_PARAMS) {
                fprintf(stderr, "aidflow calibrate: at most %d --fit\n", AF_CALIBRATE_MAX_PARAMS);
                bad = 1;
            } else {
                fit[n_fit++] = optarg;
            }
            break;
        case 'H':
            if (n_hold == MAX_HOLD_OUT) {
                fprintf(stderr, "aidflow calibrate: at most %d --hold-out\n", MAX_HOLD_OUT);
                bad = 1;
            } else {
                hold[n_hold++] = optarg;
            }
            break;
        case 'm':
            bad = exp_cli_parse_u64("calibrate", "--max-evaluations", optarg, 1, 2000, &v);
            cfg.max_evaluations = (unsigned)v;
            break;
        case 'r':
            bad = exp_cli_parse_u64("calibrate", "--replications", optarg, 2, 1000000, &v);
            cfg.replications = (unsigned)v;
            break;
        case 'h':
            usage(stdout);
            status = AF_EXIT_OK;
            goto done;
        default: {
            int r = exp_cli_common_option("calibrate", c, optarg, &co);
            if (r == 0) {
                usage(stderr);
                goto done;
            }
            bad = r < 0;
            break;
        }
        }
        if (bad) goto done;
    }
    if (xlsx) {
        fprintf(stderr, "aidflow calibrate: --xlsx does not apply to calibrate\n");
        goto done;
    }
    if (optind + 1 != argc || !cfg.observed || !n_fit) {
        fprintf(stderr, "aidflow calibrate: expected SCENARIO, --observed FILE and --fit "
                        "PATH=LO:HI\n");
        usage(stderr);
        goto done;
    }
    char scn_buf[4096];
    if (!(cfg.scenario = af_cli_find_scenario("calibrate", argv[optind], scn_buf, sizeof scn_buf)))
        goto done;
    af_scenario *base = NULL;
    if ((status = af_cli_load_scenario(cfg.scenario, &sets, &base)) != AF_EXIT_OK) goto done;
    af_scenario_free(base);
    status = AF_EXIT_USAGE;
    char out_buf[4200];
    if (!out) {
        exp_cli_default_out(cfg.scenario, "calibrate", out_buf, sizeof out_buf);
        out = out_buf;
    }
    cfg.sets = sets.items;
    cfg.n_sets = sets.n;
    cfg.fit = fit;
    cfg.n_fit = n_fit;
    cfg.hold_out = hold;
    cfg.n_hold_out = n_hold;
    cfg.out_dir = out;
    cfg.diags = diags = af_diagnostics_create(0);
    exp_cli_progress_state prog;
    exp_cli_progress_init(&prog, "calibrate", quiet);
    if (!prog.tty) prog.quiet = true;
    printer pr = {quiet, n_fit, fit, &prog};
    cfg.on_eval = on_eval;
    cfg.eval_ctx = &pr;
    opts.progress = exp_cli_progress;
    opts.progress_ctx = &prog;
    opts.interrupt = &exp_cli_interrupted;
    opts.command = command;
    if (!quiet) {
        printf("calibrate: %s to %s, fitting", cfg.scenario, cfg.observed);
        for (size_t k = 0; k < n_fit; k++) printf(" %s", fit[k]);
        printf("\n  eval stage    ");
        for (size_t k = 0; k < n_fit; k++) printf("          x%zu", k + 1);
        printf("\n");
        fflush(stdout);
    }
    af_calibrate_result *res = NULL;
    af_status st = af_calibrate_run(&cfg, &model, &opts, &res, &err);
    exp_cli_progress_break(&prog);
    if (st != AF_OK) {
        if (diags && af_diagnostics_count(diags)) {
            af_diagnostics_print(diags, stderr);
            status = AF_EXIT_USAGE;
        } else {
            status = exp_cli_fail("calibrate", st, &err, out);
        }
        af_calibrate_free(res);
        goto done;
    }
    char a[40], b[40], cc[40], d[40];
    printf("\nfitted (%zu evaluations, %u replications each, seed %llu; %zu run now, %zu found "
           "in the store; %s):\n",
           res->evaluations, res->summary.replications, (unsigned long long)res->summary.seed,
           res->summary.ran, res->summary.resumed,
           res->converged ? "the simplex converged" : "stopped at --max-evaluations");
    for (size_t k = 0; k < res->n_params; k++) {
        const af_calibrate_param *p = &res->params[k];
        printf("  %s = %.6g%s%s ± %s (standard error; start %.6g, range %g:%g)%s\n", p->path,
               p->value, *p->unit ? " " : "", p->unit, num(a, sizeof a, p->se), p->start, p->lo,
               p->hi, p->at_bound ? "  AT A BOUND of its range" : "");
    }
    printf("  objective %.6g (weighted sum of squares)", res->objective);
    if (isfinite(res->chi2_dof)) printf(", %.4g per degree of freedom", res->chi2_dof);
    printf("\n\nobserved against simulated (mean and %g%% interval over replications):\n",
           res->summary.confidence * 100);
    printf("  %-26s %-34s %10s %10s  %-22s %9s  %s\n", "figure", "basis", "observed",
           "simulated", "interval", "residual", "");
    for (size_t i = 0; i < res->n_rows; i++) {
        const af_calibrate_row *r = &res->rows[i];
        char iv[100], res_s[20];
        snprintf(iv, sizeof iv, "[%s, %s]", num(a, sizeof a, r->ci_low), num(b, sizeof b, r->ci_high));
        snprintf(res_s, sizeof res_s, "%+.1f%%", 100 * r->residual);
        printf("  %-26s %-34s %10s %10s  %-22s %9s  %s\n", r->obs->id, r->obs->basis,
               num(cc, sizeof cc, r->obs->value), num(d, sizeof d, r->mean), iv, res_s,
               r->held_out ? "held out" : "in fit");
    }
    if (!quiet)
        printf("wrote %s/calibration.csv, %s/parameters.csv, %s/evaluations.csv, "
               "%s/calibrated.yaml, %s/base.yaml, %s/replications.csv, %s/metrics.csv, "
               "%s/provenance.json\n",
               out, out, out, out, out, out, out, out);
    status = AF_EXIT_OK;
    af_calibrate_free(res);
done:
    af_diagnostics_destroy(diags);
    af_cli_overrides_free(&sets);
    af_exp_mpi_finalize();
    af_exp_model_destroy(&model);
    return status;
}

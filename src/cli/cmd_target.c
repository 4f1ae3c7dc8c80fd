/* `aidflow target SCENARIO --vary PATH=LO:HI --goal 'METRIC >= VALUE' [--integer] ...`
 *
 * Finds the smallest value of one parameter in [LO, HI] at which the goal holds with the
 * scenario's confidence (the lower bound of the interval for >= and >, the upper bound for
 * <= and <), by bisection on replicated runs, and prints the curve it explored. Writes
 * OUT/target.csv, OUT/replications.csv and OUT/provenance.json; resumable. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aidflow/experiment.h"
#include "aidflow/scenario.h"
#include "cli/cli_util.h"
#include "cli/commands.h"
#include "cli/exp_cli.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: aidflow target SCENARIO.yaml --vary PATH=LO:HI --goal 'METRIC OP VALUE'\n"
            "                     [--integer] [--tolerance X] [--set PATH=VALUE]...\n"
            "                     [--replications N] [--seed N] [--jobs N] [--out DIR] [--fresh]\n"
            "                     [--xlsx FILE] [--quiet]\n"
            "  Finds the smallest value of PATH in [LO, HI] at which the goal holds with the\n"
            "  scenario's confidence (95%% by default): for >= and > the lower bound of the\n"
            "  confidence interval must meet it, for <= and < the upper bound. Bisection on\n"
            "  replicated runs, assuming that once met the goal stays met for larger values.\n"
            "  Writes DIR/target.csv (every value tried), DIR/replications.csv and\n"
            "  DIR/provenance.json. Default DIR: out/NAME-target.\n"
            "  --goal 'coverage.food >= 0.95'   OP is >=, >, <= or <; METRIC as in docs/OUTPUTS.md\n"
            "  --integer          whole values only (lanes, caps)\n"
            "  --tolerance X      stop when the bracket is X wide (default (HI - LO) / 100)\n"
            "  --replications N   per value tried, at least 2 (default: the scenario's)\n"
            "  --xlsx FILE        also write the tables as an Excel workbook FILE\n"
            "  --seed, --set, --jobs, --fresh, --quiet as for aidflow sweep; rerunning resumes.\n"
            "  Example: aidflow target scenarios/spring_2024.yaml \\\n"
            "             --vary inspections.nitzana.lanes=4:40 --integer \\\n"
            "             --goal 'coverage.food >= 0.95'\n");
}

typedef struct step_printer {
    bool quiet;
    const char *path;
    const char *metric;
    exp_cli_progress_state *prog;
} step_printer;

static void ci_text(char *buf, size_t size, const af_target_step *s)
{
    if (isnan(s->ci_low))
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "[%.5g, %.5g]", s->ci_low, s->ci_high);
}

static void on_step(void *ctx, const af_target_step *s)
{
    step_printer *p = ctx;
    if (p->quiet) return;
    exp_cli_progress_break(p->prog);
    char ci[80];
    ci_text(ci, sizeof ci, s);
    printf("  try %-3zu %s = %-10s %s %.5g %s %s\n", s->order + 1, p->path, s->text, p->metric,
           s->mean, ci, s->meets ? "meets the goal" : "does not");
    fflush(stdout);
}

int af_cmd_target(int argc, char **argv)
{
    af_exp_model model;
    int mpi_size, status;
    if (exp_cli_begin("target", &argc, &argv, &model, &mpi_size, &status)) return status;
    af_error err;
    af_error_clear(&err);
    const char *command = exp_cli_command(argc, argv, "target");
    af_cli_overrides sets = {0};
    af_target_config cfg;
    memset(&cfg, 0, sizeof cfg);
    af_exp_options opts;
    af_exp_options_init(&opts);
    const char *out = NULL, *xlsx = NULL;
    bool quiet = false, jobs_given = false;
    uint64_t v;
    static const struct option longopts[] = {
        EXP_CLI_COMMON_OPTIONS,
        {"vary", required_argument, NULL, 'v'},
        {"goal", required_argument, NULL, 'g'},
        {"integer", no_argument, NULL, 'i'},
        {"tolerance", required_argument, NULL, 't'},
        {NULL, 0, NULL, 0}};
    int c;
    const exp_cli_common co = {&sets, &cfg.replications, &cfg.seed, &cfg.has_seed, &opts,
                               &jobs_given, &out, &quiet, &xlsx};
    optind = 1;
    while ((c = getopt_long(argc, argv, EXP_CLI_SHORT_OPTIONS, longopts, NULL)) != -1) {
        int bad = 0;
        switch (c) {
        case 'v':
            if (cfg.vary) {
                fprintf(stderr, "aidflow target: one --vary only (the parameter searched)\n");
                bad = 1;
            }
            cfg.vary = optarg;
            break;
        case 'g': cfg.goal = optarg; break;
        case 'i': cfg.integer = true; break;
        case 't': {
            char *end;
            cfg.tolerance = strtod(optarg, &end);
            if (end == optarg || *end || !(cfg.tolerance > 0) || !isfinite(cfg.tolerance)) {
                fprintf(stderr, "aidflow target: --tolerance expects a number > 0, got '%s'\n",
                        optarg);
                bad = 1;
            }
            break;
        }
        case 'r':
            bad = exp_cli_parse_u64("target", "--replications", optarg, 2, 1000000, &v);
            cfg.replications = (unsigned)v;
            break;
        case 'h':
            usage(stdout);
            status = AF_EXIT_OK;
            goto done;
        default: {
            int r = exp_cli_common_option("target", c, optarg, &co);
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
    if (optind + 1 != argc || !cfg.vary || !cfg.goal) {
        fprintf(stderr, "aidflow target: expected SCENARIO, --vary PATH=LO:HI and --goal\n");
        usage(stderr);
        goto done;
    }
    char scn_buf[4096];
    if (!(cfg.scenario = af_cli_find_scenario("target", argv[optind], scn_buf, sizeof scn_buf))) goto done;
    af_goal goal;
    af_status st = af_goal_parse(cfg.goal, &goal, &err);
    if (st != AF_OK) {
        status = exp_cli_fail("target", st, &err, "");
        goto done;
    }
    af_scenario *base = NULL;
    if ((status = af_cli_load_scenario(cfg.scenario, &sets, &base)) != AF_EXIT_OK) goto done;
    af_scenario_free(base);
    char out_buf[4200];
    if (!out) {
        exp_cli_default_out(cfg.scenario, "target", out_buf, sizeof out_buf);
        out = out_buf;
    }
    cfg.sets = sets.items;
    cfg.n_sets = sets.n;
    cfg.out_dir = out;
    if (mpi_size > 1 && !jobs_given) opts.jobs = 1;
    exp_cli_progress_state prog;
    exp_cli_progress_init(&prog, "target", quiet);
    /* Each try is a small run: a bar on a terminal, no plain lines (the tries are printed). */
    if (!prog.tty) prog.quiet = true;
    char path[256];
    const char *eq = strchr(cfg.vary, '=');
    snprintf(path, sizeof path, "%.*s", eq ? (int)(eq - cfg.vary) : (int)strlen(cfg.vary),
             cfg.vary);
    step_printer sp = {quiet, path, goal.metric, &prog};
    cfg.on_step = on_step;
    cfg.step_ctx = &sp;
    opts.progress = exp_cli_progress;
    opts.progress_ctx = &prog;
    opts.interrupt = &exp_cli_interrupted;
    opts.command = command;
    if (!quiet) {
        printf("target: the smallest %s in %s with %s, judged on the %s bound of the confidence "
               "interval\n",
               path, eq ? eq + 1 : "?", cfg.goal,
               goal.op == AF_GOAL_GE || goal.op == AF_GOAL_GT ? "lower" : "upper");
        fflush(stdout);
    }

    af_target_result *res = NULL;
    st = af_target_run(&cfg, &model, &opts, &res, &err);
    exp_cli_progress_break(&prog);
    if (st != AF_OK) {
        status = exp_cli_fail("target", st, &err, out);
        af_target_free(res);
        goto done;
    }
    const char *bound = res->lower_bound ? "lower" : "upper";
    double level = res->confidence * 100;
    if (!quiet) {
        printf("\n%s by value (%u replications each, seed %llu; %zu run now, %zu found in the "
               "store):\n",
               path, res->summary.replications, (unsigned long long)res->summary.seed,
               res->summary.ran, res->summary.resumed);
        printf("  %-12s %12s  %-30s %s\n", "value", "mean", "confidence interval", "meets");
        for (size_t i = 0; i < res->n_steps; i++) {
            char ci[80];
            ci_text(ci, sizeof ci, &res->steps[i]);
            printf("  %-12s %12.5g  %-30s %s\n", res->steps[i].text, res->steps[i].mean, ci,
                   res->steps[i].meets ? "yes" : "no");
        }
    }
    if (res->found) {
        const af_target_step *a = &res->answer;
        printf("%sanswer: %s = %s: %s mean %.5g, %g%% confidence interval [%.5g, %.5g]; its %s "
               "bound %.5g %s %g\n",
               quiet ? "" : "\n", path, a->text, goal.metric, a->mean, level, a->ci_low, a->ci_high, bound,
               res->lower_bound ? a->ci_low : a->ci_high, af_goal_op_text(goal.op),
               goal.threshold);
        /* The value just below, which did not meet the goal (when there is one). */
        const af_target_step *below = NULL;
        for (size_t i = 0; i < res->n_steps; i++)
            if (res->steps[i].value < a->value && !res->steps[i].meets) below = &res->steps[i];
        if (below)
            printf("        at %s = %s the %s bound is %.5g: not enough\n", path, below->text,
                   bound, res->lower_bound ? below->ci_low : below->ci_high);
        status = AF_EXIT_OK;
    } else {
        const af_target_step *top = res->n_steps ? &res->steps[res->n_steps - 1] : NULL;
        printf("%snot met: even at %s = %s the %s bound of the %g%% interval of %s is %.5g\n",
               quiet ? "" : "\n", path, top ? top->text : "HI", bound, level, goal.metric,
               top ? (res->lower_bound ? top->ci_low : top->ci_high) : NAN);
        status = AF_EXIT_FAIL;
    }
    if (!quiet) printf("wrote %s/target.csv, %s/replications.csv, %s/provenance.json\n", out, out,
                       out);
    if (res->summary.exported && af_cli_write_xlsx("target", out, xlsx) != AF_EXIT_OK)
        status = AF_EXIT_FAIL;
    af_target_free(res);
done:
    af_cli_overrides_free(&sets);
    af_exp_mpi_finalize();
    af_exp_model_destroy(&model);
    return status;
}

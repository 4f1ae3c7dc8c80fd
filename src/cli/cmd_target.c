/* `aidflow target SCENARIO --vary PATH=LO:HI --goal 'METRIC >= VALUE' [--goal ...]
 *                 [--direction smallest|largest] [--integer] ...`
 *
 * Finds the smallest (or the largest) value of one parameter in [LO, HI] at which every goal
 * holds with the scenario's confidence (the lower bound of the interval for >= and >, the
 * upper bound for <= and <), by bisection on replicated runs, and prints the curve it
 * explored with the parameter's unit. Writes OUT/target.csv, OUT/replications.csv and
 * OUT/provenance.json; resumable. */
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
            "usage: aidflow target SCENARIO.yaml --vary PATH=LO:HI --goal 'METRIC OP VALUE'...\n"
            "                     [--direction smallest|largest] [--integer] [--tolerance X]\n"
            "                     [--set PATH=VALUE]... [--replications N] [--seed N]\n"
            "                     [--jobs N] [--out DIR] [--fresh] [--xlsx FILE] [--quiet]\n"
            "  Finds the smallest or the largest value of PATH in [LO, HI] at which every goal\n"
            "  holds with the scenario's confidence (95%% by default): for >= and > the lower\n"
            "  bound of the confidence interval must meet it, for <= and < the upper bound.\n"
            "  LO and HI are tried first: when HI meets the goals and LO does not, the answer is\n"
            "  the smallest value; when LO does and HI does not, the largest (--direction\n"
            "  states it instead). Then bisection on replicated runs. The goals' metrics are\n"
            "  checked (one replication of the base scenario) before anything is stored.\n"
            "  Writes DIR/target.csv (every value tried), DIR/replications.csv and\n"
            "  DIR/provenance.json. Default DIR: out/NAME-target.\n"
            "  --goal 'coverage.food >= 0.95'   OP is >=, >, <= or <; VALUE a number or a\n"
            "                     percentage (90%%); METRIC as in docs/OUTPUTS.md. Repeat --goal\n"
            "                     for several goals: every one must hold.\n"
            "  --direction D      smallest (the goals, once met, stay met above) or largest\n"
            "                     (they stay met below); default: found from LO and HI\n"
            "  --integer          whole values only (lanes, caps)\n"
            "  --tolerance X      stop when the bracket is X wide (default (HI - LO) / 100)\n"
            "  --replications N   per value tried, at least 2 (default: the scenario's)\n"
            "  --xlsx FILE        also write the tables as an Excel workbook FILE\n"
            "  --seed, --set, --jobs, --fresh, --quiet as for aidflow sweep; rerunning resumes.\n"
            "  Example: aidflow target scenarios/spring_2024.yaml \\\n"
            "             --vary inspections.kerem_shalom_inspection.service.lognormal.mean=10:60 \\\n"
            "             --goal 'coverage.food >= 60%%'\n");
}

typedef struct step_printer {
    bool quiet;
    const char *path;
    const char *unit; /* of the parameter, "" for none */
    const af_goal *goals;
    size_t n_goals;
    exp_cli_progress_state *prog;
} step_printer;

/* A value with its unit: "35 min", "12". */
static const char *with_unit(char *buf, size_t size, const char *text, const char *unit)
{
    snprintf(buf, size, "%s%s%s", text, *unit ? " " : "", unit);
    return buf;
}

/* A goal's number as written: 0.95, 90% (a fraction shown as a percentage when the goal was
 * written so). */
static void goal_num(char *buf, size_t size, const af_goal *g, double v)
{
    if (isnan(v))
        snprintf(buf, size, "-");
    else if (g->percent)
        snprintf(buf, size, "%.4g%%", v * 100);
    else if (fabs(v) >= 1e5) /* counts and tonnes: whole, never in e-notation */
        snprintf(buf, size, "%.0f", v);
    else
        snprintf(buf, size, "%.5g", v);
}

static void ci_text(char *buf, size_t size, const af_goal *g, const af_target_goal_value *v)
{
    if (isnan(v->ci_low)) {
        snprintf(buf, size, "-");
        return;
    }
    char lo[40], hi[40];
    goal_num(lo, sizeof lo, g, v->ci_low);
    goal_num(hi, sizeof hi, g, v->ci_high);
    snprintf(buf, size, "[%s, %s]", lo, hi);
}

static void on_step(void *ctx, const af_target_step *s)
{
    step_printer *p = ctx;
    if (p->quiet) return;
    exp_cli_progress_break(p->prog);
    char val[100];
    printf("  try %-3zu %s = %-10s %s\n", s->order + 1, p->path,
           with_unit(val, sizeof val, s->text, p->unit),
           s->meets ? (p->n_goals > 1 ? "meets every goal" : "meets the goal") : "does not");
    for (size_t g = 0; g < s->n_goals && g < p->n_goals; g++) {
        char ci[100], mean[40];
        ci_text(ci, sizeof ci, &p->goals[g], &s->goals[g]);
        goal_num(mean, sizeof mean, &p->goals[g], s->goals[g].mean);
        printf("          %s %s %s%s\n", p->goals[g].metric, mean, ci,
               p->n_goals > 1 ? (s->goals[g].meets ? "  met" : "  missed") : "");
    }
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
    const char *goal_texts[AF_TARGET_MAX_GOALS];
    size_t n_goal_texts = 0;
    bool quiet = false, jobs_given = false;
    uint64_t v;
    static const struct option longopts[] = {
        EXP_CLI_COMMON_OPTIONS,
        {"vary", required_argument, NULL, 'v'},
        {"goal", required_argument, NULL, 'g'},
        {"integer", no_argument, NULL, 'i'},
        {"direction", required_argument, NULL, 'd'},
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
        case 'g':
            if (n_goal_texts == AF_TARGET_MAX_GOALS) {
                fprintf(stderr, "aidflow target: at most %d --goal\n", AF_TARGET_MAX_GOALS);
                bad = 1;
            } else {
                goal_texts[n_goal_texts++] = optarg;
            }
            break;
        case 'd':
            if (!strcmp(optarg, "smallest"))
                cfg.direction = AF_TARGET_SMALLEST;
            else if (!strcmp(optarg, "largest"))
                cfg.direction = AF_TARGET_LARGEST;
            else if (!strcmp(optarg, "auto"))
                cfg.direction = AF_TARGET_AUTO;
            else {
                fprintf(stderr,
                        "aidflow target: --direction expects smallest, largest or auto, got "
                        "'%s'\n",
                        optarg);
                bad = 1;
            }
            break;
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
    cfg.goals = goal_texts;
    cfg.n_goals = n_goal_texts;
    if (optind + 1 != argc || !cfg.vary || !n_goal_texts) {
        fprintf(stderr, "aidflow target: expected SCENARIO, --vary PATH=LO:HI and --goal\n");
        usage(stderr);
        goto done;
    }
    char scn_buf[4096];
    if (!(cfg.scenario = af_cli_find_scenario("target", argv[optind], scn_buf, sizeof scn_buf))) goto done;
    af_goal goals[AF_TARGET_MAX_GOALS];
    af_status st = AF_OK;
    for (size_t g = 0; g < n_goal_texts && st == AF_OK; g++)
        st = af_goal_parse(goal_texts[g], &goals[g], &err);
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
    const char *unit = exp_cli_path_unit(path);
    step_printer sp = {quiet, path, unit, goals, n_goal_texts, &prog};
    cfg.on_step = on_step;
    cfg.step_ctx = &sp;
    opts.progress = exp_cli_progress;
    opts.progress_ctx = &prog;
    opts.interrupt = &exp_cli_interrupted;
    opts.command = command;
    if (!quiet) {
        static const char *const dir_words[] = {"the smallest or the largest", "the smallest",
                                                "the largest"};
        printf("target: %s %s in %s%s%s with ", dir_words[cfg.direction], path,
               eq ? eq + 1 : "?", *unit ? " " : "", unit);
        for (size_t g = 0; g < n_goal_texts; g++)
            printf("%s%s", g ? (g + 1 == n_goal_texts ? " and " : ", ") : "", goal_texts[g]);
        printf(", each judged on the safe bound of its confidence interval\n");
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
    double level = res->confidence * 100;
    char val[100];
    if (!quiet) {
        printf("\n%s by value (%u replications each, seed %llu; %zu run now, %zu found in the "
               "store):\n",
               path, res->summary.replications, (unsigned long long)res->summary.seed,
               res->summary.ran, res->summary.resumed);
        printf("  %-14s %-28s %12s  %-30s %s\n", "value", "metric", "mean",
               "confidence interval", "meets");
        for (size_t i = 0; i < res->n_steps; i++)
            for (size_t g = 0; g < res->n_goals; g++) {
                char ci[100], mean[40];
                const af_target_goal_value *gv = &res->steps[i].goals[g];
                ci_text(ci, sizeof ci, &goals[g], gv);
                goal_num(mean, sizeof mean, &goals[g], gv->mean);
                printf("  %-14s %-28s %12s  %-30s %s\n",
                       g ? "" : with_unit(val, sizeof val, res->steps[i].text, unit),
                       goals[g].metric, mean, ci, gv->meets ? "yes" : "no");
            }
    }
    const char *side = res->largest ? "largest" : "smallest";
    if (res->found) {
        const af_target_step *a = &res->answer;
        printf("%sanswer: %s = %s, the %s value in %s that meets %s%s\n", quiet ? "" : "\n",
               path, with_unit(val, sizeof val, a->text, unit), side, eq ? eq + 1 : "?",
               res->n_goals > 1 ? "every goal" : "the goal",
               res->whole_range ? " (both ends meet it: the whole range does)" : "");
        for (size_t g = 0; g < res->n_goals; g++) {
            const af_target_goal_value *gv = &a->goals[g];
            bool lower = goals[g].op == AF_GOAL_GE || goals[g].op == AF_GOAL_GT;
            char mean[40], lo[40], hi[40], bd[40], th[40];
            goal_num(mean, sizeof mean, &goals[g], gv->mean);
            goal_num(lo, sizeof lo, &goals[g], gv->ci_low);
            goal_num(hi, sizeof hi, &goals[g], gv->ci_high);
            goal_num(bd, sizeof bd, &goals[g], lower ? gv->ci_low : gv->ci_high);
            goal_num(th, sizeof th, &goals[g], goals[g].threshold);
            printf("        %s mean %s, %g%% confidence interval [%s, %s]; its %s bound %s %s "
                   "%s\n",
                   goals[g].metric, mean, level, lo, hi, lower ? "lower" : "upper", bd,
                   af_goal_op_text(goals[g].op), th);
        }
        /* The nearest value tried beyond the answer, which did not meet the goals. */
        const af_target_step *next = NULL;
        for (size_t i = 0; i < res->n_steps; i++) {
            const af_target_step *t = &res->steps[i];
            if (t->meets) continue;
            if (res->largest ? t->value > a->value && (!next || t->value < next->value)
                             : t->value < a->value && (!next || t->value > next->value))
                next = t;
        }
        if (next) {
            printf("        at %s = %s:", path, with_unit(val, sizeof val, next->text, unit));
            size_t shown = 0;
            for (size_t g = 0; g < res->n_goals; g++) {
                if (next->goals[g].meets) continue;
                bool lower = goals[g].op == AF_GOAL_GE || goals[g].op == AF_GOAL_GT;
                char bd[40];
                goal_num(bd, sizeof bd, &goals[g],
                         lower ? next->goals[g].ci_low : next->goals[g].ci_high);
                printf("%s %s %s bound %s", shown++ ? ";" : "", goals[g].metric,
                       lower ? "lower" : "upper", bd);
            }
            printf(": not enough\n");
        }
        status = AF_EXIT_OK;
    } else {
        printf("%snot met anywhere in %s%s%s: ", quiet ? "" : "\n", eq ? eq + 1 : "?",
               *unit ? " " : "", unit);
        size_t shown = 0;
        for (size_t g = 0; g < res->n_goals; g++) {
            bool any = false;
            for (size_t i = 0; i < res->n_steps; i++) any |= res->steps[i].goals[g].meets;
            bool lower = goals[g].op == AF_GOAL_GE || goals[g].op == AF_GOAL_GT;
            /* the best safe bound seen */
            double best = NAN;
            for (size_t i = 0; i < res->n_steps; i++) {
                double b = lower ? res->steps[i].goals[g].ci_low : res->steps[i].goals[g].ci_high;
                if (isnan(best) || (lower ? b > best : b < best)) best = b;
            }
            char bd[40];
            goal_num(bd, sizeof bd, &goals[g], best);
            printf("%s%s %s (best %s bound %s)", shown++ ? "; " : "", goal_texts[g],
                   any ? "met at some values" : "missed at every value tried",
                   lower ? "lower" : "upper", bd);
        }
        printf("\n");
        status = AF_EXIT_FAIL;
    }
    if (!quiet)
        printf("wrote %s/target.csv, %s/replications.csv, %s/metrics.csv, %s/points.csv, "
               "%s/provenance.json\n",
               out, out, out, out, out);
    if (res->summary.exported && af_cli_write_xlsx("target", out, xlsx) != AF_EXIT_OK)
        status = AF_EXIT_FAIL;
    af_target_free(res);
done:
    af_cli_overrides_free(&sets);
    af_exp_mpi_finalize();
    af_exp_model_destroy(&model);
    return status;
}

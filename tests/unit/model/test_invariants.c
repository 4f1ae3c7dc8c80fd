/* The model's internal invariants (asserted in src/model/ and src/engine/calendar.c) hold on
 * every bundled scenario under every routing policy: each run finishes, and at every midnight
 * every tonne dispatched is delivered, lost, written off, offloaded or still on a truck, and
 * hub stock is what came in less what was consumed. The asserts are on in this build (the
 * suite runs debugoptimized without NDEBUG), so a broken invariant aborts the test. */
#include "af_test.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "aidflow/model.h"
#include "aidflow/scenario.h"

typedef struct residuals {
    int midnights;
    double worst;      /* largest |residual| seen, tonnes */
} residuals;

static void on_midnight(void *ctx, int day, double tonnes_residual, double stock_residual)
{
    (void)day;
    residuals *r = ctx;
    r->midnights++;
    if (fabs(tonnes_residual) > r->worst) r->worst = fabs(tonnes_residual);
    if (fabs(stock_residual) > r->worst) r->worst = fabs(stock_residual);
}

static const char *root(void)
{
    const char *r = getenv("AF_SOURCE_ROOT");
    if (!r) fail_msg("AF_SOURCE_ROOT is not set");
    return r;
}

/* Runs one replication of `path` under `policy` (NULL: its own); returns 1 when it ran, 0
 * when the scenario cannot take that policy (fixed shares need every route's share). */
static int run_one(const char *path, const char *policy)
{
    char set[64];
    snprintf(set, sizeof set, "routing.policy=%s", policy ? policy : "");
    const char *overrides[] = {set};
    af_diagnostics *d = af_diagnostics_create(0);
    af_scenario *s = NULL;
    if (af_scenario_load(path, overrides, policy ? 1 : 0, &s, d) != AF_OK) {
        if (policy) {
            af_diagnostics_destroy(d);
            return 0;
        }
        af_diagnostics_print(d, stderr);
        af_diagnostics_destroy(d);
        fail_msg("%s did not load", path);
    }
    af_diagnostics_destroy(d);
    residuals res = {0};
    af_model_options o = {.keep_daily = false, .on_midnight = on_midnight, .ctx = &res};
    af_result *r = NULL;
    af_error err;
    af_error_clear(&err);
    if (af_model_run(s, 5, 0, &o, &r, &err) != AF_OK) fail_msg("%s (%s): %s", path, set, err.message);
    size_t k = af_result_metric(r, "tonnes.dispatched");
    assert_true(k != (size_t)-1);
    double scale = r->metrics[k] > 1 ? r->metrics[k] : 1;
    if (res.worst > 1e-9 * scale + 1e-6)
        fail_msg("%s (%s): conservation residual %.3g t", path, set, res.worst);
    /* One midnight closes each warm-up and horizon day. */
    assert_true(res.midnights >= r->n_days);
    af_result_free(r);
    af_scenario_free(s);
    return 1;
}

static int run_dir(const char *dir, const char *policy)
{
    DIR *dp = opendir(dir);
    if (!dp) fail_msg("cannot open %s", dir);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(dp))) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".yaml")) continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        n += run_one(path, policy);
    }
    closedir(dp);
    return n;
}

static void test_invariants_hold_on_bundled_scenarios(void **state)
{
    (void)state;
#ifdef NDEBUG
    skip(); /* without assertions this test only checks conservation */
#endif
    /* Each scenario's own policy, then each policy it can take. */
    const char *policies[] = {NULL, "fixed_shares", "shortest_delay", "reroute_on_closure"};
    for (size_t p = 0; p < 4; p++) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/scenarios", root());
        int n = run_dir(dir, policies[p]);
        snprintf(dir, sizeof dir, "%s/scenarios/examples", root());
        n += run_dir(dir, policies[p]);
        /* The loop really found the scenarios (every one takes shortest_delay). */
        if (!policies[p] || !strcmp(policies[p], "shortest_delay")) assert_true(n >= 3);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_invariants_hold_on_bundled_scenarios),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

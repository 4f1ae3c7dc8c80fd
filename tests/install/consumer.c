/* A program outside aidflow's tree, built against the installed library with
 * `pkg-config --cflags --libs aidflow`: loads a scenario, runs replication 0 with the
 * scenario's seed, and prints every metric as "name value" (%.17g), so that the caller can
 * compare them with summary.json of `aidflow run --replications 1`. */
#include <aidflow/aidflow.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: consumer SCENARIO\n");
        return 2;
    }
    af_diagnostics *d = af_diagnostics_create(0);
    af_scenario *s = NULL;
    if (af_scenario_load(argv[1], NULL, 0, &s, d) != AF_OK) {
        af_diagnostics_print(d, stderr);
        af_diagnostics_destroy(d);
        return 2;
    }
    af_diagnostics_destroy(d);
    af_model_options opts = {.keep_daily = false};
    af_result *r = NULL;
    af_error err;
    af_error_clear(&err);
    if (af_model_run(s, s->seed, 0, &opts, &r, &err) != AF_OK) {
        fprintf(stderr, "consumer: %s\n", err.message);
        af_scenario_free(s);
        return 1;
    }
    printf("aidflow %s\n", af_version());
    for (size_t k = 0; k < r->n_metrics; k++) printf("%s %.17g\n", r->metric_names[k], r->metrics[k]);
    af_result_free(r);
    af_scenario_free(s);
    return 0;
}

/* Plain accessors for bindings. See aidflow/access.h. */
#include "aidflow/access.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aidflow/run_output.h"

void af_free(void *p) { free(p); }

size_t af_error_size(void) { return sizeof(af_error); }
af_status af_error_status(const af_error *err) { return err ? err->status : AF_INVAL; }
const char *af_error_message(const af_error *err) { return err ? err->message : ""; }

char *af_diagnostics_text(const af_diagnostics *d)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) return NULL;
    af_diagnostics_print(d, f);
    if (fclose(f) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

const char *af_scenario_name(const af_scenario *s) { return s->name; }
uint64_t af_scenario_seed(const af_scenario *s) { return s->seed; }
unsigned af_scenario_replications(const af_scenario *s) { return s->replications; }
double af_scenario_confidence(const af_scenario *s) { return s->confidence; }
int af_scenario_horizon_days(const af_scenario *s) { return s->horizon_days; }
size_t af_scenario_n_regions(const af_scenario *s) { return s->n_regions; }
size_t af_scenario_n_categories(const af_scenario *s) { return s->n_categories; }

const char *af_scenario_region_name(const af_scenario *s, size_t i)
{
    return i < s->n_regions ? s->regions[i].name : NULL;
}

const char *af_scenario_category_name(const af_scenario *s, size_t i)
{
    return i < s->n_categories ? s->categories[i].name : NULL;
}

af_status af_model_run_daily(const af_scenario *s, uint64_t seed, unsigned replication,
                             volatile int *interrupt, af_result **out, af_error *err)
{
    af_model_options opts = {.keep_daily = true, .interrupt = interrupt};
    return af_model_run(s, seed, replication, &opts, out, err);
}

uint64_t af_result_seed(const af_result *r) { return r->seed; }
unsigned af_result_replication(const af_result *r) { return r->replication; }
int af_result_n_days(const af_result *r) { return r->n_days; }
size_t af_result_n_regions(const af_result *r) { return r->n_regions; }
size_t af_result_n_categories(const af_result *r) { return r->n_categories; }
size_t af_result_n_stations(const af_result *r) { return r->n_stations; }
size_t af_result_bottleneck(const af_result *r) { return r->bottleneck; }
size_t af_result_n_metrics(const af_result *r) { return r->n_metrics; }

const char *af_result_station_name(const af_result *r, size_t i)
{
    return i < r->n_stations ? r->station_names[i] : NULL;
}

const char *af_result_metric_name(const af_result *r, size_t k)
{
    return k < r->n_metrics ? r->metric_names[k] : NULL;
}

double af_result_metric_value(const af_result *r, size_t k)
{
    return k < r->n_metrics ? r->metrics[k] : NAN;
}

size_t af_result_daily_values(const af_result *r, double *out, size_t cap)
{
    if (!r->daily) return 0;
    size_t cells = (size_t)r->n_days * r->n_regions * r->n_categories;
    size_t need = cells * AF_DAILY_FIELDS;
    if (!out || cap < need) return need;
    for (size_t i = 0; i < cells; i++) {
        const af_daily_cell *x = &r->daily[i];
        double *o = out + i * AF_DAILY_FIELDS;
        o[0] = x->trucks_delivered;
        o[1] = x->tonnes_delivered;
        o[2] = x->need_tonnes;
        o[3] = x->consumed_tonnes;
        o[4] = x->unmet_tonnes;
        o[5] = x->stock_tonnes;
        o[6] = x->entry_time_mean_h;
        o[7] = x->entry_time_p95_h;
        o[8] = x->delivery_time_mean_h;
        o[9] = x->delivery_time_p95_h;
        o[10] = x->trucks_inspected;
        o[11] = x->trucks_entered;
        o[12] = x->trucks_offloaded;
        o[13] = x->trucks_collected;
        o[14] = x->tonnes_distributed;
    }
    return need;
}

size_t af_result_station_values(const af_result *r, double *out, size_t cap)
{
    if (!r->stations) return 0;
    size_t rows = (size_t)r->n_days * r->n_stations;
    size_t need = rows * AF_STATION_FIELDS;
    if (!out || cap < need) return need;
    for (size_t i = 0; i < rows; i++) {
        const af_station_day *x = &r->stations[i];
        double *o = out + i * AF_STATION_FIELDS;
        o[0] = x->arrivals;
        o[1] = x->served;
        o[2] = x->flagged;
        o[3] = x->rejected;
        o[4] = x->blocked;
        o[5] = x->queue_mean;
        o[6] = x->queue_midnight;
        o[7] = x->wait_mean_min;
        o[8] = x->utilisation;
        o[9] = x->open_hours;
    }
    return need;
}

void af_summarise_metric_values(af_result *const *results, size_t n, size_t k, double confidence,
                                double out[5])
{
    af_summary s = af_summarise_metric(results, n, k, confidence);
    out[0] = s.mean;
    out[1] = s.sd;
    out[2] = s.ci_low;
    out[3] = s.ci_high;
    out[4] = (double)s.n;
}

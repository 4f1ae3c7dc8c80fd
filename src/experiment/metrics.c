/* The buffer a replication writes its named metrics into. One per worker, reused from job to
 * job, so that a long sweep does not allocate per metric. */
#include <stdlib.h>
#include <string.h>

#include "aidflow/model.h"
#include "experiment/exp_internal.h"

void exp_metrics_init(af_exp_metrics *m)
{
    memset(m, 0, sizeof *m);
}

void exp_metrics_reset(af_exp_metrics *m)
{
    m->n = 0;
    m->names_len = 0;
    m->failed = false;
    af_result_free(m->result);
    m->result = NULL;
}

void exp_metrics_free(af_exp_metrics *m)
{
    free(m->values);
    free(m->name_at);
    free(m->names);
    af_result_free(m->result);
    exp_metrics_init(m);
}

bool af_exp_metrics_wants_result(const af_exp_metrics *m)
{
    return m && m->want_result;
}

af_status af_exp_metrics_keep_result(af_exp_metrics *m, af_result *r)
{
    if (!m || !r || !r->daily || !r->stations) {
        af_result_free(r);
        return AF_INVAL;
    }
    af_result_free(m->result);
    m->result = r;
    return AF_OK;
}

af_status af_exp_metrics_add(af_exp_metrics *m, const char *name, double value)
{
    if (!m || !name) return AF_INVAL;
    if (m->failed) return AF_NOMEM;
    if (m->n == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 64;
        double *v = realloc(m->values, cap * sizeof *v);
        if (v) m->values = v;
        size_t *at = realloc(m->name_at, cap * sizeof *at);
        if (at) m->name_at = at;
        if (!v || !at) {
            m->failed = true;
            return AF_NOMEM;
        }
        m->cap = cap;
    }
    size_t len = strlen(name) + 1;
    if (m->names_len + len > m->names_cap) {
        size_t cap = m->names_cap ? m->names_cap : 1024;
        while (cap < m->names_len + len) cap *= 2;
        char *s = realloc(m->names, cap);
        if (!s) {
            m->failed = true;
            return AF_NOMEM;
        }
        m->names = s;
        m->names_cap = cap;
    }
    memcpy(m->names + m->names_len, name, len);
    m->name_at[m->n] = m->names_len;
    m->names_len += len;
    m->values[m->n++] = value;
    return AF_OK;
}

/* ---- metric names, split ---- */

static bool starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static const char *unit_of(const char *measure)
{
    static const char *const units[][2] = {
        {"utilisation", "fraction"},       {"wait_mean_min", "min"},
        {"served_per_day", "trucks/day"},  {"coverage", "fraction"},
        {"need_met", "fraction"},          {"unmet_person_days", "person-days"},
        {"days_to_target", "day"},         {"bottleneck_utilisation", "fraction"},
        {"blocked_mean_min", "min"},       {"wait_incl_blocked_mean_min", "min"},
        {"binding_share", "fraction"},     {"binding_none_share", "fraction"},
        {"dispatch_to_entry_mean", "h"},   {"dispatch_to_entry_p95", "h"},
        {"dispatch_to_delivery_mean", "h"}, {"dispatch_to_delivery_p95", "h"},
        {"awaiting_collection", "trucks"},
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (!strcmp(measure, units[i][0])) return units[i][1];
    if (starts(measure, "trucks_per_day_")) return "trucks/day";
    if (starts(measure, "trucks_")) return "trucks";
    if (starts(measure, "tonnes_")) return "t";
    return "";
}

void exp_metric_split(const char *name, const char *const *stations, size_t n_stations,
                      exp_metric_parts *p)
{
    memset(p, 0, sizeof *p);
    const char *dot = strchr(name, '.');
    const char *n0 = name + 8;
    /* station.NAME.MEASURE with NAME one of the stations (the longest that fits: a name may
     * hold dots, kerem_shalom.transfer beside kerem_shalom) */
    size_t best = 0;
    for (size_t i = 0; starts(name, "station.") && i < n_stations; i++) {
        size_t len = strlen(stations[i]);
        if (len > best && !strncmp(n0, stations[i], len) && n0[len] == '.') best = len;
    }
    if (best) {
        snprintf(p->entity, sizeof p->entity, "%.*s", (int)best, n0);
        snprintf(p->measure, sizeof p->measure, "%s", n0 + best + 1);
        p->kind = "station";
    } else if (starts(name, "station.")) {
        /* a station not in the list: measures are one word, so NAME ends at the last dot */
        const char *last = strrchr(name, '.');
        if (last > n0) {
            snprintf(p->entity, sizeof p->entity, "%.*s", (int)(last - n0), n0);
            snprintf(p->measure, sizeof p->measure, "%s", last + 1);
        } else {
            snprintf(p->entity, sizeof p->entity, "%s", n0);
        }
        p->kind = "station";
    } else if ((starts(name, "leg.") || starts(name, "gaza_side.")) && strrchr(name, '.') > dot) {
        /* leg.NAME.MEASURE, gaza_side.CROSSING.MEASURE: measures are one word */
        const char *last = strrchr(name, '.');
        snprintf(p->entity, sizeof p->entity, "%.*s", (int)(last - dot - 1), dot + 1);
        snprintf(p->measure, sizeof p->measure, "%s", last + 1);
        p->kind = starts(name, "leg.") ? "leg" : "gaza_side";
    } else if (dot && starts(name, "time.")) {
        /* time.dispatch_to_entry.mean -> dispatch_to_entry_mean */
        const char *last = strrchr(name, '.');
        snprintf(p->entity, sizeof p->entity, "network");
        snprintf(p->measure, sizeof p->measure, "%.*s_%s", (int)(last - dot - 1), dot + 1, last + 1);
        p->kind = "network";
    } else if (dot && (starts(name, "trucks.") || starts(name, "tonnes.") || starts(name, "binding.") ||
                       starts(name, "trucks_per_day.") || starts(name, "bottleneck."))) {
        /* trucks.delivered -> trucks_delivered; trucks_per_day.entered -> trucks_per_day_entered */
        snprintf(p->entity, sizeof p->entity, "network");
        snprintf(p->measure, sizeof p->measure, "%.*s_%s", (int)(dot - name), name, dot + 1);
        p->kind = "network";
    } else if (dot) {
        /* MEASURE.CATEGORY or MEASURE.CATEGORY.REGION (category and region names have no dots) */
        snprintf(p->entity, sizeof p->entity, "network");
        snprintf(p->measure, sizeof p->measure, "%.*s", (int)(dot - name), name);
        const char *c = dot + 1, *r = strchr(c, '.');
        if (r) {
            snprintf(p->category, sizeof p->category, "%.*s", (int)(r - c), c);
            snprintf(p->region, sizeof p->region, "%s", r + 1);
            snprintf(p->entity, sizeof p->entity, "%s", r + 1);
            p->kind = "region";
        } else {
            snprintf(p->category, sizeof p->category, "%s", c);
            p->kind = "network";
        }
    } else {
        snprintf(p->entity, sizeof p->entity, "network");
        snprintf(p->measure, sizeof p->measure, "%s", name);
        p->kind = "network";
    }
    p->unit = unit_of(p->measure);
}

size_t exp_metric_stations(const char *const *names, size_t n, char **out)
{
    static const char suffix[] = ".utilisation";
    const size_t sl = sizeof suffix - 1;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(names[i]);
        if (starts(names[i], "station.") && len > 8 + sl && !strcmp(names[i] + len - sl, suffix))
            if ((out[k] = strndup(names[i] + 8, len - 8 - sl))) k++;
    }
    return k;
}

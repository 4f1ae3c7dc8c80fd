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

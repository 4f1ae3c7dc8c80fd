/* Output files, written from the store alone (so a merged or resumed store exports exactly
 * what an uninterrupted run would): sweep.csv / compare.csv / target.csv, replications.csv and
 * provenance.json; for the run kind daily.csv, stations.csv and summary.json (run.c). Every
 * file is written atomically. */
#include <math.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aidflow/atomic_file.h"
#include "aidflow/run_output.h"
#include "aidflow/stats.h"
#include "experiment/exp_internal.h"

/* Writes a buffer to dir/name atomically. */
static af_status write_file(const char *dir, const char *name, const af_buf *b, af_error *err)
{
    char *path = af_path_join(dir, name);
    if (!path) return af_error_set(err, AF_NOMEM, "out of memory");
    af_status st = af_buf_write(b, path, err);
    free(path);
    return st;
}

bool exp_goal_meets(const af_goal *g, const af_summary *st)
{
    switch (g->op) {
    case AF_GOAL_GE: return st->ci_low >= g->threshold;
    case AF_GOAL_GT: return st->ci_low > g->threshold;
    case AF_GOAL_LE: return st->ci_high <= g->threshold;
    case AF_GOAL_LT: return st->ci_high < g->threshold;
    }
    return false;
}

/* ---- reading what the store says about itself ---- */

typedef struct exp_meta {
    char *kind, *version, *command, *scenario, *scenario_hash, *design, *sets, *goal;
    char *scenario_b, *scenario_b_hash, *target_path;
    unsigned replications;
    uint64_t seed;
    double confidence;
    size_t n_points; /* 0 when open-ended (target) */
} exp_meta;

static void meta_free(exp_meta *m)
{
    free(m->kind);
    free(m->version);
    free(m->command);
    free(m->scenario);
    free(m->scenario_hash);
    free(m->design);
    free(m->sets);
    free(m->goal);
    free(m->scenario_b);
    free(m->scenario_b_hash);
    free(m->target_path);
    memset(m, 0, sizeof *m);
}

static af_status meta_read(exp_store *s, exp_meta *m, af_error *err)
{
    memset(m, 0, sizeof *m);
    struct {
        const char *key;
        char **dst;
    } keys[] = {{"kind", &m->kind},         {"version", &m->version},
                {"command", &m->command},   {"scenario", &m->scenario},
                {"scenario_hash", &m->scenario_hash}, {"design", &m->design},
                {"sets", &m->sets},         {"goal", &m->goal},
                {"scenario_b", &m->scenario_b}, {"scenario_b_hash", &m->scenario_b_hash},
                {"target_path", &m->target_path}};
    af_status st = AF_OK;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0] && st == AF_OK; i++)
        st = exp_store_get_meta(s, keys[i].key, keys[i].dst, err);
    char *reps = NULL, *seed = NULL, *conf = NULL, *npts = NULL;
    if (st == AF_OK) st = exp_store_get_meta(s, "replications", &reps, err);
    if (st == AF_OK) st = exp_store_get_meta(s, "seed", &seed, err);
    if (st == AF_OK) st = exp_store_get_meta(s, "confidence", &conf, err);
    if (st == AF_OK) st = exp_store_get_meta(s, "points", &npts, err);
    if (st == AF_OK && (!m->kind || !reps || !seed || !conf))
        st = af_error_set(err, AF_INVAL, "%s does not describe an experiment",
                          exp_store_path(s));
    if (st == AF_OK) {
        m->replications = (unsigned)strtoul(reps, NULL, 10);
        m->seed = strtoull(seed, NULL, 10);
        m->confidence = strtod(conf, NULL);
        m->n_points = npts ? (size_t)strtoull(npts, NULL, 10) : 0;
        if (m->replications == 0)
            st = af_error_set(err, AF_INVAL, "%s: no replications", exp_store_path(s));
    }
    free(reps);
    free(seed);
    free(conf);
    free(npts);
    if (st != AF_OK) meta_free(m);
    return st;
}

/* Points in the store, with their factor texts. */
typedef struct stored_points {
    size_t n, n_factors;
    char **paths;    /* [n_factors] */
    char **texts;    /* [n * n_factors] */
    double *values;  /* [n * n_factors] */
    char **hashes;   /* [n] */
} stored_points;

static void points_free(stored_points *p)
{
    for (size_t i = 0; i < p->n_factors; i++) free(p->paths[i]);
    for (size_t i = 0; i < p->n * p->n_factors; i++) free(p->texts[i]);
    for (size_t i = 0; i < p->n; i++) free(p->hashes[i]);
    free(p->paths);
    free(p->texts);
    free(p->values);
    free(p->hashes);
    memset(p, 0, sizeof *p);
}

static af_status points_read(exp_store *s, stored_points *p, af_error *err)
{
    memset(p, 0, sizeof *p);
    sqlite3 *db = exp_store_db(s);
    sqlite3_stmt *q = NULL;
    af_status st = AF_OK;
    /* Points are numbered 0..n-1 with no gaps (a target's, in order of evaluation). */
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM points", -1, &q, NULL) != SQLITE_OK ||
        sqlite3_step(q) != SQLITE_ROW)
        st = af_error_set(err, AF_IO, "%s: %s", exp_store_path(s), sqlite3_errmsg(db));
    else
        p->n = (size_t)sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    if (st == AF_OK && (sqlite3_prepare_v2(db, "SELECT count(*) FROM factors", -1, &q, NULL) !=
                            SQLITE_OK ||
                        sqlite3_step(q) != SQLITE_ROW))
        st = af_error_set(err, AF_IO, "%s: %s", exp_store_path(s), sqlite3_errmsg(db));
    else if (st == AF_OK)
        p->n_factors = (size_t)sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    if (st != AF_OK) return st;
    size_t cells = p->n * p->n_factors;
    p->paths = calloc(p->n_factors ? p->n_factors : 1, sizeof *p->paths);
    p->texts = calloc(cells ? cells : 1, sizeof *p->texts);
    p->values = calloc(cells ? cells : 1, sizeof *p->values);
    p->hashes = calloc(p->n ? p->n : 1, sizeof *p->hashes);
    if (!p->paths || !p->texts || !p->values || !p->hashes) {
        points_free(p);
        return af_error_set(err, AF_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < cells; i++) p->values[i] = NAN;
    static const char *const sql[] = {
        "SELECT factor, path FROM factors",
        "SELECT point, scenario_hash FROM points",
        "SELECT point, factor, text, value FROM point_values",
    };
    for (size_t k = 0; k < 3 && st == AF_OK; k++) {
        if (sqlite3_prepare_v2(db, sql[k], -1, &q, NULL) != SQLITE_OK) {
            st = af_error_set(err, AF_IO, "%s: %s", exp_store_path(s), sqlite3_errmsg(db));
            break;
        }
        int rc;
        while ((rc = sqlite3_step(q)) == SQLITE_ROW && st == AF_OK) {
            sqlite3_int64 a = sqlite3_column_int64(q, 0);
            if (k == 0 && a >= 0 && (size_t)a < p->n_factors) {
                free(p->paths[a]);
                p->paths[a] = strdup(sqlite3_column_text(q, 1) ? (const char *)sqlite3_column_text(q, 1) : "");
                if (!p->paths[a]) st = af_error_set(err, AF_NOMEM, "out of memory");
            } else if (k == 1 && a >= 0 && (size_t)a < p->n) {
                free(p->hashes[a]);
                p->hashes[a] = strdup(sqlite3_column_text(q, 1) ? (const char *)sqlite3_column_text(q, 1) : "");
                if (!p->hashes[a]) st = af_error_set(err, AF_NOMEM, "out of memory");
            } else if (k == 2) {
                sqlite3_int64 f = sqlite3_column_int64(q, 1);
                if (a < 0 || (size_t)a >= p->n || f < 0 || (size_t)f >= p->n_factors) continue;
                size_t c = (size_t)a * p->n_factors + (size_t)f;
                free(p->texts[c]);
                p->texts[c] = strdup(sqlite3_column_text(q, 2) ? (const char *)sqlite3_column_text(q, 2) : "");
                if (!p->texts[c]) st = af_error_set(err, AF_NOMEM, "out of memory");
                if (sqlite3_column_type(q, 3) != SQLITE_NULL)
                    p->values[c] = sqlite3_column_double(q, 3);
            }
        }
        if (st == AF_OK && rc != SQLITE_DONE)
            st = af_error_set(err, AF_IO, "%s: %s", exp_store_path(s), sqlite3_errmsg(db));
        sqlite3_finalize(q);
    }
    for (size_t i = 0; st == AF_OK && i < p->n; i++) {
        if (!p->hashes[i])
            st = af_error_set(err, AF_INVAL, "%s: design point %zu is missing",
                              exp_store_path(s), i);
        for (size_t f = 0; st == AF_OK && f < p->n_factors; f++)
            if (!p->texts[i * p->n_factors + f] || !p->paths[f])
                st = af_error_set(err, AF_INVAL, "%s: design point %zu is incomplete",
                                  exp_store_path(s), i);
    }
    if (st != AF_OK) points_free(p);
    return st;
}

static void csv_point_prefix(af_buf *b, const stored_points *p, size_t point)
{
    af_buf_printf(b, "%zu", point);
    for (size_t f = 0; f < p->n_factors; f++) {
        af_buf_put(b, ",");
        af_buf_csv(b, p->texts[point * p->n_factors + f]);
    }
}

static void csv_stat(af_buf *b, const af_summary *st)
{
    af_buf_put(b, ",");
    af_buf_num(b, st->mean, "");
    af_buf_put(b, ",");
    af_buf_num(b, st->sd, "");
    af_buf_put(b, ",");
    af_buf_num(b, st->ci_low, "");
    af_buf_put(b, ",");
    af_buf_num(b, st->ci_high, "");
    af_buf_printf(b, ",%zu", st->n);
}

/* "HASH-SEED": what identifies one design point's runs across files (af_run_id, the same
 * as in a run's tables). */
static void run_id(char *buf, size_t size, const char *hash, uint64_t seed)
{
    char id[AF_RUN_ID_SIZE];
    af_run_id(id, hash, seed);
    snprintf(buf, size, "%s", id);
}

/* ---- the long tables: sweep.csv, replications.csv, metrics.csv ----
 *
 * Written on `threads` threads: the work is cut into tasks of a few replications of one
 * point, each writing its rows into buffers of its own, which are joined in task order, so
 * the bytes are the same for any number of threads. A point's values are read from the store
 * once, by the first task that needs them, under store_mu (one thread at a time uses the
 * connection), with the texts every row of the point repeats (its run_id, factor values,
 * metric names and their parts) made once; they are freed when the point's last task is done.
 * A thread whose point another is reading reads the next point meanwhile (at most `threads`
 * ahead), so that reading the store, which is one thread at a time, overlaps the writing of
 * rows. Each value is formatted once for both replications.csv and metrics.csv, and each row
 * is appended whole. */

enum { LT_EMPTY, LT_LOADING, LT_READY, LT_FAILED };

typedef struct lt_point {
    int state;
    size_t pending; /* tasks of the point still to do */
    exp_point_data d;
    char id[64];          /* run_id */
    af_buf prefix;        /* "point,factor texts" (replications.csv) */
    af_buf head;          /* "run_id,scenario,point," (metrics.csv) */
    af_buf rp_tail;       /* ",run_id\n" (replications.csv) */
    char **rp_names;      /* [n_metrics] "name" as a CSV cell */
    /* What a row of metric k holds between its replication and its value, and lengths:
     * ",seed,name," (replications.csv), ",seed,name,entity,measure,category,region,unit,"
     * (metrics.csv). */
    char **rp_cells, **mt_cells;
    size_t *rp_len, *mt_len;
} lt_point;

typedef struct lt_task {
    size_t point, from, to; /* replications [from, to) */
    af_buf sw, rp, mt;
} lt_task;

typedef struct long_tables {
    pthread_mutex_t mu, store_mu;
    pthread_cond_t loaded;
    exp_store *s;
    const exp_meta *m;
    const stored_points *p;
    bool sweep, reps, tidy; /* which files */
    char seed[24];
    lt_point *points;
    lt_task *tasks;
    size_t n_tasks, next;
    size_t threads;
    af_status st;
    size_t failed_point; /* the lowest point that failed, whose error is kept */
    af_error err;
} long_tables;

static void lt_point_free(lt_point *pt)
{
    for (size_t k = 0; k < pt->d.n_metrics; k++) {
        if (pt->rp_names) free(pt->rp_names[k]);
        if (pt->rp_cells) free(pt->rp_cells[k]);
        if (pt->mt_cells) free(pt->mt_cells[k]);
    }
    free(pt->rp_names);
    free(pt->rp_cells);
    free(pt->mt_cells);
    free(pt->rp_len);
    free(pt->mt_len);
    pt->rp_names = pt->rp_cells = pt->mt_cells = NULL;
    pt->rp_len = pt->mt_len = NULL;
    af_buf_free(&pt->prefix);
    af_buf_free(&pt->head);
    af_buf_free(&pt->rp_tail);
    exp_point_data_free(&pt->d);
    memset(&pt->d, 0, sizeof pt->d);
}

static char *lt_take(af_buf *b)
{
    if (b->failed) {
        af_buf_free(b);
        return NULL;
    }
    char *s = b->data ? b->data : strdup("");
    af_buf_init(b);
    return s;
}

/* Reads point i and makes its repeated texts (without t->mu). */
static af_status lt_load(long_tables *t, size_t i, lt_point *pt, af_error *err)
{
    const stored_points *p = t->p;
    const exp_meta *m = t->m;
    pthread_mutex_lock(&t->store_mu);
    af_status st = exp_store_point_data(t->s, i, m->replications, &pt->d, err);
    pthread_mutex_unlock(&t->store_mu);
    if (st != AF_OK) return st;
    run_id(pt->id, sizeof pt->id, p->hashes[i], m->seed);
    size_t n = pt->d.n_metrics;
    af_buf_init(&pt->prefix);
    af_buf_init(&pt->head);
    af_buf_init(&pt->rp_tail);
    csv_point_prefix(&pt->prefix, p, i);
    af_buf_put(&pt->prefix, ",");
    af_buf_put(&pt->rp_tail, ",");
    af_buf_put(&pt->rp_tail, pt->id);
    af_buf_put(&pt->rp_tail, "\n");
    const char *scn = i == 1 && m->scenario_b ? m->scenario_b : m->scenario;
    af_buf_put(&pt->head, pt->id);
    af_buf_put(&pt->head, ",");
    af_buf_csv(&pt->head, scn ? scn : "");
    af_buf_printf(&pt->head, ",%zu,", i);
    pt->rp_names = calloc(n ? n : 1, sizeof *pt->rp_names);
    pt->rp_cells = calloc(n ? n : 1, sizeof *pt->rp_cells);
    pt->mt_cells = calloc(n ? n : 1, sizeof *pt->mt_cells);
    pt->rp_len = calloc(n ? n : 1, sizeof *pt->rp_len);
    pt->mt_len = calloc(n ? n : 1, sizeof *pt->mt_len);
    exp_metric_parts *parts = calloc(n ? n : 1, sizeof *parts);
    char **stations = calloc(n ? n : 1, sizeof *stations);
    bool ok = pt->rp_names && pt->rp_cells && pt->mt_cells && pt->rp_len && pt->mt_len && parts &&
              stations;
    size_t n_st = ok && t->tidy
                      ? exp_metric_stations((const char *const *)pt->d.names, n, stations)
                      : 0;
    for (size_t k = 0; ok && k < n; k++) {
        af_buf b;
        af_buf_init(&b);
        af_buf_csv(&b, pt->d.names[k]);
        ok = (pt->rp_names[k] = lt_take(&b)) != NULL;
        if (!ok) break;
        af_buf_put(&b, ",");
        af_buf_put(&b, t->seed);
        af_buf_put(&b, ",");
        af_buf_put(&b, pt->rp_names[k]);
        af_buf_put(&b, ",");
        pt->rp_len[k] = b.len;
        ok = (pt->rp_cells[k] = lt_take(&b)) != NULL;
        if (!ok || !t->tidy) continue;
        exp_metric_split(pt->d.names[k], (const char *const *)stations, n_st, &parts[k]);
        const exp_metric_parts *q = &parts[k];
        const char *cells[] = {pt->d.names[k], q->entity, q->measure, q->category, q->region,
                               q->unit};
        af_buf_put(&b, ",");
        af_buf_put(&b, t->seed);
        af_buf_put(&b, ",");
        for (size_t c = 0; c < sizeof cells / sizeof cells[0]; c++) {
            af_buf_csv(&b, cells[c]);
            af_buf_put(&b, ",");
        }
        pt->mt_len[k] = b.len;
        ok = (pt->mt_cells[k] = lt_take(&b)) != NULL;
    }
    for (size_t k = 0; k < n_st; k++) free(stations[k]);
    free(stations);
    free(parts);
    if (!ok || pt->prefix.failed || pt->head.failed || pt->rp_tail.failed)
        return af_error_set(err, AF_NOMEM, "out of memory");
    return AF_OK;
}

void exp_num_text(char *num, double v)
{
    if (!isfinite(v)) num[0] = '\0';
    else af_fmt_num(num, AF_NUM_SIZE, v); /* whole numbers without printf: af_fmt_int */
}

/* Appends the n parts of a row with one append (the rows are written by the hundred
 * thousand: one append each instead of one a cell). */
static void put_row(af_buf *b, const char *const *part, const size_t *len, size_t n)
{
    char row[1024];
    size_t total = 0;
    for (size_t i = 0; i < n; i++) total += len[i];
    if (total > sizeof row) {
        for (size_t i = 0; i < n; i++) af_buf_putn(b, part[i], len[i]);
        return;
    }
    char *o = row;
    for (size_t i = 0; i < n; i++) {
        memcpy(o, part[i], len[i]);
        o += len[i];
    }
    af_buf_putn(b, row, total);
}

/* The rows of one task (without t->mu). */
static void lt_format(const long_tables *t, lt_task *k, const lt_point *pt)
{
    const exp_point_data *d = &pt->d;
    if (t->sweep && k->from == 0)
        for (size_t j = 0; j < d->n_metrics; j++) {
            af_summary stt = af_summarise(d->values + j * d->n_reps, d->n_reps, t->m->confidence);
            af_buf_put(&k->sw, pt->id);
            af_buf_put(&k->sw, ",");
            af_buf_putn(&k->sw, pt->prefix.data, pt->prefix.len);
            af_buf_put(&k->sw, pt->rp_names[j]);
            csv_stat(&k->sw, &stt);
            af_buf_put(&k->sw, "\n");
        }
    for (size_t r = k->from; r < k->to; r++) {
        char rep[24];
        size_t rep_len = (size_t)snprintf(rep, sizeof rep, "%zu", r);
        for (size_t j = 0; j < d->n_metrics; j++) {
            double v = d->values[j * d->n_reps + r];
            char num[AF_NUM_SIZE];
            exp_num_text(num, v);
            size_t num_len = strlen(num);
            if (t->reps) {
                /* point,factor texts,replication,seed,metric,value,run_id */
                const char *part[] = {pt->prefix.data, rep, pt->rp_cells[j], num,
                                      pt->rp_tail.data};
                const size_t len[] = {pt->prefix.len, rep_len, pt->rp_len[j], num_len,
                                      pt->rp_tail.len};
                put_row(&k->rp, part, len, 5);
            }
            if (t->tidy) {
                /* run_id,scenario,point,replication,seed,metric,entity,...,unit,value */
                const char *part[] = {pt->head.data, rep, pt->mt_cells[j], num, "\n"};
                const size_t len[] = {pt->head.len, rep_len, pt->mt_len[j], num_len, 1};
                put_row(&k->mt, part, len, 5);
            }
        }
    }
}

/* Loads point i (t->mu held; released while reading). A point loaded ahead (`ahead`: for a
 * task still to come, by a thread whose own point another thread is loading) that fails is
 * left to be loaded again by its own task, so that the error reported is the lowest point's
 * whatever the threads did. */
static void lt_load_locked(long_tables *t, size_t i, bool ahead)
{
    lt_point *pt = &t->points[i];
    pt->state = LT_LOADING;
    pthread_mutex_unlock(&t->mu);
    af_error e;
    af_error_clear(&e);
    af_status st = lt_load(t, i, pt, &e);
    pthread_mutex_lock(&t->mu);
    if (st != AF_OK && ahead) {
        lt_point_free(pt);
        pt->state = LT_EMPTY;
    } else {
        pt->state = st == AF_OK ? LT_READY : LT_FAILED;
    }
    if (st != AF_OK && !ahead && (t->st == AF_OK || i < t->failed_point)) {
        t->st = st;
        t->failed_point = i;
        t->err = e;
    }
    pthread_cond_broadcast(&t->loaded);
}

/* The next point after `after` that tasks still need and nobody has loaded, within `span`
 * points of it (SIZE_MAX: none). */
static size_t lt_next_to_load(const long_tables *t, size_t after, size_t span)
{
    for (size_t i = after + 1; i < t->p->n && i <= after + span; i++)
        if (t->points[i].state == LT_EMPTY && t->points[i].pending > 0) return i;
    return SIZE_MAX;
}

static void *lt_worker(void *arg)
{
    long_tables *t = arg;
    pthread_mutex_lock(&t->mu);
    while (t->st == AF_OK && t->next < t->n_tasks) {
        lt_task *k = &t->tasks[t->next++];
        lt_point *pt = &t->points[k->point];
        /* While another thread reads this task's point, read the next one (one thread at a
         * time reads the store, so the reading and the writing of rows overlap). */
        while (pt->state == LT_LOADING) {
            size_t ahead = lt_next_to_load(t, k->point, t->threads);
            if (ahead != SIZE_MAX)
                lt_load_locked(t, ahead, true);
            else
                pthread_cond_wait(&t->loaded, &t->mu);
        }
        if (pt->state == LT_EMPTY) lt_load_locked(t, k->point, false);
        if (pt->state != LT_READY) continue;
        pthread_mutex_unlock(&t->mu);
        lt_format(t, k, pt);
        pthread_mutex_lock(&t->mu);
        if (--pt->pending == 0) lt_point_free(pt);
    }
    pthread_mutex_unlock(&t->mu);
    return NULL;
}

/* Writes dir/name: `header`, then the chunk `which` of every task, in order. */
static af_status lt_write(const long_tables *t, const char *dir, const char *name,
                          const char *header, size_t which, af_error *err)
{
    char *path = af_path_join(dir, name);
    if (!path) return af_error_set(err, AF_NOMEM, "out of memory");
    for (size_t i = 0; i < t->n_tasks; i++) {
        const af_buf *c = which == 0 ? &t->tasks[i].sw : which == 1 ? &t->tasks[i].rp
                                                                    : &t->tasks[i].mt;
        if (c->failed) {
            af_status st = af_error_set(err, AF_NOMEM, "out of memory writing %s", path);
            free(path);
            return st;
        }
    }
    af_atomic_file *f = NULL;
    af_status st = af_atomic_open(&f, path, err);
    free(path);
    if (st != AF_OK) return st;
    FILE *out = af_atomic_stream(f);
    fputs(header, out);
    for (size_t i = 0; i < t->n_tasks; i++) {
        const af_buf *c = which == 0 ? &t->tasks[i].sw : which == 1 ? &t->tasks[i].rp
                                                                    : &t->tasks[i].mt;
        if (c->len) fwrite(c->data, 1, c->len, out);
    }
    return af_atomic_commit(f, err);
}

/* The header of sweep.csv (which 0) or replications.csv (1). */
static void lt_header(af_buf *b, const stored_points *p, size_t which)
{
    af_buf_put(b, which == 0 ? "run_id,point" : "point");
    for (size_t f = 0; f < p->n_factors; f++) {
        af_buf_put(b, ",");
        af_buf_csv(b, p->paths[f]);
    }
    af_buf_put(b, which == 0 ? ",metric,mean,sd,ci_low,ci_high,n\n"
                             : ",replication,seed,metric,value,run_id\n");
}

static void long_tables_free(long_tables *t)
{
    for (size_t i = 0; t->tasks && i < t->n_tasks; i++) {
        af_buf_free(&t->tasks[i].sw);
        af_buf_free(&t->tasks[i].rp);
        af_buf_free(&t->tasks[i].mt);
    }
    for (size_t i = 0; t->points && i < t->p->n; i++) lt_point_free(&t->points[i]);
    free(t->tasks);
    free(t->points);
    pthread_cond_destroy(&t->loaded);
    pthread_mutex_destroy(&t->store_mu);
    pthread_mutex_destroy(&t->mu);
}

/* Makes the rows of the files wanted (sweep.csv, replications.csv, metrics.csv) on
 * `threads` threads; long_tables_free frees them. */
static af_status long_tables_build(long_tables *t, exp_store *s, const exp_meta *m,
                                   const stored_points *p, bool sweep, bool reps, bool tidy,
                                   unsigned threads, af_error *err)
{
    memset(t, 0, sizeof *t);
    pthread_mutex_init(&t->mu, NULL);
    pthread_mutex_init(&t->store_mu, NULL);
    pthread_cond_init(&t->loaded, NULL);
    t->s = s;
    t->m = m;
    t->p = p;
    t->sweep = sweep;
    t->reps = reps;
    t->tidy = tidy;
    snprintf(t->seed, sizeof t->seed, "%llu", (unsigned long long)m->seed);
    size_t R = m->replications;
    if (threads < 1) threads = 1;
    /* Some four tasks a thread (the last to finish then idles a short while), at least one
     * a point. */
    size_t per = R && p->n ? (R * p->n + 4 * threads - 1) / (4 * threads) : 1;
    if (per < 1) per = 1;
    if (per > R) per = R ? R : 1;
    size_t per_point = R ? (R + per - 1) / per : 1;
    t->points = calloc(p->n ? p->n : 1, sizeof *t->points);
    size_t n_tasks = p->n * per_point;
    t->tasks = calloc(n_tasks ? n_tasks : 1, sizeof *t->tasks);
    if (!t->points || !t->tasks) return af_error_set(err, AF_NOMEM, "out of memory");
    for (size_t i = 0; i < p->n; i++) {
        size_t from = 0;
        do {
            lt_task *k = &t->tasks[t->n_tasks++];
            k->point = i;
            k->from = from;
            k->to = from + per < R ? from + per : R;
            from = k->to;
            t->points[i].pending++;
        } while (from < R);
    }
    if (threads > t->n_tasks) threads = (unsigned)t->n_tasks;
    t->threads = threads;
    pthread_t *extra = calloc(threads, sizeof *extra);
    unsigned started = 0;
    for (; extra && started + 1 < threads; started++)
        if (pthread_create(&extra[started], NULL, lt_worker, t) != 0) break;
    lt_worker(t); /* this thread is one of them */
    for (unsigned i = 0; i < started; i++) pthread_join(extra[i], NULL);
    free(extra);
    if (t->st != AF_OK && err) *err = t->err;
    return t->st;
}

static af_status write_sweep_and_replications(const long_tables *t, const char *dir,
                                              af_error *err)
{
    af_buf h;
    af_status st = AF_OK;
    for (size_t which = t->sweep ? 0 : 1; which < 2 && st == AF_OK; which++) {
        af_buf_init(&h);
        lt_header(&h, t->p, which);
        st = h.failed ? af_error_set(err, AF_NOMEM, "out of memory")
                      : lt_write(t, dir, which == 0 ? "sweep.csv" : "replications.csv", h.data,
                                 which, err);
        af_buf_free(&h);
    }
    return st;
}

/* ---- compare ---- */

static const char *yes_no(int significant)
{
    return significant > 0 ? "yes" : significant == 0 ? "no" : "";
}

/* One row of the comparison: metric i of A (SIZE_MAX: A lacks it) against j of B. */
static af_status compare_row(af_compare_row *row, const char *name, const exp_point_data *a,
                             size_t i, const exp_point_data *b, size_t j, double *d,
                             const exp_meta *m, af_error *err)
{
    unsigned reps = m->replications;
    static const double none_v = NAN;
    const double *va = i != SIZE_MAX ? a->values + i * a->n_reps : NULL;
    const double *vb = j != SIZE_MAX ? b->values + j * b->n_reps : NULL;
    for (size_t r = 0; r < reps; r++) {
        double x = va ? va[r] : none_v, y = vb ? vb[r] : none_v;
        d[r] = (isfinite(x) && isfinite(y)) ? y - x : NAN;
    }
    af_summary none = {NAN, NAN, NAN, NAN, 0};
    af_summary sa = va ? af_summarise(va, reps, m->confidence) : none;
    af_summary sb = vb ? af_summarise(vb, reps, m->confidence) : none;
    af_summary sd = af_summarise(d, reps, m->confidence);
    row->metric = strdup(name);
    if (!row->metric) return af_error_set(err, AF_NOMEM, "out of memory");
    row->mean_a = sa.mean;
    row->ci_low_a = sa.ci_low;
    row->ci_high_a = sa.ci_high;
    row->mean_b = sb.mean;
    row->ci_low_b = sb.ci_low;
    row->ci_high_b = sb.ci_high;
    row->diff = sd.mean;
    row->sd = sd.sd;
    row->ci_low = sd.ci_low;
    row->ci_high = sd.ci_high;
    row->n = sd.n;
    row->significant = sd.n < 2 ? -1 : (sd.ci_low > 0 || sd.ci_high < 0) ? 1 : 0;
    row->headline = strncmp(row->metric, "station.", 8) != 0;
    row->only = va && vb ? 0 : va ? 'A' : 'B';
    return AF_OK;
}

af_status exp_compare_table(exp_store *s, af_compare_result *res, af_error *err)
{
    exp_meta m;
    af_status st = meta_read(s, &m, err);
    if (st != AF_OK) return st;
    res->confidence = m.confidence;
    exp_point_data a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    st = exp_store_point_data(s, 0, m.replications, &a, err);
    if (st == AF_OK) st = exp_store_point_data(s, 1, m.replications, &b, err);
    double *d = malloc(m.replications * sizeof *d);
    size_t cap = a.n_metrics + b.n_metrics;
    res->rows = calloc(cap ? cap : 1, sizeof *res->rows);
    if (st == AF_OK && (!d || !res->rows)) st = af_error_set(err, AF_NOMEM, "out of memory");
    /* A's metrics in A's order (with B's value when B has it), then those only B has, in B's
     * order. */
    for (size_t i = 0; st == AF_OK && i < a.n_metrics; i++) {
        size_t j = 0;
        while (j < b.n_metrics && strcmp(a.names[i], b.names[j]) != 0) j++;
        st = compare_row(&res->rows[res->n_rows], a.names[i], &a, i, &b,
                         j < b.n_metrics ? j : SIZE_MAX, d, &m, err);
        if (st == AF_OK) res->n_rows++;
    }
    for (size_t j = 0; st == AF_OK && j < b.n_metrics; j++) {
        size_t i = 0;
        while (i < a.n_metrics && strcmp(a.names[i], b.names[j]) != 0) i++;
        if (i < a.n_metrics) continue;
        st = compare_row(&res->rows[res->n_rows], b.names[j], &a, SIZE_MAX, &b, j, d, &m, err);
        if (st == AF_OK) res->n_rows++;
    }
    free(d);
    exp_point_data_free(&a);
    exp_point_data_free(&b);
    meta_free(&m);
    return st;
}

static af_status write_compare(exp_store *s, const char *dir, af_error *err)
{
    af_compare_result res;
    memset(&res, 0, sizeof res);
    af_status st = exp_compare_table(s, &res, err);
    af_buf b;
    af_buf_init(&b);
    af_buf_put(&b, "metric,mean_a,ci_low_a,ci_high_a,mean_b,ci_low_b,ci_high_b,diff,sd,ci_low,"
                    "ci_high,n,significant,run_id_a,run_id_b\n");
    char id_a[64] = "", id_b[64] = "";
    stored_points p;
    if (st == AF_OK && (st = points_read(s, &p, err)) == AF_OK) {
        exp_meta m;
        if ((st = meta_read(s, &m, err)) == AF_OK) {
            if (p.n > 0) run_id(id_a, sizeof id_a, p.hashes[0], m.seed);
            if (p.n > 1) run_id(id_b, sizeof id_b, p.hashes[1], m.seed);
            meta_free(&m);
        }
        points_free(&p);
    }
    for (size_t i = 0; st == AF_OK && i < res.n_rows; i++) {
        const af_compare_row *r = &res.rows[i];
        af_buf_csv(&b, r->metric);
        const double v[] = {r->mean_a, r->ci_low_a, r->ci_high_a, r->mean_b, r->ci_low_b,
                            r->ci_high_b,  r->diff,     r->sd,       r->ci_low, r->ci_high};
        for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
            af_buf_put(&b, ",");
            af_buf_num(&b, v[k], "");
        }
        af_buf_printf(&b, ",%zu,%s,%s,%s\n", r->n, yes_no(r->significant), id_a, id_b);
    }
    if (st == AF_OK) st = write_file(dir, "compare.csv", &b, err);
    af_buf_free(&b);
    for (size_t i = 0; i < res.n_rows; i++) free((char *)res.rows[i].metric);
    free(res.rows);
    return st;
}

/* ---- target ---- */

static int by_value(const void *x, const void *y)
{
    const af_target_step *a = x, *b = y;
    if (a->value != b->value) return a->value < b->value ? -1 : 1;
    return a->order < b->order ? -1 : a->order > b->order;
}

const char *exp_step_judge(af_target_step *t, const exp_point_data *d, const af_goal *goals,
                           size_t n_goals, double level)
{
    const char *missing = NULL;
    t->n_goals = n_goals;
    t->meets = true;
    for (size_t g = 0; g < n_goals; g++) {
        size_t k = 0;
        while (k < d->n_metrics && strcmp(d->names[k], goals[g].metric) != 0) k++;
        af_summary stt = {NAN, NAN, NAN, NAN, 0};
        if (k < d->n_metrics)
            stt = af_summarise(d->values + k * d->n_reps, d->n_reps, level);
        else if (!missing)
            missing = goals[g].metric;
        af_target_goal_value *v = &t->goals[g];
        v->mean = stt.mean;
        v->sd = stt.sd;
        v->ci_low = stt.ci_low;
        v->ci_high = stt.ci_high;
        v->n = stt.n;
        v->meets = k < d->n_metrics && exp_goal_meets(&goals[g], &stt);
        if (!v->meets) t->meets = false;
    }
    t->mean = t->goals[0].mean;
    t->sd = t->goals[0].sd;
    t->ci_low = t->goals[0].ci_low;
    t->ci_high = t->goals[0].ci_high;
    t->n = t->goals[0].n;
    return missing;
}

af_status exp_goals_parse(const char *text, af_goal *goals, size_t cap, size_t *n,
                          af_error *err)
{
    *n = 0;
    const char *p = text ? text : "";
    af_status st = AF_OK;
    do {
        size_t len = strcspn(p, ";");
        char one[512];
        if (len >= sizeof one || *n == cap)
            return af_error_set(err, AF_INVAL, "goal '%s': too long or too many", text);
        memcpy(one, p, len);
        one[len] = '\0';
        if ((st = af_goal_parse(one, &goals[*n], err)) != AF_OK) return st;
        (*n)++;
        p += len;
    } while (*p++ == ';');
    return AF_OK;
}

af_status exp_target_curve(exp_store *s, const af_goal *goals, size_t n_goals, double level,
                           af_target_step **steps, size_t *n, af_error *err)
{
    *steps = NULL;
    *n = 0;
    exp_meta m;
    af_status st = meta_read(s, &m, err);
    if (st != AF_OK) return st;
    stored_points p;
    if ((st = points_read(s, &p, err)) != AF_OK) {
        meta_free(&m);
        return st;
    }
    af_target_step *out = calloc(p.n ? p.n : 1, sizeof *out);
    if (!out) st = af_error_set(err, AF_NOMEM, "out of memory");
    for (size_t i = 0; st == AF_OK && i < p.n; i++) {
        exp_point_data d;
        if ((st = exp_store_point_data(s, i, m.replications, &d, err)) != AF_OK) break;
        af_target_step *t = &out[i];
        t->value = p.values[i * p.n_factors];
        snprintf(t->text, sizeof t->text, "%s", p.texts[i * p.n_factors]);
        t->order = i;
        exp_step_judge(t, &d, goals, n_goals, level);
        exp_point_data_free(&d);
    }
    if (st == AF_OK) {
        qsort(out, p.n, sizeof *out, by_value);
        *steps = out;
        *n = p.n;
    } else {
        free(out);
    }
    points_free(&p);
    meta_free(&m);
    return st;
}

static af_status write_target(exp_store *s, const exp_meta *m, const stored_points *p,
                               const char *dir, af_error *err)
{
    af_goal goals[AF_TARGET_MAX_GOALS];
    size_t n_goals;
    af_status st = exp_goals_parse(m->goal, goals, AF_TARGET_MAX_GOALS, &n_goals, err);
    if (st != AF_OK) return st;
    af_target_step *steps;
    size_t n;
    if ((st = exp_target_curve(s, goals, n_goals, m->confidence, &steps, &n, err)) != AF_OK)
        return st;
    af_buf b;
    af_buf_init(&b);
    af_buf_put(&b, "run_id,step,");
    af_buf_csv(&b, m->target_path ? m->target_path : "value");
    af_buf_put(&b, ",metric,mean,sd,ci_low,ci_high,n,meets\n");
    for (size_t i = 0; i < n; i++)
        for (size_t g = 0; g < n_goals; g++) {
            const af_target_goal_value *v = &steps[i].goals[g];
            af_summary stt = {v->mean, v->sd, v->ci_low, v->ci_high, v->n};
            char id[64];
            run_id(id, sizeof id, steps[i].order < p->n ? p->hashes[steps[i].order] : "", m->seed);
            af_buf_printf(&b, "%s,%zu,", id, steps[i].order);
            af_buf_csv(&b, steps[i].text);
            af_buf_put(&b, ",");
            af_buf_csv(&b, goals[g].metric);
            csv_stat(&b, &stt);
            af_buf_printf(&b, ",%s\n", v->meets ? "yes" : "no");
        }
    st = write_file(dir, "target.csv", &b, err);
    af_buf_free(&b);
    free(steps);
    return st;
}

/* ---- provenance ---- */

static void json_kv_str(af_buf *b, const char *indent, const char *key, const char *v,
                        bool comma)
{
    af_buf_printf(b, "%s\"%s\": ", indent, key);
    if (v)
        af_buf_json(b, v);
    else
        af_buf_put(b, "null");
    af_buf_put(b, comma ? ",\n" : "\n");
}

static af_status write_provenance(exp_store *s, const exp_meta *m, const stored_points *p,
                                  const char *dir, af_error *err)
{
    af_buf b;
    af_buf_init(&b);
    af_buf_put(&b, "{\n  \"aidflow\": {\"version\": ");
    af_buf_json(&b, m->version ? m->version : "");
    af_buf_put(&b, ", \"command\": ");
    af_buf_json(&b, m->command ? m->command : "");
    af_buf_put(&b, "},\n");
    json_kv_str(&b, "  ", "kind", m->kind, true);
    af_buf_put(&b, "  \"scenario\": {");
    af_buf_put(&b, "\"file\": ");
    af_buf_json(&b, m->scenario ? m->scenario : "");
    af_buf_put(&b, ", \"hash\": ");
    af_buf_json(&b, m->scenario_hash ? m->scenario_hash : "");
    af_buf_put(&b, "},\n");
    if (m->scenario_b) {
        af_buf_put(&b, "  \"scenario_b\": {\"file\": ");
        af_buf_json(&b, m->scenario_b);
        af_buf_put(&b, ", \"hash\": ");
        af_buf_json(&b, m->scenario_b_hash ? m->scenario_b_hash : "");
        af_buf_put(&b, "},\n");
    }
    af_buf_put(&b, "  \"sets\": [");
    if (m->sets && *m->sets) {
        const char *q = m->sets;
        bool first = true;
        while (*q) {
            const char *e = strchr(q, '\n');
            size_t len = e ? (size_t)(e - q) : strlen(q);
            char *one = malloc(len + 1);
            if (one) {
                memcpy(one, q, len);
                one[len] = '\0';
                if (!first) af_buf_put(&b, ", ");
                af_buf_json(&b, one);
                first = false;
                free(one);
            }
            q += len + (e ? 1 : 0);
        }
    }
    af_buf_put(&b, "],\n");
    if (m->design) json_kv_str(&b, "  ", "design", m->design, true);
    if (m->goal) json_kv_str(&b, "  ", "goal", m->goal, true);
    af_buf_printf(&b, "  \"seed\": %llu,\n  \"replications\": %u,\n  \"confidence\": ",
                   (unsigned long long)m->seed, m->replications);
    af_buf_num(&b, m->confidence, "null");
    af_buf_printf(&b, ",\n  \"jobs\": %zu,\n  \"points\": [", exp_store_count_jobs(s));
    for (size_t i = 0; i < p->n; i++) {
        af_buf_printf(&b, "%s\n    {\"point\": %zu, \"scenario_hash\": ", i ? "," : "", i);
        af_buf_json(&b, p->hashes[i]);
        af_buf_put(&b, ", \"values\": {");
        for (size_t f = 0; f < p->n_factors; f++) {
            if (f) af_buf_put(&b, ", ");
            af_buf_json(&b, p->paths[f]);
            af_buf_put(&b, ": ");
            af_buf_json(&b, p->texts[i * p->n_factors + f]);
        }
        af_buf_put(&b, "}}");
    }
    af_buf_put(&b, p->n ? "\n  ]\n}\n" : "]\n}\n");
    af_status st = write_file(dir, "provenance.json", &b, err);
    af_buf_free(&b);
    return st;
}

/* ---- tidy tables ---- */

/* points.csv (when something was varied): each point's factor values as numbers in their
 * documented unit. (metrics.csv, every replication's metrics in long form with the names split
 * into entity, measure, category, region and unit, is one of the long tables above.) */
static af_status write_points(const stored_points *p, const exp_meta *m, const char *dir,
                              af_error *err)
{
    if (p->n_factors == 0) return AF_OK;
    af_buf b;
    af_buf_init(&b);
    af_buf_put(&b, "run_id,point,scenario_hash,factor,path,text,value,unit\n");
    for (size_t i = 0; i < p->n; i++) {
        char id[64];
        run_id(id, sizeof id, p->hashes[i], m->seed);
        for (size_t f = 0; f < p->n_factors; f++) {
            const char *text = p->texts[i * p->n_factors + f];
            af_buf_printf(&b, "%s,%zu,%s,%zu,", id, i, p->hashes[i], f);
            af_buf_csv(&b, p->paths[f]);
            af_buf_put(&b, ",");
            af_buf_csv(&b, text);
            af_buf_put(&b, ",");
            af_buf_num(&b, af_design_path_number(p->paths[f], text), "");
            af_buf_put(&b, ",");
            af_buf_csv(&b, af_design_path_unit(p->paths[f]));
            af_buf_put(&b, "\n");
        }
    }
    af_status st = write_file(dir, "points.csv", &b, err);
    af_buf_free(&b);
    return st;
}

static const char metrics_header[] =
    "run_id,scenario,point,replication,seed,metric,entity,measure,category,region,unit,value\n";

af_status exp_export_tidy(exp_store *s, const char *dir, unsigned threads, af_error *err)
{
    exp_meta m;
    af_status st = meta_read(s, &m, err);
    if (st != AF_OK) return st;
    stored_points p;
    if ((st = points_read(s, &p, err)) == AF_OK) {
        long_tables t;
        st = long_tables_build(&t, s, &m, &p, false, false, true, threads, err);
        if (st == AF_OK) st = lt_write(&t, dir, "metrics.csv", metrics_header, 2, err);
        long_tables_free(&t);
        if (st == AF_OK) st = write_points(&p, &m, dir, err);
        points_free(&p);
    }
    meta_free(&m);
    return st;
}

/* metrics.csv on a thread of its own (exp_export). */
typedef struct metrics_writer {
    pthread_t thread;
    const long_tables *t;
    const char *dir;
    af_status st;
    af_error err;
} metrics_writer;

static void *write_metrics(void *arg)
{
    metrics_writer *w = arg;
    w->st = lt_write(w->t, w->dir, "metrics.csv", metrics_header, 2, &w->err);
    return NULL;
}

af_status exp_export(exp_store *s, const char *dir, unsigned threads, af_error *err)
{
    exp_meta m;
    af_status st = meta_read(s, &m, err);
    if (st != AF_OK) return st;
    stored_points p;
    if ((st = points_read(s, &p, err)) != AF_OK) {
        meta_free(&m);
        return st;
    }
    if (!strcmp(m.kind, "run")) {
        points_free(&p);
        meta_free(&m);
        st = exp_export_run(s, dir, err);
        return st == AF_OK ? exp_export_tidy(s, dir, threads, err) : st;
    }
    bool sweep = !strcmp(m.kind, "sweep") || !strcmp(m.kind, "sensitivity");
    long_tables t;
    st = long_tables_build(&t, s, &m, &p, sweep, true, true, threads, err);
    /* metrics.csv, the largest file, is written on a thread of its own beside the others when
     * there are threads (the copy into the file and its sync overlap); an error of the files
     * before it in this order is the one reported, as when they are written one by one. */
    metrics_writer mw = {.t = &t, .dir = dir};
    af_error_clear(&mw.err);
    bool beside = false;
    if (st == AF_OK && threads > 1)
        beside = pthread_create(&mw.thread, NULL, write_metrics, &mw) == 0;
    if (st == AF_OK) st = write_sweep_and_replications(&t, dir, err);
    if (st == AF_OK && !strcmp(m.kind, "sensitivity")) st = exp_export_sensitivity(s, dir, err);
    if (st == AF_OK && !strcmp(m.kind, "compare")) st = write_compare(s, dir, err);
    if (st == AF_OK && !strcmp(m.kind, "compare"))
        st = exp_export_compare_runs(s, dir, m.replications, err);
    if (st == AF_OK && !strcmp(m.kind, "target")) st = write_target(s, &m, &p, dir, err);
    if (beside) {
        pthread_join(mw.thread, NULL);
        if (st == AF_OK && mw.st != AF_OK) {
            st = mw.st;
            if (err) *err = mw.err;
        }
    } else if (st == AF_OK) {
        st = lt_write(&t, dir, "metrics.csv", metrics_header, 2, err);
    }
    long_tables_free(&t);
    if (st == AF_OK) st = write_points(&p, &m, dir, err);
    if (st == AF_OK) st = write_provenance(s, &m, &p, dir, err);
    points_free(&p);
    meta_free(&m);
    return st;
}

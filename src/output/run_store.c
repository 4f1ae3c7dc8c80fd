/* The replications of `aidflow run` in SQLite, one row a replication (see run_store.h).
 *
 * A result is stored as a blob: a header of counts, then the names (NUL-terminated), then the
 * doubles of the daily tables and metrics exactly as they are in memory. The `build` key in
 * the meta table (version and the sizes of the structs) guards against reading a blob written
 * by another build. */
#include "aidflow/run_store.h"

#include <errno.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "aidflow/atomic_file.h"
#include "aidflow/version.h"

struct af_run_store {
    sqlite3 *db;
    char *path;
};

static af_status db_fail(af_run_store *s, af_error *err, const char *what)
{
    return af_error_set(err, AF_IO, "%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

static void build_key(char *buf, size_t n)
{
    snprintf(buf, n, "%s/%zu/%zu/%zu", af_version(), sizeof(af_daily_cell),
             sizeof(af_station_day), sizeof(double));
}

/* The stored value of a meta key, or "" (static buffer). */
static const char *meta_get(af_run_store *s, const char *key)
{
    static _Thread_local char value[256];
    value[0] = '\0';
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = ?", -1, &st, NULL) != SQLITE_OK)
        return value;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        const unsigned char *v = sqlite3_column_text(st, 0);
        if (v) snprintf(value, sizeof value, "%s", (const char *)v);
    }
    sqlite3_finalize(st);
    return value;
}

af_status af_run_store_open(af_run_store **out, const char *dir, uint64_t scenario_hash,
                            uint64_t seed, af_error *err)
{
    *out = NULL;
    af_status st = af_make_directories(dir, err);
    if (st != AF_OK) return st;
    af_run_store *s = calloc(1, sizeof *s);
    size_t n = strlen(dir) + sizeof "/run.sqlite";
    if (s) s->path = malloc(n);
    if (!s || !s->path) {
        free(s);
        return af_error_set(err, AF_NOMEM, "out of memory");
    }
    snprintf(s->path, n, "%s/run.sqlite", dir);
    if (sqlite3_open(s->path, &s->db) != SQLITE_OK) {
        st = db_fail(s, err, "cannot open");
        af_run_store_close(s);
        return st;
    }
    sqlite3_busy_timeout(s->db, 5000);
    const char *schema =
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
        "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
        "CREATE TABLE IF NOT EXISTS reps(replication INTEGER PRIMARY KEY, data BLOB NOT NULL);";
    if (sqlite3_exec(s->db, schema, NULL, NULL, NULL) != SQLITE_OK) {
        st = db_fail(s, err, "cannot set up the store");
        af_run_store_close(s);
        return st;
    }
    char want_hash[32], want_seed[32], want_build[128];
    snprintf(want_hash, sizeof want_hash, "%016" PRIx64, scenario_hash);
    snprintf(want_seed, sizeof want_seed, "%" PRIu64, seed);
    build_key(want_build, sizeof want_build);
    bool same = !strcmp(meta_get(s, "scenario_hash"), want_hash) &&
                !strcmp(meta_get(s, "seed"), want_seed) && !strcmp(meta_get(s, "build"), want_build);
    if (!same) {
        /* Another scenario, seed or build: what is stored is of no use to this run. */
        char sql[512];
        snprintf(sql, sizeof sql,
                 "BEGIN; DELETE FROM reps; DELETE FROM meta;"
                 "INSERT INTO meta VALUES('scenario_hash', '%s'), ('seed', '%s'), ('build', '%s');"
                 "COMMIT;",
                 want_hash, want_seed, want_build);
        if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
            st = db_fail(s, err, "cannot reset the store");
            af_run_store_close(s);
            return st;
        }
    }
    *out = s;
    return AF_OK;
}

void af_run_store_close(af_run_store *s)
{
    if (!s) return;
    sqlite3_close(s->db);
    free(s->path);
    free(s);
}

/* ---- serialisation ---------------------------------------------------------------------- */

typedef struct header {
    uint64_t seed;
    uint64_t events;
    uint64_t replication;
    uint64_t n_days, n_regions, n_categories, n_stations, n_metrics, bottleneck;
} header;

typedef struct buf {
    unsigned char *p;
    size_t len, cap;
    bool oom;
} buf;

static void put(buf *b, const void *data, size_t n)
{
    if (b->oom) return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n) cap *= 2;
        unsigned char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, data, n);
    b->len += n;
}

af_status af_run_store_save(af_run_store *s, const af_result *r, af_error *err)
{
    if (!r->daily || !r->stations)
        return af_error_set(err, AF_INVAL, "replication %u has no daily tables to keep", r->replication);
    header h = {r->seed, r->events, r->replication, (uint64_t)r->n_days, r->n_regions,
                r->n_categories, r->n_stations, r->n_metrics, r->bottleneck};
    buf b = {0};
    put(&b, &h, sizeof h);
    for (size_t i = 0; i < r->n_stations; i++) put(&b, r->station_names[i], strlen(r->station_names[i]) + 1);
    for (size_t i = 0; i < r->n_metrics; i++) put(&b, r->metric_names[i], strlen(r->metric_names[i]) + 1);
    size_t cells = (size_t)r->n_days * r->n_regions * r->n_categories;
    put(&b, r->daily, cells * sizeof *r->daily);
    put(&b, r->stations, (size_t)r->n_days * r->n_stations * sizeof *r->stations);
    put(&b, r->metrics, r->n_metrics * sizeof *r->metrics);
    if (b.oom) {
        free(b.p);
        return af_error_set(err, AF_NOMEM, "out of memory saving replication %u", r->replication);
    }
    sqlite3_stmt *st;
    af_status status = AF_OK;
    if (sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO reps VALUES(?, ?)", -1, &st, NULL) != SQLITE_OK) {
        free(b.p);
        return db_fail(s, err, "cannot save");
    }
    sqlite3_bind_int64(st, 1, r->replication);
    sqlite3_bind_blob64(st, 2, b.p, b.len, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) status = db_fail(s, err, "cannot save a replication");
    sqlite3_finalize(st);
    free(b.p);
    return status;
}

/* Reads n bytes at *pos of a blob of len bytes; false past the end. */
static bool take(const unsigned char *blob, size_t len, size_t *pos, void *dst, size_t n)
{
    if (n > len - *pos) return false;
    memcpy(dst, blob + *pos, n);
    *pos += n;
    return true;
}

static char *take_name(const unsigned char *blob, size_t len, size_t *pos)
{
    const unsigned char *end = memchr(blob + *pos, '\0', len - *pos);
    if (!end) return NULL;
    size_t n = (size_t)(end - (blob + *pos)) + 1;
    char *s = malloc(n);
    if (s) memcpy(s, blob + *pos, n);
    *pos += n;
    return s;
}

af_status af_run_store_load(af_run_store *s, unsigned replication, af_result **out, af_error *err)
{
    *out = NULL;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT data FROM reps WHERE replication = ?", -1, &st, NULL) != SQLITE_OK)
        return db_fail(s, err, "cannot read");
    sqlite3_bind_int64(st, 1, replication);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        return rc == SQLITE_DONE ? AF_NOTFOUND : db_fail(s, err, "cannot read a replication");
    }
    const unsigned char *blob = sqlite3_column_blob(st, 0);
    size_t len = (size_t)sqlite3_column_bytes(st, 0), pos = 0;
    header h;
    af_result *r = calloc(1, sizeof *r);
    bool ok = r && blob && take(blob, len, &pos, &h, sizeof h) && h.replication == replication &&
              h.n_days < 1000000 && h.n_stations < 1000000 && h.n_metrics < 10000000;
    if (ok) {
        r->seed = h.seed;
        r->events = h.events;
        r->replication = (unsigned)h.replication;
        r->n_days = (int)h.n_days;
        r->n_regions = h.n_regions;
        r->n_categories = h.n_categories;
        r->n_stations = h.n_stations;
        r->n_metrics = h.n_metrics;
        r->bottleneck = h.bottleneck;
        r->station_names = calloc(h.n_stations + 1, sizeof *r->station_names);
        r->metric_names = calloc(h.n_metrics + 1, sizeof *r->metric_names);
        ok = r->station_names && r->metric_names;
    }
    for (size_t i = 0; ok && i < h.n_stations; i++) ok = (r->station_names[i] = take_name(blob, len, &pos)) != NULL;
    for (size_t i = 0; ok && i < h.n_metrics; i++) ok = (r->metric_names[i] = take_name(blob, len, &pos)) != NULL;
    if (ok) {
        size_t cells = h.n_days * h.n_regions * h.n_categories, sdays = h.n_days * h.n_stations;
        r->daily = malloc((cells + 1) * sizeof *r->daily);
        r->stations = malloc((sdays + 1) * sizeof *r->stations);
        r->metrics = malloc((h.n_metrics + 1) * sizeof *r->metrics);
        ok = r->daily && r->stations && r->metrics && take(blob, len, &pos, r->daily, cells * sizeof *r->daily) &&
             take(blob, len, &pos, r->stations, sdays * sizeof *r->stations) &&
             take(blob, len, &pos, r->metrics, h.n_metrics * sizeof *r->metrics) && pos == len;
    }
    sqlite3_finalize(st);
    if (!ok) {
        if (r && !r->station_names) r->n_stations = 0;
        if (r && !r->metric_names) r->n_metrics = 0;
        af_result_free(r);
        return af_error_set(err, AF_IO, "%s: replication %u is damaged; delete the file to start over",
                            s->path, replication);
    }
    *out = r;
    return AF_OK;
}

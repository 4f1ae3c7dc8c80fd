/* The result store: DIR/results.sqlite.
 *
 * SQLite in WAL mode with synchronous=FULL: finished jobs are committed in a transaction (one
 * job, or the few the runner had queued: exp_store_put_jobs), durable when the commit returns,
 * so a kill -9 or a power cut loses no replication committed. One
 * thread (the runner's coordinator) writes; readers (a user's sqlite3 shell, a test polling
 * the row count) may look at any time. The directory is locked with flock() while a store is
 * open, so that two runs cannot fill the same store at once.
 *
 * Tables
 *   meta(key, value)                       identity and provenance
 *   factors(factor, path)                  the varied paths
 *   points(point, scenario, overrides, scenario_hash)
 *   point_values(point, factor, text, value)
 *   jobs(job, point, replication, seed, seconds, rank) one row per finished job (rank: the
 *                                          MPI rank that ran it; seconds and rank are not
 *                                          exported, they vary from run to run)
 *   metrics(metric, name)                  metric names, numbered as first seen
 *   results(job, ord, metric, value)       ord: position in the model's list; NaN is NULL
 *   job_tables(job, data)                  the run kind only: the job's daily and station
 *                                          tables and metrics as one blob (tables.c), the
 *                                          source of daily.csv, stations.csv, summary.json
 *   sessions(session, command, version)    every run that opened the store
 *   job_checks(job, sum)                   a checksum per job (below)
 *
 * Verification. A store is read as hostile input: it may be truncated, have bits flipped,
 * rows removed, sizes made up, or come from another experiment. It is opened only as a
 * regular file (a symlink is refused: it could lead into a foreign database); damage SQLite
 * sees is an AF_INVAL naming the file; and every job carries a checksum (FNV-1a) of the
 * experiment's identity, its row, its metrics in order (names and bits) and its packed tables.
 * Before a resume or a merge's export, exp_store_verify recomputes every job's sum and checks
 * that no result, table or checksum belongs to a job that is not there: a mismatch is a clear
 * error (exit 2) naming the store and the job, never a silent resume with changed numbers.
 * Format 2 added job_checks; a format-1 store is refused with its format.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aidflow/atomic_file.h"
#include "aidflow/version.h"
#include "experiment/exp_internal.h"

#define STORE_NAME "results.sqlite"
#define STORE_FORMAT "2"

typedef struct name_slot {
    char *name;
    int64_t id;
} name_slot;

struct exp_store {
    sqlite3 *db;
    char *dir;
    char *path;
    int lock_fd;
    sqlite3_stmt *ins_job, *ins_result, *ins_metric, *get_metric, *ins_tables, *ins_check;
    sqlite3_stmt *begin, *commit, *rollback;
    /* Results rows RESULT_ROWS at a time, and the shorter tail of a job's rows (tail_rows of
     * them, prepared for the first job that needs that many: every job of an experiment has
     * the same number of metrics). */
    sqlite3_stmt *ins_results, *ins_tail;
    size_t tail_rows;
    name_slot *names; /* open addressing: metric name -> id */
    size_t names_cap, names_n;
    /* The metric ids of the last job by position (the model gives its metrics in the same
     * order every time): a name equal to the one at its position the last time has its id
     * without the hash lookup. */
    char **by_ord;
    int64_t *by_ord_id;
    size_t by_ord_n, by_ord_cap;
    bool have_id;
    uint64_t id_hash; /* FNV-1a of meta 'identity', the start of every job's checksum */
};

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS factors(factor INTEGER PRIMARY KEY, path TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS points(point INTEGER PRIMARY KEY, scenario TEXT NOT NULL,"
    "  overrides TEXT NOT NULL, scenario_hash TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS point_values(point INTEGER NOT NULL, factor INTEGER NOT NULL,"
    "  text TEXT NOT NULL, value REAL, PRIMARY KEY(point, factor));"
    "CREATE TABLE IF NOT EXISTS jobs(job INTEGER PRIMARY KEY, point INTEGER NOT NULL,"
    "  replication INTEGER NOT NULL, seed INTEGER NOT NULL, seconds REAL, rank INTEGER);"
    "CREATE INDEX IF NOT EXISTS jobs_point ON jobs(point, replication);"
    "CREATE TABLE IF NOT EXISTS metrics(metric INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);"
    "CREATE TABLE IF NOT EXISTS results(job INTEGER NOT NULL, ord INTEGER NOT NULL,"
    "  metric INTEGER NOT NULL, value REAL, PRIMARY KEY(job, ord)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS sessions(session INTEGER PRIMARY KEY, command TEXT,"
    "  version TEXT);"
    "CREATE TABLE IF NOT EXISTS job_tables(job INTEGER PRIMARY KEY, data BLOB NOT NULL);"
    "CREATE TABLE IF NOT EXISTS job_checks(job INTEGER PRIMARY KEY, sum TEXT NOT NULL);";

/* A text column; "" for NULL (a hostile store may hold NULL where the schema says NOT NULL:
 * the tables of an existing file are not ours to trust). */
static const char *col_text(sqlite3_stmt *q, int i)
{
    const char *t = (const char *)sqlite3_column_text(q, i);
    return t ? t : "";
}

static af_status db_error(exp_store *s, af_error *err, const char *what)
{
    int code = sqlite3_extended_errcode(s->db);
    int primary = code & 0xff;
    if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB)
        return af_error_set(err, AF_INVAL, "%s: damaged store (%s: %s); delete it or use --fresh",
                            s->path, what, sqlite3_errmsg(s->db));
    af_status st = (code == SQLITE_NOMEM) ? AF_NOMEM : AF_IO;
    return af_error_set(err, st, "%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

static af_status exec(exp_store *s, const char *sql, af_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        int primary = sqlite3_extended_errcode(s->db) & 0xff;
        bool damaged = primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
        af_status st = af_error_set(err, damaged ? AF_INVAL : AF_IO, "%s: %s%s", s->path,
                                    damaged ? "damaged store: " : "", msg ? msg : "error");
        sqlite3_free(msg);
        return st;
    }
    return AF_OK;
}

static af_status prepare(exp_store *s, const char *sql, sqlite3_stmt **stmt, af_error *err)
{
    if (sqlite3_prepare_v2(s->db, sql, -1, stmt, NULL) != SQLITE_OK)
        return db_error(s, err, "preparing a statement");
    return AF_OK;
}

const char *exp_store_path(const exp_store *s) { return s->path; }
sqlite3 *exp_store_db(exp_store *s) { return s->db; }

void exp_store_close(exp_store *s)
{
    if (!s) return;
    sqlite3_finalize(s->ins_job);
    sqlite3_finalize(s->ins_result);
    sqlite3_finalize(s->ins_metric);
    sqlite3_finalize(s->get_metric);
    sqlite3_finalize(s->ins_tables);
    sqlite3_finalize(s->ins_check);
    sqlite3_finalize(s->begin);
    sqlite3_finalize(s->commit);
    sqlite3_finalize(s->rollback);
    sqlite3_finalize(s->ins_results);
    sqlite3_finalize(s->ins_tail);
    if (s->db) sqlite3_close(s->db);
    for (size_t i = 0; i < s->names_cap; i++) free(s->names[i].name);
    free(s->names);
    for (size_t i = 0; i < s->by_ord_n; i++) free(s->by_ord[i]);
    free(s->by_ord);
    free(s->by_ord_id);
    if (s->lock_fd >= 0) close(s->lock_fd); /* releases the flock */
    free(s->dir);
    free(s->path);
    free(s);
}

static void remove_store_files(const char *path)
{
    static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < 4; i++) {
        size_t n = strlen(path) + strlen(suffix[i]) + 1;
        char *p = malloc(n);
        if (!p) continue;
        snprintf(p, n, "%s%s", path, suffix[i]);
        unlink(p);
        free(p);
    }
}

static void remove_outputs(const char *dir)
{
    static const char *const names[] = {"sweep.csv",        "compare.csv",     "target.csv",
                                        "replications.csv", "provenance.json", "daily.csv",
                                        "stations.csv",     "positions.csv",   "summary.json"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char *p = af_path_join(dir, names[i]);
        if (p) unlink(p);
        free(p);
    }
}

/* SQLite writes whole pages: a database file whose size is not a multiple of the page size
 * its header states (bytes 16-17, big-endian; 1 means 65536), or too short for its header,
 * was cut short. SQLite itself would read the missing end of the last page as zeros. */
static bool whole_pages(const char *path, uint64_t size)
{
    unsigned char h[100];
    FILE *f = fopen(path, "rb");
    if (!f) return true; /* opening it will say what is wrong */
    size_t got = fread(h, 1, sizeof h, f);
    fclose(f);
    if (got < sizeof h) return false;
    uint32_t page = (uint32_t)h[16] << 8 | h[17];
    if (page == 1) page = 65536;
    if (page < 512 || (page & (page - 1))) return false;
    return size % page == 0;
}

/* The tables, in one transaction: one sync of the log, where each CREATE on its own was one
 * (a dozen syncs, a few milliseconds each on a busy disk, before the first job could start). */
static af_status create_tables(exp_store *s, af_error *err)
{
    af_status st = exec(s, "BEGIN IMMEDIATE", err);
    if (st != AF_OK) return st;
    if ((st = exec(s, schema, err)) != AF_OK) {
        exec(s, "ROLLBACK", NULL);
        return st;
    }
    return exec(s, "COMMIT", err);
}

/* Rows of results a statement inserts at once: a job's 225 metrics (the bundled sweep) in 4
 * statements instead of 225, whose fixed cost (a statement's start, its cursors, its end) was
 * most of a row's. 4 parameters a row stay well inside SQLite's 999. */
enum { RESULT_ROWS = 64 };

/* "INSERT INTO results(job, ord, metric, value) VALUES(?, ?, ?, ?), ..." with `rows` rows. */
static af_status prepare_results(exp_store *s, size_t rows, sqlite3_stmt **stmt, af_error *err)
{
    af_buf b;
    af_buf_init(&b);
    af_buf_put(&b, "INSERT INTO results(job, ord, metric, value) VALUES");
    for (size_t i = 0; i < rows; i++) af_buf_put(&b, i ? ",(?,?,?,?)" : "(?,?,?,?)");
    if (b.failed) {
        af_buf_free(&b);
        return af_error_set(err, AF_NOMEM, "out of memory");
    }
    af_status st = prepare(s, b.data, stmt, err);
    af_buf_free(&b);
    return st;
}

af_status exp_store_open(exp_store **out, const char *dir, bool fresh, bool create,
                         af_error *err)
{
    *out = NULL;
    af_status st = AF_OK;
    if (create && (st = af_make_directories(dir, err)) != AF_OK) return st;
    exp_store *s = calloc(1, sizeof *s);
    if (!s) return af_error_set(err, AF_NOMEM, "out of memory");
    s->lock_fd = -1;
    s->dir = strdup(dir);
    s->path = af_path_join(dir, STORE_NAME);
    if (!s->dir || !s->path) {
        exp_store_close(s);
        return af_error_set(err, AF_NOMEM, "out of memory");
    }
    s->lock_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (s->lock_fd < 0) {
        st = af_error_set(err, AF_IO, "cannot open directory '%s': %s", dir, strerror(errno));
        exp_store_close(s);
        return st;
    }
    if (flock(s->lock_fd, LOCK_EX | LOCK_NB) != 0) {
        st = af_error_set(err, errno == EWOULDBLOCK ? AF_INVAL : AF_IO,
                          "'%s' is in use by another aidflow process", dir);
        exp_store_close(s);
        return st;
    }
    if (fresh) {
        remove_store_files(s->path);
        remove_outputs(dir);
    }
    /* Only a regular file: a symlink could lead into a foreign database, a FIFO would hang. */
    struct stat sb;
    if (lstat(s->path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        st = af_error_set(err, AF_INVAL, "%s is %s, not a store: refusing to open it", s->path,
                          S_ISLNK(sb.st_mode) ? "a symbolic link" : "not a regular file");
        exp_store_close(s);
        return st;
    }
    if (lstat(s->path, &sb) == 0 && sb.st_size > 0 && !whole_pages(s->path, (uint64_t)sb.st_size)) {
        st = af_error_set(err, AF_INVAL, "%s is truncated or damaged (its size is not a whole "
                          "number of its pages): refusing to open it", s->path);
        exp_store_close(s);
        return st;
    }
    if (!create && access(s->path, F_OK) != 0) {
        st = af_error_set(err, AF_IO, "no store in '%s' (%s: %s)", dir, s->path, strerror(errno));
        exp_store_close(s);
        return st;
    }
    /* One thread at a time uses a store (the runner's coordinator; the export's threads take
     * turns under a lock of their own), so the connection goes without SQLite's mutex, which
     * every call would otherwise take and release. */
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(s->path, &s->db, flags, NULL) != SQLITE_OK) {
        st = s->db ? db_error(s, err, "opening")
                   : af_error_set(err, AF_NOMEM, "out of memory opening %s", s->path);
        exp_store_close(s);
        return st;
    }
    sqlite3_busy_timeout(s->db, 10000);
    if ((st = exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", err)) != AF_OK ||
        (st = create_tables(s, err)) != AF_OK ||
        (st = prepare(s, "INSERT INTO jobs(job, point, replication, seed, seconds, rank) "
                         "VALUES(?, ?, ?, ?, ?, ?)", &s->ins_job, err)) != AF_OK ||
        (st = prepare(s, "INSERT INTO results(job, ord, metric, value) VALUES(?, ?, ?, ?)",
                      &s->ins_result, err)) != AF_OK ||
        (st = prepare(s, "INSERT OR IGNORE INTO metrics(name) VALUES(?)", &s->ins_metric,
                      err)) != AF_OK ||
        (st = prepare(s, "SELECT metric FROM metrics WHERE name = ?", &s->get_metric, err)) !=
            AF_OK ||
        (st = prepare(s, "INSERT INTO job_tables(job, data) VALUES(?, ?)", &s->ins_tables,
                      err)) != AF_OK ||
        (st = prepare(s, "INSERT INTO job_checks(job, sum) VALUES(?, ?)", &s->ins_check,
                      err)) != AF_OK ||
        (st = prepare(s, "BEGIN IMMEDIATE", &s->begin, err)) != AF_OK ||
        (st = prepare(s, "COMMIT", &s->commit, err)) != AF_OK ||
        (st = prepare(s, "ROLLBACK", &s->rollback, err)) != AF_OK ||
        (st = prepare_results(s, RESULT_ROWS, &s->ins_results, err)) != AF_OK) {
        exp_store_close(s);
        return st;
    }
    char *format = NULL;
    if ((st = exp_store_get_meta(s, "format", &format, err)) != AF_OK) {
        exp_store_close(s);
        return st;
    }
    if (format && strcmp(format, STORE_FORMAT) != 0) {
        st = af_error_set(err, AF_INVAL, "%s: store format %s, this aidflow reads format %s",
                          s->path, format, STORE_FORMAT);
        free(format);
        exp_store_close(s);
        return st;
    }
    free(format);
    *out = s;
    return AF_OK;
}

af_status exp_store_get_meta(exp_store *s, const char *key, char **value, af_error *err)
{
    *value = NULL;
    sqlite3_stmt *q;
    af_status st = prepare(s, "SELECT value FROM meta WHERE key = ?", &q, err);
    if (st != AF_OK) return st;
    sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        *value = strdup(col_text(q, 0));
        if (!*value) st = af_error_set(err, AF_NOMEM, "out of memory");
    } else if (rc != SQLITE_DONE) {
        st = db_error(s, err, "reading meta data");
    }
    sqlite3_finalize(q);
    return st;
}

af_status exp_store_set_meta(exp_store *s, const char *key, const char *value, af_error *err)
{
    sqlite3_stmt *q;
    af_status st = prepare(s, "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)", &q, err);
    if (st != AF_OK) return st;
    sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, value, -1, SQLITE_STATIC);
    if (sqlite3_step(q) != SQLITE_DONE) st = db_error(s, err, "writing meta data");
    sqlite3_finalize(q);
    return st;
}

/* The first line where two identity texts differ, for the error message. */
static void first_difference(const char *a, const char *b, char *la, char *lb, size_t size)
{
    while (*a || *b) {
        const char *ea = strchr(a, '\n'), *eb = strchr(b, '\n');
        size_t na = ea ? (size_t)(ea - a) : strlen(a), nb = eb ? (size_t)(eb - b) : strlen(b);
        if (na != nb || memcmp(a, b, na) != 0) {
            snprintf(la, size, "%.*s", (int)(na < size - 1 ? na : size - 1), a);
            snprintf(lb, size, "%.*s", (int)(nb < size - 1 ? nb : size - 1), b);
            return;
        }
        a += na + (ea ? 1 : 0);
        b += nb + (eb ? 1 : 0);
    }
    la[0] = lb[0] = '\0';
}

af_status exp_store_claim(exp_store *s, const char *identity, const char *const *meta,
                          af_error *err)
{
    char *have = NULL;
    af_status st = exp_store_get_meta(s, "identity", &have, err);
    if (st != AF_OK) return st;
    s->have_id = true;
    s->id_hash = af_fnv1a_str(AF_FNV1A_INIT, identity);
    if (have) {
        if (strcmp(have, identity) != 0) {
            char la[300], lb[300];
            first_difference(have, identity, la, lb, sizeof la);
            st = af_error_set(err, AF_INVAL,
                              "%s holds another experiment (it has '%s' where this one has "
                              "'%s'); use --fresh to discard it, or another --out",
                              s->path, la, lb);
        }
        free(have);
        return st;
    }
    if ((st = exec(s, "BEGIN IMMEDIATE", err)) != AF_OK) return st;
    if ((st = exp_store_set_meta(s, "format", STORE_FORMAT, err)) == AF_OK &&
        (st = exp_store_set_meta(s, "identity", identity, err)) == AF_OK) {
        for (size_t i = 0; meta && meta[i] && st == AF_OK; i += 2)
            st = exp_store_set_meta(s, meta[i], meta[i + 1], err);
    }
    if (st != AF_OK) {
        exec(s, "ROLLBACK", NULL);
        return st;
    }
    return exec(s, "COMMIT", err);
}

af_status exp_store_add_session(exp_store *s, const char *command, af_error *err)
{
    sqlite3_stmt *q;
    af_status st = prepare(s, "INSERT INTO sessions(command, version) VALUES(?, ?)", &q, err);
    if (st != AF_OK) return st;
    sqlite3_bind_text(q, 1, command ? command : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, af_version(), -1, SQLITE_STATIC);
    if (sqlite3_step(q) != SQLITE_DONE) st = db_error(s, err, "recording the session");
    sqlite3_finalize(q);
    return st;
}

af_status exp_store_put_factors(exp_store *s, const char *const *paths, size_t n, af_error *err)
{
    sqlite3_stmt *get, *ins;
    af_status st = prepare(s, "SELECT path FROM factors WHERE factor = ?", &get, err);
    if (st != AF_OK) return st;
    if ((st = prepare(s, "INSERT INTO factors(factor, path) VALUES(?, ?)", &ins, err)) != AF_OK) {
        sqlite3_finalize(get);
        return st;
    }
    for (size_t f = 0; f < n && st == AF_OK; f++) {
        sqlite3_reset(get);
        sqlite3_bind_int64(get, 1, (sqlite3_int64)f);
        int rc = sqlite3_step(get);
        if (rc == SQLITE_ROW) {
            const char *have = col_text(get, 0);
            if (strcmp(have, paths[f]) != 0)
                st = af_error_set(err, AF_INVAL, "%s varies '%s' where this run varies '%s'",
                                  s->path, have, paths[f]);
        } else if (rc == SQLITE_DONE) {
            sqlite3_reset(ins);
            sqlite3_bind_int64(ins, 1, (sqlite3_int64)f);
            sqlite3_bind_text(ins, 2, paths[f], -1, SQLITE_STATIC);
            if (sqlite3_step(ins) != SQLITE_DONE) st = db_error(s, err, "recording factors");
        } else {
            st = db_error(s, err, "reading factors");
        }
    }
    sqlite3_finalize(get);
    sqlite3_finalize(ins);
    return st;
}

af_status exp_store_put_point(exp_store *s, size_t point, const exp_point *p, af_error *err)
{
    char hash[17];
    af_fmt_hex64(p->hash, hash);
    char *ov = exp_point_overrides_text(p);
    if (!ov) return af_error_set(err, AF_NOMEM, "out of memory");
    sqlite3_stmt *q = NULL;
    af_status st = prepare(s, "SELECT overrides, scenario_hash FROM points WHERE point = ?", &q,
                           err);
    if (st != AF_OK) goto done;
    sqlite3_bind_int64(q, 1, (sqlite3_int64)point);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        const char *have_ov = col_text(q, 0);
        const char *have_hash = col_text(q, 1);
        if (strcmp(have_ov, ov) != 0)
            st = af_error_set(err, AF_INVAL,
                              "%s: design point %zu was '%s', this run makes it '%s'; use "
                              "--fresh to discard the store, or another --out",
                              s->path, point, have_ov, ov);
        else if (strcmp(have_hash, hash) != 0)
            st = af_error_set(err, AF_INVAL,
                              "%s: the scenario of design point %zu has changed since the store "
                              "was made (hash %s, now %s); use --fresh to start again",
                              s->path, point, have_hash, hash);
        goto done;
    }
    if (rc != SQLITE_DONE) {
        st = db_error(s, err, "reading points");
        goto done;
    }
    sqlite3_finalize(q);
    q = NULL;
    if ((st = prepare(s, "INSERT INTO points(point, scenario, overrides, scenario_hash) "
                         "VALUES(?, ?, ?, ?)", &q, err)) != AF_OK)
        goto done;
    sqlite3_bind_int64(q, 1, (sqlite3_int64)point);
    sqlite3_bind_text(q, 2, p->scenario, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, ov, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 4, hash, -1, SQLITE_STATIC);
    if (sqlite3_step(q) != SQLITE_DONE) {
        st = db_error(s, err, "recording a point");
        goto done;
    }
    sqlite3_finalize(q);
    q = NULL;
    if ((st = prepare(s, "INSERT INTO point_values(point, factor, text, value) "
                         "VALUES(?, ?, ?, ?)", &q, err)) != AF_OK)
        goto done;
    for (size_t f = 0; f < p->n_factors; f++) {
        sqlite3_reset(q);
        sqlite3_bind_int64(q, 1, (sqlite3_int64)point);
        sqlite3_bind_int64(q, 2, (sqlite3_int64)f);
        sqlite3_bind_text(q, 3, p->texts[f], -1, SQLITE_STATIC);
        if (isnan(p->values[f]))
            sqlite3_bind_null(q, 4);
        else
            sqlite3_bind_double(q, 4, p->values[f]);
        if (sqlite3_step(q) != SQLITE_DONE) {
            st = db_error(s, err, "recording a point");
            break;
        }
    }
done:
    sqlite3_finalize(q);
    free(ov);
    return st;
}

af_status exp_store_put_points(exp_store *s, const exp_point *points, size_t n, af_error *err)
{
    af_status st = exec(s, "BEGIN IMMEDIATE", err);
    for (size_t i = 0; i < n && st == AF_OK; i++) st = exp_store_put_point(s, i, &points[i], err);
    if (st != AF_OK) {
        exec(s, "ROLLBACK", NULL);
        return st;
    }
    return exec(s, "COMMIT", err);
}

af_status exp_store_done(exp_store *s, bool *done, size_t n_jobs, af_error *err)
{
    memset(done, 0, n_jobs * sizeof *done);
    af_status st = exp_store_verify(s, err);
    if (st != AF_OK) return st;
    sqlite3_stmt *q;
    st = prepare(s, "SELECT job FROM jobs", &q, err);
    if (st != AF_OK) return st;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        sqlite3_int64 j = sqlite3_column_int64(q, 0);
        if (j >= 0 && (uint64_t)j < n_jobs) done[j] = true;
    }
    if (rc != SQLITE_DONE) st = db_error(s, err, "reading jobs");
    sqlite3_finalize(q);
    return st;
}

size_t exp_store_count_jobs(exp_store *s)
{
    sqlite3_stmt *q;
    size_t n = 0;
    if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM jobs", -1, &q, NULL) != SQLITE_OK)
        return 0;
    if (sqlite3_step(q) == SQLITE_ROW) n = (size_t)sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return n;
}

size_t exp_store_count_jobs_below(exp_store *s, uint64_t n)
{
    sqlite3_stmt *q;
    size_t count = 0;
    if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM jobs WHERE job < ?", -1, &q, NULL) !=
        SQLITE_OK)
        return 0;
    sqlite3_bind_int64(q, 1, (sqlite3_int64)n);
    if (sqlite3_step(q) == SQLITE_ROW) count = (size_t)sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return count;
}

af_status exp_store_get_tables(exp_store *s, uint64_t job, unsigned char **data, size_t *len,
                               af_error *err)
{
    *data = NULL;
    *len = 0;
    sqlite3_stmt *q;
    af_status st = prepare(s, "SELECT data FROM job_tables WHERE job = ?", &q, err);
    if (st != AF_OK) return st;
    sqlite3_bind_int64(q, 1, (sqlite3_int64)job);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        size_t n = (size_t)sqlite3_column_bytes(q, 0);
        const void *blob = sqlite3_column_blob(q, 0);
        *data = malloc(n ? n : 1);
        if (!*data)
            st = af_error_set(err, AF_NOMEM, "out of memory");
        else {
            if (n) memcpy(*data, blob, n);
            *len = n;
        }
    } else if (rc == SQLITE_DONE) {
        st = AF_NOTFOUND;
    } else {
        st = db_error(s, err, "reading daily tables");
    }
    sqlite3_finalize(q);
    return st;
}

/* ---- metric names -> ids ---- */

static size_t name_hash(const char *s)
{
    return (size_t)af_fnv1a(AF_FNV1A_INIT, s, strlen(s));
}

static af_status names_grow(exp_store *s)
{
    size_t cap = s->names_cap ? 2 * s->names_cap : 256;
    name_slot *t = calloc(cap, sizeof *t);
    if (!t) return AF_NOMEM;
    for (size_t i = 0; i < s->names_cap; i++) {
        if (!s->names[i].name) continue;
        size_t h = name_hash(s->names[i].name) & (cap - 1);
        while (t[h].name) h = (h + 1) & (cap - 1);
        t[h] = s->names[i];
    }
    free(s->names);
    s->names = t;
    s->names_cap = cap;
    return AF_OK;
}

static af_status metric_id(exp_store *s, const char *name, int64_t *id, af_error *err)
{
    if (s->names_cap) {
        size_t h = name_hash(name) & (s->names_cap - 1);
        while (s->names[h].name) {
            if (!strcmp(s->names[h].name, name)) {
                *id = s->names[h].id;
                return AF_OK;
            }
            h = (h + 1) & (s->names_cap - 1);
        }
    }
    sqlite3_reset(s->ins_metric);
    sqlite3_bind_text(s->ins_metric, 1, name, -1, SQLITE_STATIC);
    if (sqlite3_step(s->ins_metric) != SQLITE_DONE) return db_error(s, err, "recording a metric");
    sqlite3_reset(s->get_metric);
    sqlite3_bind_text(s->get_metric, 1, name, -1, SQLITE_STATIC);
    if (sqlite3_step(s->get_metric) != SQLITE_ROW) return db_error(s, err, "reading a metric");
    *id = sqlite3_column_int64(s->get_metric, 0);
    sqlite3_reset(s->get_metric);
    if ((s->names_n + 1) * 2 > s->names_cap && names_grow(s) != AF_OK)
        return af_error_set(err, AF_NOMEM, "out of memory");
    char *copy = strdup(name);
    if (!copy) return af_error_set(err, AF_NOMEM, "out of memory");
    size_t h = name_hash(name) & (s->names_cap - 1);
    while (s->names[h].name) h = (h + 1) & (s->names_cap - 1);
    s->names[h].name = copy;
    s->names[h].id = *id;
    s->names_n++;
    return AF_OK;
}

/* ---- per-job checksums ---- */

static void sum_u64(uint64_t *h, uint64_t v)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++) b[i] = (unsigned char)(v >> (8 * i));
    *h = af_fnv1a(*h, b, 8);
}

/* A metric as the store keeps it: NULL for NaN, and -0 read back as 0 (SQLite may keep an
 * integral REAL as an integer). */
static void sum_metric(uint64_t *h, int64_t ord, const char *name, bool null, double v)
{
    sum_u64(h, (uint64_t)ord);
    *h = af_fnv1a(*h, name, strlen(name) + 1);
    if (null) {
        sum_u64(h, 0);
        return;
    }
    if (v == 0) v = 0;
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    sum_u64(h, 1);
    sum_u64(h, bits);
}

static uint64_t sum_start(uint64_t id_hash, uint64_t job, uint64_t point, uint64_t rep,
                          uint64_t seed)
{
    uint64_t h = AF_FNV1A_INIT;
    sum_u64(&h, id_hash);
    sum_u64(&h, job);
    sum_u64(&h, point);
    sum_u64(&h, rep);
    sum_u64(&h, seed);
    return h;
}

static void sum_tables(uint64_t *h, const void *data, size_t len)
{
    sum_u64(h, (uint64_t)len);
    if (len) *h = af_fnv1a(*h, data, len);
}

static af_status load_identity_hash(exp_store *s, af_error *err)
{
    if (s->have_id) return AF_OK;
    char *id = NULL;
    af_status st = exp_store_get_meta(s, "identity", &id, err);
    if (st != AF_OK) return st;
    if (!id) return af_error_set(err, AF_INVAL, "%s: damaged store: it holds no identity", s->path);
    s->id_hash = af_fnv1a_str(AF_FNV1A_INIT, id);
    s->have_id = true;
    free(id);
    return AF_OK;
}

static af_status put_check(exp_store *s, const exp_job_result *r, af_error *err)
{
    af_status st = load_identity_hash(s, err);
    if (st != AF_OK) return st;
    uint64_t h = sum_start(s->id_hash, r->job, r->point, r->replication, r->seed);
    for (size_t i = 0; i < r->metrics.n; i++) {
        double v = r->metrics.values[i];
        sum_metric(&h, (int64_t)i, exp_metrics_name(&r->metrics, i), isnan(v), v);
    }
    sum_tables(&h, r->tables.data, r->tables.len);
    char hex[17];
    af_fmt_hex64(h, hex);
    sqlite3_stmt *q = s->ins_check; /* prepared once, at the open */
    sqlite3_reset(q);
    sqlite3_bind_int64(q, 1, (sqlite3_int64)r->job);
    sqlite3_bind_text(q, 2, hex, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(q) != SQLITE_DONE) st = db_error(s, err, "recording a checksum");
    sqlite3_reset(q);
    return st;
}

af_status exp_store_verify(exp_store *s, af_error *err)
{
    af_status st = load_identity_hash(s, err);
    if (st != AF_OK) return st;
    static const char *const orphans[] = {
        "SELECT min(job) FROM results WHERE job NOT IN (SELECT job FROM jobs)",
        "SELECT min(job) FROM job_tables WHERE job NOT IN (SELECT job FROM jobs)",
        "SELECT min(job) FROM job_checks WHERE job NOT IN (SELECT job FROM jobs)",
    };
    sqlite3_stmt *q = NULL, *res = NULL, *tab = NULL;
    for (size_t i = 0; i < 3 && st == AF_OK; i++) {
        if ((st = prepare(s, orphans[i], &q, err)) != AF_OK) return st;
        int rc = sqlite3_step(q);
        if (rc == SQLITE_ROW && sqlite3_column_type(q, 0) != SQLITE_NULL)
            st = af_error_set(err, AF_INVAL,
                              "%s: damaged store: job %lld has rows but no job row; delete it "
                              "or use --fresh",
                              s->path, (long long)sqlite3_column_int64(q, 0));
        else if (rc != SQLITE_ROW)
            st = db_error(s, err, "checking the store");
        sqlite3_finalize(q);
        q = NULL;
    }
    if (st != AF_OK) return st;
    if ((st = prepare(s,
                      "SELECT j.job, j.point, j.replication, j.seed, c.sum FROM jobs j "
                      "LEFT JOIN job_checks c ON c.job = j.job ORDER BY j.job",
                      &q, err)) != AF_OK ||
        (st = prepare(s,
                      "SELECT r.ord, m.name, r.value FROM results r LEFT JOIN metrics m ON "
                      "m.metric = r.metric WHERE r.job = ? ORDER BY r.ord",
                      &res, err)) != AF_OK ||
        (st = prepare(s, "SELECT data FROM job_tables WHERE job = ?", &tab, err)) != AF_OK) {
        sqlite3_finalize(q);
        sqlite3_finalize(res);
        return st;
    }
    int rc;
    while (st == AF_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        sqlite3_int64 job = sqlite3_column_int64(q, 0);
        uint64_t h = sum_start(s->id_hash, (uint64_t)job, (uint64_t)sqlite3_column_int64(q, 1),
                               (uint64_t)sqlite3_column_int64(q, 2),
                               (uint64_t)sqlite3_column_int64(q, 3));
        const unsigned char *want = sqlite3_column_text(q, 4);
        sqlite3_reset(res);
        sqlite3_bind_int64(res, 1, job);
        int rr;
        bool bad = false;
        while ((rr = sqlite3_step(res)) == SQLITE_ROW) {
            const unsigned char *name = sqlite3_column_text(res, 1);
            if (!name) {
                bad = true;
                break;
            }
            bool null = sqlite3_column_type(res, 2) == SQLITE_NULL;
            sum_metric(&h, sqlite3_column_int64(res, 0), (const char *)name, null,
                       null ? 0 : sqlite3_column_double(res, 2));
        }
        if (!bad && rr != SQLITE_DONE) {
            st = db_error(s, err, "reading results");
            break;
        }
        sqlite3_reset(tab);
        sqlite3_bind_int64(tab, 1, job);
        int rt = sqlite3_step(tab);
        if (rt == SQLITE_ROW)
            sum_tables(&h, sqlite3_column_blob(tab, 0), (size_t)sqlite3_column_bytes(tab, 0));
        else if (rt == SQLITE_DONE)
            sum_tables(&h, NULL, 0);
        else {
            st = db_error(s, err, "reading daily tables");
            break;
        }
        char hex[17];
        af_fmt_hex64(h, hex);
        if (bad || !want || strcmp((const char *)want, hex) != 0)
            st = af_error_set(err, AF_INVAL,
                              "%s: damaged store: job %lld %s (it was changed, or belongs to "
                              "another experiment); delete it or use --fresh",
                              s->path, (long long)job,
                              !want ? "has no checksum" : "does not match its checksum");
    }
    if (st == AF_OK && rc != SQLITE_DONE) st = db_error(s, err, "reading jobs");
    sqlite3_finalize(q);
    sqlite3_finalize(res);
    sqlite3_finalize(tab);
    return st;
}

/* A statement of the store's own (BEGIN, COMMIT, ROLLBACK), run once. */
static af_status step_once(exp_store *s, sqlite3_stmt *q, const char *what, af_error *err)
{
    int rc = sqlite3_step(q);
    af_status st = rc == SQLITE_DONE ? AF_OK : db_error(s, err, what);
    sqlite3_reset(q);
    return st;
}

/* The id of metric `name` at position ord of a job (see by_ord). */
static af_status metric_id_at(exp_store *s, size_t ord, const char *name, int64_t *id,
                              af_error *err)
{
    if (ord < s->by_ord_n && !strcmp(s->by_ord[ord], name)) {
        *id = s->by_ord_id[ord];
        return AF_OK;
    }
    af_status st = metric_id(s, name, id, err);
    if (st != AF_OK || ord > s->by_ord_n) return st; /* only a run of positions from 0 */
    if (ord == s->by_ord_cap) {
        size_t cap = s->by_ord_cap ? 2 * s->by_ord_cap : 256;
        char **n = realloc(s->by_ord, cap * sizeof *n);
        if (n) s->by_ord = n;
        int64_t *i = realloc(s->by_ord_id, cap * sizeof *i);
        if (i) s->by_ord_id = i;
        if (!n || !i) return AF_OK; /* the cache is only a shortcut */
        s->by_ord_cap = cap;
    }
    char *copy = strdup(name);
    if (!copy) return AF_OK;
    if (ord < s->by_ord_n) free(s->by_ord[ord]);
    else s->by_ord_n++;
    s->by_ord[ord] = copy;
    s->by_ord_id[ord] = *id;
    return AF_OK;
}

/* Binds row i (of the job, `at` within the statement) of the results. */
static af_status bind_result(exp_store *s, sqlite3_stmt *q, int at, const exp_job_result *r,
                             size_t i, af_error *err)
{
    int64_t id = 0;
    af_status st = metric_id_at(s, i, exp_metrics_name(&r->metrics, i), &id, err);
    if (st != AF_OK) return st;
    int k = 4 * at;
    sqlite3_bind_int64(q, k + 1, (sqlite3_int64)r->job);
    sqlite3_bind_int64(q, k + 2, (sqlite3_int64)i);
    sqlite3_bind_int64(q, k + 3, id);
    double v = r->metrics.values[i];
    if (isnan(v))
        sqlite3_bind_null(q, k + 4);
    else
        sqlite3_bind_double(q, k + 4, v);
    return AF_OK;
}

/* The job's metrics: RESULT_ROWS rows a statement, then the rest in one. */
static af_status put_results(exp_store *s, const exp_job_result *r, af_error *err)
{
    size_t n = r->metrics.n, i = 0;
    af_status st = AF_OK;
    while (st == AF_OK && i < n) {
        size_t rows = n - i >= RESULT_ROWS ? RESULT_ROWS : n - i;
        sqlite3_stmt *q = s->ins_results;
        if (rows < RESULT_ROWS) {
            if (s->ins_tail && s->tail_rows != rows) {
                sqlite3_finalize(s->ins_tail);
                s->ins_tail = NULL;
            }
            if (!s->ins_tail && (st = prepare_results(s, rows, &s->ins_tail, err)) != AF_OK)
                return st;
            s->tail_rows = rows;
            q = s->ins_tail;
        }
        for (size_t k = 0; k < rows && st == AF_OK; k++)
            st = bind_result(s, q, (int)k, r, i + k, err);
        if (st == AF_OK && sqlite3_step(q) != SQLITE_DONE) st = db_error(s, err, "recording a result");
        sqlite3_reset(q);
        i += rows;
    }
    return st;
}

/* One job's rows, inside the caller's transaction. */
static af_status put_rows(exp_store *s, const exp_job_result *r, af_error *err)
{
    af_status st = AF_OK;
    sqlite3_reset(s->ins_job);
    sqlite3_bind_int64(s->ins_job, 1, (sqlite3_int64)r->job);
    sqlite3_bind_int64(s->ins_job, 2, (sqlite3_int64)r->point);
    sqlite3_bind_int64(s->ins_job, 3, (sqlite3_int64)r->replication);
    sqlite3_bind_int64(s->ins_job, 4, (sqlite3_int64)r->seed);
    sqlite3_bind_double(s->ins_job, 5, r->seconds);
    sqlite3_bind_int(s->ins_job, 6, r->rank);
    if (sqlite3_step(s->ins_job) != SQLITE_DONE) st = db_error(s, err, "recording a job");
    sqlite3_reset(s->ins_job);
    if (st == AF_OK) st = put_results(s, r, err);
    if (st == AF_OK) st = put_check(s, r, err);
    if (st == AF_OK && r->tables.len > 0) {
        sqlite3_reset(s->ins_tables);
        sqlite3_bind_int64(s->ins_tables, 1, (sqlite3_int64)r->job);
        sqlite3_bind_blob64(s->ins_tables, 2, r->tables.data, r->tables.len, SQLITE_STATIC);
        if (sqlite3_step(s->ins_tables) != SQLITE_DONE)
            st = db_error(s, err, "recording daily tables");
        sqlite3_clear_bindings(s->ins_tables);
        sqlite3_reset(s->ins_tables);
    }
    return st;
}

af_status exp_store_put_jobs(exp_store *s, const exp_job_result *const *r, size_t n,
                             af_error *err)
{
    af_status st = step_once(s, s->begin, "starting a transaction", err);
    if (st != AF_OK) return st;
    for (size_t i = 0; i < n && st == AF_OK; i++) st = put_rows(s, r[i], err);
    if (st == AF_OK) st = step_once(s, s->commit, "committing", err);
    if (st != AF_OK && !sqlite3_get_autocommit(s->db)) step_once(s, s->rollback, "rolling back", NULL);
    return st;
}

af_status exp_store_put_job(exp_store *s, const exp_job_result *r, af_error *err)
{
    return exp_store_put_jobs(s, &r, 1, err);
}

/* ---- reading a point back ---- */

void exp_point_data_free(exp_point_data *d)
{
    for (size_t i = 0; i < d->n_metrics; i++) free(d->names[i]);
    free(d->names);
    free(d->values);
    memset(d, 0, sizeof *d);
}

typedef struct metric_order {
    size_t slot; /* in the names read */
    int64_t ord;
    const char *name;
} metric_order;

static int by_order(const void *a, const void *b)
{
    const metric_order *x = a, *y = b;
    if (x->ord != y->ord) return x->ord < y->ord ? -1 : 1;
    return strcmp(x->name, y->name);
}

typedef struct metric_name {
    int64_t id;
    char *name;
} metric_name;

static int by_id(const void *a, const void *b)
{
    const metric_name *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

typedef struct result_row {
    size_t slot;
    int64_t rep, ord;
    double value;
} result_row;

/* Grows *p (of *cap items of `size`) to room for n + 1. */
static bool grow(void **p, size_t *cap, size_t n, size_t size)
{
    if (n < *cap) return true;
    size_t c = *cap ? 2 * *cap : 256;
    void *t = realloc(*p, c * size);
    if (!t) return false;
    *p = t;
    *cap = c;
    return true;
}

af_status exp_store_point_data(exp_store *s, size_t point, unsigned replications,
                               exp_point_data *out, af_error *err)
{
    memset(out, 0, sizeof *out);
    /* One pass over the point's results, kept; then its metrics (those with a name) in the
     * model's order: the smallest position any replication gave them, then by name; then the
     * values of replications 0..replications-1. */
    metric_name *names = NULL;
    size_t n_names = 0, cap_names = 0;
    result_row *rows = NULL;
    size_t n_rows = 0, cap_rows = 0;
    sqlite3_stmt *q = NULL;
    int rc = SQLITE_DONE;
    af_status st = prepare(s, "SELECT metric, name FROM metrics", &q, err);
    while (st == AF_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (!grow((void **)&names, &cap_names, n_names, sizeof *names) ||
            !(names[n_names].name = strdup(col_text(q, 1)))) {
            st = af_error_set(err, AF_NOMEM, "out of memory");
            break;
        }
        names[n_names++].id = sqlite3_column_int64(q, 0);
    }
    if (st == AF_OK && rc != SQLITE_DONE) st = db_error(s, err, "reading results");
    sqlite3_finalize(q);
    if (st == AF_OK) qsort(names, n_names, sizeof *names, by_id);
    /* Metric ids are numbered from 1 as first seen: a table by id where they are that dense
     * (any store of aidflow's), else a search. */
    size_t *slot_of = NULL, n_slot = 0;
    if (st == AF_OK && n_names && names[n_names - 1].id >= 0 &&
        names[n_names - 1].id < (int64_t)(4 * n_names + 1024)) {
        n_slot = (size_t)names[n_names - 1].id + 1;
        slot_of = malloc(n_slot * sizeof *slot_of);
        if (slot_of) {
            for (size_t i = 0; i < n_slot; i++) slot_of[i] = SIZE_MAX;
            for (size_t i = 0; i < n_names; i++)
                if (names[i].id >= 0) slot_of[names[i].id] = i;
        }
    }
    /* The point's jobs. When each is job point * replications + replication, as the runner
     * numbers them (for replications 0..replications-1), its results are one range of their
     * key, read without the join; otherwise (a store of other numbering) the join. The rows
     * come in the same order either way (by replication, then position). */
    bool range = replications > 0 && point <= (UINT64_MAX - replications) / replications;
    uint64_t lo = range ? (uint64_t)point * replications : 0;
    unsigned char *in_point = NULL;
    if (st == AF_OK && range) {
        in_point = calloc(replications, 1);
        if (!in_point) st = af_error_set(err, AF_NOMEM, "out of memory");
    }
    if (st == AF_OK && range)
        st = prepare(s, "SELECT job, replication FROM jobs WHERE point = ?", &q, err);
    if (st == AF_OK && range) {
        sqlite3_bind_int64(q, 1, (sqlite3_int64)point);
        while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
            sqlite3_int64 job = sqlite3_column_int64(q, 0), rep = sqlite3_column_int64(q, 1);
            if (rep < 0 || rep >= (sqlite3_int64)replications || job < 0 ||
                (uint64_t)job != lo + (uint64_t)rep)
                range = false;
            else
                in_point[rep] = 1;
        }
        if (rc != SQLITE_DONE) st = db_error(s, err, "reading jobs");
        sqlite3_finalize(q);
    }
    if (st == AF_OK)
        st = prepare(s,
                     range ? "SELECT job, metric, ord, value FROM results WHERE job >= ? AND "
                             "job < ?"
                           : "SELECT j.replication, r.metric, r.ord, r.value FROM results r "
                             "JOIN jobs j ON j.job = r.job WHERE j.point = ?",
                     &q, err);
    if (st == AF_OK) {
        if (range) {
            sqlite3_bind_int64(q, 1, (sqlite3_int64)lo);
            sqlite3_bind_int64(q, 2, (sqlite3_int64)(lo + replications));
        } else {
            sqlite3_bind_int64(q, 1, (sqlite3_int64)point);
        }
        while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
            sqlite3_int64 rep = sqlite3_column_int64(q, 0);
            if (range) {
                rep -= (sqlite3_int64)lo; /* within [0, replications) by the query */
                if (rep < 0 || rep >= (sqlite3_int64)replications || !in_point[rep]) continue;
            }
            metric_name key = {.id = sqlite3_column_int64(q, 1)};
            const metric_name *m = NULL;
            if (slot_of)
                m = key.id >= 0 && (uint64_t)key.id < n_slot && slot_of[key.id] != SIZE_MAX
                        ? &names[slot_of[key.id]] : NULL;
            else
                m = bsearch(&key, names, n_names, sizeof *names, by_id);
            if (!m) continue; /* a metric without a name is left out */
            if (key.id < 0 || key.id > (int64_t)1 << 31) {
                st = af_error_set(err, AF_INVAL, "%s: damaged store: metric id %lld out of range",
                                  s->path, (long long)key.id);
                break;
            }
            if (!grow((void **)&rows, &cap_rows, n_rows, sizeof *rows)) {
                st = af_error_set(err, AF_NOMEM, "out of memory");
                break;
            }
            result_row *r = &rows[n_rows++];
            r->slot = (size_t)(m - names);
            r->rep = rep;
            r->ord = sqlite3_column_int64(q, 2);
            r->value = sqlite3_column_type(q, 3) == SQLITE_NULL ? NAN : sqlite3_column_double(q, 3);
        }
        if (st == AF_OK && rc != SQLITE_DONE) st = db_error(s, err, "reading results");
        sqlite3_finalize(q);
    }
    free(slot_of);
    free(in_point);
    /* Each named metric's smallest position; index[slot] is then its place in the point. */
    int64_t *min_ord = NULL;
    size_t *index = NULL;
    metric_order *mo = NULL;
    size_t n = 0;
    if (st == AF_OK) {
        min_ord = malloc((n_names ? n_names : 1) * sizeof *min_ord);
        index = malloc((n_names ? n_names : 1) * sizeof *index);
        if (!min_ord || !index) st = af_error_set(err, AF_NOMEM, "out of memory");
    }
    if (st == AF_OK) {
        for (size_t i = 0; i < n_names; i++) index[i] = SIZE_MAX; /* not a metric of the point */
        for (size_t i = 0; i < n_rows; i++) {
            size_t k = rows[i].slot;
            if (index[k] == SIZE_MAX) {
                index[k] = n++;
                min_ord[k] = rows[i].ord;
            } else if (rows[i].ord < min_ord[k]) {
                min_ord[k] = rows[i].ord;
            }
        }
        mo = malloc((n ? n : 1) * sizeof *mo);
        if (!mo) st = af_error_set(err, AF_NOMEM, "out of memory");
    }
    if (st == AF_OK && replications && n > SIZE_MAX / sizeof(double) / replications)
        st = af_error_set(err, AF_INVAL, "%s: damaged store: %zu metrics of %u replications",
                          s->path, n, replications);
    if (st == AF_OK) {
        for (size_t k = 0; k < n_names; k++)
            if (index[k] != SIZE_MAX)
                mo[index[k]] = (metric_order){.slot = k, .ord = min_ord[k], .name = names[k].name};
        qsort(mo, n, sizeof *mo, by_order);
        out->n_metrics = n;
        out->n_reps = replications;
        out->names = calloc(n ? n : 1, sizeof *out->names);
        out->values = malloc((n * replications > 0 ? n * replications : 1) * sizeof *out->values);
        if (!out->names || !out->values) st = af_error_set(err, AF_NOMEM, "out of memory");
    }
    if (st == AF_OK) {
        for (size_t i = 0; i < n * replications; i++) out->values[i] = NAN;
        for (size_t i = 0; i < n; i++) {
            out->names[i] = names[mo[i].slot].name; /* taken from names */
            names[mo[i].slot].name = NULL;
            index[mo[i].slot] = i;
        }
        for (size_t i = 0; i < n_rows; i++) {
            const result_row *r = &rows[i];
            if (r->rep < 0 || r->rep >= replications) continue;
            out->values[index[r->slot] * replications + (size_t)r->rep] = r->value;
        }
    }
    for (size_t i = 0; i < n_names; i++) free(names[i].name);
    free(names);
    free(rows);
    free(min_ord);
    free(index);
    free(mo);
    if (st != AF_OK) exp_point_data_free(out);
    return st;
}

/* ---- merging ---- */

static af_status count_of(exp_store *s, const char *sql, sqlite3_int64 *n, af_error *err)
{
    sqlite3_stmt *q;
    af_status st = prepare(s, sql, &q, err);
    if (st != AF_OK) return st;
    if (sqlite3_step(q) == SQLITE_ROW)
        *n = sqlite3_column_int64(q, 0);
    else
        st = db_error(s, err, "counting");
    sqlite3_finalize(q);
    return st;
}

af_status exp_store_absorb(exp_store *s, const char *src_dir, af_error *err)
{
    char *src = af_path_join(src_dir, STORE_NAME);
    if (!src) return af_error_set(err, AF_NOMEM, "out of memory");
    af_status st = AF_OK;
    struct stat sb;
    if (lstat(src, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        st = af_error_set(err, AF_INVAL, "%s is %s, not a store: refusing to open it", src,
                          S_ISLNK(sb.st_mode) ? "a symbolic link" : "not a regular file");
        free(src);
        return st;
    }
    if (access(src, R_OK) != 0) {
        st = af_error_set(err, AF_IO, "no store in '%s' (%s: %s)", src_dir, src, strerror(errno));
        free(src);
        return st;
    }
    sqlite3_stmt *q;
    if ((st = prepare(s, "ATTACH DATABASE ? AS src", &q, err)) != AF_OK) {
        free(src);
        return st;
    }
    sqlite3_bind_text(q, 1, src, -1, SQLITE_STATIC);
    if (sqlite3_step(q) != SQLITE_DONE) st = db_error(s, err, "attaching a shard's store");
    sqlite3_finalize(q);
    if (st != AF_OK) {
        free(src);
        return st;
    }
    sqlite3_int64 n = 0;
    char *mine = NULL;
    st = exp_store_get_meta(s, "identity", &mine, err);
    if (st == AF_OK)
        st = count_of(s, "SELECT count(*) FROM src.meta WHERE key = 'format' AND value = '"
                         STORE_FORMAT "'", &n, err);
    if (st == AF_OK && n == 0)
        st = af_error_set(err, AF_INVAL, "%s is not a store of format %s", src, STORE_FORMAT);
    if (st == AF_OK) st = count_of(s, "SELECT count(*) FROM src.meta WHERE key = 'identity'", &n, err);
    if (st == AF_OK && n == 0)
        st = af_error_set(err, AF_INVAL, "%s holds no experiment", src);
    if (st == AF_OK && mine) {
        if ((st = prepare(s, "SELECT value FROM src.meta WHERE key = 'identity'", &q, err)) ==
            AF_OK) {
            if (sqlite3_step(q) != SQLITE_ROW ||
                strcmp(col_text(q, 0), mine) != 0)
                st = af_error_set(err, AF_INVAL,
                                  "%s holds another experiment than the stores before it", src);
            sqlite3_finalize(q);
        }
    }
    free(mine);
    if (st == AF_OK) st = exec(s, "BEGIN IMMEDIATE", err);
    if (st == AF_OK) {
        static const char *const checks[] = {
            "SELECT count(*) FROM src.points a JOIN main.points b USING(point) "
            "WHERE a.overrides != b.overrides OR a.scenario_hash != b.scenario_hash",
            "SELECT count(*) FROM src.factors a JOIN main.factors b USING(factor) "
            "WHERE a.path != b.path",
        };
        for (size_t i = 0; i < 2 && st == AF_OK; i++) {
            if ((st = count_of(s, checks[i], &n, err)) == AF_OK && n)
                st = af_error_set(err, AF_INVAL, "%s: its design points differ from the others'",
                                  src);
        }
        /* A store made before job_tables existed has none: give it an empty one. */
        static const char *const copies =
            "CREATE TABLE IF NOT EXISTS src.job_tables(job INTEGER PRIMARY KEY,"
            "  data BLOB NOT NULL);"
            "INSERT OR IGNORE INTO main.meta SELECT * FROM src.meta;"
            "INSERT OR IGNORE INTO main.factors SELECT * FROM src.factors;"
            "INSERT OR IGNORE INTO main.points SELECT * FROM src.points;"
            "INSERT OR IGNORE INTO main.point_values SELECT * FROM src.point_values;"
            "INSERT OR IGNORE INTO main.metrics(name) SELECT name FROM src.metrics;"
            "INSERT OR IGNORE INTO main.results(job, ord, metric, value) "
            "  SELECT r.job, r.ord, b.metric, r.value FROM src.results r"
            "  JOIN src.metrics a ON a.metric = r.metric JOIN main.metrics b ON b.name = a.name"
            "  WHERE r.job NOT IN (SELECT job FROM main.jobs);"
            "INSERT OR IGNORE INTO main.job_tables SELECT * FROM src.job_tables"
            "  WHERE job NOT IN (SELECT job FROM main.jobs);"
            "INSERT OR IGNORE INTO main.job_checks SELECT * FROM src.job_checks"
            "  WHERE job NOT IN (SELECT job FROM main.jobs);"
            "INSERT OR IGNORE INTO main.jobs SELECT * FROM src.jobs;";
        if (st == AF_OK) st = exec(s, copies, err);
        if (st == AF_OK)
            st = exec(s, "COMMIT", err);
        else
            exec(s, "ROLLBACK", NULL);
    }
    exec(s, "DETACH DATABASE src", NULL);
    free(src);
    return st;
}

/* A replication's daily tables as one blob, for the store's job_tables table (the run kind).
 *
 * Layout: a header of 64-bit counts (with the sizes of the cell structs and of a double, so a
 * blob written by a build with other structs is refused rather than misread), the station
 * names and the metric names (each ending in NUL), then the daily cells, the station days and
 * the metrics exactly as they are in memory. Unpacking gives back the same bits, which is
 * what lets a resumed or merged run write the same bytes as an uninterrupted one.
 *
 * Then, when the result has them, the positions (positions.csv): a 64-bit count of nodes and
 * of states, the node names, and the positions as in memory. A blob that ends after the
 * metrics (written before positions were kept) is read without them. */
#include <stdlib.h>
#include <string.h>

#include "aidflow/model.h"
#include "experiment/exp_internal.h"

#define TABLES_MAGIC 0x31626174666461ull /* "adftab1" */

typedef struct header {
    uint64_t magic, cell_size, station_day_size, double_size;
    uint64_t seed, events, replication;
    uint64_t n_days, n_regions, n_categories, n_stations, n_metrics, bottleneck;
} header;

af_status exp_tables_pack(const af_result *r, af_buf *b, af_error *err)
{
    if (!r->daily || !r->stations)
        return af_error_set(err, AF_INVAL, "replication %u has no daily tables to keep",
                            r->replication);
    header h = {TABLES_MAGIC, sizeof(af_daily_cell), sizeof(af_station_day), sizeof(double),
                r->seed, r->events, r->replication, (uint64_t)r->n_days, r->n_regions,
                r->n_categories, r->n_stations, r->n_metrics, r->bottleneck};
    af_buf_putn(b, (const char *)&h, sizeof h);
    for (size_t i = 0; i < r->n_stations; i++)
        af_buf_putn(b, r->station_names[i], strlen(r->station_names[i]) + 1);
    for (size_t i = 0; i < r->n_metrics; i++)
        af_buf_putn(b, r->metric_names[i], strlen(r->metric_names[i]) + 1);
    size_t cells = (size_t)r->n_days * r->n_regions * r->n_categories;
    af_buf_putn(b, (const char *)r->daily, cells * sizeof *r->daily);
    af_buf_putn(b, (const char *)r->stations,
                 (size_t)r->n_days * r->n_stations * sizeof *r->stations);
    af_buf_putn(b, (const char *)r->metrics, r->n_metrics * sizeof *r->metrics);
    if (r->positions) {
        uint64_t pos_h[2] = {r->n_nodes, AF_N_POSITIONS};
        af_buf_putn(b, (const char *)pos_h, sizeof pos_h);
        for (size_t i = 0; i < r->n_nodes; i++)
            af_buf_putn(b, r->node_names[i], strlen(r->node_names[i]) + 1);
        af_buf_putn(b, (const char *)r->positions,
                    (size_t)r->n_days * r->n_nodes * AF_N_POSITIONS * sizeof *r->positions);
    }
    if (b->failed)
        return af_error_set(err, AF_NOMEM, "out of memory keeping replication %u",
                            r->replication);
    return AF_OK;
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

/* The positions section (after the metrics): its counts, node names and cells. */
static bool take_positions(const unsigned char *blob, size_t len, size_t *pos, af_result *r)
{
    uint64_t h[2];
    if (!take(blob, len, pos, h, sizeof h) || h[1] != AF_N_POSITIONS || h[0] >= 1000000 ||
        h[0] > len)
        return false;
    r->node_names = calloc(h[0] + 1, sizeof *r->node_names);
    if (!r->node_names) return false;
    for (size_t i = 0; i < h[0]; i++, r->n_nodes++)
        if (!(r->node_names[i] = take_name(blob, len, pos))) return false;
    uint64_t cells = (uint64_t)r->n_days * h[0] * AF_N_POSITIONS;
    if (cells > len / sizeof(double)) return false;
    r->positions = malloc(((size_t)cells + 1) * sizeof *r->positions);
    return r->positions && take(blob, len, pos, r->positions, (size_t)cells * sizeof *r->positions);
}

af_status exp_tables_unpack(const unsigned char *blob, size_t len, af_result **out,
                            af_error *err)
{
    *out = NULL;
    header h;
    size_t pos = 0;
    af_result *r = calloc(1, sizeof *r);
    if (!r) return af_error_set(err, AF_NOMEM, "out of memory");
    bool ok = blob && take(blob, len, &pos, &h, sizeof h) && h.magic == TABLES_MAGIC &&
              h.cell_size == sizeof(af_daily_cell) &&
              h.station_day_size == sizeof(af_station_day) && h.double_size == sizeof(double) &&
              h.n_days < 1000000 && h.n_regions < 100000 && h.n_categories < 100000 &&
              h.n_stations < 1000000 && h.n_metrics < 10000000;
    if (ok) {
        r->seed = h.seed;
        r->events = h.events;
        r->replication = (unsigned)h.replication;
        r->n_days = (int)h.n_days;
        r->n_regions = h.n_regions;
        r->n_categories = h.n_categories;
        r->bottleneck = h.bottleneck;
        r->station_names = calloc(h.n_stations + 1, sizeof *r->station_names);
        r->metric_names = calloc(h.n_metrics + 1, sizeof *r->metric_names);
        ok = r->station_names && r->metric_names;
    }
    /* Counts grow with the names read, so that a failure frees exactly what was made. */
    for (size_t i = 0; ok && i < h.n_stations; i++, r->n_stations++)
        ok = (r->station_names[i] = take_name(blob, len, &pos)) != NULL;
    for (size_t i = 0; ok && i < h.n_metrics; i++, r->n_metrics++)
        ok = (r->metric_names[i] = take_name(blob, len, &pos)) != NULL;
    /* Each count is bounded above, so these products fit in 64 bits; they must also fit in
     * what the blob holds, before anything is allocated for them. */
    uint64_t cells64 = h.n_days * h.n_regions * h.n_categories, sdays64 = h.n_days * h.n_stations;
    if (ok)
        ok = h.n_days * h.n_regions < UINT64_C(1) << 40 && cells64 < UINT64_C(1) << 40 &&
             cells64 <= len / sizeof(af_daily_cell) && sdays64 <= len / sizeof(af_station_day) &&
             h.n_metrics <= len / sizeof(double) && h.n_stations <= len && h.n_metrics <= len;
    if (ok) {
        size_t cells = (size_t)cells64, sdays = (size_t)sdays64;
        r->daily = malloc((cells + 1) * sizeof *r->daily);
        r->stations = malloc((sdays + 1) * sizeof *r->stations);
        r->metrics = malloc((h.n_metrics + 1) * sizeof *r->metrics);
        ok = r->daily && r->stations && r->metrics &&
             take(blob, len, &pos, r->daily, cells * sizeof *r->daily) &&
             take(blob, len, &pos, r->stations, sdays * sizeof *r->stations) &&
             take(blob, len, &pos, r->metrics, h.n_metrics * sizeof *r->metrics);
    }
    if (ok && pos < len) ok = take_positions(blob, len, &pos, r);
    if (ok) ok = pos == len;
    if (!ok) {
        af_result_free(r);
        return af_error_set(err, AF_INVAL, "damaged daily tables (or tables of another build)");
    }
    *out = r;
    return AF_OK;
}

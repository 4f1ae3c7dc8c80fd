/* MPI transport for experiments (meson -Dmpi=enabled; without it, stubs).
 *
 * Rank 0 runs the experiment as usual: it owns the store, decides the jobs, writes every
 * result. The other ranks are servers: each says hello, then loops on "here is a job" →
 * run it → "here is its result", until rank 0 says stop. Rank 0 may send a server its next
 * job while it runs one (the runner's `depth`), so that the server does not wait for rank 0
 * to notice a result; a server sends a result without waiting for rank 0 to take it
 * (MPI_Isend, completed before the next), and waits for messages by polling with short
 * sleeps rather than in MPI's busy wait, so that an idle server leaves its core to the
 * threads of rank 0 (the last jobs, the export). A job message carries the scenario
 * file and the point's overrides, so a server needs nothing from the command line and the
 * same servers work for sweeps, comparisons and the successive rounds of a target search.
 * Only the thread that called af_exp_mpi_init uses MPI (MPI_THREAD_FUNNELED); servers run
 * one job at a time (run one rank per core).
 *
 * MPI is process-wide state by nature; it lives in the few statics below.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "experiment/exp_internal.h"

#ifdef AF_HAVE_MPI
#include <mpi.h>

enum { TAG_HELLO = 1, TAG_JOB, TAG_RESULT, TAG_STOP };
/* A rank's state on rank 0: not heard from yet, stopped, or the number of jobs in hand. */
enum { RANK_UNKNOWN = -1, RANK_STOPPED = -2 };

static int g_inited, g_rank, g_size = 1;
static int *g_state; /* [g_size] on rank 0 */

bool af_exp_mpi_built(void) { return true; }
int exp_mpi_size(void) { return g_size; }

static bool launched_by_mpirun(void)
{
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK",
                                       "PMI_RANK", "MPI_LOCALNRANKS"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        if (getenv(vars[i])) return true;
    return false;
}

/* When Open MPI says every rank is on this host, there is no network to reach: name shared
 * memory as the transport (Open MPI's default selection otherwise opens and probes the network
 * ones, a quarter of a second at every start) and leave out hwloc's discovery of I/O devices
 * (it reads the configuration of every PCI device and tries to reach an X display on each of
 * :0 to :N, half of what MPI_Init cost here; the jobs' messages do not care which network card
 * is nearest). A setting of the user's own (the same variables, set before mpirun) wins. On the
 * project's 2-core machine this took MPI_Init from about 0.1 s to 0.05 s. */
static void single_host_defaults(void)
{
    const char *size = getenv("OMPI_COMM_WORLD_SIZE");
    const char *local = getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
    if (!size || !local || strcmp(size, local) != 0) return;
    setenv("OMPI_MCA_pml", "ob1", 0);
#if defined(OMPI_MAJOR_VERSION) && OMPI_MAJOR_VERSION >= 5
    setenv("OMPI_MCA_btl", "self,sm", 0); /* Open MPI 5 renamed vader to sm */
#else
    setenv("OMPI_MCA_btl", "self,vader", 0);
#endif
    setenv("HWLOC_COMPONENTS", "-gl,-opencl,-pci,-linuxio", 0);
}

af_status af_exp_mpi_init(int *argc, char ***argv, int *rank, int *size, af_error *err)
{
    *rank = 0;
    *size = 1;
    if (g_inited) {
        *rank = g_rank;
        *size = g_size;
        return AF_OK;
    }
    if (!launched_by_mpirun()) return AF_OK;
    single_host_defaults();
    int provided = 0;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
        return af_error_set(err, AF_INTERNAL, "MPI_Init_thread failed");
    g_inited = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &g_size);
    if (provided < MPI_THREAD_FUNNELED) {
        af_exp_mpi_finalize();
        return af_error_set(err, AF_INTERNAL, "this MPI does not allow threads");
    }
    if (g_rank == 0 && g_size > 1) {
        g_state = calloc((size_t)g_size, sizeof *g_state);
        if (!g_state) return af_error_set(err, AF_NOMEM, "out of memory");
        for (int i = 1; i < g_size; i++) g_state[i] = RANK_UNKNOWN;
    }
    *rank = g_rank;
    *size = g_size;
    return AF_OK;
}

/* ---- messages: fixed 64-bit fields, then strings each ending in NUL ---- */

static void put_u64(af_buf *b, uint64_t v) { af_buf_putn(b, (const char *)&v, sizeof v); }
static void put_f64(af_buf *b, double v) { af_buf_putn(b, (const char *)&v, sizeof v); }
static void put_str(af_buf *b, const char *s) { af_buf_putn(b, s, strlen(s) + 1); }

typedef struct reader {
    const char *p, *end;
    bool bad;
} reader;

static uint64_t get_u64(reader *r)
{
    uint64_t v = 0;
    if (r->end - r->p < (long)sizeof v) {
        r->bad = true;
        return 0;
    }
    memcpy(&v, r->p, sizeof v);
    r->p += sizeof v;
    return v;
}

static double get_f64(reader *r)
{
    double v = 0;
    if (r->end - r->p < (long)sizeof v) {
        r->bad = true;
        return 0;
    }
    memcpy(&v, r->p, sizeof v);
    r->p += sizeof v;
    return v;
}

static const char *get_str(reader *r)
{
    const char *s = r->p;
    const char *nul = memchr(s, '\0', (size_t)(r->end - r->p));
    if (!nul) {
        r->bad = true;
        return "";
    }
    r->p = nul + 1;
    return s;
}

/* Receives the next message from `source` (or any) into a malloc'ed buffer. */
static af_status recv_any(int source, int *tag, int *from, char **buf, int *len, af_error *err)
{
    MPI_Status status;
    MPI_Probe(source, MPI_ANY_TAG, MPI_COMM_WORLD, &status);
    MPI_Get_count(&status, MPI_BYTE, len);
    *buf = malloc(*len > 0 ? (size_t)*len : 1);
    if (!*buf) return af_error_set(err, AF_NOMEM, "out of memory");
    MPI_Recv(*buf, *len, MPI_BYTE, status.MPI_SOURCE, status.MPI_TAG, MPI_COMM_WORLD,
             MPI_STATUS_IGNORE);
    *tag = status.MPI_TAG;
    *from = status.MPI_SOURCE;
    return AF_OK;
}

/* ---- rank 0 ---- */

size_t exp_mpi_idle(unsigned depth)
{
    size_t n = 0;
    for (int i = 1; i < g_size && g_state; i++)
        if (g_state[i] >= 0 && (unsigned)g_state[i] < depth) n += depth - (unsigned)g_state[i];
    return n;
}

size_t exp_mpi_busy(void)
{
    size_t n = 0;
    for (int i = 1; i < g_size && g_state; i++)
        if (g_state[i] > 0) n += (size_t)g_state[i];
    return n;
}

/* Takes in every message waiting; a result goes to *r (one at a time). */
static af_status take_messages(exp_job_result **r, af_error *err)
{
    int flag = 0;
    MPI_Status status;
    while (!*r && (MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &status),
                   flag)) {
        int tag = -1, from = -1, len = 0; /* set by the receive (read only after it succeeds) */
        char *buf;
        af_status st = recv_any(status.MPI_SOURCE, &tag, &from, &buf, &len, err);
        if (st != AF_OK) return st;
        if (tag == TAG_HELLO) {
            g_state[from] = 0;
        } else if (tag == TAG_RESULT) {
            if (g_state[from] > 0) g_state[from]--;
            reader rd = {buf, buf + len, false};
            exp_job_result *res = calloc(1, sizeof *res);
            if (!res) {
                free(buf);
                return af_error_set(err, AF_NOMEM, "out of memory");
            }
            exp_metrics_init(&res->metrics);
            res->job = get_u64(&rd);
            res->point = (size_t)get_u64(&rd);
            res->replication = (unsigned)get_u64(&rd);
            res->seed = get_u64(&rd);
            res->status = (af_status)get_u64(&rd);
            res->seconds = get_f64(&rd);
            res->rank = from;
            size_t n = (size_t)get_u64(&rd);
            const char *vals = rd.p;
            rd.p += n * sizeof(double);
            if (rd.p > rd.end) rd.bad = true;
            for (size_t i = 0; i < n && !rd.bad; i++) {
                double v;
                memcpy(&v, vals + i * sizeof v, sizeof v);
                if (af_exp_metrics_add(&res->metrics, get_str(&rd), v) != AF_OK)
                    res->status = AF_NOMEM;
            }
            const char *msg = rd.bad ? "" : get_str(&rd);
            af_buf_init(&res->tables);
            size_t n_tables = rd.bad ? 0 : (size_t)get_u64(&rd);
            if (!rd.bad && n_tables > (size_t)(rd.end - rd.p)) rd.bad = true;
            if (!rd.bad && n_tables) {
                af_buf_putn(&res->tables, rd.p, n_tables);
                if (res->tables.failed) res->status = AF_NOMEM;
            }
            if (rd.bad) res->status = AF_INTERNAL;
            if (res->status != AF_OK)
                af_error_set(&res->err, res->status, "rank %d: %s", from,
                             *msg ? msg : af_strerror(res->status));
            *r = res;
        }
        free(buf);
    }
    return AF_OK;
}

af_status exp_mpi_poll(exp_job_result **r, af_error *err)
{
    *r = NULL;
    if (!g_state) return AF_OK;
    return take_messages(r, err);
}

af_status exp_mpi_send_job(const exp_mpi_job *job, unsigned depth, af_error *err)
{
    int to = 0;
    for (int i = 1; i < g_size; i++)
        if (g_state[i] >= 0 && (unsigned)g_state[i] < depth && (!to || g_state[i] < g_state[to]))
            to = i;
    if (!to) return af_error_set(err, AF_INTERNAL, "no idle rank");
    af_buf b;
    af_buf_init(&b);
    put_u64(&b, job->job);
    put_u64(&b, job->point);
    put_u64(&b, job->replication);
    put_u64(&b, job->seed);
    put_u64(&b, (uint64_t)job->tables | (uint64_t)job->tables_optional << 1);
    put_u64(&b, job->p->n_overrides);
    put_str(&b, job->p->scenario);
    for (size_t i = 0; i < job->p->n_overrides; i++) put_str(&b, job->p->overrides[i]);
    if (b.failed) {
        af_buf_free(&b);
        return af_error_set(err, AF_NOMEM, "out of memory");
    }
    MPI_Send(b.data, (int)b.len, MPI_BYTE, to, TAG_JOB, MPI_COMM_WORLD);
    af_buf_free(&b);
    g_state[to]++;
    return AF_OK;
}

void af_exp_mpi_finalize(void)
{
    if (!g_inited) return;
    if (g_rank == 0 && g_state) {
        for (int i = 1; i < g_size; i++) {
            /* Wait for the hello of a rank not heard from yet (and any result still on its
             * way), so that no message is left unreceived. */
            while (g_state[i] == RANK_UNKNOWN || g_state[i] > 0) {
                int tag = -1, from = -1, len = 0; /* set by the receive (read only after it succeeds) */
                char *buf = NULL;
                if (recv_any(i, &tag, &from, &buf, &len, NULL) != AF_OK) break;
                free(buf);
                if (tag == TAG_HELLO) g_state[i] = 0;
                else if (tag == TAG_RESULT && g_state[i] > 0) g_state[i]--;
            }
            MPI_Send(NULL, 0, MPI_BYTE, i, TAG_STOP, MPI_COMM_WORLD);
            g_state[i] = RANK_STOPPED;
        }
        free(g_state);
        g_state = NULL;
    }
    MPI_Finalize();
    g_inited = 0;
    g_size = 1;
}

/* ---- the other ranks ---- */

/* Waits for rank 0's next message without MPI's busy wait: probes, and sleeps between probes
 * from 20 microseconds up to 1 ms while nothing comes. */
static void wait_for_message(void)
{
    long ns = 20000;
    for (;;) {
        int flag = 0;
        MPI_Iprobe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE);
        if (flag) return;
        struct timespec ts = {0, ns};
        nanosleep(&ts, NULL);
        if (ns < 1000000) ns *= 2;
    }
}

af_status af_exp_mpi_serve(const af_exp_model *m, af_error *err)
{
    if (!g_inited || g_rank == 0) return AF_OK;
    MPI_Send(NULL, 0, MPI_BYTE, 0, TAG_HELLO, MPI_COMM_WORLD);
    af_exp_metrics metrics;
    exp_metrics_init(&metrics);
    char *cached_spec = NULL;
    size_t cached_len = 0;
    void *handle = NULL;
    af_status failed = AF_OK;
    af_buf sent; /* the result on its way, until its request completes */
    af_buf_init(&sent);
    MPI_Request sending = MPI_REQUEST_NULL;
    for (;;) {
        int tag = -1, from = -1, len = 0; /* set by the receive (read only after it succeeds) */
        char *buf;
        wait_for_message();
        af_status st = recv_any(0, &tag, &from, &buf, &len, err);
        if (st != AF_OK) {
            failed = st;
            break;
        }
        if (tag == TAG_STOP) {
            free(buf);
            break;
        }
        reader rd = {buf, buf + len, false};
        uint64_t job = get_u64(&rd), point = get_u64(&rd), rep = get_u64(&rd),
                 seed = get_u64(&rd), tables = get_u64(&rd), n_ov = get_u64(&rd);
        const char *spec = rd.p; /* scenario and overrides: the point's identity */
        size_t spec_len = (size_t)(rd.end - rd.p);
        const char *scenario = get_str(&rd);
        const char **ov = calloc(n_ov ? n_ov : 1, sizeof *ov);
        for (uint64_t i = 0; ov && i < n_ov; i++) ov[i] = get_str(&rd);
        af_error jerr;
        af_error_clear(&jerr);
        af_status js = AF_OK;
        if (!ov || rd.bad) js = af_error_set(&jerr, rd.bad ? AF_INTERNAL : AF_NOMEM,
                                             "bad job message");
        if (js == AF_OK && !(handle && cached_len == spec_len &&
                             !memcmp(cached_spec, spec, spec_len))) {
            if (handle) m->release(m->ctx, handle);
            handle = NULL;
            free(cached_spec);
            cached_spec = malloc(spec_len ? spec_len : 1);
            cached_len = spec_len;
            af_exp_point_info info;
            if (!cached_spec)
                js = af_error_set(&jerr, AF_NOMEM, "out of memory");
            else {
                memcpy(cached_spec, spec, spec_len);
                js = m->prepare(m->ctx, scenario, ov, (size_t)n_ov, &handle, &info, &jerr);
            }
            if (js != AF_OK) handle = NULL;
        }
        exp_metrics_reset(&metrics);
        metrics.want_result = tables != 0;
        af_buf packed;
        af_buf_init(&packed);
        double t0 = exp_now();
        if (js == AF_OK) js = m->replicate(m->ctx, handle, seed, (unsigned)rep, &metrics, &jerr);
        if (js == AF_OK && metrics.failed) js = af_error_set(&jerr, AF_NOMEM, "out of memory");
        if (js == AF_OK && tables) {
            /* The same packing as a worker thread's (exp_job_take_tables). */
            exp_job_result jr;
            memset(&jr, 0, sizeof jr);
            jr.replication = (unsigned)rep;
            jr.metrics.result = metrics.result;
            metrics.result = NULL;
            js = exp_job_take_tables(&jr, true, (tables >> 1) & 1);
            if (js != AF_OK) jerr = jr.err;
            packed = jr.tables;
        }
        double seconds = exp_now() - t0;
        free(ov);
        free(buf);
        af_buf b;
        af_buf_init(&b);
        put_u64(&b, job);
        put_u64(&b, point);
        put_u64(&b, rep);
        put_u64(&b, seed);
        put_u64(&b, (uint64_t)js);
        put_f64(&b, seconds);
        size_t n = js == AF_OK ? metrics.n : 0;
        put_u64(&b, n);
        for (size_t i = 0; i < n; i++) put_f64(&b, metrics.values[i]);
        for (size_t i = 0; i < n; i++) put_str(&b, exp_metrics_name(&metrics, i));
        put_str(&b, js == AF_OK ? "" : jerr.message);
        put_u64(&b, js == AF_OK ? packed.len : 0);
        if (js == AF_OK && packed.len) af_buf_putn(&b, packed.data, packed.len);
        af_buf_free(&packed);
        if (b.failed) {
            failed = af_error_set(err, AF_NOMEM, "out of memory");
            af_buf_free(&b);
            break;
        }
        MPI_Wait(&sending, MPI_STATUS_IGNORE);
        af_buf_free(&sent);
        sent = b;
        MPI_Isend(sent.data, (int)sent.len, MPI_BYTE, 0, TAG_RESULT, MPI_COMM_WORLD, &sending);
    }
    MPI_Wait(&sending, MPI_STATUS_IGNORE);
    af_buf_free(&sent);
    if (handle) m->release(m->ctx, handle);
    free(cached_spec);
    exp_metrics_free(&metrics);
    return failed;
}

#else /* no MPI */

bool af_exp_mpi_built(void) { return false; }
int exp_mpi_size(void) { return 1; }
size_t exp_mpi_idle(unsigned depth)
{
    (void)depth;
    return 0;
}
size_t exp_mpi_busy(void) { return 0; }

af_status af_exp_mpi_init(int *argc, char ***argv, int *rank, int *size, af_error *err)
{
    (void)argc;
    (void)argv;
    (void)err;
    *rank = 0;
    *size = 1;
    return AF_OK;
}

af_status af_exp_mpi_serve(const af_exp_model *m, af_error *err)
{
    (void)m;
    (void)err;
    return AF_OK;
}

void af_exp_mpi_finalize(void) {}

af_status exp_mpi_send_job(const exp_mpi_job *job, unsigned depth, af_error *err)
{
    (void)job;
    (void)depth;
    return af_error_set(err, AF_INTERNAL, "built without MPI");
}

af_status exp_mpi_poll(exp_job_result **r, af_error *err)
{
    (void)err;
    *r = NULL;
    return AF_OK;
}

#endif
